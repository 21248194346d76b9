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
        DatabaseEngine.Sqlite => new SqliteBackend(s.Effective(a)) { TransactionMode = s.TransactionMode ?? SqliteTransactionMode.Immediate },
        _ => new PostgresBackend(s.Effective(a)) { ServerSideCursors = !s.DisableServerSideCursors },
    }, alias);

    public abstract DbConnection Open();

    /// <summary>The SQL of the plain SELECTs compiled so far, by shape (see <see cref="Query.SelectShape"/>): one compilation per shape.</summary>
    internal ConcurrentDictionary<Query.SelectShape, string> Selects { get; } = new();

    /// <summary>The SQL of bulk updates compiled so far, by model, columns written (joined by NUL) and row count.</summary>
    internal ConcurrentDictionary<(Type Model, string Columns, int Rows), string> BulkUpdates { get; } = new();

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
    public string ColumnType(FieldMeta field) => ColumnType(field.Type, field.MaxLength, field.Json, field.MaxDigits, field.DecimalPlaces);

    /// <summary>The column type of values of <paramref name="type"/> (what models and migrations both use); a decimal's precision when declared.</summary>
    public abstract string ColumnType(Type type, int? maxLength, bool json, int? maxDigits = null, int? decimalPlaces = null);

    public abstract string AutoPrimaryKey { get; }

    /// <summary>The operator for a case-insensitive LIKE.</summary>
    public abstract string InsensitiveLike { get; }

    /// <summary>The operator for a case-sensitive LIKE (SQLite's LIKE ignores ASCII case, as in Django).</summary>
    public abstract string SensitiveLike { get; }

    /// <summary>What to connect to, for error messages: the file, or the host, port and database.</summary>
    public abstract string Target { get; }

    /// <summary>Django's <c>connection.vendor</c>: <c>sqlite</c> or <c>postgresql</c>, for the functions whose SQL differs by engine (their <c>as_sqlite</c>).</summary>
    public abstract string Vendor { get; }

    /// <summary>A regular-expression match of <paramref name="column"/> against the pattern parameter.</summary>
    public abstract string Regex(string column, string pattern, bool ignoreCase);

    // Django's connection.features and connection.ops: what the compiler asks by name, never by engine.

    /// <summary>Whether SELECT … FOR UPDATE exists (Django's <c>has_select_for_update</c>); where it does not, blocks lock otherwise.</summary>
    public virtual bool HasSelectForUpdate => true;

    /// <summary>Whether SELECT DISTINCT ON (…) exists (Django's <c>can_distinct_on_fields</c>): PostgreSQL only.</summary>
    public virtual bool CanDistinctOnFields => true;

    /// <summary>What LIMIT takes for "no limit" when there is an OFFSET (Django's <c>no_limit_value</c>); null: OFFSET alone is fine.</summary>
    public virtual string? NoLimitValue => null;

    /// <summary>Most parameters in one statement that the bulk writes use (Django's <c>max_query_params</c>).</summary>
    public virtual int MaxQueryParameters => 65535;

    /// <summary>What Explain puts before a query (Django's <c>explain_query_prefix</c>).</summary>
    public virtual string ExplainPrefix => "EXPLAIN ";

    /// <summary>Whether a VALUES list's parameters need a CAST to their column's type (a column of NULLs would be text otherwise).</summary>
    public virtual bool TypesValuesColumns => true;

    /// <summary>A date part of a column (Django's <c>date_extract_sql</c>), in UTC: date, year, month, day, hour, minute, second, week_day (Sunday is 1).</summary>
    public virtual string DateExtract(string part, string column, Type? sourceType)
    {
        var utc = sourceType == typeof(DateTimeOffset) ? $"({column} AT TIME ZONE 'UTC')" : column;
        return part switch
        {
            "date" => $"CAST({utc} AS date)",
            "week_day" => $"(CAST(EXTRACT(DOW FROM {utc}) AS integer) + 1)",
            "iso_week_day" => $"CAST(EXTRACT(ISODOW FROM {utc}) AS integer)",
            "iso_year" => $"CAST(EXTRACT(ISOYEAR FROM {utc}) AS integer)",
            _ => $"CAST(EXTRACT({part.ToUpperInvariant()} FROM {utc}) AS integer)",
        };
    }

    /// <summary>
    /// A value as the database stores it (Django's <c>adapt_*_value</c>): enums are their numbers, JSON goes as text
    /// marked so the parameter is typed jsonb, other types as the driver takes them; text it would alter is refused.
    /// </summary>
    public virtual object AdaptValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset d => d.ToUniversalTime(), // PostgreSQL timestamptz takes UTC
        DateTime d => AdaptValue(new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime())),
        string s => CheckText(s),
        Enum e => Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture),
        JsonText => value,
        short or int or long or bool or float or double or decimal or DateOnly or TimeOnly or TimeSpan or Guid or byte[] or DBNull => value,
        _ => new JsonText(System.Text.Json.JsonSerializer.Serialize(value, value.GetType())),
    };

    /// <summary>The placeholder of the <paramref name="index"/>th parameter (from 1): PostgreSQL's own <c>$n</c>, which spare Npgsql rewriting named ones in every statement.</summary>
    public virtual string Placeholder(int index) =>
        index <= DollarPlaceholders.Length ? DollarPlaceholders[index - 1] : "$" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // PERF: the first placeholders, made once.
    private static readonly string[] DollarPlaceholders = [.. Enumerable.Range(1, 64).Select(i => "$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Whether text may hold NUL (PostgreSQL's may not).</summary>
    protected virtual bool AllowsNulInText => false;

    /// <summary>A raw query (one <c>%s</c>, the table's name) answering a row when the table exists (Django's <c>introspection.table_names()</c>, for one).</summary>
    public abstract string TableExistsQuery { get; }

    /// <summary>A raw query (two <c>%s</c>: the table's name, the column's) answering a row when the column exists (Django's <c>introspection.get_table_description()</c>, for one).</summary>
    public abstract string ColumnExistsQuery { get; }

    /// <summary>Names and types a command's parameter: positional for PostgreSQL ($1…), named for SQLite (@p0…); JSON typed jsonb.</summary>
    public virtual void Bind(System.Data.Common.DbCommand command, int index, object? value)
    {
        var parameter = command.CreateParameter();
        if (value is JsonText json)
        {
            parameter.Value = json.Text;
            if (parameter is NpgsqlParameter npgsql) npgsql.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb;
        }
        else parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// Text the database would change is refused before it is sent: a lone surrogate has no UTF-8 form (drivers would store
    /// U+FFFD), and PostgreSQL text cannot hold NUL.
    /// </summary>
    private string CheckText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' && !AllowsNulInText) throw new ArgumentException("A string literal cannot contain NUL (0x00) characters.");
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            var shown = text.Length > 40 ? text[..40] + "…" : text;
            var printable = string.Concat(shown.Select(ch => char.IsSurrogate(ch) || char.IsControl(ch) ? $"\\u{(int)ch:X4}" : ch.ToString()));
            throw new ArgumentException($"The value \"{printable}\" contains a lone UTF-16 surrogate (U+{(int)c:X4} at index {i}), which has no UTF-8 form; it was not sent.");
        }
        return text;
    }

    /// <summary>A name as SQL quotes it; the same few names come back in every statement, so each is quoted once.</summary>
    public static string Quote(string name) =>
        Quoted.TryGetValue(name, out var quoted) ? quoted : Quoted.Count < 4096 ? Quoted.GetOrAdd(name, Quoting) : Quoting(name);

    private static readonly ConcurrentDictionary<string, string> Quoted = new(StringComparer.Ordinal);

    private static string Quoting(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}

internal sealed class SqliteBackend(string connectionString) : Backend
{
    public override string Vendor => "sqlite";

    // SQLite locks the whole database for a block's writes (BEGIN IMMEDIATE): no row locks to ask for.
    public override bool HasSelectForUpdate => false;

    public override bool CanDistinctOnFields => false;

    // SQLite has no OFFSET without LIMIT.
    public override string? NoLimitValue => "-1";

    /// <summary>
    /// SQLite takes 32766, but Microsoft.Data.Sqlite binds parameters in time quadratic in their number (7000 rows × 5
    /// columns: 5 s against 0.3 s in batches of 999), so SQLite gets 999, its historical default limit.
    /// </summary>
    public override int MaxQueryParameters => 999;

    public override bool TypesValuesColumns => false;

    public override string ExplainPrefix => "EXPLAIN QUERY PLAN ";

    protected override bool AllowsNulInText => true;

    public override string TableExistsQuery => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s";

    public override string ColumnExistsQuery => "SELECT 1 FROM pragma_table_info(%s) WHERE name = %s";

    public override string DateExtract(string part, string column, Type? sourceType) => part switch
    {
        "date" => $"date({column})",
        "week_day" => $"(CAST(strftime('%w', {column}) AS integer) + 1)", // Django: Sunday is 1
        "year" => $"CAST(strftime('%Y', {column}) AS integer)",
        "quarter" => $"((CAST(strftime('%m', {column}) AS integer) + 2) / 3)",
        "week" => $"CAST(strftime('%V', {column}) AS integer)", // ISO 8601, as Django's
        "iso_week_day" => $"CAST(strftime('%u', {column}) AS integer)",
        "iso_year" => $"CAST(strftime('%G', {column}) AS integer)",
        "month" => $"CAST(strftime('%m', {column}) AS integer)",
        "day" => $"CAST(strftime('%d', {column}) AS integer)",
        "hour" => $"CAST(strftime('%H', {column}) AS integer)",
        "minute" => $"CAST(strftime('%M', {column}) AS integer)",
        _ => $"CAST(strftime('%S', {column}) AS integer)",
    };

    /// <summary>
    /// SQLite has no date, time, GUID, decimal or interval types: those become text or integers (durations in
    /// microseconds, as Django stores them), as Django's SQLite backend adapts them.
    /// </summary>
    public override object AdaptValue(object? value) => value switch
    {
        // str() of Python's datetime and time, as Django's SQLite backend writes them: no fraction when there are no microseconds
        DateTimeOffset d => d.UtcDateTime.ToString(d.UtcDateTime.Ticks % TimeSpan.TicksPerSecond / 10 == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
        DateTime d => AdaptValue(new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime())),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString(t.Ticks % TimeSpan.TicksPerSecond / 10 == 0 ? "HH:mm:ss" : "HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan t => t.Ticks / 10,
        Guid g => g.ToString("N"),
        decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => base.AdaptValue(value),
    };

    // Microsoft.Data.Sqlite binds by name: @p0, @p1, … (made once for the first ones).
    public override string Placeholder(int index) =>
        index <= NamedPlaceholders.Length ? NamedPlaceholders[index - 1] : "@p" + (index - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] NamedPlaceholders = [.. Enumerable.Range(0, 64).Select(i => "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    public override void Bind(System.Data.Common.DbCommand command, int index, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameter.Value = value is JsonText json ? json.Text : value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

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
        ((SqliteConnection)connection).BeginTransaction(deferred: TransactionMode == SqliteTransactionMode.Deferred);

    /// <summary>How blocks begin.</summary>
    public SqliteTransactionMode TransactionMode { get; init; } = SqliteTransactionMode.Immediate;

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
        SqliteFunctions.Register(connection);
        using var command = connection.CreateCommand();
        // Django's SQLite backend turns foreign keys on: references are checked (at commit, as they are deferred).
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";
        command.ExecuteNonQuery();
    }

    public override string ColumnType(Type type, int? maxLength, bool json, int? maxDigits = null, int? decimalPlaces = null) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        _ when json => "text",
        var t when t == typeof(string) => maxLength is { } n ? $"varchar({n})" : "text",
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
    public override string TableExistsQuery => "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = %s";

    public override string ColumnExistsQuery => "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s";

    public override string Vendor => "postgresql";

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

    public override string ColumnType(Type type, int? maxLength, bool json, int? maxDigits = null, int? decimalPlaces = null) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        _ when json => "jsonb",
        var t when t == typeof(string) => maxLength is { } n ? $"varchar({n})" : "text",
        var t when t == typeof(short) => "smallint",
        var t when t == typeof(int) || t.IsEnum => "integer",
        var t when t == typeof(long) => "bigint",
        var t when t == typeof(bool) => "boolean",
        var t when t == typeof(double) => "double precision",
        var t when t == typeof(float) => "real",
        var t when t == typeof(decimal) => maxDigits is { } p && decimalPlaces is { } s ? $"numeric({p}, {s})" : "numeric",
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
