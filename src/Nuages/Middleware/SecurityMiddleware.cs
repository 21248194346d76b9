using System.Globalization;
using System.Text.RegularExpressions;
using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// Django's SecurityMiddleware: the HTTPS redirect (with exempt paths), Strict-Transport-Security on
/// HTTPS responses, and the nosniff, Referrer-Policy and Cross-Origin-Opener-Policy headers — each
/// only when the response does not set it itself. Header work only: inline in both modes.
/// </summary>
[NonBlocking]
public sealed class SecurityMiddleware : MiddlewareMixin
{
    private readonly Settings _settings;
    private readonly Regex[] _exempt;
    private readonly string? _sts;
    private readonly string? _referrerPolicy;

    /// <summary>Builds the middleware from the <c>Secure…</c> settings.</summary>
    public SecurityMiddleware(Next next, Settings settings) : base(next)
    {
        _settings = settings;
        _exempt = [.. settings.SecureRedirectExempt.Select(pattern => new Regex(pattern, RegexOptions.CultureInvariant))];
        if (settings.SecureHstsSeconds > 0)
        {
            _sts = "max-age=" + settings.SecureHstsSeconds.ToString(CultureInfo.InvariantCulture);
            if (settings.SecureHstsIncludeSubdomains) _sts += "; includeSubDomains";
            if (settings.SecureHstsPreload) _sts += "; preload";
        }
        if (!string.IsNullOrEmpty(settings.SecureReferrerPolicy))
            _referrerPolicy = string.Join(',', settings.SecureReferrerPolicy.Split(',').Select(v => v.Trim()));
    }

    /// <inheritdoc />
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        if (!_settings.SecureSslRedirect || request.IsSecure) return null;
        var path = request.Path.TrimStart('/');
        if (_exempt.Any(regex => regex.IsMatch(path))) return null;
        return new HttpResponsePermanentRedirect($"https://{_settings.SecureSslHost ?? request.GetHost()}{request.GetFullPath()}");
    }

    /// <inheritdoc />
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        if (_sts is not null && request.IsSecure) response.Headers.SetDefault("Strict-Transport-Security", _sts);
        if (_settings.SecureContentTypeNosniff) response.Headers.SetDefault("X-Content-Type-Options", "nosniff");
        if (_referrerPolicy is not null) response.Headers.SetDefault("Referrer-Policy", _referrerPolicy);
        if (!string.IsNullOrEmpty(_settings.SecureCrossOriginOpenerPolicy))
            response.Headers.SetDefault("Cross-Origin-Opener-Policy", _settings.SecureCrossOriginOpenerPolicy);
        return response;
    }
}
