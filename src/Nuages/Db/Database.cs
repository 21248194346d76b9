namespace Nuages.Db;

/// <summary>The database engines Nuages speaks.</summary>
public enum DatabaseEngine
{
    /// <summary>SQLite through Microsoft.Data.Sqlite: the embedded default.</summary>
    Sqlite,

    /// <summary>PostgreSQL through Npgsql.</summary>
    Postgres,
}

/// <summary>One entry of <c>Settings.Databases</c> (Django's <c>DATABASES["default"]</c>).</summary>
public sealed record DatabaseSettings(DatabaseEngine Engine, string ConnectionString)
{
    /// <summary>
    /// Django's <c>ATOMIC_REQUESTS</c>: every view runs in an atomic block on this database, committed when it returns
    /// a response and rolled back when it throws — sync and async views alike. Views opt out with [NonAtomicRequests].
    /// </summary>
    public bool AtomicRequests { get; init; }

    /// <summary>
    /// Django's <c>DISABLE_SERVER_SIDE_CURSORS</c> (as django/db/backends/base/base.py): Iterator reads with a plain query instead of a cursor,
    /// as a transaction-pooling proxy (PgBouncer) needs; the rows still arrive one by one from the driver.
    /// </summary>
    public bool DisableServerSideCursors { get; init; }

    /// <summary>
    /// SQLite only (Django 5.1's <c>transaction_mode</c>): how atomic blocks begin — <c>IMMEDIATE</c> (Nuages' default:
    /// the write lock is taken at BEGIN, waiting out the busy timeout, so a block that reads then writes never fails
    /// with "database is locked"), <c>DEFERRED</c> (SQLite's and Django's default: read-only blocks run side by side),
    /// or <c>EXCLUSIVE</c> (the same as IMMEDIATE in WAL mode, which Nuages uses).
    /// </summary>
    public string? TransactionMode { get; init; }

    /// <summary>The most connections the pool keeps open (PostgreSQL; Npgsql's default is 100).</summary>
    public int? MaxPoolSize { get; init; }

    /// <summary>The connections the pool keeps open even when idle (PostgreSQL).</summary>
    public int? MinPoolSize { get; init; }

    /// <summary>How long opening a connection may wait — for the server, or for a free connection of a full pool.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>How long one statement may run before it is cancelled.</summary>
    public TimeSpan? CommandTimeout { get; init; }

    /// <summary>
    /// The connection string with the options above, after checking they make sense — the counterpart of Django's
    /// O-30 check (a pool with persistent connections): a setting given twice, a pool option with pooling off, a
    /// pool option for SQLite, a minimum above the maximum. Checked when the site is created.
    /// </summary>
    internal string Effective(string alias)
    {
        string Fail(string why) => throw new Conf.ImproperlyConfiguredException($"Settings.Databases[\"{alias}\"]: {why}");
        if (Engine == DatabaseEngine.Sqlite)
        {
            if (MaxPoolSize is not null || MinPoolSize is not null) Fail("SQLite has no pool size: Microsoft.Data.Sqlite pools connections by itself; remove MaxPoolSize/MinPoolSize.");
            var sqlite = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString);
            if (CommandTimeout is { } wait) sqlite.DefaultTimeout = Seconds(wait);
            if (ConnectTimeout is not null) Fail("SQLite opens a file and has no connect timeout; its busy timeout waits for locks.");
            if (TransactionMode is not (null or "IMMEDIATE" or "DEFERRED" or "EXCLUSIVE"))
                Fail($"TransactionMode must be IMMEDIATE, DEFERRED or EXCLUSIVE, not '{TransactionMode}'.");
            return sqlite.ConnectionString;
        }
        if (TransactionMode is not null) Fail("TransactionMode is SQLite's: PostgreSQL transactions take row locks as they go.");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        var defaults = new Npgsql.NpgsqlConnectionStringBuilder();
        void Set<TValue>(string key, TValue? value, Func<Npgsql.NpgsqlConnectionStringBuilder, TValue> read, Action<TValue> apply) where TValue : struct
        {
            if (value is not { } given) return;
            if (!Equals(read(builder), read(defaults))) Fail($"{key} is set both in the connection string and in the settings: say it once.");
            apply(given);
        }
        if (!builder.Pooling && (MaxPoolSize is not null || MinPoolSize is not null)) Fail("Pooling=false in the connection string, so MaxPoolSize and MinPoolSize cannot apply.");
        Set("Maximum Pool Size", MaxPoolSize, b => b.MaxPoolSize, v => builder.MaxPoolSize = v);
        Set("Minimum Pool Size", MinPoolSize, b => b.MinPoolSize, v => builder.MinPoolSize = v);
        Set("Timeout", ConnectTimeout, b => TimeSpan.FromSeconds(b.Timeout), v => builder.Timeout = Seconds(v));
        Set("Command Timeout", CommandTimeout, b => TimeSpan.FromSeconds(b.CommandTimeout), v => builder.CommandTimeout = Seconds(v));
        if (builder.MinPoolSize > builder.MaxPoolSize) Fail($"MinPoolSize ({builder.MinPoolSize}) is above MaxPoolSize ({builder.MaxPoolSize}).");
        return builder.ConnectionString;
    }

    private static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));
}

/// <summary>Builds database settings: <c>s.Databases["default"] = Database.Sqlite("db.sqlite3")</c>.</summary>
public static class Database
{
    /// <summary>The alias queries use when nothing names one (Django's <c>DEFAULT_DB_ALIAS</c>).</summary>
    public const string DefaultAlias = "default";

    /// <summary>A SQLite file (created on first use), in WAL mode with a busy timeout so concurrent requests wait rather than fail.</summary>
    public static DatabaseSettings Sqlite(string path) => new(DatabaseEngine.Sqlite, $"Data Source={path};Pooling=True");

    /// <summary>A PostgreSQL database, from an Npgsql connection string.</summary>
    public static DatabaseSettings Postgres(string connectionString) => new(DatabaseEngine.Postgres, connectionString);
}
