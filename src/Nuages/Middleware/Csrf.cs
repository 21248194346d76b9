using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Nuages.Core;
using Nuages.Http;
using Nuages.Views.Decorators;

namespace Nuages.Middleware;

/// <summary>
/// Django's CSRF protection: a 32-character secret in the <c>csrftoken</c> cookie, 64-character masked
/// tokens for forms and headers (<see cref="GetToken"/>), Origin and Referer checks, and the exact
/// rejection reasons. Shared by <see cref="CsrfViewMiddleware"/> and the CSRF decorators.
/// </summary>
public static partial class Csrf
{
    private const string AllowedChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const int SecretLength = 32;
    private const int TokenLength = 64;

    /// <summary>The token to put in a form (<c>csrfmiddlewaretoken</c>) or an <c>X-CSRFToken</c> header; asking for it makes the response send the cookie.</summary>
    public static string GetToken(HttpRequest request)
    {
        if (State(request).Secret is { } secret) State(request).CookieNeedsUpdate = true;
        else secret = AddNewCookie(request);
        return Mask(secret);
    }

    /// <summary>
    /// A new secret for the request's CSRF cookie (Django's <c>rotate_token</c>), as login does so that a token seen
    /// before logging in is worth nothing after.
    /// </summary>
    public static void RotateToken(HttpRequest request) => AddNewCookie(request);

    private static string AddNewCookie(HttpRequest request)
    {
        var secret = RandomString(SecretLength);
        State(request).Secret = secret;
        State(request).CookieNeedsUpdate = true;
        return secret;
    }

    private static string RandomString(int length) => RandomNumberGenerator.GetString(AllowedChars, length);

    private static string Mask(string secret)
    {
        var mask = RandomString(SecretLength);
        var cipher = new char[SecretLength];
        for (var i = 0; i < SecretLength; i++) cipher[i] = AllowedChars[(AllowedChars.IndexOf(secret[i]) + AllowedChars.IndexOf(mask[i])) % AllowedChars.Length];
        return mask + new string(cipher);
    }

    private static string Unmask(string token)
    {
        var secret = new char[SecretLength];
        for (var i = 0; i < SecretLength; i++)
        {
            var index = AllowedChars.IndexOf(token[SecretLength + i]) - AllowedChars.IndexOf(token[i]);
            secret[i] = AllowedChars[(index + AllowedChars.Length) % AllowedChars.Length];
        }
        return new string(secret);
    }

    [GeneratedRegex("[^a-zA-Z0-9]")]
    private static partial Regex InvalidChars();

    /// <summary>As django/middleware/csrf.py does: 32 or 64 alphanumerics; the reason otherwise.</summary>
    private static string? FormatProblem(string token) =>
        token.Length is not (SecretLength or TokenLength) ? "has incorrect length"
        : InvalidChars().IsMatch(token) ? "has invalid characters"
        : null;

    /// <summary>The cookie's secret (unmasked), null without a cookie; throws the format problem.</summary>
    private static string? CookieSecret(HttpRequest request, out string? problem)
    {
        problem = null;
        if (!request.Cookies.TryGetValue(request.Settings.CsrfCookieName, out var cookie)) return null;
        problem = FormatProblem(cookie);
        if (problem is not null) return null;
        return cookie.Length == TokenLength ? Unmask(cookie) : cookie;
    }

    /// <summary>Reads the cookie; a malformed one is replaced by a fresh secret to send (as django/middleware/csrf.py).</summary>
    internal static void ProcessRequest(HttpRequest request)
    {
        var secret = CookieSecret(request, out var problem);
        if (problem is not null) AddNewCookie(request);
        else if (secret is not null) State(request).Secret = secret;
    }

    /// <summary>The check: null to go on, else the reason to reject (as django/middleware/csrf.py).</summary>
    internal static string? Check(HttpRequest request, bool exempt)
    {
        if (request.CsrfProcessingDone || exempt) return null;
        if (request.Method is "GET" or "HEAD" or "OPTIONS" or "TRACE" || State(request).DontEnforceChecks) return Accept(request);
        if (request.Headers.Get("Origin") is { } origin)
        {
            if (!OriginVerified(request, origin)) return $"Origin checking failed - {origin} does not match any trusted origins.";
        }
        else if (request.IsSecure && RefererProblem(request) is { } referer) return referer;
        return TokenProblem(request) ?? Accept(request);
    }

    private static string? Accept(HttpRequest request)
    {
        request.CsrfProcessingDone = true; // as django/middleware/csrf.py does
        return null;
    }

    private static bool OriginVerified(HttpRequest request, string origin)
    {
        try
        {
            if (origin == $"{(request.IsSecure ? "https" : "http")}://{request.GetHost()}") return true;
        }
        catch (DisallowedHost)
        {
            // An origin for a host we do not serve can still be trusted explicitly.
        }
        var trusted = request.Settings.CsrfTrustedOrigins;
        if (trusted.Any(t => !t.Contains('*') && t == origin)) return true;
        if (SplitUrl(origin) is not var (scheme, netloc)) return false;
        return trusted.Where(t => t.Contains('*')).Select(SplitUrl)
            .Any(t => t is var (s, n) && s == scheme && IsSameDomain(netloc, n.TrimStart('*')));
    }

    private static string? RefererProblem(HttpRequest request)
    {
        if (request.Headers.Get("Referer") is not { } referer) return "Referer checking failed - no Referer.";
        if (SplitUrl(referer) is not var (scheme, netloc) || scheme.Length == 0 || netloc.Length == 0)
            return "Referer checking failed - Referer is malformed.";
        if (scheme != "https") return "Referer checking failed - Referer is insecure while host is secure.";
        if (request.Settings.CsrfTrustedOrigins.Select(SplitUrl).Any(t => t is var (_, host) && IsSameDomain(netloc, host.TrimStart('*')))) return null;
        string good;
        if (request.Settings.CsrfCookieDomain is { } domain)
        {
            var port = request.GetPort();
            good = port is "443" or "80" ? domain : $"{domain}:{port}";
        }
        else
        {
            try
            {
                good = request.GetHost();
            }
            catch (DisallowedHost)
            {
                return $"Referer checking failed - {referer} does not match any trusted origins.";
            }
        }
        return IsSameDomain(netloc, good) ? null : $"Referer checking failed - {referer} does not match any trusted origins.";
    }

    private static string? TokenProblem(HttpRequest request)
    {
        var secret = CookieSecret(request, out var cookieProblem);
        if (cookieProblem is not null) return $"CSRF cookie {cookieProblem}.";
        if (secret is null) return "CSRF cookie not set."; // as django/middleware/csrf.py does
        var token = "";
        var source = "POST";
        if (request.Method == "POST")
        {
            try
            {
                token = request.Form.Get("csrfmiddlewaretoken") ?? "";
            }
            catch (Exception e) when (e is SuspiciousOperation or MultiPartParserError)
            {
                token = ""; // an unreadable body counts as no token
            }
        }
        if (token.Length == 0)
        {
            // As django/middleware/csrf.py does: the header, for AJAX and for PUT/DELETE
            var header = request.Settings.CsrfHeaderName;
            if (request.Meta.Get(header) is not { } fromHeader) return "CSRF token missing.";
            token = fromHeader;
            var name = header.StartsWith("HTTP_", StringComparison.Ordinal) ? header[5..] : header;
            source = $"the '{TitleCase(name.Replace('_', '-'))}' HTTP header";
        }
        if (FormatProblem(token) is { } problem) return $"CSRF token from {source} {problem}.";
        var candidate = token.Length == TokenLength ? Unmask(token) : token;
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(candidate), System.Text.Encoding.ASCII.GetBytes(secret))
            ? null
            : $"CSRF token from {source} incorrect.";
    }

    /// <summary>Python's <c>str.title()</c> on a header name: <c>X-CSRFTOKEN</c> → <c>X-Csrftoken</c>.</summary>
    private static string TitleCase(string name)
    {
        var chars = name.ToLowerInvariant().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (char.IsLetter(chars[i]) && (i == 0 || !char.IsLetter(chars[i - 1]))) chars[i] = char.ToUpperInvariant(chars[i]);
        return new string(chars);
    }

    /// <summary>Python's <c>urlsplit</c> as far as CSRF needs it: scheme and host[:port]; null when it would raise.</summary>
    private static (string Scheme, string Netloc)? SplitUrl(string url)
    {
        var scheme = "";
        var rest = url;
        var colon = url.IndexOf(':');
        if (colon > 0 && char.IsAsciiLetter(url[0]) && url[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            scheme = url[..colon].ToLowerInvariant();
            rest = url[(colon + 1)..];
        }
        if (!rest.StartsWith("//", StringComparison.Ordinal)) return (scheme, "");
        var end = rest.IndexOfAny(['/', '?', '#'], 2);
        var netloc = end < 0 ? rest[2..] : rest[2..end];
        if (netloc.Contains('[') != netloc.Contains(']')) return null; // "Invalid IPv6 URL"
        return (scheme, netloc.ToLowerInvariant());
    }

    /// <summary>Django's <c>is_same_domain</c>: <c>.example.com</c> matches example.com and its subdomains; anything else only itself.</summary>
    internal static bool IsSameDomain(string host, string pattern) =>
        pattern.Length > 0 && (pattern.StartsWith('.') ? host.EndsWith(pattern, StringComparison.Ordinal) || host == pattern[1..] : string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase));

    /// <summary>The 403 answer, logged as "Forbidden (reason): path" on Nuages.Security.Csrf (as django/middleware/csrf.py).</summary>
    internal static HttpResponse Reject(HttpRequest request, string reason)
    {
        var views = Conf.Site.TryCurrent?.Feature(static _ => new Handlers.ErrorViews()) ?? new Handlers.ErrorViews();
        var response = views.CsrfFailure(request, reason);
        Http.RequestLog.Forbidden(request.LoggerFactory.CreateLogger("Nuages.Security.Csrf"), reason, request.Path);
        response.HasBeenLogged = true;
        return response;
    }

    /// <summary>Sends the cookie when the secret is new or a token was handed out, once (as django/middleware/csrf.py).</summary>
    internal static HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        if (!State(request).CookieNeedsUpdate || State(request).Secret is not { } secret) return response;
        var settings = request.Settings;
        response.SetCookie(settings.CsrfCookieName, secret, maxAge: settings.CsrfCookieAge, path: settings.CsrfCookiePath, domain: settings.CsrfCookieDomain,
            secure: settings.CsrfCookieSecure, httpOnly: settings.CsrfCookieHttpOnly, sameSite: settings.CsrfCookieSameSite);
        HttpHeaders.PatchVary(response, ["Cookie"]);
        State(request).CookieNeedsUpdate = false;
        return response;
    }

    /// <summary>The CSRF middleware's state for a request, kept in its features.</summary>
    internal static CsrfState State(HttpRequest request) => request.Features.GetOrAdd(static () => new CsrfState());
}

/// <summary>The CSRF secret in use for a request, whether the response must (re)send it, and the test clients' pass.</summary>
internal sealed class CsrfState
{
    public string? Secret { get; set; }

    public bool CookieNeedsUpdate { get; set; }

    /// <summary>The test clients' way of letting requests through the CSRF check, as Django's test client does.</summary>
    public bool DontEnforceChecks { get; set; }
}
