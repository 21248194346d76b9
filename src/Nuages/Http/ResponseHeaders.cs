using System.Collections;
using System.Text;

namespace Nuages.Http;

/// <summary>
/// A response's headers: case-insensitive names that keep the case they were set with, in the order
/// they were first set, one value each (cookies live in <see cref="HttpResponse.Cookies"/>).
/// </summary>
public sealed class ResponseHeaders : IEnumerable<KeyValuePair<string, string>>
{
    // A response carries a handful of headers: a list searched linearly beats a hash table here.
    private readonly List<KeyValuePair<string, string>> _items = new(4);

    /// <summary>The header's value, or null when it is not set; setting replaces it (keeping its position).</summary>
    public string? this[string name]
    {
        get
        {
            var i = IndexOf(name);
            return i < 0 ? null : _items[i].Value;
        }
        set
        {
            if (value is null)
            {
                Remove(name);
                return;
            }
            var entry = new KeyValuePair<string, string>(CheckName(name), Encode(name, value));
            var i = IndexOf(name);
            if (i < 0) _items.Add(entry);
            else _items[i] = entry;
        }
    }

    /// <summary>Whether the header is set.</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Sets the header only when it is not set yet (Django's <c>setdefault</c>).</summary>
    public void SetDefault(string name, string value)
    {
        if (!Contains(name)) this[name] = value;
    }

    /// <summary>Removes the header; returns whether it was set.</summary>
    public bool Remove(string name)
    {
        var i = IndexOf(name);
        if (i < 0) return false;
        _items.RemoveAt(i);
        return true;
    }

    /// <summary>Number of headers.</summary>
    public int Count => _items.Count;

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Count; i++)
            if (string.Equals(_items[i].Key, name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static string CheckName(string name)
    {
        foreach (var c in name)
            if (c <= ' ' || c >= 0x7F || c == ':')
                throw new BadHeaderError($"Header names must be ASCII tokens without spaces or colons, but got {HttpRequest.PyRepr(name)}.");
        return name;
    }

    /// <summary>
    /// Django's header value rules (django/http/response.py <c>ResponseHeaders._convert_to_charset</c>): no newlines;
    /// values within Latin-1 go out as Latin-1 bytes, others MIME-encoded (RFC 2047).
    /// </summary>
    private static string Encode(string name, string value)
    {
        foreach (var c in value)
        {
            if (c is '\n' or '\r')
                throw new BadHeaderError($"Header values can't contain newlines but got {HttpRequest.PyRepr(value)} for header {HttpRequest.PyRepr(name)}.");
            // Django lets other controls through; no HTTP server sends them (RFC 9110 field values), and Kestrel would
            // fail the response when it is written — refused here, where the code that set it is on the stack.
            if (c < ' ' && c != '\t' || c == '\x7f')
                throw new BadHeaderError($"Header values can't contain control characters but got {HttpRequest.PyRepr(value)} for header {HttpRequest.PyRepr(name)}.");
        }
        foreach (var c in value)
        {
            if (c > 0xFF) return "=?utf-8?b?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";
        }
        return value;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
