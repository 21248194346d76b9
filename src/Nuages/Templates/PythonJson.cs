using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Nuages.Templates;

/// <summary>
/// Python's <c>json.dumps</c> with Django's encoder, as <c>json_script</c> writes it: <c>", "</c> and <c>": "</c>
/// separators, non-ASCII as <c>\uXXXX</c>, floats as Python's repr, dates in ISO format.
/// </summary>
internal static class PythonJson
{
    public static string Dumps(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("null"); return;
            case bool b: sb.Append(b ? "true" : "false"); return;
            case string s: WriteString(sb, s); return;
            case SafeString s: WriteString(sb, s.Value); return;
            case double d: sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : TemplateValues.FloatRepr(d)); return;
            case float f: Write(sb, (double)f); return;
            case decimal m: WriteString(sb, m.ToString(CultureInfo.InvariantCulture)); return;
            case DateTime or DateTimeOffset or DateOnly or TimeOnly: WriteString(sb, DateFormat.Iso(value)); return;
            case Guid g: WriteString(sb, g.ToString()); return;
            case IDictionary d:
                sb.Append('{');
                var first = true;
                foreach (DictionaryEntry e in d)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, TemplateValues.ToText(e.Key));
                    sb.Append(": ");
                    Write(sb, e.Value);
                }
                sb.Append('}');
                return;
            case ITuple t:
                Write(sb, Enumerable.Range(0, t.Length).Select(i => t[i]).ToList());
                return;
            case IEnumerable e:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in e)
                {
                    if (!firstItem) sb.Append(", ");
                    firstItem = false;
                    Write(sb, item);
                }
                sb.Append(']');
                return;
            default:
                if (TemplateValues.IsNumber(value)) { sb.Append(TemplateValues.ToText(value)); return; }
                throw new ArgumentException($"Object of type {value.GetType().Name} is not JSON serializable");
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7f) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
