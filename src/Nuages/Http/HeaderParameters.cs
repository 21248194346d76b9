namespace Nuages.Http;

/// <summary>Django's <c>parse_header_parameters</c>: <c>text/html; charset="utf-8"</c> → type and parameters.</summary>
internal static class HeaderParameters
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    public static (string Type, IReadOnlyDictionary<string, string> Params) Parse(string header)
    {
        if (header.Length == 0) return ("", None);
        var parts = SplitOutsideQuotes(header);
        var type = parts[0].Trim().ToLowerInvariant();
        if (parts.Count == 1) return (type, None);
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < parts.Count; i++)
        {
            var p = parts[i];
            var eq = p.IndexOf('=');
            if (eq < 0) continue;
            var name = p[..eq].Trim().ToLowerInvariant();
            var value = p[(eq + 1)..].Trim();
            if (name.EndsWith('*'))
            {
                // RFC 2231: name*=utf-8''percent-encoded
                name = name[..^1];
                var q = value.IndexOf("''", StringComparison.Ordinal);
                if (q >= 0)
                {
                    var charset = value[..q];
                    var encoding = HttpRequest.TryGetEncoding(charset.Length == 0 ? "utf-8" : charset, out var enc) ? enc : HttpRequest.Utf8NoBom;
                    value = Uri.UnescapeDataString(value[(q + 2)..]);
                    if (!encoding.Equals(HttpRequest.Utf8NoBom)) value = encoding.GetString(System.Text.Encoding.Latin1.GetBytes(value));
                }
            }
            else if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1].Replace("\\\\", "\\").Replace("\\\"", "\"");
            }
            parameters[name] = value;
        }
        return (type, parameters);
    }

    private static List<string> SplitOutsideQuotes(string header)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < header.Length; i++)
        {
            var c = header[i];
            if (c == '\\' && quoted) i++;
            else if (c == '"') quoted = !quoted;
            else if (c == ';' && !quoted)
            {
                parts.Add(header[start..i]);
                start = i + 1;
            }
        }
        parts.Add(header[start..]);
        return parts;
    }
}
