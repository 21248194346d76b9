using System.Collections;
using System.Text;
using Nuages.Core;

namespace Nuages.Http;

/// <summary>
/// A multi-valued, ordered dictionary of form or query-string fields, as Django's <c>QueryDict</c>:
/// <c>dict["a"]</c> is the last value given for <c>a</c>, <see cref="GetList"/> all of them.
/// Instances handed out by a request are immutable; <see cref="Copy"/> gives a mutable one.
/// </summary>
public sealed class QueryDict : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private bool _mutable;

    /// <summary>An empty, mutable QueryDict.</summary>
    public QueryDict() => _mutable = true;

    /// <summary>Parses a query string (without the leading <c>?</c>); the result is mutable.</summary>
    public QueryDict(string? queryString, Encoding? encoding = null)
    {
        if (!string.IsNullOrEmpty(queryString)) Parse(queryString, encoding ?? Encoding.UTF8, null, this);
        _mutable = true;
    }

    internal static QueryDict Empty { get; } = new QueryDict { _mutable = false };

    /// <summary>Parses <paramref name="query"/> as Django's <c>parse_qsl(keep_blank_values=True)</c> does; only <c>&amp;</c> separates fields.</summary>
    internal static QueryDict ParseImmutable(string query, Encoding encoding, int? maxFields)
    {
        if (query.Length == 0) return Empty;
        var dict = new QueryDict();
        Parse(query, encoding, maxFields, dict);
        return dict.Freeze();
    }

    private static void Parse(string query, Encoding encoding, int? maxFields, QueryDict into)
    {
        if (maxFields is { } max)
        {
            // Counted before parsing so a flood of fields costs nothing (Django does the same).
            var count = 1;
            foreach (var c in query) if (c == '&') count++;
            if (count > max)
                throw new TooManyFieldsSent(RequestLimitMessages.TooManyFields);
        }
        var start = 0;
        while (start <= query.Length)
        {
            var amp = query.IndexOf('&', start);
            var end = amp < 0 ? query.Length : amp;
            if (end > start)
            {
                var pair = query.AsSpan(start, end - start);
                var eq = pair.IndexOf('=');
                var key = eq < 0 ? pair : pair[..eq];
                var value = eq < 0 ? ReadOnlySpan<char>.Empty : pair[(eq + 1)..];
                into.AppendInternal(UrlDecode(key, encoding), UrlDecode(value, encoding));
            }
            if (amp < 0) break;
            start = amp + 1;
        }
    }

    /// <summary>Percent-decodes with <c>+</c> as space; invalid byte sequences become U+FFFD, as Python's <c>errors="replace"</c>.</summary>
    internal static string UrlDecode(ReadOnlySpan<char> s, Encoding encoding)
    {
        if (s.IndexOfAny('%', '+') < 0) return s.ToString();
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(s.Length)];
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '+') bytes[n++] = (byte)' ';
            else if (c == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                bytes[n++] = (byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2]));
                i += 2;
            }
            else if (c < 0x80) bytes[n++] = (byte)c;
            else
            {
                var len = char.IsHighSurrogate(c) && i + 1 < s.Length ? 2 : 1;
                n += Encoding.UTF8.GetBytes(s.Slice(i, len), bytes.AsSpan(n));
                i += len - 1;
            }
        }
        return encoding.GetString(bytes, 0, n);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>The last value for <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> naming the key when absent.</summary>
    public string this[string key]
    {
        get => _values.TryGetValue(key, out var list) && list.Count > 0
            ? list[^1]
            : throw new KeyNotFoundException($"'{key}' is not among the fields: {string.Join(", ", _keys)}");
        set => SetList(key, [value]);
    }

    /// <summary>The last value for <paramref name="key"/>, or <paramref name="default"/>.</summary>
    public string? Get(string key, string? @default = null) =>
        _values.TryGetValue(key, out var list) && list.Count > 0 ? list[^1] : @default;

    /// <summary>Every value for <paramref name="key"/>, in the order they came (empty when absent).</summary>
    public IReadOnlyList<string> GetList(string key) =>
        _values.TryGetValue(key, out var list) ? list : [];

    /// <summary>Whether the field is present (even with an empty value).</summary>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>The field names in the order they first appeared.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Number of distinct field names.</summary>
    public int Count => _keys.Count;

    /// <summary>Adds a value after the existing ones.</summary>
    public void AppendList(string key, string value) { ThrowIfImmutable(); AppendInternal(key, value); }

    /// <summary>Replaces every value of <paramref name="key"/>.</summary>
    public void SetList(string key, IEnumerable<string> values)
    {
        ThrowIfImmutable();
        if (!_values.ContainsKey(key)) _keys.Add(key);
        _values[key] = [.. values];
    }

    /// <summary>Removes the field; returns whether it was there.</summary>
    public bool Remove(string key)
    {
        ThrowIfImmutable();
        if (!_values.Remove(key)) return false;
        _keys.Remove(key);
        return true;
    }

    /// <summary>A mutable deep copy.</summary>
    public QueryDict Copy()
    {
        var copy = new QueryDict();
        foreach (var key in _keys) copy.SetList(key, _values[key]);
        return copy;
    }

    /// <summary>Encodes back to a query string (<c>a=1&amp;b=2</c>), percent-encoding as Django's <c>urlencode</c>.</summary>
    public string UrlEncode()
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in this)
        {
            if (sb.Length > 0) sb.Append('&');
            sb.Append(QuotePlus(key)).Append('=').Append(QuotePlus(value));
        }
        return sb.ToString();
    }

    /// <summary>As <see cref="UrlEncode()"/>, leaving the characters of <paramref name="safe"/> as they are (Django's <c>urlencode(safe=…)</c>: <c>"/"</c> for paths).</summary>
    public string UrlEncode(string safe)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in this)
        {
            if (sb.Length > 0) sb.Append('&');
            sb.Append(UriEncoding.Quote(key, safe + " _.-~").Replace(' ', '+')).Append('=').Append(UriEncoding.Quote(value, safe + " _.-~").Replace(' ', '+'));
        }
        return sb.ToString();
    }

    internal static string QuotePlus(string s) => Uri.EscapeDataString(s).Replace("%20", "+");

    internal QueryDict Freeze()
    {
        _mutable = false;
        return this;
    }

    internal void AppendInternal(string key, string value)
    {
        if (!_values.TryGetValue(key, out var list))
        {
            _values[key] = list = [];
            _keys.Add(key);
        }
        list.Add(value);
    }

    private void ThrowIfImmutable()
    {
        if (!_mutable) throw new InvalidOperationException("This QueryDict instance is immutable; call Copy() to get a mutable one.");
    }

    /// <summary>Every (key, value) pair, values of a key in order.</summary>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var key in _keys)
            foreach (var value in _values[key])
                yield return new(key, value);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() =>
        "<QueryDict: {" + string.Join(", ", _keys.Select(k => $"'{k}': [{string.Join(", ", _values[k].Select(v => $"'{v}'"))}]")) + "}>";
}
