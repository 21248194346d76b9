using System.Globalization;
using System.Text;

namespace Nuages.Core;

/// <summary>
/// Python's <c>repr()</c> of the values Django quotes in its messages (<c>Invalid HTTP_HOST header: 'x'.</c>,
/// <c>Field 'score' expected a number but got 'abc'.</c>), so Nuages' messages read the same.
/// </summary>
internal static class PythonRepr
{
    /// <summary>repr of a string: single quotes unless it holds one and no double quote; escapes for backslashes, quotes and controls.</summary>
    public static string Of(string text)
    {
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < ' ' || c is >= '\x7f' and <= '\xa0' || c == '\xad') sb.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }

    /// <summary>repr of any value: strings quoted, null as <c>None</c>, booleans as <c>True</c>/<c>False</c>, numbers invariant.</summary>
    public static string Of(object? value) => value switch
    {
        null => "None",
        string s => Of(s),
        bool b => b ? "True" : "False",
        double d => Of(d),
        float f => Of((double)f),
        Enum e => Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>repr of a float as Python writes it: the shortest round trip, <c>1.0</c> not <c>1</c>, <c>1e-05</c>, <c>inf</c>, <c>nan</c>.</summary>
    public static string Of(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
        var exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        // Python writes exponents from 1e16 and below 1e-4; .NET from 1e15
        if (exponent is >= -4 and < 16) return value.ToString("F0", CultureInfo.InvariantCulture) + ".0";
        return text[..e] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }
}
