using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>sensitive_post_parameters</c>: error reports (with <c>Debug</c> off) show these POST
/// fields' keys but not their values; with no names, no value at all (as django/views/decorators/debug.py).
/// </summary>
public sealed class SensitivePostParametersAttribute(params string[] names) : ViewDecoratorAttribute
{
    /// <summary>The fields to hide; empty means all.</summary>
    public IReadOnlyList<string> Names { get; } = names;

    /// <inheritdoc />
    public override HttpResponse? Before(HttpRequest request)
    {
        request.SensitivePostParameters = Names.Count == 0 ? ExceptionReporterFilter.All : Names;
        return null;
    }
}

/// <summary>
/// Django's <c>sensitive_variables</c>: error reports (with <c>Debug</c> off) hide the values of these
/// variables of the view (its route arguments, and the variables it hands to
/// <see cref="ExceptionReporterFilter.CleanseVariables"/>); with no names, all of them (as django/views/decorators/debug.py).
/// </summary>
public sealed class SensitiveVariablesAttribute(params string[] names) : ViewDecoratorAttribute
{
    /// <summary>The variables to hide; empty means all.</summary>
    public IReadOnlyList<string> Names { get; } = names;
}
