using System.Globalization;
using System.Text;

namespace Nuages.Core;

/// <summary>
/// Python's <c>template % mapping</c>, which Django's messages are written in (<c>"Ensure this value has at most
/// %(limit_value)d characters (it has %(show_value)d)."</c>): <c>%(name)s</c> as <c>str()</c>, <c>%(name)d</c> and
/// <c>%(name)i</c> as a whole number, <c>%(name)r</c> as <c>repr()</c>, <c>%%</c> as <c>%</c>. A name the mapping lacks
/// is left as written rather than failing, so a custom message with a typo still shows.
/// </summary>
internal static class PythonFormat
{
    public static string Format(string template, IReadOnlyDictionary<string, object?> values)
    {
        if (!template.Contains('%', StringComparison.Ordinal)) return template;
        var sb = new StringBuilder(template.Length + 16);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '%' || i + 1 >= template.Length) { sb.Append(c); continue; }
            if (template[i + 1] == '%') { sb.Append('%'); i++; continue; }
            if (template[i + 1] != '(') { sb.Append(c); continue; }
            var close = template.IndexOf(')', i + 2);
            if (close < 0 || close + 1 >= template.Length) { sb.Append(c); continue; }
            var name = template[(i + 2)..close];
            var conversion = template[close + 1];
            if (conversion is not ('s' or 'd' or 'i' or 'r') || !values.TryGetValue(name, out var value)) { sb.Append(c); continue; }
            sb.Append(conversion switch
            {
                'r' => PythonRepr.Of(value),
                'd' or 'i' => Whole(value),
                _ => Str(value),
            });
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>str()</c> of the values messages hold.</summary>
    public static string Str(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        double d => PythonRepr.Of(d),
        float f => PythonRepr.Of((double)f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Whole(object? value) => value switch
    {
        double d => Math.Truncate(d).ToString(CultureInfo.InvariantCulture),
        decimal m => decimal.Truncate(m).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Str(value),
    };
}
