using Nuages.Conf;

namespace Nuages.Channels;

/// <summary>
/// Channels' <c>OriginValidator</c> and <c>AllowedHostsOriginValidator</c> (channels/security/websocket.py): a WebSocket
/// can be opened from any page on the internet with the user's cookies, so the server refuses a handshake whose
/// <c>Origin</c> is not allowed. Nuages checks every handshake: against <c>Settings.WebSocketAllowedOrigins</c> when
/// set, else against <c>Settings.AllowedHosts</c> (with Django's localhost names when <c>Debug</c> is on and they are
/// empty), as <c>AllowedHostsOriginValidator</c> does.
/// </summary>
public static class OriginValidator
{
    /// <summary>The patterns a site's handshakes are checked against.</summary>
    public static IReadOnlyList<string> AllowedOrigins(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.WebSocketAllowedOrigins.Count > 0) return settings.WebSocketAllowedOrigins;
        return settings.Debug && settings.AllowedHosts.Count == 0 ? ["localhost", "127.0.0.1", "[::1]"] : settings.AllowedHosts;
    }

    /// <summary>
    /// Whether <paramref name="origin"/> (the header's value, null when absent) matches one of
    /// <paramref name="allowed"/>: <c>*</c>; a domain (<c>example.com</c>, or <c>.example.com</c> with its subdomains)
    /// matched against the origin's host whatever its scheme and port; or a full origin <c>scheme://domain[:port]</c>
    /// whose scheme, domain and port (the scheme's default when absent) must all match. No Origin header passes only with <c>*</c>.
    /// </summary>
    public static bool IsValid(string? origin, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (origin is null) return allowed.Contains("*");
        var parsed = Parse(origin);
        foreach (var pattern in allowed)
            if (pattern == "*" || parsed is { } o && Matches(o, pattern.ToLowerInvariant())) return true;
        return false;
    }

    private static bool Matches((string Scheme, string Host, int? Port) origin, string pattern)
    {
        if (!pattern.Contains("://", StringComparison.Ordinal))
            return Middleware.Csrf.IsSameDomain(origin.Host, Parse("//" + pattern)?.Host is { Length: > 0 } host ? host : pattern);
        return Parse(pattern) is { } p && p.Scheme == origin.Scheme && (p.Port ?? DefaultPort(p.Scheme)) == (origin.Port ?? DefaultPort(origin.Scheme))
            && Middleware.Csrf.IsSameDomain(origin.Host, p.Host);
    }

    private static int? DefaultPort(string scheme) => scheme switch { "http" or "ws" => 80, "https" or "wss" => 443, _ => null };

    // What Python's urlparse gives Channels: scheme, lower-cased hostname (brackets kept off IPv6) and port; null without a host.
    private static (string Scheme, string Host, int? Port)? Parse(string text)
    {
        var separator = text.IndexOf("//", StringComparison.Ordinal);
        if (separator < 0) return null;
        var scheme = separator > 0 && text[separator - 1] == ':' ? text[..(separator - 1)].ToLowerInvariant() : "";
        var rest = text[(separator + 2)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var netloc = end < 0 ? rest : rest[..end];
        var at = netloc.LastIndexOf('@');
        if (at >= 0) netloc = netloc[(at + 1)..];
        string host;
        int? port = null;
        if (netloc.StartsWith('['))
        {
            var close = netloc.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) return null;
            host = netloc[1..close];
            if (close + 1 < netloc.Length && netloc[close + 1] == ':' && int.TryParse(netloc[(close + 2)..], out var p6)) port = p6;
        }
        else
        {
            var colon = netloc.LastIndexOf(':');
            host = colon < 0 ? netloc : netloc[..colon];
            if (colon >= 0)
            {
                if (!int.TryParse(netloc[(colon + 1)..], out var p)) return null;
                port = p;
            }
        }
        return host.Length == 0 ? null : (scheme, host.ToLowerInvariant(), port);
    }
}

/// <summary>
/// An installed app's part in a WebSocket handshake: the sessions app gives <c>Scope.Request.Session</c> and the auth app
/// <c>Scope.Request.GetUserAsync()</c>, as Channels' <c>SessionMiddlewareStack</c> and <c>AuthMiddlewareStack</c> do.
/// Implemented by an <c>AppConfig</c>; called once per connection, before the consumer is made.
/// </summary>
public interface IConnectionSetup
{
    /// <summary>Prepares the handshake's request (the features an HTTP middleware would give it).</summary>
    void SetUp(Http.HttpRequest handshake);
}
