using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Nuages.Http;

/// <summary>
/// The request's headers, case-insensitive, as Django's <c>request.headers</c>. A view over the
/// server's own header store: nothing is copied. A header sent several times reads as its values
/// joined with a bare comma, as Django's ASGI handler joins them (as django/core/handlers/asgi.py).
/// </summary>
public sealed class RequestHeaders : IReadOnlyDictionary<string, string>
{
    private readonly IHeaderDictionary _headers;

    internal RequestHeaders(IHeaderDictionary headers) => _headers = headers;

    /// <summary>The header's value; throws <see cref="KeyNotFoundException"/> naming the header when absent.</summary>
    public string this[string name] =>
        TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"The request has no '{name}' header.");

    /// <summary>The header's value, or <paramref name="default"/> when absent.</summary>
    public string? Get(string name, string? @default = null) => TryGetValue(name, out var value) ? value : @default;

    /// <inheritdoc />
    public bool TryGetValue(string name, out string value)
    {
        if (_headers.TryGetValue(name, out var values) && values.Count > 0)
        {
            value = Join(values);
            return true;
        }
        value = "";
        return false;
    }

    internal static string Join(StringValues values) => values.Count == 1 ? values[0] ?? "" : string.Join(',', values.ToArray());

    /// <inheritdoc />
    public bool ContainsKey(string name) => _headers.ContainsKey(name);

    /// <inheritdoc />
    public int Count => _headers.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _headers.Keys;

    /// <inheritdoc />
    public IEnumerable<string> Values => _headers.Select(h => Join(h.Value));

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var header in _headers) yield return new(header.Key, Join(header.Value));
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
