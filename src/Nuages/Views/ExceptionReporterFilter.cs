using Nuages.Conf;
using Nuages.Http;
using Nuages.Views.Decorators;

namespace Nuages.Views;

/// <summary>
/// Django's <c>SafeExceptionReporterFilter</c>: what error reports may show. With <c>Debug</c> on it hides
/// nothing (as django/views/decorators/debug.py); with it off, the POST values named by <see cref="SensitivePostParametersAttribute"/>
/// and the variables named by <see cref="SensitiveVariablesAttribute"/> become <see cref="Placeholder"/>.
/// </summary>
public sealed partial class ExceptionReporterFilter(Settings settings)
{
    /// <summary>What a hidden value is replaced by.</summary>
    public const string Placeholder = "********************";

    internal static readonly IReadOnlyList<string> All = ["__ALL__"];

    /// <summary>The filter of the site serving <paramref name="request"/>.</summary>
    public static ExceptionReporterFilter For(HttpRequest request) => new(request.Settings);

    /// <summary>Whether redaction applies (Debug off).</summary>
    public bool IsActive => !settings.Debug;

    // Django's SafeExceptionReporterFilter.hidden_settings: names whose values a report never shows.
    [System.Text.RegularExpressions.GeneratedRegex("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex HiddenNames();

    /// <summary>
    /// A named value as a report shows it (Django's <c>cleanse_setting</c>): hidden when its name says it is a
    /// credential — <c>HTTP_AUTHORIZATION</c>, <c>HTTP_X_API_KEY</c>, <c>HTTP_COOKIE</c>, <c>SecretKey</c>. Applied
    /// whatever <c>Debug</c> says, since the Debug page is where it shows.
    /// </summary>
    public static string Cleanse(string name, string value) => HiddenNames().IsMatch(name) ? Placeholder : value;

    /// <summary>The request's META as a report may show it: credentials hidden (Django's <c>get_safe_request_meta</c>).</summary>
    public static IEnumerable<KeyValuePair<string, string>> GetSafeRequestMeta(HttpRequest request) =>
        request.Meta.Select(m => new KeyValuePair<string, string>(m.Key, Cleanse(m.Key, m.Value)));

    /// <summary>The request's cookies as a report may show them: those named like credentials (<c>csrftoken</c>) hidden.</summary>
    public static IEnumerable<KeyValuePair<string, string>> GetSafeCookies(HttpRequest request) =>
        request.Cookies.Select(c => new KeyValuePair<string, string>(c.Key, Cleanse(c.Key, c.Value)));

    /// <summary>The request's POST fields as a report may show them: every key, sensitive values hidden (as django/views/decorators/debug.py).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GetPostParameters(HttpRequest request)
    {
        var fields = request.Form.ToList();
        if (!IsActive || request.SensitivePostParameters is not { } sensitive) return fields;
        var all = ReferenceEquals(sensitive, All);
        return fields.Select(f => all || sensitive.Contains(f.Key) ? new KeyValuePair<string, string>(f.Key, Placeholder) : f).ToList();
    }

    /// <summary>
    /// The variables of <paramref name="view"/> as a report may show them: names kept, the values
    /// its <see cref="SensitiveVariablesAttribute"/> names (all, with no names) hidden (as django/views/decorators/debug.py).
    /// </summary>
    public IReadOnlyDictionary<string, object?> CleanseVariables(Delegate view, IReadOnlyDictionary<string, object?> variables)
    {
        if (!IsActive) return variables;
        var sensitive = ViewDescriptor.For(view).Decorators.OfType<SensitiveVariablesAttribute>().FirstOrDefault();
        if (sensitive is null) return variables;
        return variables.ToDictionary(v => v.Key, v => sensitive.Names.Count == 0 || sensitive.Names.Contains(v.Key) ? Placeholder : v.Value);
    }
}
