using System.Globalization;
using System.Text;

namespace Nuages.Http;

/// <summary>Python's <c>urllib.parse.quote</c>: UTF-8 percent-encoding of all but ASCII letters, digits and the given safe characters.</summary>
internal static class UriEncoding
{
    public static string Quote(string text, string safe)
    {
        var plain = true;
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || safe.Contains(c))) { plain = false; break; }
        if (plain) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var b in HttpRequest.Utf8NoBom.GetBytes(text))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || safe.Contains(c))) sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
