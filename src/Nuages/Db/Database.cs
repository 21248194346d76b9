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
}

/// <summary>Builds database settings: <c>s.Databases["default"] = Database.Sqlite("db.sqlite3")</c>.</summary>
public static class Database
{
    /// <summary>A SQLite file (created on first use), in WAL mode with a busy timeout so concurrent requests wait rather than fail.</summary>
    public static DatabaseSettings Sqlite(string path) => new(DatabaseEngine.Sqlite, $"Data Source={path};Pooling=True");

    /// <summary>A PostgreSQL database, from an Npgsql connection string.</summary>
    public static DatabaseSettings Postgres(string connectionString) => new(DatabaseEngine.Postgres, connectionString);
}
