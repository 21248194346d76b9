using System.Globalization;
using System.Text;

namespace Nuages.Templates;

/// <summary>
/// Django's date formatting (django/utils/dateformat.py) in English: the <c>date</c> and <c>time</c> filters,
/// <c>{% now %}</c>, and dates shown by <c>{{ value }}</c>. Format characters are PHP's, as in Django; a backslash
/// escapes the next character.
/// </summary>
public static class DateFormat
{
    /// <summary>Django's <c>DATE_FORMAT</c> for English.</summary>
    public const string DateFormatDefault = "N j, Y";

    /// <summary>Django's <c>DATETIME_FORMAT</c> for English.</summary>
    public const string DateTimeFormat = "N j, Y, P";

    /// <summary>Django's <c>TIME_FORMAT</c> for English.</summary>
    public const string TimeFormat = "P";

    private static readonly string[] MonthsAp = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];
    private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>A setting name (<c>DATE_FORMAT</c>, <c>SHORT_DATE_FORMAT</c>…) as its English format; anything else as it is.</summary>
    public static string Named(string format) => format switch
    {
        "DATE_FORMAT" => DateFormatDefault,
        "DATETIME_FORMAT" => DateTimeFormat,
        "TIME_FORMAT" => TimeFormat,
        "SHORT_DATE_FORMAT" => "m/d/Y",
        "SHORT_DATETIME_FORMAT" => "m/d/Y P",
        "YEAR_MONTH_FORMAT" => "F Y",
        "MONTH_DAY_FORMAT" => "F j",
        _ => format,
    };

    /// <summary>Whether <paramref name="format"/> asks for a part of the date (the <c>time</c> filter refuses those).</summary>
    internal static bool HasDateSpecifier(string format)
    {
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '\\') { i++; continue; }
            if ("bcdDEFjlLmMnNorStUwWyYz".Contains(format[i], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Formats a <see cref="DateTime"/>, <see cref="DateTimeOffset"/>, <see cref="DateOnly"/> or <see cref="TimeOnly"/>.</summary>
    public static string Format(object value, string format)
    {
        var (date, time, offset, hasDate, hasTime) = value switch
        {
            DateTime t => (DateOnly.FromDateTime(t), TimeOnly.FromDateTime(t), t.Kind == DateTimeKind.Utc ? TimeSpan.Zero : (TimeSpan?)null, true, true),
            DateTimeOffset t => (DateOnly.FromDateTime(t.DateTime), TimeOnly.FromDateTime(t.DateTime), t.Offset, true, true),
            DateOnly d => (d, default(TimeOnly), (TimeSpan?)null, true, false),
            TimeOnly t => (default(DateOnly), t, (TimeSpan?)null, false, true),
            _ => throw new ArgumentException($"Cannot format {value.GetType().Name} as a date.", nameof(value)),
        };
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '\\')
            {
                if (i + 1 < format.Length) sb.Append(format[++i]);
                continue;
            }
            if (!"aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTuUwWyYzZ".Contains(c, StringComparison.Ordinal))
            {
                sb.Append(c);
                continue;
            }
            if (!hasDate && "bcdDEFIjlLmMnNorStUwWyYz".Contains(c, StringComparison.Ordinal))
                throw new InvalidOperationException($"The format for time objects may not contain date-related format specifiers (found '{c}').");
            if (!hasTime && "aAefgGhHiIOPrsTuUZ".Contains(c, StringComparison.Ordinal))
                throw new InvalidOperationException($"The format for date objects may not contain time-related format specifiers (found '{c}').");
            sb.Append(Part(c, date, time, offset ?? (value is DateTime ? TimeSpan.Zero : null), value));
        }
        return sb.ToString();
    }

    private static string Part(char c, DateOnly date, TimeOnly time, TimeSpan? offset, object value)
    {
        var inv = CultureInfo.InvariantCulture;
        var hour12 = time.Hour % 12 == 0 ? 12 : time.Hour % 12;
        switch (c)
        {
            case 'a': return time.Hour > 11 ? "p.m." : "a.m.";
            case 'A': return time.Hour > 11 ? "PM" : "AM";
            case 'b': return Months[date.Month - 1][..3].ToLowerInvariant();
            case 'c': return Iso(value);
            case 'd': return date.Day.ToString("00", inv);
            case 'D': return Days[Weekday(date)][..3];
            case 'e': return value is DateTimeOffset o ? (o.Offset == TimeSpan.Zero ? "UTC" : "") : "";
            case 'E': return Months[date.Month - 1];
            case 'f': return time.Minute == 0 ? hour12.ToString(inv) : $"{hour12}:{time.Minute:00}";
            case 'F': return Months[date.Month - 1];
            case 'g': return hour12.ToString(inv);
            case 'G': return time.Hour.ToString(inv);
            case 'h': return hour12.ToString("00", inv);
            case 'H': return time.Hour.ToString("00", inv);
            case 'i': return time.Minute.ToString("00", inv);
            case 'I': return offset is null ? "" : "0";
            case 'j': return date.Day.ToString(inv);
            case 'l': return Days[Weekday(date)];
            case 'L': return DateTime.IsLeapYear(date.Year) ? "True" : "False";
            case 'm': return date.Month.ToString("00", inv);
            case 'M': return Months[date.Month - 1][..3];
            case 'n': return date.Month.ToString(inv);
            case 'N': return MonthsAp[date.Month - 1];
            case 'o': return ISOWeek.GetYear(date.ToDateTime(TimeOnly.MinValue)).ToString(inv);
            case 'O':
                if (offset is not { } off) return "";
                return (off < TimeSpan.Zero ? "-" : "+") + Math.Abs(off.Hours).ToString("00", inv) + Math.Abs(off.Minutes).ToString("00", inv);
            case 'P':
                if (time.Minute == 0 && time.Hour == 0) return "midnight";
                if (time.Minute == 0 && time.Hour == 12) return "noon";
                return $"{Part('f', date, time, offset, value)} {Part('a', date, time, offset, value)}";
            case 'r':
                return $"{Days[Weekday(date)][..3]}, {date.Day:00} {Months[date.Month - 1][..3]} {date.Year:0000} {time.Hour:00}:{time.Minute:00}:{time.Second:00} {Part('O', date, time, offset ?? TimeSpan.Zero, value)}";
            case 's': return time.Second.ToString("00", inv);
            case 'S':
                if (date.Day is 11 or 12 or 13) return "th";
                return (date.Day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
            case 't': return DateTime.DaysInMonth(date.Year, date.Month).ToString("00", inv);
            case 'T': return offset is null ? "" : offset == TimeSpan.Zero ? "UTC" : Part('O', date, time, offset, value);
            case 'u': return (time.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", inv);
            case 'U':
                var utc = new DateTimeOffset(date.ToDateTime(time), offset ?? TimeSpan.Zero);
                return utc.ToUnixTimeSeconds().ToString(inv);
            case 'w': return ((int)date.DayOfWeek).ToString(inv);
            case 'W': return ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue)).ToString(inv);
            case 'y': return (date.Year % 100).ToString("00", inv);
            case 'Y': return date.Year.ToString("0000", inv);
            case 'z': return date.DayOfYear.ToString(inv);
            case 'Z': return offset is null ? "" : ((int)offset.Value.TotalSeconds).ToString(inv);
            default: return c.ToString();
        }
    }

    private static int Weekday(DateOnly date) => ((int)date.DayOfWeek + 6) % 7;

    /// <summary>Python's <c>isoformat()</c>.</summary>
    internal static string Iso(object value)
    {
        var inv = CultureInfo.InvariantCulture;
        string Time(TimeOnly t) => t.Ticks % TimeSpan.TicksPerSecond == 0 ? t.ToString("HH:mm:ss", inv) : t.ToString("HH:mm:ss.ffffff", inv);
        return value switch
        {
            DateTimeOffset o => $"{o.DateTime.ToString("yyyy-MM-dd", inv)}T{Time(TimeOnly.FromDateTime(o.DateTime))}{(o.Offset < TimeSpan.Zero ? "-" : "+")}{Math.Abs(o.Offset.Hours):00}:{Math.Abs(o.Offset.Minutes):00}",
            DateTime t => $"{t.ToString("yyyy-MM-dd", inv)}T{Time(TimeOnly.FromDateTime(t))}{(t.Kind == DateTimeKind.Utc ? "+00:00" : "")}",
            DateOnly d => d.ToString("yyyy-MM-dd", inv),
            TimeOnly t => Time(t),
            _ => TemplateValues.ToText(value),
        };
    }
}
