using System.Collections;

namespace Nuages.Http;

/// <summary>
/// Django's <c>request.META</c>: CGI-style keys computed on access from the request, never copied
/// up front. <c>CONTENT_TYPE</c>/<c>CONTENT_LENGTH</c> come from their headers, every other header
/// is <c>HTTP_</c> + its upper-cased name with <c>-</c> as <c>_</c> (as django/core/handlers/asgi.py).
/// </summary>
public sealed class RequestMeta : IReadOnlyDictionary<string, string>
{
    private static readonly string[] FixedKeys =
        ["REQUEST_METHOD", "PATH_INFO", "SCRIPT_NAME", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "wsgi.url_scheme"];

    private readonly HttpRequest _request;

    internal RequestMeta(HttpRequest request) => _request = request;

    /// <summary>The value for <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> naming the key when absent.</summary>
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"META has no '{key}'.");

    /// <summary>The value for <paramref name="key"/>, or <paramref name="default"/>.</summary>
    public string? Get(string key, string? @default = null) => TryGetValue(key, out var value) ? value : @default;

    /// <inheritdoc />
    public bool TryGetValue(string key, out string value)
    {
        var source = _request.Source;
        string? found = key switch
        {
            "REQUEST_METHOD" => _request.Method,
            "PATH_INFO" => _request.PathInfo,
            "SCRIPT_NAME" => _request.ScriptName,
            "QUERY_STRING" => _request.QueryString,
            "REMOTE_ADDR" or "REMOTE_HOST" => source.RemoteAddress,
            "REMOTE_PORT" => source.RemotePort,
            "SERVER_NAME" => source.ServerName ?? "unknown",
            "SERVER_PORT" => source.ServerPort ?? "0",
            "SERVER_PROTOCOL" => source.Protocol,
            "wsgi.url_scheme" => _request.Scheme,
            "CONTENT_TYPE" => _request.Headers.Get("Content-Type"),
            "CONTENT_LENGTH" => _request.Headers.Get("Content-Length"),
            _ when key.StartsWith("HTTP_", StringComparison.Ordinal) => _request.Headers.Get(key[5..].Replace('_', '-')),
            _ => null,
        };
        value = found ?? "";
        return found is not null;
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <inheritdoc />
    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var key in FixedKeys)
                if (ContainsKey(key)) yield return key;
            foreach (var name in _request.Headers.Keys)
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) yield return "CONTENT_TYPE";
                else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) yield return "CONTENT_LENGTH";
                // HTTP/2 pseudo-headers are not request headers in the CGI sense.
                else if (!name.StartsWith(':')) yield return "HTTP_" + name.ToUpperInvariant().Replace('-', '_');
            }
        }
    }

    /// <inheritdoc />
    public IEnumerable<string> Values => Keys.Select(k => this[k]);

    /// <inheritdoc />
    public int Count => Keys.Count();

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Keys.Select(k => new KeyValuePair<string, string>(k, this[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
