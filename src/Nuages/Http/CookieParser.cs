using System.Text;

namespace Nuages.Http;

/// <summary>Django's <c>parse_cookie</c>: lenient, never throws, later cookies win.</summary>
internal static class CookieParser
{
    public static Dictionary<string, string> Parse(string? header)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(header)) return cookies;
        foreach (var chunk in header.Split(';'))
        {
            var eq = chunk.IndexOf('=');
            var (key, value) = eq >= 0 ? (chunk[..eq], chunk[(eq + 1)..]) : ("", chunk);
            key = key.Trim();
            value = value.Trim();
            if (key.Length > 0 || value.Length > 0) cookies[key] = Unquote(value);
        }
        return cookies;
    }

    /// <summary>Python's <c>http.cookies._unquote</c>: strips quotes and undoes <c>\"</c>, <c>\\</c> and octal escapes.</summary>
    internal static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return value;
        var inner = value[1..^1];
        if (!inner.Contains('\\')) return inner;
        var bytes = new List<byte>();
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (c == '\\' && IsOctal(inner, i + 1))
            {
                bytes.Add((byte)Convert.ToInt32(inner.Substring(i + 1, 3), 8));
                i += 3;
            }
            else if (c == '\\' && i + 1 < inner.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(inner[i + 1].ToString()));
                i++;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '3' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
