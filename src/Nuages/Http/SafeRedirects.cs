using System.Globalization;

namespace Nuages.Http;

/// <summary>
/// Whether a URL from the client (a login's <c>next</c>) is safe to redirect to (django/utils/http.py's
/// <c>url_has_allowed_host_and_scheme</c>): a relative path, or an http(s) URL on one of the allowed hosts. What
/// browsers read as another host — <c>//evil.com</c>, <c>/\evil.com</c>, <c>///evil.com</c>, a scheme without a host,
/// leading control characters, tabs and newlines inside — is refused.
/// </summary>
public static class SafeRedirects
{
    /// <summary>Django's <c>url_has_allowed_host_and_scheme</c>.</summary>
    public static bool UrlHasAllowedHostAndScheme(string? url, IEnumerable<string>? allowedHosts, bool requireHttps = false)
    {
        url = url?.Trim();
        if (string.IsNullOrEmpty(url)) return false;
        var hosts = allowedHosts as IReadOnlySet<string> ?? new HashSet<string>(allowedHosts ?? [], StringComparer.Ordinal);
        // browsers treat \ as / in paths, but it may belong to credentials: both readings must be safe
        return IsAllowed(url, hosts, requireHttps) && IsAllowed(url.Replace('\\', '/'), hosts, requireHttps);
    }

    private static bool IsAllowed(string url, IReadOnlySet<string> hosts, bool requireHttps)
    {
        // browsers take any URL with more than two leading slashes as absolute
        if (url.StartsWith("///", StringComparison.Ordinal)) return false;
        if (!TrySplit(url, out var scheme, out var netloc)) return false;
        // http:///example.com: a scheme without a host, which browsers read as the host example.com
        if (netloc.Length == 0 && scheme.Length > 0) return false;
        // browsers skip leading control characters and may read what follows as scheme-relative
        if (IsOtherCategory(char.GetUnicodeCategory(url, 0))) return false;
        if (scheme.Length == 0 && netloc.Length > 0) scheme = "http";
        var schemeAllowed = scheme.Length == 0 || scheme == "https" || (!requireHttps && scheme == "http");
        return (netloc.Length == 0 || hosts.Contains(netloc)) && schemeAllowed;
    }

    private static bool IsOtherCategory(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    /// <summary>The scheme (lower-cased) and host part of <paramref name="url"/>, "" for those it lacks (Python's <c>urlsplit</c>'s first two).</summary>
    public static (string Scheme, string Host) SchemeAndHost(string url) => TrySplit(url, out var scheme, out var host) ? (scheme, host) : ("", "");

    /// <summary>The scheme and host part of <paramref name="url"/> as Python's <c>urllib.parse.urlsplit</c> finds them; false where it raises.</summary>
    private static bool TrySplit(string url, out string scheme, out string netloc)
    {
        scheme = "";
        netloc = "";
        // as WHATWG parsers (and urlsplit): leading C0 controls and spaces dropped, tabs and newlines removed anywhere
        url = url.TrimStart(Enumerable.Range(0, 0x21).Select(c => (char)c).ToArray());
        if (url.AsSpan().IndexOfAny('\t', '\r', '\n') >= 0) url = url.Replace("\t", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && char.IsAsciiLetter(url[0]) && url.AsSpan(0, colon).IndexOfAnyExcept(SchemeChars) < 0)
        {
            scheme = url[..colon].ToLowerInvariant();
            url = url[(colon + 1)..];
        }
        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            var end = url.AsSpan(2).IndexOfAny('/', '?', '#');
            netloc = end < 0 ? url[2..] : url.Substring(2, end);
            if (netloc.Contains('[', StringComparison.Ordinal) != netloc.Contains(']', StringComparison.Ordinal)) return false; // Invalid IPv6 URL
        }
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> SchemeChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
}
