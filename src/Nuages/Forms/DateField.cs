using System.Globalization;
using System.Text.RegularExpressions;
using Nuages.Core;

namespace Nuages.Forms;

/// <summary>
/// The date and time fields' reading of text (Django's <c>BaseTemporalField</c>): the first of
/// <see cref="InputFormats"/> that matches, written as Python's strptime formats (<c>%Y-%m-%d</c>, <c>%b %d, %Y</c>…).
/// </summary>
public abstract class TemporalField<T> : Field<T>
{
    /// <summary>The formats tried in order; Django's defaults for the field type unless set.</summary>
    public IReadOnlyList<string> InputFormats { get; init; } = [];

    /// <summary>Django's DATE_INPUT_FORMATS.</summary>
    public static readonly IReadOnlyList<string> DateInputFormats =
        ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%b %d %Y", "%b %d, %Y", "%d %b %Y", "%d %b, %Y", "%B %d %Y", "%B %d, %Y", "%d %B %Y", "%d %B, %Y"];

    /// <summary>Django's DATETIME_INPUT_FORMATS.</summary>
    public static readonly IReadOnlyList<string> DateTimeInputFormats =
        ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M:%S.%f", "%m/%d/%y %H:%M"];

    /// <summary>Django's TIME_INPUT_FORMATS.</summary>
    public static readonly IReadOnlyList<string> TimeInputFormats = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"];

    /// <summary>The formats Django tries for this field type.</summary>
    protected abstract IReadOnlyList<string> DefaultFormats { get; }

    /// <summary>The text read with the first matching format, or the field's "invalid" error.</summary>
    protected DateTime Parse(object value)
    {
        var text = PythonFormat.Str(value).Trim();
        foreach (var format in InputFormats.Count > 0 ? InputFormats : DefaultFormats)
            if (Strptime.TryParse(text, format, out var parsed)) return parsed;
        throw Error("invalid", new() { ["value"] = value });
    }
}

/// <summary>Django's <c>DateField</c>: a <see cref="DateOnly"/>.</summary>
public class DateField : TemporalField<DateOnly?>
{
    /// <summary>A date field with Django's message.</summary>
    public DateField() => ErrorMessages["invalid"] = "Enter a valid date.";

    /// <inheritdoc/>
    protected override IReadOnlyList<string> DefaultFormats => DateInputFormats;

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new DateInput();

    /// <inheritdoc/>
    public override object? ToPython(object? value) => value switch
    {
        _ when IsEmpty(value) => null,
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        DateTimeOffset o => DateOnly.FromDateTime(o.DateTime),
        _ => DateOnly.FromDateTime(Parse(value!)),
    };
}

/// <summary>Django's <c>TimeField</c>: a <see cref="TimeOnly"/>.</summary>
public class TimeField : TemporalField<TimeOnly?>
{
    /// <summary>A time field with Django's message.</summary>
    public TimeField() => ErrorMessages["invalid"] = "Enter a valid time.";

    /// <inheritdoc/>
    protected override IReadOnlyList<string> DefaultFormats => TimeInputFormats;

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new TimeInput();

    /// <inheritdoc/>
    public override object? ToPython(object? value) => value switch
    {
        _ when IsEmpty(value) => null,
        TimeOnly t => t,
        _ => TimeOnly.FromDateTime(Parse(value!)),
    };
}

/// <summary>
/// Django's <c>DateTimeField</c>: a <see cref="DateTimeOffset"/>; ISO 8601 first (<c>2006-10-25T14:30:59+02:00</c>),
/// then the input formats and the date formats (midnight). A time without offset is in the site's <c>TimeZone</c>.
/// </summary>
public partial class DateTimeField : TemporalField<DateTimeOffset?>
{
    /// <summary>A date-time field with Django's message.</summary>
    public DateTimeField() => ErrorMessages["invalid"] = "Enter a valid date/time.";

    /// <inheritdoc/>
    protected override IReadOnlyList<string> DefaultFormats => [.. DateTimeInputFormats, .. DateInputFormats];

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new DateTimeInput();

    // django/utils/dateparse.py's datetime_re
    [GeneratedRegex(@"^(?<year>\d{4})-(?<month>\d{1,2})-(?<day>\d{1,2})[T ](?<hour>\d{1,2}):(?<minute>\d{1,2})(?::(?<second>\d{1,2})(?:[\.,](?<microsecond>\d{1,6})\d{0,6})?)?\s*(?<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$")]
    private static partial Regex IsoDateTime();

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        switch (value)
        {
            case var _ when IsEmpty(value): return null;
            case DateTimeOffset o: return o;
            case DateTime t: return InSiteZone(t);
            case DateOnly d: return InSiteZone(d.ToDateTime(TimeOnly.MinValue));
        }
        var text = PythonFormat.Str(value).Trim();
        if (IsoDateTime().Match(text) is { Success: true } m)
        {
            try
            {
                var local = new DateTime(Int(m, "year"), Int(m, "month"), Int(m, "day"), Int(m, "hour"), Int(m, "minute"), Int(m, "second"))
                    .AddTicks(m.Groups["microsecond"].Success ? long.Parse(m.Groups["microsecond"].Value.PadRight(6, '0'), CultureInfo.InvariantCulture) * 10 : 0);
                if (!m.Groups["tzinfo"].Success) return InSiteZone(local);
                return new DateTimeOffset(local, Offset(m.Groups["tzinfo"].Value));
            }
            catch (ArgumentOutOfRangeException)
            {
                throw Error("invalid", new() { ["value"] = value });
            }
        }
        return InSiteZone(Parse(value!));
    }

    private static int Int(Match m, string group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;

    private static TimeSpan Offset(string tz)
    {
        if (tz == "Z") return TimeSpan.Zero;
        var sign = tz[0] == '-' ? -1 : 1;
        var digits = tz[1..].Replace(":", "", StringComparison.Ordinal);
        var minutes = int.Parse(digits[..2], CultureInfo.InvariantCulture) * 60 + (digits.Length > 2 ? int.Parse(digits[2..], CultureInfo.InvariantCulture) : 0);
        return TimeSpan.FromMinutes(sign * minutes);
    }

    /// <summary>A wall-clock time in the site's time zone (Django's <c>from_current_timezone</c>).</summary>
    private static DateTimeOffset InSiteZone(DateTime local)
    {
        var zoneName = Conf.Site.TryCurrent?.Settings.TimeZone ?? "UTC";
        var zone = zoneName == "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }
}

/// <summary>Python's <c>datetime.strptime</c> for the directives Django's input formats use.</summary>
internal static class Strptime
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);
    private static readonly string[] Abbreviated = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] Full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    public static bool TryParse(string text, string format, out DateTime result)
    {
        result = default;
        var m = Patterns.GetOrAdd(format, Compile).Match(text);
        if (!m.Success) return false;
        int Get(string name, int fallback) => m.Groups[name].Success ? int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : fallback;
        var year = m.Groups["Y"].Success ? Get("Y", 1900) : m.Groups["y"].Success ? Century(Get("y", 0)) : 1900;
        var month = m.Groups["m"].Success ? Get("m", 1)
            : m.Groups["b"].Success ? Array.IndexOf(Abbreviated, m.Groups["b"].Value.ToLowerInvariant()) + 1
            : m.Groups["B"].Success ? Array.IndexOf(Full, m.Groups["B"].Value.ToLowerInvariant()) + 1 : 1;
        var fraction = m.Groups["f"].Success ? int.Parse(m.Groups["f"].Value.PadRight(6, '0'), CultureInfo.InvariantCulture) : 0;
        try
        {
            result = new DateTime(year, month, Get("d", 1), Get("H", 0), Get("M", 0), Get("S", 0)).AddTicks(fraction * 10L);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    // Python's %y: 69–99 are 1969–1999, 0–68 are 2000–2068
    private static int Century(int year) => year >= 69 ? 1900 + year : 2000 + year;

    private static Regex Compile(string format)
    {
        var sb = new System.Text.StringBuilder("^");
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '%' && i + 1 < format.Length)
            {
                var d = format[++i];
                sb.Append(d switch
                {
                    'Y' => @"(?<Y>\d{4})",
                    'y' => @"(?<y>\d{2})",
                    'm' => @"(?<m>1[0-2]|0[1-9]|[1-9])",
                    'd' => @"(?<d>3[01]|[12]\d|0[1-9]|[1-9]| [1-9])",
                    'H' => @"(?<H>2[0-3]|[0-1]\d|\d)",
                    'M' => @"(?<M>[0-5]\d|\d)",
                    'S' => @"(?<S>6[0-1]|[0-5]\d|\d)",
                    'f' => @"(?<f>[0-9]{1,6})",
                    'b' => "(?<b>" + string.Join("|", Abbreviated) + ")",
                    'B' => "(?<B>" + string.Join("|", Full) + ")",
                    '%' => "%",
                    _ => Regex.Escape("%" + d),
                });
            }
            else if (char.IsWhiteSpace(c)) sb.Append(@"\s+");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
