using System.Collections;
using System.Globalization;
using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A lookup's value as the field takes it, Django's <c>Field.get_prep_value</c> (django/db/models/fields/__init__.py)
/// applied by the lookups that prepare their right-hand side (exact, gt, gte, lt, lte, in, range): text given for a
/// number, a boolean, a decimal, a UUID or a date becomes one, or the lookup fails when the query is built, with
/// Django's message — rather than quietly matching nothing (SQLite) or failing in the database (PostgreSQL).
/// </summary>
internal static class LookupValue
{
    /// <summary>The lookups whose values go through the field (Django's <c>prepare_rhs</c>).</summary>
    public static bool Prepares(LookupKind lookup) => lookup is LookupKind.Exact or LookupKind.Gt or LookupKind.Gte or LookupKind.Lt or LookupKind.Lte or LookupKind.In or LookupKind.Range;

    /// <summary>Each value of an <c>in</c> or <c>range</c> list, or the single value, as the field takes it.</summary>
    public static object? Prepare(Type? type, string field, LookupKind lookup, object? value)
    {
        if (type is null || value is null || value is QueryExpression or ISubquery) return value;
        if (lookup is LookupKind.In or LookupKind.Range && value is IEnumerable items and not string and not byte[])
        {
            var prepared = new List<object?>();
            foreach (var item in items) prepared.Add(PrepareOne(type, field, item));
            return prepared;
        }
        return PrepareOne(type, field, value);
    }

    private static object? PrepareOne(Type type, string field, object? value)
    {
        if (value is null or QueryExpression) return value;
        if (type == typeof(short) || type == typeof(int) || type == typeof(long)) return ToInteger(field, value);
        if (type == typeof(float) || type == typeof(double)) return ToFloat(field, value);
        if (type == typeof(decimal)) return ToDecimal(value);
        if (type == typeof(bool)) return ToBoolean(value);
        if (type == typeof(Guid)) return ToGuid(value);
        if (type == typeof(DateOnly)) return ToDate(value);
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return ToDateTime(value);
        if (type == typeof(string)) return value is bool or IFormattable ? Str(value) : value;
        return value;
    }

    /// <summary>Python's <c>str()</c> of a value a text field is compared with (<c>CharField.to_python</c>).</summary>
    private static string Str(object value) => value switch
    {
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>IntegerField: Python's <c>int(value)</c> — whole-number text (spaces, a sign and single underscores allowed), floats truncated.</summary>
    private static object ToInteger(string field, object value)
    {
        switch (value)
        {
            case short or int or long or byte or sbyte or ushort or uint: return value;
            case Enum e: return Convert.ToInt64(e, CultureInfo.InvariantCulture);
            case bool b: return b ? 1L : 0L;
            case double or float or decimal:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(number) && Math.Abs(number) < 9.2e18) return (long)Math.Truncate(number);
                break;
            case string text when TryParsePythonInt(text, out var parsed): return parsed;
        }
        throw new ArgumentException($"Field '{field}' expected a number but got {PythonRepr.Of(value)}.");
    }

    private static bool TryParsePythonInt(string text, out long value)
    {
        value = 0;
        var s = text.Trim();
        var negative = false;
        var i = 0;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        if (i == s.Length) return false;
        ulong magnitude = 0;
        for (var previousDigit = false; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '_' && previousDigit && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))
            {
                previousDigit = false;
                continue;
            }
            if (!char.IsAsciiDigit(c)) return false;
            previousDigit = true;
            if (magnitude > (ulong.MaxValue - 9) / 10) return false;
            magnitude = magnitude * 10 + (ulong)(c - '0');
        }
        if (negative ? magnitude > 9_223_372_036_854_775_808UL : magnitude > long.MaxValue) return false;
        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>FloatField: Python's <c>float(value)</c>, <c>inf</c> and <c>nan</c> included.</summary>
    private static object ToFloat(string field, object value)
    {
        switch (value)
        {
            case double or float: return value;
            case short or int or long or decimal: return Convert.ToDouble(value, CultureInfo.InvariantCulture);
            case bool b: return b ? 1.0 : 0.0;
            case string text:
                var s = text.Trim().Replace("_", "", StringComparison.Ordinal);
                var unsigned = s.TrimStart('+', '-').ToLowerInvariant();
                var sign = s.StartsWith('-') ? -1.0 : 1.0;
                if (unsigned is "inf" or "infinity") return sign * double.PositiveInfinity;
                if (unsigned == "nan") return double.NaN;
                if (unsigned.Length > 0 && char.IsAsciiDigit(unsigned[0]) || unsigned.StartsWith('.'))
                {
                    if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
                }
                break;
        }
        throw new ArgumentException($"Field '{field}' expected a number but got {PythonRepr.Of(value)}.");
    }

    /// <summary>DecimalField.to_python: <c>Decimal(value)</c>, else Django's ValidationError.</summary>
    private static object ToDecimal(object value)
    {
        switch (value)
        {
            case decimal: return value;
            case short or int or long: return Convert.ToDecimal(value, CultureInfo.InvariantCulture);
            case double or float:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(number)) return (decimal)number;
                break;
            case string text when decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed): return parsed;
        }
        throw new ValidationError($"“{Str(value)}” value must be a decimal number.");
    }

    /// <summary>BooleanField.to_python: True/False, 1/0, and the texts t, True, 1, f, False, 0.</summary>
    private static object ToBoolean(object value) => value switch
    {
        bool => value,
        1 or 1L or (short)1 => true,
        0 or 0L or (short)0 => false,
        "t" or "True" or "1" => true,
        "f" or "False" or "0" => false,
        _ => throw new ValidationError($"“{Str(value)}” value must be either True or False."),
    };

    /// <summary>UUIDField.to_python: hex text (hyphens, braces and a <c>urn:uuid:</c> prefix allowed).</summary>
    private static object ToGuid(object value)
    {
        if (value is Guid) return value;
        if (value is string text)
        {
            var hex = text.Replace("urn:", "", StringComparison.Ordinal).Replace("uuid:", "", StringComparison.Ordinal).Trim('{', '}').Replace("-", "", StringComparison.Ordinal);
            if (hex.Length == 32 && Guid.TryParseExact(hex, "N", out var guid)) return guid;
        }
        throw new ValidationError($"“{Str(value)}” is not a valid UUID.");
    }

    /// <summary>DateField.to_python: a date, the date of a datetime, or YYYY-MM-DD text.</summary>
    private static object ToDate(object value)
    {
        switch (value)
        {
            case DateOnly: return value;
            case DateTimeOffset moment: return DateOnly.FromDateTime(moment.UtcDateTime);
            case DateTime moment: return DateOnly.FromDateTime(moment.Kind == DateTimeKind.Local ? moment.ToUniversalTime() : moment);
            case string text:
                var parts = text.Split('-');
                if (parts is [{ Length: 4 } y, { Length: 1 or 2 } m, { Length: 1 or 2 } d] && int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
                    && int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var month) && int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var day))
                {
                    if (year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)) return new DateOnly(year, month, day);
                    throw new ValidationError($"“{text}” value has the correct format (YYYY-MM-DD) but it is an invalid date.");
                }
                break;
        }
        throw new ValidationError($"“{Str(value)}” value has an invalid date format. It must be in YYYY-MM-DD format.");
    }

    /// <summary>
    /// DateTimeField.to_python: a moment, a date (its midnight, UTC), or ISO 8601 text (a date alone is its midnight);
    /// a moment without an offset is taken as UTC, Nuages' time zone.
    /// </summary>
    private static object ToDateTime(object value)
    {
        switch (value)
        {
            case DateTimeOffset or DateTime: return value;
            case DateOnly date: return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            case string text:
                var s = text.Trim();
                if (s.Length == 10 && s[4] == '-') return ToDateTime(ToDate(s));
                if (s.Length >= 16 && s[4] == '-' && s[7] == '-' && s[10] is ' ' or 'T'
                    && DateTimeOffset.TryParse(s.Replace(' ', 'T'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var moment))
                    return moment;
                break;
        }
        throw new ValidationError($"“{Str(value)}” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.");
    }
}
