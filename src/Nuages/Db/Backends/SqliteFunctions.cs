using Microsoft.Data.Sqlite;

namespace Nuages.Db.Backends;

/// <summary>
/// The functions Django's SQLite backend adds to each connection (django/db/backends/sqlite3/_functions.py), with the
/// same answers: NULL in, NULL out; CEILING and FLOOR give integers, MOD is a float remainder (Python's fmod), POWER of
/// integers is an integer, LPAD and RPAD cut or fill as Django's do.
/// </summary>
internal static class SqliteFunctions
{
    public static void Register(SqliteConnection connection)
    {
        connection.CreateFunction("CEILING", (object? x) => x is null or DBNull ? null : (object)(long)Math.Ceiling(Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture)), isDeterministic: true);
        connection.CreateFunction("FLOOR", (object? x) => x is null or DBNull ? null : (object)(long)Math.Floor(Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture)), isDeterministic: true);
        connection.CreateFunction("MOD", (object? x, object? y) => x is null or DBNull || y is null or DBNull ? null
            : FMod(Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(y, System.Globalization.CultureInfo.InvariantCulture)), isDeterministic: true);
        // Python's x ** y: an integer for integers and a non-negative exponent, else a float
        connection.CreateFunction("POWER", (object? x, object? y) => x is null or DBNull || y is null or DBNull ? null
            : x is long a && y is long b && b >= 0 ? (long)Math.Pow(a, b)
            : (object)Math.Pow(Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(y, System.Globalization.CultureInfo.InvariantCulture)), isDeterministic: true);
        connection.CreateFunction("SQRT", (object? x) => x is null or DBNull ? null : (object)Math.Sqrt(Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture)), isDeterministic: true);
        connection.CreateFunction("LPAD", (string? text, long? length, string? fill) => Pad(text, length, fill, left: true), isDeterministic: true);
        connection.CreateFunction("RPAD", (string? text, long? length, string? fill) => Pad(text, length, fill, left: false), isDeterministic: true);
    }

    /// <summary>Python's math.fmod: the remainder with the sign of the dividend; NULL where fmod has no answer (a zero divisor).</summary>
    private static object? FMod(double x, double y) => y == 0 ? null : x % y;


    /// <summary>Django's _sqlite_lpad/_sqlite_rpad: cut to <paramref name="length"/>, or fill with repeats of <paramref name="fill"/>.</summary>
    private static string? Pad(string? text, long? length, string? fill, bool left)
    {
        if (text is null || length is not { } n || fill is null) return null;
        var delta = (int)n - text.Length;
        if (delta <= 0) return text[..(int)Math.Max(0, n)];
        if (fill.Length == 0) return text;
        var padding = string.Concat(Enumerable.Repeat(fill, (int)n))[..delta];
        return left ? padding + text : text + padding;
    }
}
