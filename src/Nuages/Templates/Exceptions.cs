namespace Nuages.Templates;

/// <summary>
/// A template that cannot be parsed (Django's <c>TemplateSyntaxError</c>): the message says what is wrong, and
/// <see cref="TemplateName"/>, <see cref="Line"/> and <see cref="Token"/> where.
/// </summary>
public sealed class TemplateSyntaxError(string message) : Exception(message)
{
    /// <summary>The token the error is about, when known.</summary>
    public Token? Token { get; internal set; }

    /// <summary>The template's name, when known.</summary>
    public string? TemplateName { get; internal set; }

    /// <summary>The line of the token.</summary>
    public int? Line => Token?.Line;

    /// <summary>The template's source, for the debug page.</summary>
    public string? TemplateSource { get; internal set; }
}

/// <summary>
/// No loader found the template (Django's <c>TemplateDoesNotExist</c>); the message is the name (the names, for
/// <c>SelectTemplate</c>) and <see cref="Tried"/> lists where each loader looked and why each place failed.
/// </summary>
public sealed class TemplateDoesNotExist(string name, IReadOnlyList<(string Origin, string Loader, string Status)>? tried = null) : Exception(name)
{
    /// <summary>The places looked at: the path (or name), the loader and the reason (<c>Source does not exist</c>…).</summary>
    public IReadOnlyList<(string Origin, string Loader, string Status)> Tried { get; } = tried ?? [];
}

/// <summary>A variable that could not be resolved (Django's <c>VariableDoesNotExist</c>): raised where Django raises it, with its message.</summary>
public sealed class VariableDoesNotExist(string message) : Exception(message);

/// <summary>Where in a template an exception was raised, kept beside the exception for the debug page (Django's <c>template_debug</c>).</summary>
public sealed record TemplateDebugInfo(string TemplateName, Token Token, string Source)
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Exception, TemplateDebugInfo> Table = [];

    /// <summary>The template position recorded for <paramref name="exception"/>, if it came from a template.</summary>
    public static TemplateDebugInfo? Of(Exception exception) => Table.TryGetValue(exception, out var info) ? info : null;

    internal static void Record(Exception exception, TemplateDebugInfo info) => Table.TryAdd(exception, info);
}
