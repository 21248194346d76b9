using Nuages.Core;
using Nuages.Db.Query;

namespace Nuages.Db.Functions;

/// <summary>The current date and time of the database (Django's <c>Now</c>): the statement's timestamp on PostgreSQL, UTC.</summary>
public sealed class Now() : Function()
{
    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        backend.Vendor == "sqlite" ? "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')" : "STATEMENT_TIMESTAMP()";

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(DateTimeOffset);
}

/// <summary>
/// A part of a date or datetime, in UTC (Django's <c>Extract(expression, lookup_name)</c>): year, quarter, month,
/// week (ISO 8601), week_day (Sunday is 1), iso_week_day (Monday is 1), iso_year, day, hour, minute, second.
/// </summary>
public class Extract : Function
{
    internal static readonly string[] Parts = ["year", "quarter", "month", "week", "week_day", "iso_week_day", "iso_year", "day", "hour", "minute", "second"];

    private readonly string _part;

    /// <summary>The part named <paramref name="lookupName"/> of <paramref name="expression"/>.</summary>
    public Extract(object expression, string lookupName) : base(expression)
    {
        if (!Parts.Contains(lookupName)) throw new ArgumentException($"Extract requires a valid lookup name: one of {string.Join(", ", Parts)}; not '{lookupName}'.");
        _part = lookupName;
    }

    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved)
    {
        var type = resolved[0].OutputType;
        if (type != typeof(DateTimeOffset) && type != typeof(DateTime) && type != typeof(DateOnly) && type != typeof(TimeOnly))
            throw new ArgumentException("Extract input expression must be DateField, DateTimeField, TimeField, or DurationField.");
        if (type == typeof(DateOnly) && _part is "hour" or "minute" or "second")
            throw new ArgumentException($"Cannot extract time component '{_part}' from DateField '{arguments[0]}'.");
        return backend.DateExtract(_part, arguments[0], type);
    }

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(int);
}

/// <summary>The year (Django's <c>ExtractYear</c>).</summary>
public sealed class ExtractYear(object expression) : Extract(expression, "year");

/// <summary>The quarter, 1 to 4 (Django's <c>ExtractQuarter</c>).</summary>
public sealed class ExtractQuarter(object expression) : Extract(expression, "quarter");

/// <summary>The month, 1 to 12 (Django's <c>ExtractMonth</c>).</summary>
public sealed class ExtractMonth(object expression) : Extract(expression, "month");

/// <summary>The ISO 8601 week number (Django's <c>ExtractWeek</c>).</summary>
public sealed class ExtractWeek(object expression) : Extract(expression, "week");

/// <summary>The day of the week, Sunday 1 to Saturday 7 (Django's <c>ExtractWeekDay</c>).</summary>
public sealed class ExtractWeekDay(object expression) : Extract(expression, "week_day");

/// <summary>The ISO day of the week, Monday 1 to Sunday 7 (Django's <c>ExtractIsoWeekDay</c>).</summary>
public sealed class ExtractIsoWeekDay(object expression) : Extract(expression, "iso_week_day");

/// <summary>The ISO 8601 week-numbering year (Django's <c>ExtractIsoYear</c>).</summary>
public sealed class ExtractIsoYear(object expression) : Extract(expression, "iso_year");

/// <summary>The day of the month (Django's <c>ExtractDay</c>).</summary>
public sealed class ExtractDay(object expression) : Extract(expression, "day");

/// <summary>The hour (Django's <c>ExtractHour</c>).</summary>
public sealed class ExtractHour(object expression) : Extract(expression, "hour");

/// <summary>The minute (Django's <c>ExtractMinute</c>).</summary>
public sealed class ExtractMinute(object expression) : Extract(expression, "minute");

/// <summary>The second (Django's <c>ExtractSecond</c>).</summary>
public sealed class ExtractSecond(object expression) : Extract(expression, "second");

/// <summary>
/// A date or datetime cut to a unit, in UTC (Django's <c>Trunc(expression, kind)</c>): year, quarter, month, week
/// (its Monday), day, hour, minute, second; a datetime stays a datetime, a date a date.
/// </summary>
public class Trunc : Function
{
    internal static readonly string[] Kinds = ["year", "quarter", "month", "week", "day", "hour", "minute", "second"];

    private readonly string _kind;

    /// <summary><paramref name="expression"/> cut to <paramref name="kind"/>.</summary>
    public Trunc(object expression, string kind) : base(expression)
    {
        if (!Kinds.Contains(kind)) throw new ArgumentException($"Trunc takes one of {string.Join(", ", Kinds)}; not '{kind}'.");
        _kind = kind;
    }

    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved)
    {
        var type = resolved[0].OutputType;
        var date = type == typeof(DateOnly);
        if (!date && type != typeof(DateTimeOffset) && type != typeof(DateTime))
            throw new ArgumentException($"Trunc only valid on DateField, TimeField, or DateTimeField; not on '{arguments[0]}'.");
        if (date && _kind is "hour" or "minute" or "second")
            throw new ArgumentException($"Cannot truncate DateField '{arguments[0]}' to DateTimeField.");
        var column = arguments[0];
        if (backend.Vendor == "sqlite")
        {
            var time = date ? "" : " 00:00:00";
            return _kind switch
            {
                "year" => $"strftime('%Y-01-01{time}', {column})",
                "quarter" => $"(strftime('%Y-', {column}) || printf('%02d', ((CAST(strftime('%m', {column}) AS integer) - 1) / 3) * 3 + 1) || '-01{time}')",
                "month" => $"strftime('%Y-%m-01{time}', {column})",
                "week" => $"strftime('%Y-%m-%d{time}', {column}, '-' || ((CAST(strftime('%w', {column}) AS integer) + 6) % 7) || ' days')",
                "day" => $"strftime('%Y-%m-%d{time}', {column})",
                "hour" => $"strftime('%Y-%m-%d %H:00:00', {column})",
                "minute" => $"strftime('%Y-%m-%d %H:%M:00', {column})",
                _ => $"strftime('%Y-%m-%d %H:%M:%S', {column})",
            };
        }
        return date ? $"CAST(DATE_TRUNC('{_kind}', {column}) AS date)"
            : type == typeof(DateTimeOffset) ? $"DATE_TRUNC('{_kind}', {column} AT TIME ZONE 'UTC')"
            : $"DATE_TRUNC('{_kind}', {column})";
    }

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => arguments[0].OutputType;
}

/// <summary>Cut to the year (Django's <c>TruncYear</c>).</summary>
public sealed class TruncYear(object expression) : Trunc(expression, "year");

/// <summary>Cut to the quarter (Django's <c>TruncQuarter</c>).</summary>
public sealed class TruncQuarter(object expression) : Trunc(expression, "quarter");

/// <summary>Cut to the month (Django's <c>TruncMonth</c>).</summary>
public sealed class TruncMonth(object expression) : Trunc(expression, "month");

/// <summary>Cut to the Monday of its week (Django's <c>TruncWeek</c>).</summary>
public sealed class TruncWeek(object expression) : Trunc(expression, "week");

/// <summary>Cut to the day (Django's <c>TruncDay</c>).</summary>
public sealed class TruncDay(object expression) : Trunc(expression, "day");

/// <summary>Cut to the hour (Django's <c>TruncHour</c>).</summary>
public sealed class TruncHour(object expression) : Trunc(expression, "hour");

/// <summary>Cut to the minute (Django's <c>TruncMinute</c>).</summary>
public sealed class TruncMinute(object expression) : Trunc(expression, "minute");

/// <summary>Cut to the second (Django's <c>TruncSecond</c>).</summary>
public sealed class TruncSecond(object expression) : Trunc(expression, "second");

/// <summary>The date of a datetime, in UTC (Django's <c>TruncDate</c>).</summary>
public sealed class TruncDate(object expression) : Function(expression)
{
    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        backend.DateExtract("date", arguments[0], resolved[0].OutputType);

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(DateOnly);
}
