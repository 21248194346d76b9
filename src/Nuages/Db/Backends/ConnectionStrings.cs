namespace Nuages.Db.Backends;

/// <summary>
/// A database's connection string with its settings applied, for its engine, after checking they make sense — the
/// counterpart of Django's check of persistent connections against pools: a setting given twice, a pool option with
/// pooling off, a pool option for SQLite, a minimum above the maximum. Checked when the site is created.
/// </summary>
internal static class ConnectionStrings
{
    public static string Effective(DatabaseSettings settings, string alias)
    {
        string Fail(string why) => throw new Nuages.Core.ImproperlyConfigured($"Settings.Databases[\"{alias}\"]: {why}");
        if (settings.Engine == DatabaseEngine.Sqlite)
        {
            if (settings.MaxPoolSize is not null || settings.MinPoolSize is not null) Fail("SQLite has no pool size: Microsoft.Data.Sqlite pools connections by itself; remove MaxPoolSize/MinPoolSize.");
            var sqlite = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(settings.ConnectionString);
            if (settings.CommandTimeout is { } wait) sqlite.DefaultTimeout = Seconds(wait);
            if (settings.ConnectTimeout is not null) Fail("SQLite opens a file and has no connect timeout; its busy timeout waits for locks.");
            if (settings.TransactionMode is { } mode && !Enum.IsDefined(mode))
                Fail($"TransactionMode must be Immediate, Deferred or Exclusive, not {(int)mode}.");
            return sqlite.ConnectionString;
        }
        if (settings.TransactionMode is not null) Fail("TransactionMode is SQLite's: PostgreSQL transactions take row locks as they go.");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(settings.ConnectionString);
        var defaults = new Npgsql.NpgsqlConnectionStringBuilder();
        void Set<TValue>(string key, TValue? value, Func<Npgsql.NpgsqlConnectionStringBuilder, TValue> read, Action<TValue> apply) where TValue : struct
        {
            if (value is not { } given) return;
            if (!Equals(read(builder), read(defaults))) Fail($"{key} is set both in the connection string and in the settings: say it once.");
            apply(given);
        }
        if (!builder.Pooling && (settings.MaxPoolSize is not null || settings.MinPoolSize is not null)) Fail("Pooling=false in the connection string, so MaxPoolSize and MinPoolSize cannot apply.");
        Set("Maximum Pool Size", settings.MaxPoolSize, b => b.MaxPoolSize, v => builder.MaxPoolSize = v);
        Set("Minimum Pool Size", settings.MinPoolSize, b => b.MinPoolSize, v => builder.MinPoolSize = v);
        Set("Timeout", settings.ConnectTimeout, b => TimeSpan.FromSeconds(b.Timeout), v => builder.Timeout = Seconds(v));
        Set("Command Timeout", settings.CommandTimeout, b => TimeSpan.FromSeconds(b.CommandTimeout), v => builder.CommandTimeout = Seconds(v));
        if (builder.MinPoolSize > builder.MaxPoolSize) Fail($"MinPoolSize ({builder.MinPoolSize}) is above MaxPoolSize ({builder.MaxPoolSize}).");
        return builder.ConnectionString;
    }

    private static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));
}
