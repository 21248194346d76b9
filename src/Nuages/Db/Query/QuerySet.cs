using System.Collections;
using System.Collections.Immutable;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Nuages.Async;
using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A lazy, immutable query over a model, Django's QuerySet: <c>Filter</c>/<c>Exclude</c> with Django lookups
/// (<c>"name__startswith"</c>), <c>OrderBy</c>, <c>Slice</c>, <c>Using</c>; every method that runs SQL has a sync
/// form (refused in async code, spec O-20) and an async twin doing real async I/O where the driver has it.
/// Values always travel as parameters.
/// </summary>
public class QuerySet<T> : IEnumerable<T>, IAsyncEnumerable<T> where T : Model<T>, new()
{
    private readonly string _alias;
    private readonly ImmutableList<WhereNode> _where;
    private readonly ImmutableList<(FieldMeta Field, bool Descending)> _order;
    private readonly int _offset;
    private readonly int? _limit;

    /// <summary>All rows of the model.</summary>
    protected QuerySet() : this("default", [], [], 0, null) { }

    private QuerySet(string alias, ImmutableList<WhereNode> where, ImmutableList<(FieldMeta, bool)> order, int offset, int? limit)
    {
        _alias = alias;
        _where = where;
        _order = order;
        _offset = offset;
        _limit = limit;
    }

    internal static ModelMeta Meta => ModelMeta.For(typeof(T));

    /// <summary>Rows matching a Django lookup: <c>Filter("name__istartswith", "a")</c>, <c>Filter("id__in", new[] { 1, 2 })</c>.</summary>
    public QuerySet<T> Filter(string lookup, object? value) => With(lookup, value, negated: false);

    /// <summary>Rows not matching the lookup.</summary>
    public QuerySet<T> Exclude(string lookup, object? value) => With(lookup, value, negated: true);

    /// <summary>Rows matching a <see cref="Q"/>: <c>Filter(new Q("name", "Ada") | new Q("age__lt", 18))</c>.</summary>
    public QuerySet<T> Filter(Q q) => Where(q.Build(Meta));

    /// <summary>Rows not matching the <see cref="Q"/>.</summary>
    public QuerySet<T> Exclude(Q q) => Where(new NotNode(q.Build(Meta)));

    /// <summary>Rows for which <paramref name="predicate"/> holds: <c>a =&gt; a.Name.StartsWith("A") &amp;&amp; a.Age &gt; 3</c>, same semantics as the lookups.</summary>
    public QuerySet<T> Filter(System.Linq.Expressions.Expression<Func<T, bool>> predicate) => Where(LambdaTranslator.Translate(predicate, Meta));

    /// <summary>Rows for which <paramref name="predicate"/> does not hold.</summary>
    public QuerySet<T> Exclude(System.Linq.Expressions.Expression<Func<T, bool>> predicate) => Where(new NotNode(LambdaTranslator.Translate(predicate, Meta)));

    private QuerySet<T> With(string lookup, object? value, bool negated)
    {
        var node = LeafNode.Parse(Meta, lookup, value);
        return Where(negated ? new NotNode(node) : node);
    }

    private QuerySet<T> Where(WhereNode node)
    {
        // SQL filters before it limits: a filter after a slice would silently mean something else, so Django refuses it.
        if (_limit is not null || _offset > 0) throw new InvalidOperationException("Cannot filter a query once a slice has been taken.");
        return new QuerySet<T>(_alias, _where.Add(node), _order, _offset, _limit);
    }


    /// <summary>Orders by fields; <c>"-name"</c> for descending.</summary>
    public QuerySet<T> OrderBy(params string[] fields) => new(_alias, _where,
        [.. fields.Select(f => (Meta.Field(f.TrimStart('-')), f.StartsWith('-')))], _offset, _limit);

    /// <summary>Django's slicing <c>qs[start:end]</c>: LIMIT/OFFSET.</summary>
    public QuerySet<T> Slice(int start, int? end = null) => new(_alias, _where, _order, _offset + start, end is { } e ? e - start : _limit);

    /// <summary>Runs on another database alias.</summary>
    public QuerySet<T> Using(string alias) => new(alias, _where, _order, _offset, _limit);

    internal Backend Backend => Connections.For(_alias);

    internal string Alias => _alias;

    private (string Where, List<object?> Values) CompileWhere(Backend backend, List<object?>? values = null)
    {
        values ??= [];
        if (_where.Count == 0) return ("", values);
        return (" WHERE " + string.Join(" AND ", _where.Select(node => node.Compile(backend, values))), values);
    }

    private (string Sql, List<object?> Values) CompileSelect(Backend backend)
    {
        var (where, values) = CompileWhere(backend);
        var sql = new StringBuilder("SELECT ")
            .AppendJoin(", ", Meta.Fields.Select(f => Backend.Quote(f.Column)))
            .Append(" FROM ").Append(Backend.Quote(Meta.Table)).Append(where);
        if (_order.Count > 0) sql.Append(" ORDER BY ").AppendJoin(", ", _order.Select(o => Backend.Quote(o.Field.Column) + (o.Descending ? " DESC" : " ASC")));
        if (_limit is { } n) sql.Append(" LIMIT ").Append(n);
        else if (_offset > 0) sql.Append(backend is SqliteBackend ? " LIMIT -1" : "");
        if (_offset > 0) sql.Append(" OFFSET ").Append(_offset);
        return (sql.ToString(), values);
    }

    internal static DbCommand Command(DbConnection connection, string sql, List<object?> values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            parameter.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static T Materialize(DbDataReader reader)
    {
        var instance = new T();
        var fields = Meta.Fields;
        for (var i = 0; i < fields.Count; i++) fields[i].Set(instance, ModelMeta.FromDatabase(reader.GetValue(i), fields[i]));
        return instance;
    }

    /// <summary>The rows, read now.</summary>
    public List<T> ToList()
    {
        AsyncSafety.ThrowIfAsync("QuerySet.ToList");
        var backend = Backend;
        var (sql, values) = CompileSelect(backend);
        using var connection = backend.Open();
        using var command = Command(connection, sql, values);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(Materialize(reader));
        return rows;
    }

    /// <summary>The rows, read asynchronously.</summary>
    public async Task<List<T>> ToListAsync(CancellationToken cancellationToken = default)
    {
        var rows = new List<T>();
        await foreach (var row in WithToken(cancellationToken).ConfigureAwait(false)) rows.Add(row);
        return rows;
    }

    private async IAsyncEnumerable<T> WithToken([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var backend = Backend;
        var (sql, values) = CompileSelect(backend);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) yield return Materialize(reader);
    }

    /// <summary>
    /// Streams the rows without holding them all (Django's iterator): PostgreSQL reads them through a server-side cursor,
    /// <paramref name="chunkSize"/> rows per FETCH; SQLite steps its reader, which already reads row by row.
    /// </summary>
    public IEnumerable<T> Iterator(int chunkSize = 2000)
    {
        CheckChunkSize(chunkSize); // spec O-07: when iteration starts, as this method is lazy
        AsyncSafety.ThrowIfAsync("QuerySet.Iterator");
        var backend = Backend;
        var (sql, values) = CompileSelect(backend);
        using var connection = backend.Open();
        using var transaction = backend is SqliteBackend ? null : connection.BeginTransaction();
        foreach (var (statement, parameters, fetch) in CursorStatements(backend, sql, values, chunkSize))
        {
            using var command = Command(connection, statement, parameters);
            command.Transaction = transaction;
            using var reader = command.ExecuteReader();
            var read = 0;
            while (reader.Read())
            {
                read++;
                yield return Materialize(reader);
            }
            if (fetch && read < chunkSize) break; // a short FETCH: the cursor is exhausted
        }
    }

    /// <summary>Iterator, asynchronously (spec O-06): <c>await foreach (var a in Author.Objects.IteratorAsync(500))</c>.</summary>
    public async IAsyncEnumerable<T> IteratorAsync(int chunkSize = 2000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CheckChunkSize(chunkSize);
        var backend = Backend;
        var (sql, values) = CompileSelect(backend);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = backend is SqliteBackend ? null : await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (statement, parameters, fetch) in CursorStatements(backend, sql, values, chunkSize))
        {
            await using var command = Command(connection, statement, parameters);
            command.Transaction = transaction;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var read = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                read++;
                yield return Materialize(reader);
            }
            if (fetch && read < chunkSize) break; // a short FETCH: the cursor is exhausted
        }
    }

    private static void CheckChunkSize(int chunkSize)
    {
        if (chunkSize <= 0) throw new ArgumentException("Chunk size must be strictly positive.");
    }

    /// <summary>The statements an iteration runs: the SELECT itself on SQLite; on PostgreSQL a cursor, then FETCHes until a short one.</summary>
    private static IEnumerable<(string Sql, List<object?> Values, bool Fetch)> CursorStatements(Backend backend, string sql, List<object?> values, int chunkSize)
    {
        if (backend is SqliteBackend)
        {
            yield return (sql, values, false);
            yield break;
        }
        yield return ($"DECLARE nuages_iterator NO SCROLL CURSOR FOR {sql}", values, false);
        while (true) yield return ($"FETCH {chunkSize} FROM nuages_iterator", [], true);
    }

    /// <summary>The engine's plan for this query, one line per row of its answer (Django's explain()).</summary>
    public string Explain()
    {
        AsyncSafety.ThrowIfAsync("QuerySet.Explain");
        var lines = new List<string>();
        var (sql, values) = CompileExplain(Backend);
        using var connection = Backend.Open();
        using var command = Command(connection, sql, values);
        using var reader = command.ExecuteReader();
        while (reader.Read()) lines.Add(ExplainLine(reader));
        return string.Join("\n", lines);
    }

    /// <summary>Explain, asynchronously.</summary>
    public async Task<string> ExplainAsync(CancellationToken cancellationToken = default)
    {
        var lines = new List<string>();
        var (sql, values) = CompileExplain(Backend);
        await using var connection = await Backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) lines.Add(ExplainLine(reader));
        return string.Join("\n", lines);
    }

    private (string, List<object?>) CompileExplain(Backend backend)
    {
        var (sql, values) = CompileSelect(backend);
        return ((backend is SqliteBackend ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql, values);
    }

    // SQLite answers (id, parent, notused, detail) and Django prints the details with their ids; PostgreSQL answers text lines.
    private static string ExplainLine(DbDataReader reader) => reader.FieldCount >= 4
        ? $"{reader.GetValue(0)} {reader.GetValue(1)} {reader.GetValue(2)} {reader.GetValue(3)}"
        : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>The number of rows.</summary>
    public long Count() => Convert.ToInt64(Run("QuerySet.Count", CompileCount(Backend), command => command.ExecuteScalar()), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The number of rows, asynchronously.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        Convert.ToInt64(await RunAsync(CompileCount(Backend), (command, token) => command.ExecuteScalarAsync(token), cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether any row matches, reading at most one.</summary>
    public bool Exists() => Slice(0, 1).Count() > 0;

    /// <summary>Whether any row matches, asynchronously.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default) => await Slice(0, 1).CountAsync(cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>Deletes the matching rows in one statement and returns how many went (Django's delete(), without cascades yet).</summary>
    public long Delete() => Run("QuerySet.Delete", CompileDelete(Backend), command => command.ExecuteNonQuery());

    /// <summary>Deletes the matching rows asynchronously.</summary>
    public async Task<long> DeleteAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(CompileDelete(Backend), (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken).ConfigureAwait(false);

    private (string, List<object?>) CompileDelete(Backend backend)
    {
        // As Django: a sliced delete would depend on an order SQL does not promise.
        if (_limit is not null || _offset > 0) throw new InvalidOperationException("Cannot use 'limit' or 'offset' with delete().");
        var (where, values) = CompileWhere(backend);
        return ($"DELETE FROM {Backend.Quote(Meta.Table)}{where}", values);
    }

    /// <summary>
    /// Sets the fields named by <paramref name="changes"/> (<c>new { Active = false }</c>) on every matching row in one
    /// UPDATE and returns how many matched; no model is loaded or saved (Django's update()).
    /// </summary>
    public long Update(object changes) => CompileUpdate(Backend, changes) is { } update ? Run("QuerySet.Update", update, command => command.ExecuteNonQuery()) : 0;

    /// <summary>Update, asynchronously.</summary>
    public async Task<long> UpdateAsync(object changes, CancellationToken cancellationToken = default) =>
        CompileUpdate(Backend, changes) is { } update
            ? await RunAsync(update, (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken).ConfigureAwait(false)
            : 0;

    private (string, List<object?>)? CompileUpdate(Backend backend, object changes)
    {
        if (_limit is not null || _offset > 0) throw new InvalidOperationException("Cannot update a query once a slice has been taken.");
        var sqlite = backend is SqliteBackend;
        var values = new List<object?>();
        var sets = new List<string>();
        foreach (var (name, value) in Arguments(changes))
        {
            var field = Meta.Field(name);
            if (field == Meta.Pk) throw new FieldError($"Cannot update the primary key of {typeof(T).Name} with update().");
            values.Add(ModelMeta.ToDatabase(Coerce(field, value), sqlite));
            sets.Add($"{Backend.Quote(field.Column)} = @p{values.Count - 1}");
        }
        if (sets.Count == 0) return null; // as Django: nothing to set, no query
        var (where, _) = CompileWhere(backend, values);
        return ($"UPDATE {Backend.Quote(Meta.Table)} SET {string.Join(", ", sets)}{where}", values);
    }

    private TResult Run<TResult>(string method, (string Sql, List<object?> Values) query, Func<DbCommand, TResult> execute)
    {
        AsyncSafety.ThrowIfAsync(method);
        using var connection = Backend.Open();
        using var command = Command(connection, query.Sql, query.Values);
        return execute(command);
    }

    private async Task<TResult> RunAsync<TResult>((string Sql, List<object?> Values) query, Func<DbCommand, CancellationToken, Task<TResult>> execute, CancellationToken cancellationToken)
    {
        await using var connection = await Backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, query.Sql, query.Values);
        return await execute(command, cancellationToken).ConfigureAwait(false);
    }

    private (string, List<object?>) CompileCount(Backend backend)
    {
        if (_limit is not null || _offset > 0)
        {
            var (inner, innerValues) = CompileSelect(backend);
            return ($"SELECT COUNT(*) FROM ({inner}) AS sub", innerValues);
        }
        var (where, values) = CompileWhere(backend);
        return ($"SELECT COUNT(*) FROM {Backend.Quote(Meta.Table)}{where}", values);
    }

    /// <summary>The first row (by the ordering, else by primary key), or null when there is none (spec O-10).</summary>
    public T? First() => (_order.Count > 0 ? this : OrderBy("id")).Slice(0, 1).ToList().FirstOrDefault();

    /// <summary>The first row, asynchronously, or null.</summary>
    public async Task<T?> FirstAsync(CancellationToken cancellationToken = default) =>
        (await (_order.Count > 0 ? this : OrderBy("id")).Slice(0, 1).ToListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>The last row (by the ordering reversed, else by primary key descending), or null when there is none (spec O-10).</summary>
    public T? Last() => Reversed().Slice(0, 1).ToList().FirstOrDefault();

    /// <summary>The last row, asynchronously, or null.</summary>
    public async Task<T?> LastAsync(CancellationToken cancellationToken = default) =>
        (await Reversed().Slice(0, 1).ToListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    private QuerySet<T> Reversed()
    {
        if (_limit is not null || _offset > 0) throw new InvalidOperationException("Cannot reverse a query once a slice has been taken.");
        var order = _order.Count > 0 ? _order : [(Meta.Pk, false)];
        return new(_alias, _where, [.. order.Select(o => (o.Field, !o.Descending))], _offset, _limit);
    }

    /// <summary>The row with the greatest value of <paramref name="fields"/> (<c>"-f"</c> for the least); throws <see cref="Model{T}.DoesNotExist"/> when there is none.</summary>
    public T Latest(params string[] fields) => Single(ByLatest(fields, latest: true).ToList());

    /// <summary>Latest, asynchronously.</summary>
    public async Task<T> LatestAsync(string[] fields, CancellationToken cancellationToken = default) =>
        Single(await ByLatest(fields, latest: true).ToListAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>The row with the least value of <paramref name="fields"/>; throws <see cref="Model{T}.DoesNotExist"/> when there is none.</summary>
    public T Earliest(params string[] fields) => Single(ByLatest(fields, latest: false).ToList());

    /// <summary>Earliest, asynchronously.</summary>
    public async Task<T> EarliestAsync(string[] fields, CancellationToken cancellationToken = default) =>
        Single(await ByLatest(fields, latest: false).ToListAsync(cancellationToken).ConfigureAwait(false));

    private QuerySet<T> ByLatest(string[] fields, bool latest)
    {
        // Nuages models have no Meta.get_latest_by, so the fields are required, as Django requires one or the other.
        if (fields.Length == 0) throw new ArgumentException("earliest() and latest() require either fields as positional arguments or 'get_latest_by' in the model's Meta.");
        if (_limit is not null || _offset > 0) throw new InvalidOperationException("Cannot change a query once a slice has been taken.");
        var order = fields.Select(f => (Meta.Field(f.TrimStart('-')), f.StartsWith('-') != latest)).ToImmutableList();
        return new QuerySet<T>(_alias, _where, order, 0, null).Slice(0, 1);
    }

    /// <summary>The rows whose primary keys are in <paramref name="ids"/> (all rows when null), by primary key (Django's in_bulk).</summary>
    public Dictionary<long, T> InBulk(IEnumerable<long>? ids = null) => (ids is null ? this : Filter("id__in", ids.ToList())).ToList().ToDictionary(row => row.Id);

    /// <summary>InBulk, asynchronously.</summary>
    public async Task<Dictionary<long, T>> InBulkAsync(IEnumerable<long>? ids = null, CancellationToken cancellationToken = default) =>
        (await (ids is null ? this : Filter("id__in", ids.ToList())).ToListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(row => row.Id);

    /// <summary>Whether <paramref name="row"/> is among the matching rows, asked of the database rather than by loading them.</summary>
    public bool Contains(T row) => Filter("id", SavedId(row)).Exists();

    /// <summary>Contains, asynchronously.</summary>
    public Task<bool> ContainsAsync(T row, CancellationToken cancellationToken = default) => Filter("id", SavedId(row)).ExistsAsync(cancellationToken);

    private static long SavedId(T row) => row.Id != 0 ? row.Id : throw new ArgumentException("QuerySet.contains() cannot be used on unsaved objects.");

    /// <summary>
    /// Inserts <paramref name="rows"/> with one multi-row INSERT per batch and sets their ids (Django's bulk_create).
    /// Batches stay under the engine's parameter limit; <paramref name="batchSize"/> makes them smaller.
    /// </summary>
    public List<T> BulkCreate(IEnumerable<T> rows, int? batchSize = null)
    {
        AsyncSafety.ThrowIfAsync("QuerySet.BulkCreate");
        var list = rows.ToList();
        var ids = new List<long>(list.Count);
        InTransaction(InsertBatches(Backend, list, batchSize).ToList(), command =>
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) ids.Add(reader.GetInt64(0));
        }, () => CheckIds(list, ids));
        return WithIds(list, ids);
    }

    /// <summary>BulkCreate, asynchronously.</summary>
    public async Task<List<T>> BulkCreateAsync(IEnumerable<T> rows, int? batchSize = null, CancellationToken cancellationToken = default)
    {
        var list = rows.ToList();
        var ids = new List<long>(list.Count);
        await InTransactionAsync(InsertBatches(Backend, list, batchSize).ToList(), async (command, token) =>
        {
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false)) ids.Add(reader.GetInt64(0));
        }, () => CheckIds(list, ids), cancellationToken).ConfigureAwait(false);
        return WithIds(list, ids);
    }

    /// <summary>
    /// Writes <paramref name="fields"/> (column names) of saved <paramref name="rows"/> with one UPDATE … FROM (VALUES …) per batch,
    /// all in one transaction, and returns how many rows matched (Django's bulk_update).
    /// </summary>
    public long BulkUpdate(IEnumerable<T> rows, string[] fields, int? batchSize = null)
    {
        AsyncSafety.ThrowIfAsync("QuerySet.BulkUpdate");
        long updated = 0;
        InTransaction(UpdateBatches(Backend, rows.ToList(), fields, batchSize).ToList(), command => updated += command.ExecuteNonQuery(), null);
        return updated;
    }

    /// <summary>BulkUpdate, asynchronously.</summary>
    public async Task<long> BulkUpdateAsync(IEnumerable<T> rows, string[] fields, int? batchSize = null, CancellationToken cancellationToken = default)
    {
        long updated = 0;
        await InTransactionAsync(UpdateBatches(Backend, rows.ToList(), fields, batchSize).ToList(),
            async (command, token) => updated += await command.ExecuteNonQueryAsync(token).ConfigureAwait(false), null, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>Runs every statement in one transaction, all or nothing, as Django's bulk methods run in atomic().</summary>
    private void InTransaction(List<(string Sql, List<object?> Values)> statements, Action<DbCommand> execute, Action? beforeCommit)
    {
        if (statements.Count == 0) return;
        using var connection = Backend.Open();
        using var transaction = connection.BeginTransaction();
        foreach (var (sql, values) in statements)
        {
            using var command = Command(connection, sql, values);
            command.Transaction = transaction;
            execute(command);
        }
        beforeCommit?.Invoke();
        transaction.Commit();
    }

    private async Task InTransactionAsync(List<(string Sql, List<object?> Values)> statements, Func<DbCommand, CancellationToken, Task> execute, Action? beforeCommit, CancellationToken cancellationToken)
    {
        if (statements.Count == 0) return;
        await using var connection = await Backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (sql, values) in statements)
        {
            await using var command = Command(connection, sql, values);
            command.Transaction = transaction;
            await execute(command, cancellationToken).ConfigureAwait(false);
        }
        beforeCommit?.Invoke();
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<(string Sql, List<object?> Values)> UpdateBatches(Backend backend, List<T> rows, string[] fieldNames, int? batchSize)
    {
        if (batchSize is <= 0) throw new ArgumentException("Batch size must be a positive integer.");
        if (fieldNames.Length == 0) throw new ArgumentException("Field names must be given to bulk_update().");
        var fields = fieldNames.Select(Meta.Field).ToList();
        if (fields.Contains(Meta.Pk)) throw new ArgumentException("bulk_update() cannot be used with primary key fields.");
        if (rows.Any(r => r.Id == 0)) throw new ArgumentException("All bulk_update() objects must have a primary key set.");
        var sqlite = backend is SqliteBackend;
        var limit = Math.Max(1, MaxParameters(sqlite) / (fields.Count + 1));
        // Joining a VALUES list keeps the cost linear in the rows, where Django's CASE WHEN per row is quadratic;
        // both engines name a VALUES list's columns column1, column2, …
        var sets = string.Join(", ", fields.Select((field, i) => $"{Backend.Quote(field.Column)} = v.column{i + 2}"));
        var table = Backend.Quote(Meta.Table);
        foreach (var batch in rows.Chunk(Math.Min(limit, batchSize ?? int.MaxValue)))
        {
            var values = new List<object?>(batch.Length * (fields.Count + 1));
            string Param(object? value)
            {
                values.Add(value);
                return "@p" + (values.Count - 1);
            }
            // PostgreSQL types a VALUES column from its rows, and a column of NULL parameters would be text: cast each.
            string Typed(FieldMeta field, string parameter) => sqlite ? parameter : $"CAST({parameter} AS {backend.ColumnType(field.Type, field.MaxLength)})";
            var tuples = batch.Select(row => "(" + string.Join(", ", [Param(row.Id), .. fields.Select(field => Typed(field, Param(ModelMeta.ToDatabase(field.Get(row), sqlite))))]) + ")");
            yield return ($"UPDATE {table} SET {sets} FROM (VALUES {string.Join(", ", tuples)}) AS v WHERE {table}.{Backend.Quote(Meta.Pk.Column)} = v.column1", values);
        }
    }

    /// <summary>
    /// Parameters per bulk statement. PostgreSQL takes 65535; SQLite takes 32766, but Microsoft.Data.Sqlite binds
    /// parameters in time quadratic in their number (7000 rows × 5 columns: 5 s against 0.3 s in batches of 999),
    /// so SQLite gets 999, its historical default limit.
    /// </summary>
    private static int MaxParameters(bool sqlite) => sqlite ? 999 : 65535;

    private static void CheckIds(List<T> rows, List<long> ids)
    {
        if (ids.Count != rows.Count) throw new InvalidOperationException($"The database returned {ids.Count} ids for {rows.Count} inserted rows; nothing was inserted.");
    }

    /// <summary>Ids go on the rows only once the transaction committed, so a failed insert leaves them unsaved.</summary>
    private static List<T> WithIds(List<T> rows, List<long> ids)
    {
        for (var i = 0; i < rows.Count; i++) rows[i].Id = ids[i];
        return rows;
    }

    internal static IEnumerable<(string Sql, List<object?> Values)> InsertBatches(Backend backend, List<T> rows, int? batchSize)
    {
        if (batchSize is <= 0) throw new ArgumentException("Batch size must be a positive integer.");
        if (rows.FirstOrDefault(r => r.Id != 0) is { } saved) throw new ArgumentException($"bulk_create() inserts new rows; {typeof(T).Name} {saved.Id} is already saved.");
        var sqlite = backend is SqliteBackend;
        var fields = Meta.Fields.Where(f => f != Meta.Pk).ToList();
        var limit = Math.Max(1, MaxParameters(sqlite) / Math.Max(1, fields.Count));
        var columns = string.Join(", ", fields.Select(f => Backend.Quote(f.Column)));
        foreach (var batch in rows.Chunk(Math.Min(limit, batchSize ?? int.MaxValue)))
        {
            var values = new List<object?>(batch.Length * fields.Count);
            var tuples = new List<string>(batch.Length);
            foreach (var row in batch)
            {
                tuples.Add("(" + string.Join(", ", fields.Select(f => { values.Add(ModelMeta.ToDatabase(f.Get(row), sqlite)); return "@p" + (values.Count - 1); })) + ")");
            }
            yield return ($"INSERT INTO {Backend.Quote(Meta.Table)} ({columns}) VALUES {string.Join(", ", tuples)} RETURNING {Backend.Quote(Meta.Pk.Column)}", values);
        }
    }

    /// <summary>
    /// The row matching every property of <paramref name="match"/> (<c>new { Name = "Ada" }</c>; <c>name__iexact</c> works
    /// too), or a new row made from <paramref name="match"/>'s plain fields and <paramref name="defaults"/>, saved.
    /// </summary>
    public (T Object, bool Created) GetOrCreate(object match, object? defaults = null)
    {
        var found = Matching(match).Slice(0, GetLimit).ToList();
        if (found.Count > 0) return (Single(found), false);
        return (Create(New(match, defaults)), true);
    }

    /// <summary>GetOrCreate, asynchronously.</summary>
    public async Task<(T Object, bool Created)> GetOrCreateAsync(object match, object? defaults = null, CancellationToken cancellationToken = default)
    {
        var found = await Matching(match).Slice(0, GetLimit).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (found.Count > 0) return (Single(found), false);
        return (await CreateAsync(New(match, defaults), cancellationToken).ConfigureAwait(false), true);
    }

    /// <summary>
    /// Updates the row matching <paramref name="match"/> with <paramref name="defaults"/>, or creates one from
    /// <paramref name="match"/> and <paramref name="createDefaults"/> (<paramref name="defaults"/> when that is null), spec O-09.
    /// </summary>
    public (T Object, bool Created) UpdateOrCreate(object match, object? defaults = null, object? createDefaults = null)
    {
        var found = Matching(match).Slice(0, GetLimit).ToList();
        if (found.Count == 0) return (Create(New(match, createDefaults ?? defaults)), true);
        var row = Assign(Single(found), defaults);
        row.Save(_alias);
        return (row, false);
    }

    /// <summary>UpdateOrCreate, asynchronously.</summary>
    public async Task<(T Object, bool Created)> UpdateOrCreateAsync(object match, object? defaults = null, object? createDefaults = null, CancellationToken cancellationToken = default)
    {
        var found = await Matching(match).Slice(0, GetLimit).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (found.Count == 0) return (await CreateAsync(New(match, createDefaults ?? defaults), cancellationToken).ConfigureAwait(false), true);
        var row = Assign(Single(found), defaults);
        await row.SaveAsync(_alias, cancellationToken).ConfigureAwait(false);
        return (row, false);
    }

    /// <summary>Django's keyword arguments as an anonymous object's properties, by column name (<c>Name</c> or <c>name</c>).</summary>
    private static IEnumerable<(string Name, object? Value)> Arguments(object? values) =>
        values is null ? [] : values.GetType().GetProperties().Select(p => (ModelMeta.SnakeCase(p.Name), p.GetValue(values)));

    private QuerySet<T> Matching(object match) => Arguments(match).Aggregate(this, (query, argument) => query.Filter(argument.Name, argument.Value));

    private static T New(object match, object? defaults) => Assign(Assign(new T(), match), defaults);

    /// <summary>Sets the fields named by <paramref name="values"/>; lookups (<c>name__iexact</c>) only select, as in Django.</summary>
    private static T Assign(T row, object? values)
    {
        foreach (var (name, value) in Arguments(values))
        {
            if (name.Contains("__", StringComparison.Ordinal)) continue;
            var field = Meta.Field(name == "pk" ? "id" : name);
            field.Set(row, Coerce(field, value));
        }
        return row;
    }

    /// <summary>An int given for a long field (and the like) becomes the field's type, as Python would not notice.</summary>
    private static object? Coerce(FieldMeta field, object? value) =>
        value is IConvertible && value.GetType() != field.Type ? Convert.ChangeType(value, field.Type, System.Globalization.CultureInfo.InvariantCulture) : value;

    /// <summary>The one row matching the lookup; throws <see cref="Model{T}.DoesNotExist"/> or <see cref="Model{T}.MultipleObjectsReturned"/>.</summary>
    public T Get(string lookup, object? value) => Filter(lookup, value).Get();

    /// <summary>The one row for which <paramref name="predicate"/> holds: <c>Get(a =&gt; a.Id == id)</c>.</summary>
    public T Get(System.Linq.Expressions.Expression<Func<T, bool>> predicate) => Filter(predicate).Get();

    // Django's MAX_GET_RESULTS + 1: enough rows to say "more than 20" without reading them all.
    private const int GetLimit = 21;

    /// <summary>The one row of this query; throws <see cref="Model{T}.DoesNotExist"/> or <see cref="Model{T}.MultipleObjectsReturned"/>.</summary>
    public T Get() => Single(Slice(0, GetLimit).ToList());

    /// <summary>The one row of this query, asynchronously.</summary>
    public async Task<T> GetAsync(CancellationToken cancellationToken = default) =>
        Single(await Slice(0, GetLimit).ToListAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>The one row for which <paramref name="predicate"/> holds, asynchronously.</summary>
    public Task<T> GetAsync(System.Linq.Expressions.Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Filter(predicate).GetAsync(cancellationToken);

    /// <summary>The one row matching the lookup, asynchronously.</summary>
    public Task<T> GetAsync(string lookup, object? value, CancellationToken cancellationToken = default) =>
        Filter(lookup, value).GetAsync(cancellationToken);

    private static T Single(List<T> rows) => rows.Count switch
    {
        1 => rows[0],
        0 => throw new Model<T>.DoesNotExist($"{typeof(T).Name} matching query does not exist."),
        _ => throw new Model<T>.MultipleObjectsReturned($"get() returned more than one {typeof(T).Name} -- it returned {(rows.Count > 20 ? "more than 20" : rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}!"),
    };

    /// <summary>Saves <paramref name="instance"/> as a new row and returns it (Django's <c>create</c>).</summary>
    public T Create(T instance)
    {
        instance.Save(_alias);
        return instance;
    }

    /// <summary>Saves <paramref name="instance"/> as a new row, asynchronously.</summary>
    public async Task<T> CreateAsync(T instance, CancellationToken cancellationToken = default)
    {
        await instance.SaveAsync(_alias, cancellationToken).ConfigureAwait(false);
        return instance;
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ToList().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => WithToken(cancellationToken).GetAsyncEnumerator(cancellationToken);
}

/// <summary>A model's manager (<c>Author.Objects</c>): the QuerySet of all its rows, and the entry point of queries.</summary>
public sealed class Manager<T> : QuerySet<T> where T : Model<T>, new()
{
    internal Manager()
    {
    }
}
