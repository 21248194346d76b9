using Nuages.Conf;
using Nuages.Http;
using Nuages.Views.Decorators;

namespace Nuages.Views;

/// <summary>
/// Django's <c>SafeExceptionReporterFilter</c>: what error reports may show. With <c>Debug</c> on it hides
/// nothing (spec D-67); with it off, the POST values named by <see cref="SensitivePostParametersAttribute"/>
/// and the variables named by <see cref="SensitiveVariablesAttribute"/> become <see cref="Placeholder"/>.
/// </summary>
public sealed class ExceptionReporterFilter(Settings settings)
{
    /// <summary>What a hidden value is replaced by.</summary>
    public const string Placeholder = "********************";

    internal static readonly IReadOnlyList<string> All = ["__ALL__"];

    /// <summary>The filter of the site serving <paramref name="request"/>.</summary>
    public static ExceptionReporterFilter For(HttpRequest request) => new(request.Settings);

    /// <summary>Whether redaction applies (Debug off).</summary>
    public bool IsActive => !settings.Debug;

    /// <summary>The request's POST fields as a report may show them: every key, sensitive values hidden (spec D-65).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GetPostParameters(HttpRequest request)
    {
        var fields = request.Form.ToList();
        if (!IsActive || request.SensitivePostParameters is not { } sensitive) return fields;
        var all = ReferenceEquals(sensitive, All);
        return fields.Select(f => all || sensitive.Contains(f.Key) ? new KeyValuePair<string, string>(f.Key, Placeholder) : f).ToList();
    }

    /// <summary>
    /// The variables of <paramref name="view"/> as a report may show them: names kept, the values
    /// its <see cref="SensitiveVariablesAttribute"/> names (all, with no names) hidden (spec D-66).
    /// </summary>
    public IReadOnlyDictionary<string, object?> CleanseVariables(Delegate view, IReadOnlyDictionary<string, object?> variables)
    {
        if (!IsActive) return variables;
        var sensitive = ViewDescriptor.For(view).Decorators.OfType<SensitiveVariablesAttribute>().FirstOrDefault();
        if (sensitive is null) return variables;
        return variables.ToDictionary(v => v.Key, v => sensitive.Names.Count == 0 || sensitive.Names.Contains(v.Key) ? Placeholder : v.Value);
    }
}
