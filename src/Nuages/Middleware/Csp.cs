using System.Collections;
using System.Security.Cryptography;
using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// Django 6.0's Content Security Policy support (<c>django.utils.csp.CSP</c>): source constants, the nonce
/// sentinel, and the policy builder. A policy maps directives to a value: a string or list of sources,
/// <c>true</c> for a bare directive, <c>false</c>/<c>null</c> to leave it out.
/// </summary>
public static class Csp
{
    /// <summary>The enforcing header.</summary>
    public const string HeaderEnforce = "Content-Security-Policy";

    /// <summary>The report-only header.</summary>
    public const string HeaderReportOnly = "Content-Security-Policy-Report-Only";

    /// <summary>Replaced by <c>'nonce-…'</c> when the view used the request's nonce, else removed.</summary>
    public const string Nonce = "<CSP_NONCE_SENTINEL>";

    /// <summary><c>'self'</c>.</summary>
    public const string Self = "'self'";

    /// <summary><c>'none'</c>.</summary>
    public const string None = "'none'";

    /// <summary><c>'unsafe-inline'</c>.</summary>
    public const string UnsafeInline = "'unsafe-inline'";

    /// <summary><c>'unsafe-eval'</c>.</summary>
    public const string UnsafeEval = "'unsafe-eval'";

    /// <summary><c>'strict-dynamic'</c>.</summary>
    public const string StrictDynamic = "'strict-dynamic'";

    /// <summary>The request's nonce, made on first use; a response whose view never asked carries none.</summary>
    public static string GetNonce(HttpRequest request) =>
        request.CspNonce ??= Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Django's <c>build_policy</c>: <c>directive value value; directive …</c>, sets sorted, the nonce sentinel resolved.</summary>
    public static string BuildPolicy(IReadOnlyDictionary<string, object?> config, string? nonce)
    {
        var policy = new List<string>();
        foreach (var (directive, raw) in config)
        {
            if (raw is null or false) continue;
            string rendered;
            if (raw is true) rendered = "";
            else
            {
                List<string> values = raw switch
                {
                    string single => [single],
                    ISet<string> set => [.. set.Order(StringComparer.Ordinal)],
                    IEnumerable many => [.. many.Cast<object>().Select(v => v.ToString() ?? "")],
                    _ => [raw.ToString() ?? ""],
                };
                values = nonce is not null
                    ? [.. values.Select(v => v == Nonce ? $"'nonce-{nonce}'" : v)]
                    : [.. values.Where(v => v != Nonce)];
                if (values.Count == 0) continue;
                rendered = string.Join(' ', values);
            }
            policy.Add($"{directive} {rendered}".TrimEnd());
        }
        return string.Join("; ", policy);
    }
}

/// <summary>
/// Django 6.0's ContentSecurityPolicyMiddleware: adds Content-Security-Policy from <c>SecureCsp</c> and
/// Content-Security-Policy-Report-Only from <c>SecureCspReportOnly</c> (or a view's override), with the
/// request's nonce when the view used it; a header the response already has is kept. Inline in both modes.
/// </summary>
[NonBlocking]
public sealed class ContentSecurityPolicyMiddleware(Next next, Conf.Settings settings) : MiddlewareMixin(next)
{
    /// <inheritdoc />
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        // With Debug on, Django's technical 404 and 500 pages must render unhindered.
        if (settings.Debug && response.StatusCode is 404 or 500) return response;
        foreach (var (header, config) in new[] { (Csp.HeaderEnforce, response.CspConfig ?? settings.SecureCsp), (Csp.HeaderReportOnly, response.CspReportOnlyConfig ?? settings.SecureCspReportOnly) })
        {
            if (config is not { Count: > 0 } || response.Headers.Contains(header)) continue;
            response[header] = Csp.BuildPolicy(config, request.CspNonce);
        }
        return response;
    }
}
