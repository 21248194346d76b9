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
    /// SQLite only (Django 5.1's <c>transaction_mode</c>): how atomic blocks begin. Unset, they begin IMMEDIATE.
    /// </summary>
    public SqliteTransactionMode? TransactionMode { get; init; }

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
    internal string Effective(string alias) => Backends.ConnectionStrings.Effective(this, alias);

}

/// <summary>Builds database settings: <c>s.Databases["default"] = Database.Sqlite("db.sqlite3")</c>.</summary>
public static class Database
{
    /// <summary>The alias queries use when nothing names one (Django's <c>DEFAULT_DB_ALIAS</c>).</summary>
    public const string DefaultAlias = "default";

    /// <summary>The current site's databases, for raw SQL (Django's <c>connections</c>): <c>Database.Connections["replica"]</c>.</summary>
    public static DatabaseConnections Connections => DatabaseConnections.Instance;

    /// <summary>The default database, for raw SQL (Django's <c>connection</c>): <c>Database.Connection.Execute("…", value)</c>.</summary>
    public static DatabaseConnection Connection => DatabaseConnections.Instance[DefaultAlias];

    /// <summary>A SQLite file (created on first use), in WAL mode with a busy timeout so concurrent requests wait rather than fail.</summary>
    public static DatabaseSettings Sqlite(string path) => new(DatabaseEngine.Sqlite, $"Data Source={path};Pooling=True");

    /// <summary>A PostgreSQL database, from an Npgsql connection string.</summary>
    public static DatabaseSettings Postgres(string connectionString) => new(DatabaseEngine.Postgres, connectionString);
}

/// <summary>How SQLite begins an atomic block (Django 5.1's <c>OPTIONS["transaction_mode"]</c>).</summary>
public enum SqliteTransactionMode
{
    /// <summary>Nuages' default: the write lock is taken at BEGIN, waiting out the busy timeout, so a block that reads then writes never fails with "database is locked".</summary>
    Immediate,

    /// <summary>SQLite's and Django's default: the lock is taken at the first write, so read-only blocks run side by side.</summary>
    Deferred,

    /// <summary>The same as <see cref="Immediate"/> in WAL mode, which Nuages uses.</summary>
    Exclusive,
}
