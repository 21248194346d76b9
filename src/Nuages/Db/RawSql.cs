using System.Collections;
using System.Data.Common;
using System.Text;
using Nuages.Core;
using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Db;

/// <summary>
/// The databases of the current site by alias, for raw SQL (Django's <c>connections</c>):
/// <c>Database.Connections["default"].Execute("UPDATE …", value)</c>.
/// </summary>
public sealed class DatabaseConnections
{
    internal static readonly DatabaseConnections Instance = new();

    private DatabaseConnections()
    {
    }

    /// <summary>The connection of <paramref name="alias"/>; an alias the site does not have fails naming the ones it has.</summary>
    public DatabaseConnection this[string alias]
    {
        get
        {
            _ = Connections.For(alias);
            return new DatabaseConnection(alias);
        }
    }
}

/// <summary>
/// Raw SQL on one database (Django's <c>connection.cursor()</c>): statements with <c>%s</c> placeholders, as Django
/// writes them whatever the engine (<c>%%</c> is a literal <c>%</c>), and values passed apart from the text — never
/// formatted into it. Statements take part in the current atomic block, are counted by <c>CaptureQueries</c>, and
/// raise the same <c>DatabaseError</c> family as the ORM.
/// </summary>
public sealed class DatabaseConnection
{
    internal DatabaseConnection(string alias) => Alias = alias;

    /// <summary>The alias.</summary>
    public string Alias { get; }

    /// <summary>Django's <c>connection.vendor</c>: <c>sqlite</c> or <c>postgresql</c>.</summary>
    public string Vendor => Connections.For(Alias) is SqliteBackend ? "sqlite" : "postgresql";

    /// <summary>Runs a statement and returns the rows it changed (Django's <c>cursor.execute</c> then <c>rowcount</c>).</summary>
    public int Execute(string sql, params object?[] parameters) =>
        Executor.For(Alias).Run("Execute", RawStatement.Make(Alias, sql, parameters), command => command.ExecuteNonQuery());

    /// <summary>The async twin of <see cref="Execute(string, object?[])"/>.</summary>
    public Task<int> ExecuteAsync(string sql, object?[]? parameters = null, CancellationToken cancellationToken = default) =>
        Executor.For(Alias).RunAsync(RawStatement.Make(Alias, sql, parameters ?? []), (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken);

    /// <summary>The rows of a query, each as its column values in order (Django's <c>cursor.fetchall()</c>).</summary>
    public List<object?[]> Query(string sql, params object?[] parameters) =>
        Executor.For(Alias).Read("Query", RawStatement.Make(Alias, sql, parameters), RawStatement.Row);

    /// <summary>The async twin of <see cref="Query(string, object?[])"/>.</summary>
    public Task<List<object?[]>> QueryAsync(string sql, object?[]? parameters = null, CancellationToken cancellationToken = default) =>
        Executor.For(Alias).ReadAsync(RawStatement.Make(Alias, sql, parameters ?? []), RawStatement.Row, cancellationToken);

    /// <summary><see cref="Execute(string, object?[])"/> or its twin, for flows written once with the mode as a flag (the database cache, db sessions).</summary>
    internal async ValueTask<int> Execute(string sql, object?[] parameters, bool async, CancellationToken cancellationToken) =>
        async ? await ExecuteAsync(sql, parameters, cancellationToken).ConfigureAwait(false) : Execute(sql, parameters);

    /// <summary><see cref="Query(string, object?[])"/> or its twin, for flows written once with the mode as a flag.</summary>
    internal async ValueTask<List<object?[]>> Query(string sql, object?[] parameters, bool async, CancellationToken cancellationToken) =>
        async ? await QueryAsync(sql, parameters, cancellationToken).ConfigureAwait(false) : Query(sql, parameters);
}

/// <summary>A raw statement: Django's <c>%s</c> placeholders turned into the engine's.</summary>
internal static class RawStatement
{
    public static Statement Make(string alias, string sql, IReadOnlyList<object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var backend = Connections.For(alias);
        var text = new StringBuilder(sql.Length + 16);
        var count = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            if (sql[i] != '%' || i + 1 >= sql.Length) { text.Append(sql[i]); continue; }
            var next = sql[i + 1];
            if (next == '%') { text.Append('%'); i++; }
            else if (next == 's') { text.Append(backend.Placeholder(++count)); i++; }
            else text.Append('%');
        }
        if (count != parameters.Count)
            throw new ArgumentException(count > parameters.Count
                ? $"Not enough parameters for the SQL statement: it has {count} %s placeholders and {parameters.Count} parameters were given."
                : $"Not all parameters were used in the SQL statement: it has {count} %s placeholders and {parameters.Count} parameters were given.");
        return new Statement(text.ToString(), [.. parameters]);
    }

    public static object?[] Row(DbDataReader reader)
    {
        var row = new object?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        return row;
    }
}

/// <summary>
/// The rows of a raw SELECT as models (Django's <c>Manager.raw</c>): columns are matched to fields by column name
/// (or by the names <c>translations</c> maps them to); the primary key must be among them. Enumerate it, or
/// <c>await foreach</c> it in async code.
/// </summary>
public sealed class RawQuerySet<T> : IEnumerable<T>, Query.IAsyncRows where T : Model<T>, new()
{
    private readonly string _sql;
    private readonly object?[] _parameters;
    private readonly IReadOnlyDictionary<string, string>? _translations;

    internal RawQuerySet(string sql, object?[] parameters, IReadOnlyDictionary<string, string>? translations, string? alias)
    {
        _sql = sql;
        _parameters = parameters;
        _translations = translations;
        Alias = alias ?? Routers.ForRead(typeof(T)) ?? Database.DefaultAlias;
    }

    /// <summary>The database read.</summary>
    public string Alias { get; }

    /// <summary>The same query on another database.</summary>
    public RawQuerySet<T> Using(string alias) => new(_sql, _parameters, _translations, alias);

    /// <summary>The rows, read now.</summary>
    public List<T> ToList()
    {
        Func<DbDataReader, T>? map = null;
        return Executor.For(Alias).Read("Raw", RawStatement.Make(Alias, _sql, _parameters), reader => (map ??= Mapper(reader))(reader));
    }

    /// <summary>The rows, read now, asynchronously.</summary>
    public async Task<List<T>> ToListAsync(CancellationToken cancellationToken = default)
    {
        Func<DbDataReader, T>? map = null;
        return await Executor.For(Alias).ReadAsync(RawStatement.Make(Alias, _sql, _parameters), reader => (map ??= Mapper(reader))(reader), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ToList().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        foreach (var row in await ToListAsync(cancellationToken).ConfigureAwait(false)) yield return row;
    }

    /// <summary>The rows as an async sequence, for async LINQ and for APIs that take one.</summary>
    public IAsyncEnumerable<T> AsAsyncEnumerable() => new Query.AsyncRows<T>(GetAsyncEnumerator);

    async ValueTask<System.Collections.IList> Query.IAsyncRows.ReadAllAsync(CancellationToken cancellationToken) => await ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>How the reader's columns become a row: each column that names a field sets it.</summary>
    private Func<DbDataReader, T> Mapper(DbDataReader reader)
    {
        var meta = ModelMeta.For(typeof(T));
        var fields = new FieldMeta?[reader.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            var name = reader.GetName(i);
            if (_translations?.TryGetValue(name, out var translated) == true) name = translated;
            fields[i] = meta.Fields.FirstOrDefault(f => f.Column == name || f.Name == name);
        }
        if (!fields.Contains(meta.Pk)) throw new FieldError("Raw query must include the primary key");
        var alias = Alias;
        return r =>
        {
            var row = new T();
            for (var i = 0; i < fields.Length; i++)
            {
                if (fields[i] is not { } field) continue;
                field.Set(row, ModelMeta.FromDatabase(r.GetValue(i), field));
                if (field.Relation?.Invoke(row) is { } reference) reference.Alias = alias;
            }
            ((IModelRow)row).LoadedFrom = alias;
            return row;
        };
    }
}
