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
public sealed record DatabaseSettings(DatabaseEngine Engine, string ConnectionString);

/// <summary>Builds database settings: <c>s.Databases["default"] = Database.Sqlite("db.sqlite3")</c>.</summary>
public static class Database
{
    /// <summary>A SQLite file (created on first use), in WAL mode with a busy timeout so concurrent requests wait rather than fail.</summary>
    public static DatabaseSettings Sqlite(string path) => new(DatabaseEngine.Sqlite, $"Data Source={path};Pooling=True");

    /// <summary>A PostgreSQL database, from an Npgsql connection string.</summary>
    public static DatabaseSettings Postgres(string connectionString) => new(DatabaseEngine.Postgres, connectionString);
}
