using System.Globalization;
using System.Text;

namespace Nuages.Http;

/// <summary>
/// One Set-Cookie of a response, serialized exactly as Python's <c>Morsel.OutputString</c> does
/// (attributes in alphabetical order of their lower-case names), so headers match Django's byte for byte.
/// </summary>
public sealed class ResponseCookie
{
    internal ResponseCookie(string name, string value) { Name = name; Value = value; }

    /// <summary>The cookie name.</summary>
    public string Name { get; }

    /// <summary>The cookie value, unquoted.</summary>
    public string Value { get; internal set; }

    /// <summary>The Expires attribute as an HTTP date, or null.</summary>
    public string? Expires { get; internal set; }

    /// <summary>The Max-Age attribute in seconds, or null.</summary>
    public long? MaxAge { get; internal set; }

    /// <summary>The Path attribute, or null.</summary>
    public string? Path { get; internal set; }

    /// <summary>The Domain attribute, or null.</summary>
    public string? Domain { get; internal set; }

    /// <summary>Whether the Secure flag is set.</summary>
    public bool Secure { get; internal set; }

    /// <summary>Whether the HttpOnly flag is set.</summary>
    public bool HttpOnly { get; internal set; }

    /// <summary>The SameSite attribute (<c>Lax</c>, <c>Strict</c>, <c>None</c>), or null.</summary>
    public string? SameSite { get; internal set; }

    /// <summary>The header value: <c>name=value; expires=…; HttpOnly; Max-Age=…; Path=/; SameSite=Lax; Secure</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Name).Append('=').Append(Quote(Value));
        if (!string.IsNullOrEmpty(Domain)) sb.Append("; Domain=").Append(Domain);
        if (!string.IsNullOrEmpty(Expires)) sb.Append("; expires=").Append(Expires);
        if (HttpOnly) sb.Append("; HttpOnly");
        if (MaxAge is { } maxAge) sb.Append("; Max-Age=").Append(maxAge.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(Path)) sb.Append("; Path=").Append(Path);
        if (!string.IsNullOrEmpty(SameSite)) sb.Append("; SameSite=").Append(SameSite);
        if (Secure) sb.Append("; Secure");
        return sb.ToString();
    }

    // Python's Morsel._reserved: names a cookie may not take, compared without case.
    private static readonly string[] Reserved = ["expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite"];

    /// <summary>
    /// Python's <c>Morsel.set</c>: a name is one or more token characters (letters, digits, <c>!#$%&amp;'*+-.^_`|~:</c>)
    /// and not an attribute name — so no name can smuggle <c>; Domain=…</c> into the header.
    /// </summary>
    internal static void CheckName(string name)
    {
        foreach (var reserved in Reserved)
            if (name.Equals(reserved, StringComparison.OrdinalIgnoreCase))
                throw new CookieError($"Attempt to set a reserved key {HttpRequest.PyRepr(name)}");
        var legal = name.Length > 0;
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || LegalChars.Contains(c))) { legal = false; break; }
        if (!legal) throw new CookieError($"Illegal key {HttpRequest.PyRepr(name)}");
    }

    /// <summary>
    /// Attribute values (path, domain) are written as they are: a control character would end or split the
    /// header, so it is refused, as current Python's <c>Morsel</c> does; so is a <c>;</c>.
    /// </summary>
    internal static void CheckAttribute(string? value)
    {
        if (value is null) return;
        foreach (var c in value)
        {
            if (c < ' ' || c == '\x7f')
                throw new CookieError($"Control characters are not allowed in cookies {HttpRequest.PyRepr(value)}");
            // Python writes a ';' through and so starts another attribute; Nuages refuses it.
            if (c == ';')
                throw new CookieError($"A cookie attribute cannot contain ';', which would start another attribute: {HttpRequest.PyRepr(value)}");
        }
    }

    private const string LegalChars = "!#$%&'*+-.^_`|~:";
    private const string UnescapedExtra = " ()/<=>?@[]{}";

    /// <summary>Python's <c>http.cookies._quote</c>: plain when every character is legal, else quoted with octal escapes.</summary>
    internal static string Quote(string value)
    {
        // An empty value is not a legal token either: Python quotes it as "".
        var legal = value.Length > 0;
        foreach (var c in value)
            if (!(char.IsAsciiLetterOrDigit(c) || LegalChars.Contains(c))) { legal = false; break; }
        if (legal) return value;
        var sb = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (char.IsAsciiLetterOrDigit(c) || LegalChars.Contains(c) || UnescapedExtra.Contains(c) || c > 0xFF) sb.Append(c);
            else sb.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
        }
        return sb.Append('"').ToString();
    }

    /// <summary>RFC 7231 date, as Django's <c>http_date</c>.</summary>
    internal static string HttpDate(DateTimeOffset when) =>
        when.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture);
}
