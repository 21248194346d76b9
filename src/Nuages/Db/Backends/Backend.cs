using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Nuages.Db.Models;

namespace Nuages.Db.Backends;

/// <summary>What differs between engines: opening connections, column types, case-insensitive matching.</summary>
internal abstract class Backend
{
    private static readonly ConcurrentDictionary<DatabaseSettings, Backend> Backends = new();

    public static Backend For(DatabaseSettings settings, string alias) => Backends.GetOrAdd(settings, (s, a) => s.Engine switch
    {
        DatabaseEngine.Sqlite => new SqliteBackend(s.Effective(a)) { TransactionMode = s.TransactionMode ?? "IMMEDIATE" },
        _ => new PostgresBackend(s.Effective(a)) { ServerSideCursors = !s.DisableServerSideCursors },
    }, alias);

    public abstract DbConnection Open();

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Whether Iterator reads through a server-side cursor, a chunk per FETCH (PostgreSQL, unless disabled).</summary>
    public bool ServerSideCursors { get; init; }

    /// <summary>Closes the pool's idle connections (a connection in use closes when it is given back).</summary>
    public abstract void ClearPool();

    /// <summary>Begins a transaction on <paramref name="connection"/>.</summary>
    public virtual DbTransaction Begin(DbConnection connection) => connection.BeginTransaction();

    public virtual ValueTask<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(cancellationToken);

    /// <summary>The column type of a field.</summary>
    public abstract string ColumnType(FieldMeta field);

    public abstract string AutoPrimaryKey { get; }

    /// <summary>The operator for a case-insensitive LIKE.</summary>
    public abstract string InsensitiveLike { get; }

    /// <summary>The operator for a case-sensitive LIKE (SQLite's LIKE ignores ASCII case, as in Django).</summary>
    public abstract string SensitiveLike { get; }

    /// <summary>What to connect to, for error messages: the file, or the host, port and database.</summary>
    public abstract string Target { get; }

    /// <summary>A regular-expression match of <paramref name="column"/> against the pattern parameter.</summary>
    public abstract string Regex(string column, string pattern, bool ignoreCase);

    /// <summary>A name as SQL quotes it; the same few names come back in every statement, so each is quoted once.</summary>
    public static string Quote(string name) =>
        Quoted.TryGetValue(name, out var quoted) ? quoted : Quoted.Count < 4096 ? Quoted.GetOrAdd(name, Quoting) : Quoting(name);

    private static readonly ConcurrentDictionary<string, string> Quoted = new(StringComparer.Ordinal);

    private static string Quoting(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}

internal sealed class SqliteBackend(string connectionString) : Backend
{
    public override DbConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Prepare(connection);
        return connection;
    }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite has no real async I/O: its commands are short and run inline.
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        Prepare(connection);
        return connection;
    }

    /// <summary>
    /// BEGIN IMMEDIATE unless the settings say DEFERRED: the transaction takes SQLite's write lock first, waiting out
    /// the busy timeout, rather than failing with "database is locked" when a read in it later turns into a write
    /// while another writer holds it; it also makes a read-modify-write in a block safe, which is what
    /// SelectForUpdate asks for elsewhere. In WAL mode, which Nuages always uses, EXCLUSIVE is the same as IMMEDIATE.
    /// </summary>
    public override DbTransaction Begin(DbConnection connection) =>
        ((SqliteConnection)connection).BeginTransaction(deferred: TransactionMode == "DEFERRED");

    /// <summary>How blocks begin: IMMEDIATE, DEFERRED or EXCLUSIVE.</summary>
    public string TransactionMode { get; init; } = "IMMEDIATE";

    public override ValueTask<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) => new(Begin(connection));

    public override void ClearPool() => SqliteConnection.ClearAllPools();

    public override string Target => $"SQLite file {new SqliteConnectionStringBuilder(connectionString).DataSource}";

    // SQLite's X REGEXP Y calls regexp(Y, X), registered on each connection as Django's backend does.
    public override string Regex(string column, string pattern, bool ignoreCase) =>
        ignoreCase ? $"{column} REGEXP ('(?i)' || {pattern})" : $"{column} REGEXP {pattern}";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Text.RegularExpressions.Regex> Patterns = new();

    /// <summary>Patterns come from users, so the cache is bounded and a pathological pattern times out.</summary>
    private static System.Text.RegularExpressions.Regex Compiled(string pattern)
    {
        if (Patterns.Count > 256) Patterns.Clear();
        return Patterns.GetOrAdd(pattern, static p => new System.Text.RegularExpressions.Regex(p, System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
    }

    private static void Prepare(SqliteConnection connection)
    {
        connection.CreateFunction("regexp", (string? pattern, string? input) => pattern is null || input is null ? (bool?)null : Compiled(pattern).IsMatch(input));
        using var command = connection.CreateCommand();
        // Django's SQLite backend turns foreign keys on: references are checked (at commit, as they are deferred).
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";
        command.ExecuteNonQuery();
    }

    public override string ColumnType(FieldMeta field) => field.Type switch
    {
        _ when field.Json => "text",
        var t when t == typeof(string) => field.MaxLength is { } n ? $"varchar({n})" : "text",
        var t when t == typeof(short) || t == typeof(int) || t == typeof(long) || t == typeof(bool) || t.IsEnum => "integer",
        var t when t == typeof(double) || t == typeof(float) => "real",
        var t when t == typeof(decimal) => "decimal",
        var t when t == typeof(DateTimeOffset) || t == typeof(DateTime) => "datetime",
        var t when t == typeof(DateOnly) => "date",
        var t when t == typeof(TimeOnly) => "time",
        var t when t == typeof(TimeSpan) => "bigint", // microseconds, as Django stores durations on SQLite
        var t when t == typeof(Guid) => "char(32)",
        var t when t == typeof(byte[]) => "BLOB",
        var t => throw new NotSupportedException($"Nuages has no SQLite column type for {t.Name}."),
    };

    public override string AutoPrimaryKey => "integer NOT NULL PRIMARY KEY AUTOINCREMENT";

    public override string InsensitiveLike => "LIKE";

    public override string SensitiveLike => "LIKE";
}

internal sealed class PostgresBackend(string connectionString) : Backend
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(WithDefaults(connectionString));

    /// <summary>
    /// Statements are prepared automatically (the ORM sends the same few shapes again and again), unless the connection
    /// string says otherwise with Max Auto Prepare.
    /// </summary>
    private static string WithDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    public override DbConnection Open() => _source.OpenConnection();

    public override void ClearPool() => _source.Clear();

    public override string Target
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL at {builder.Host}:{builder.Port}, database {builder.Database ?? builder.Username}";
        }
    }

    public override string Regex(string column, string pattern, bool ignoreCase) => $"{column} {(ignoreCase ? "~*" : "~")} {pattern}";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override string ColumnType(FieldMeta field) => field.Type switch
    {
        _ when field.Json => "jsonb",
        var t when t == typeof(string) => field.MaxLength is { } n ? $"varchar({n})" : "text",
        var t when t == typeof(short) => "smallint",
        var t when t == typeof(int) || t.IsEnum => "integer",
        var t when t == typeof(long) => "bigint",
        var t when t == typeof(bool) => "boolean",
        var t when t == typeof(double) => "double precision",
        var t when t == typeof(float) => "real",
        var t when t == typeof(decimal) => "numeric",
        var t when t == typeof(DateTimeOffset) || t == typeof(DateTime) => "timestamp with time zone",
        var t when t == typeof(DateOnly) => "date",
        var t when t == typeof(TimeOnly) => "time",
        var t when t == typeof(TimeSpan) => "interval",
        var t when t == typeof(Guid) => "uuid",
        var t when t == typeof(byte[]) => "bytea",
        var t => throw new NotSupportedException($"Nuages has no PostgreSQL column type for {t.Name}."),
    };

    public override string AutoPrimaryKey => "bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY";

    public override string InsensitiveLike => "ILIKE";

    public override string SensitiveLike => "LIKE";
}
