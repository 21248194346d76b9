using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Nuages.Templates;

/// <summary>
/// How template values read as Python's do, because templates written for Django rely on it: <c>str()</c>
/// (<c>None</c>, <c>True</c>, <c>6.0</c>), truth (empty collections and zero are false), equality across number types,
/// ordering.
/// </summary>
public static class TemplateValues
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly object True = true;
    private static readonly object False = false;
    private static readonly object[] SmallIntegers = [.. Enumerable.Range(-128, 1152).Select(i => (object)i)];

    /// <summary>A boxed boolean, shared.</summary>
    public static object Box(bool value) => value ? True : False;

    /// <summary>A boxed integer, shared for small ones (counters, lengths).</summary>
    public static object Box(int value) => value is >= -128 and < 1024 ? SmallIntegers[value + 128] : value;

    /// <summary>Python's <c>str()</c> of a value.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "None",
        string s => s,
        SafeString s => s.Value,
        bool b => b ? "True" : "False",
        double d => FloatRepr(d),
        float f => FloatRepr(f),
        decimal m => m.ToString(Invariant),
        char c => c.ToString(),
        DateTime t => t.ToString(t.TimeOfDay.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", Invariant),
        DateTimeOffset t => t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:sszzz" : "yyyy-MM-dd HH:mm:ss.ffffffzzz", Invariant),
        DateOnly d => d.ToString("yyyy-MM-dd", Invariant),
        TimeOnly t => t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.ffffff", Invariant),
        Enum e => e.ToString(),
        IFormattable f => f.ToString(null, Invariant),
        IDictionary d => DictRepr(d),
        IEnumerable e when value is not string => ListRepr(e),
        _ => value.ToString() ?? "",
    };

    /// <summary>Python's <c>repr()</c>: strings quoted, the rest as <see cref="ToText"/>.</summary>
    public static string Repr(object? value) => value switch
    {
        string s => Core.PythonRepr.Of(s),
        SafeString s => Core.PythonRepr.Of(s.Value),
        _ => ToText(value),
    };

    private static string ListRepr(IEnumerable items)
    {
        var sb = new StringBuilder("[");
        var first = true;
        foreach (var item in items)
        {
            if (!first) sb.Append(", ");
            first = false;
            sb.Append(Repr(Unpack(item)));
        }
        return sb.Append(']').ToString();
    }

    private static string DictRepr(IDictionary items)
    {
        var sb = new StringBuilder("{");
        var first = true;
        foreach (DictionaryEntry entry in items)
        {
            if (!first) sb.Append(", ");
            first = false;
            sb.Append(Repr(entry.Key)).Append(": ").Append(Repr(entry.Value));
        }
        return sb.Append('}').ToString();
    }

    private static object? Unpack(object? item) => item;

    /// <summary>Python's <c>repr()</c> of a float: the shortest digits that read back, <c>6.0</c>, <c>1e+16</c>, <c>1e-05</c>, <c>inf</c>, <c>nan</c>.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";
        var (negative, digits, point) = Digits(value);
        var exponent = point - 1;
        var sb = new StringBuilder(24);
        if (negative) sb.Append('-');
        if (exponent < -4 || exponent >= 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", Invariant));
        }
        else AppendFixed(sb, digits, point, pointZero: true);
        return sb.ToString();
    }

    /// <summary>
    /// A float as Django's number formatting shows it in a page: Python's <c>str()</c>, with an exponent spelled out
    /// (<c>1e+16</c> shows <c>10000000000000000</c>), as django/utils/numberformat.py does through Decimal.
    /// </summary>
    public static string FloatLocalized(double value)
    {
        var repr = FloatRepr(value);
        if (!repr.Contains('e', StringComparison.Ordinal)) return repr;
        var (negative, digits, point) = Digits(value);
        var sb = new StringBuilder(32);
        if (negative) sb.Append('-');
        AppendFixed(sb, digits, point, pointZero: false);
        return sb.ToString();
    }

    private static void AppendFixed(StringBuilder sb, string digits, int point, bool pointZero)
    {
        if (point <= 0) sb.Append("0.").Append('0', -point).Append(digits);
        else if (point >= digits.Length)
        {
            sb.Append(digits).Append('0', point - digits.Length);
            if (pointZero) sb.Append(".0");
        }
        else sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
    }

    /// <summary>The shortest round-trip digits of <paramref name="value"/> and where the decimal point goes (0.DIGITS × 10^point).</summary>
    private static (bool Negative, string Digits, int Point) Digits(double value)
    {
        var r = value.ToString("R", Invariant);
        var negative = r[0] == '-';
        if (negative) r = r[1..];
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, Invariant);
            r = r[..e];
        }
        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? r : r[..dot];
        var all = dot < 0 ? r : intPart + r[(dot + 1)..];
        var point = intPart.Length + exponent;
        var lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0') lead++;
        all = all[lead..];
        point -= lead;
        all = all.TrimEnd('0');
        if (all.Length == 0) all = "0";
        return (negative, all, point);
    }

    /// <summary>Python's truth: <c>None</c>, <c>False</c>, zero, empty strings and empty collections are false.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        SafeString s => s.Value.Length > 0,
        int i => i != 0,
        long l => l != 0,
        double d => d != 0,
        decimal m => m != 0,
        float f => f != 0,
        short s => s != 0,
        byte b => b != 0,
        uint u => u != 0,
        ulong u => u != 0,
        BigInteger b => !b.IsZero,
        ICollection c => c.Count > 0,
        ITemplateTruth t => t.IsTrue,
        IEnumerable e => Any(e),
        _ => true,
    };

    private static bool Any(IEnumerable items)
    {
        var enumerator = items.GetEnumerator();
        try { return enumerator.MoveNext(); }
        finally { (enumerator as IDisposable)?.Dispose(); }
    }

    /// <summary>Whether <paramref name="value"/> is a number (bool excluded).</summary>
    public static bool IsNumber(object? value) => value is int or long or double or decimal or float or short or byte or sbyte or uint or ulong or ushort or BigInteger;

    /// <summary>Whether <paramref name="value"/> is a whole number (bool excluded).</summary>
    public static bool IsInteger(object? value) => value is int or long or short or byte or sbyte or uint or ulong or ushort or BigInteger;

    /// <summary>Python's <c>==</c>: numbers equal across types, strings by value (safe or not), sequences item by item.</summary>
    public static new bool Equals(object? a, object? b)
    {
        if (a is SafeString sa) a = sa.Value;
        if (b is SafeString sb) b = sb.Value;
        if (a is null || b is null) return a is null && b is null;
        if (a is bool ba && b is bool bb) return ba == bb;
        if ((IsNumber(a) || a is bool) && (IsNumber(b) || b is bool))
        {
            if (IsInteger(a) && IsInteger(b) || a is bool || b is bool) return ToBig(a) == ToBig(b);
            if (a is decimal || b is decimal)
            {
                try { return Convert.ToDecimal(a, Invariant) == Convert.ToDecimal(b, Invariant); }
                catch (OverflowException) { return false; }
            }
            return Convert.ToDouble(a, Invariant) == Convert.ToDouble(b, Invariant);
        }
        if (a is string s1 && b is string s2) return s1 == s2;
        if (a is IList l1 && b is IList l2 && a is not string && b is not string)
        {
            if (l1.Count != l2.Count) return false;
            for (var i = 0; i < l1.Count; i++) if (!Equals(l1[i], l2[i])) return false;
            return true;
        }
        return a.Equals(b);
    }

    private static BigInteger ToBig(object value) => value switch
    {
        bool b => b ? 1 : 0,
        BigInteger b => b,
        ulong u => u,
        _ => new BigInteger(Convert.ToInt64(value, Invariant)),
    };

    /// <summary>Python's ordering of two values; throws <see cref="InvalidOperationException"/> where Python raises TypeError.</summary>
    public static int Compare(object? a, object? b)
    {
        if (a is SafeString sa) a = sa.Value;
        if (b is SafeString sb) b = sb.Value;
        if ((IsNumber(a) || a is bool) && (IsNumber(b) || b is bool))
        {
            if (IsInteger(a) && IsInteger(b) || a is bool || b is bool) return ToBig(a!).CompareTo(ToBig(b!));
            if (a is decimal || b is decimal) return Convert.ToDecimal(a, Invariant).CompareTo(Convert.ToDecimal(b, Invariant));
            return Convert.ToDouble(a, Invariant).CompareTo(Convert.ToDouble(b, Invariant));
        }
        if (a is string s1 && b is string s2) return string.CompareOrdinal(s1, s2);
        if (a is not null && b is not null && a.GetType() == b.GetType() && a is IComparable c) return c.CompareTo(b);
        throw new InvalidOperationException($"'<' not supported between instances of '{PythonType(a)}' and '{PythonType(b)}'");
    }

    /// <summary>The name Python would give the value's type, for messages.</summary>
    public static string PythonType(object? value) => value switch
    {
        null => "NoneType",
        string or SafeString => "str",
        bool => "bool",
        int or long or short or byte => "int",
        double or float => "float",
        decimal => "Decimal",
        IDictionary => "dict",
        IList => "list",
        _ => value.GetType().Name,
    };

    /// <summary>A value as a number Python's <c>int()</c> would make of it, or null.</summary>
    public static long? ToInteger(object? value)
    {
        switch (value)
        {
            case null: return null;
            case bool b: return b ? 1 : 0;
            case int or long or short or byte or sbyte or uint or ushort: return Convert.ToInt64(value, Invariant);
            case double d when !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < 9.2e18: return (long)Math.Truncate(d);
            case float f when !float.IsNaN(f) && !float.IsInfinity(f): return (long)Math.Truncate(f);
            case decimal m: return (long)decimal.Truncate(m);
            case string or SafeString:
                var s = value.ToString()!.Trim().Replace("_", "", StringComparison.Ordinal);
                return long.TryParse(s, NumberStyles.AllowLeadingSign, Invariant, out var n) ? n : null;
            default: return null;
        }
    }
}

/// <summary>A value that says itself whether it is true in a template (Python's <c>__bool__</c>).</summary>
public interface ITemplateTruth
{
    /// <summary>Whether the value counts as true.</summary>
    bool IsTrue { get; }
}
