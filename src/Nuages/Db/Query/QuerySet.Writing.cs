using Nuages.Async;
using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

public partial class QuerySet<T>
{
    /// <summary>
    /// Deletes the matching rows and returns what went, cascades and ManyToMany links included, as Django's delete():
    /// the total and the count per model label (<c>var (total, perModel) = qs.Delete();</c>). The rows pointing at them
    /// follow their [OnDelete] — in one atomic block — and when nothing points at this model, one DELETE does it.
    /// </summary>
    public DeleteResult Delete()
    {
        if (Rerouted is { } routed) return routed.Delete();
        var executor = Executor;
        var statement = DeleteStatement(executor); // refuses slices and the like before anything runs
        if (_query.NeverMatches) return DeleteResult.None;
        if (!Collector.NeedsCollecting(Meta)) return DeleteResult.Of(Meta, executor.Run("QuerySet.Delete", statement, command => command.ExecuteNonQuery()));
        AsyncSafety.ThrowIfAsync("QuerySet.Delete");
        return Atomic.Run(() => SyncWork.Completed(new Collector(executor, _query.Alias).Delete(_query, new Collector.SyncRunner(executor))), _query.Alias);
    }

    /// <summary>Delete, asynchronously. Writes run to completion unless a token is passed.</summary>
    public async Task<DeleteResult> DeleteAsync(CancellationToken cancellationToken = default)
    {
        if (Rerouted is { } routed) return await routed.DeleteAsync(cancellationToken).ConfigureAwait(false);
        var executor = Executor;
        var statement = DeleteStatement(executor);
        if (_query.NeverMatches) return DeleteResult.None;
        if (!Collector.NeedsCollecting(Meta))
            return DeleteResult.Of(Meta, await executor.RunAsync(statement, (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken).ConfigureAwait(false));
        return await Atomic.RunAsync(async () => await new Collector(executor, _query.Alias).Delete(_query, new Collector.AsyncRunner(executor, cancellationToken)).ConfigureAwait(false),
            _query.Alias, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A related manager's rows belong to its row: <c>author.Books.Create(book)</c> sets <c>book.Author</c>.</summary>
    internal T Fix(T row)
    {
        foreach (var (field, value) in _query.Fixed) field.Set(row, value);
        return row;
    }

    private Statement DeleteStatement(Executor executor)
    {
        var (sql, values) = _query.CompileDelete(new SqlContext(executor.Backend, []));
        return new Statement(sql, values);
    }

    /// <summary>
    /// Sets the fields named by <paramref name="changes"/> (<c>new { Active = false }</c>, <c>new { Age = new F("age") + 1 }</c>)
    /// on every matching row in one UPDATE and returns how many matched; no model is loaded or saved (Django's update()).
    /// </summary>
    public long Update(object changes)
    {
        if (Rerouted is { } routed) return routed.Update(changes);
        var executor = Executor;
        return UpdateStatement(executor, changes) is { } update ? executor.Run("QuerySet.Update", update, command => command.ExecuteNonQuery()) : 0;
    }

    /// <summary>Update, asynchronously. Writes run to completion unless a token is passed.</summary>
    public async Task<long> UpdateAsync(object changes, CancellationToken cancellationToken = default)
    {
        if (Rerouted is { } routed) return await routed.UpdateAsync(changes, cancellationToken).ConfigureAwait(false);
        var executor = Executor;
        return UpdateStatement(executor, changes) is { } update
            ? await executor.RunAsync(update, (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken).ConfigureAwait(false)
            : 0;
    }

    private Statement? UpdateStatement(Executor executor, object changes) =>
        _query.CompileUpdate(new SqlContext(executor.Backend, []), Arguments(changes), Coerce) is var (sql, values) ? new Statement(sql, values) : null;

    /// <summary>Saves <paramref name="instance"/> as a new row and returns it (Django's <c>create</c>).</summary>
    public T Create(T instance)
    {
        if (Rerouted is { } routed) return routed.Create(instance);
        Fix(instance);
        instance.Save(_query.Alias, forceInsert: true);
        return instance;
    }

    /// <summary>Saves <paramref name="instance"/> as a new row, asynchronously.</summary>
    public async Task<T> CreateAsync(T instance, CancellationToken cancellationToken = default)
    {
        if (Rerouted is { } routed) return await routed.CreateAsync(instance, cancellationToken).ConfigureAwait(false);
        Fix(instance);
        await instance.SaveAsync(_query.Alias, forceInsert: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        return instance;
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> with one multi-row INSERT per batch and sets their ids (Django's bulk_create).
    /// Batches stay under the engine's parameter limit; <paramref name="batchSize"/> makes them smaller.
    /// </summary>
    public List<T> BulkCreate(IEnumerable<T> rows, int? batchSize = null)
    {
        if (Rerouted is { } routed) return routed.BulkCreate(rows, batchSize);
        var executor = Executor;
        var list = rows.Select(Fix).ToList();
        var ids = new List<long>(list.Count);
        executor.InTransaction("QuerySet.BulkCreate", [.. InsertBatches(executor.Backend, list, batchSize)], command =>
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) ids.Add(reader.GetInt64(0));
        }, () => CheckIds(list, ids));
        return WithIds(list, ids);
    }

    /// <summary>BulkCreate, asynchronously.</summary>
    public async Task<List<T>> BulkCreateAsync(IEnumerable<T> rows, int? batchSize = null, CancellationToken cancellationToken = default)
    {
        if (Rerouted is { } routed) return await routed.BulkCreateAsync(rows, batchSize, cancellationToken).ConfigureAwait(false);
        var executor = Executor;
        var list = rows.Select(Fix).ToList();
        var ids = new List<long>(list.Count);
        await executor.InTransactionAsync([.. InsertBatches(executor.Backend, list, batchSize)], async (command, token) =>
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
        if (Rerouted is { } routed) return routed.BulkUpdate(rows, fields, batchSize);
        var executor = Executor;
        long updated = 0;
        executor.InTransaction("QuerySet.BulkUpdate", [.. UpdateBatches(executor.Backend, rows as IReadOnlyList<T> ?? rows.ToList(), fields, batchSize)], command => updated += command.ExecuteNonQuery());
        return updated;
    }

    /// <summary>BulkUpdate, asynchronously.</summary>
    public async Task<long> BulkUpdateAsync(IEnumerable<T> rows, string[] fields, int? batchSize = null, CancellationToken cancellationToken = default)
    {
        if (Rerouted is { } routed) return await routed.BulkUpdateAsync(rows, fields, batchSize, cancellationToken).ConfigureAwait(false);
        var executor = Executor;
        long updated = 0;
        await executor.InTransactionAsync([.. UpdateBatches(executor.Backend, rows as IReadOnlyList<T> ?? rows.ToList(), fields, batchSize)],
            async (command, token) => updated += await command.ExecuteNonQueryAsync(token).ConfigureAwait(false), null, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    private static IEnumerable<Statement> UpdateBatches(Backend backend, IReadOnlyList<T> rows, string[] fieldNames, int? batchSize)
    {
        if (batchSize is <= 0) throw new ArgumentException("Batch size must be a positive integer.");
        if (fieldNames.Length == 0) throw new ArgumentException("Field names must be given to bulk_update().");
        var fields = new FieldMeta[fieldNames.Length];
        for (var i = 0; i < fields.Length; i++) fields[i] = Meta.Field(fieldNames[i]);
        if (Array.IndexOf(fields, Meta.Pk) >= 0) throw new ArgumentException("bulk_update() cannot be used with primary key fields.");
        for (var i = 0; i < rows.Count; i++)
            if (rows[i].Id == 0) throw new ArgumentException("All bulk_update() objects must have a primary key set.");
        var size = Math.Min(Math.Max(1, backend.MaxQueryParameters / (fields.Length + 1)), batchSize ?? int.MaxValue);
        var columns = fieldNames.Length == 1 ? fieldNames[0] : string.Join('\0', fieldNames);
        for (var start = 0; start < rows.Count; start += size)
        {
            var count = Math.Min(size, rows.Count - start);
            var values = new List<object?>(count * (fields.Length + 1));
            for (var r = start; r < start + count; r++)
            {
                values.Add(backend.AdaptValue(rows[r].Id));
                foreach (var field in fields) values.Add(backend.AdaptValue(field.Get(rows[r])));
            }
            yield return new Statement(UpdateSql(backend, fields, columns, count), values);
        }
    }

    /// <summary>
    /// The UPDATE … FROM (VALUES …) of <paramref name="rows"/> rows writing <paramref name="fields"/>, its parameters
    /// numbered row by row (the key, then each field). Joining a VALUES list keeps the cost linear in the rows, where
    /// Django's CASE WHEN per row is quadratic; both engines name a VALUES list's columns column1, column2, …
    /// </summary>
    private static string UpdateSql(Backend backend, FieldMeta[] fields, string columns, int rows)
    {
        // PERF: kept per backend, model, fields and row count (/updates writes 20 rows of one column each time).
        var key = (typeof(T), columns, rows);
        if (backend.BulkUpdates.TryGetValue(key, out var kept)) return kept;
        var table = Backend.Quote(Meta.Table);
        var sql = new System.Text.StringBuilder("UPDATE ").Append(table).Append(" SET ");
        for (var i = 0; i < fields.Length; i++)
            sql.Append(i == 0 ? "" : ", ").Append(Backend.Quote(fields[i].Column)).Append(" = v.column").Append(i + 2);
        sql.Append(" FROM (VALUES ");
        var parameter = 0;
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (").Append(backend.Placeholder(++parameter));
            foreach (var field in fields)
            {
                sql.Append(", ");
                // PostgreSQL types a VALUES column from its rows, and a column of NULL parameters would be text: cast each.
                if (backend.TypesValuesColumns) sql.Append("CAST(").Append(backend.Placeholder(++parameter)).Append(" AS ").Append(backend.ColumnType(field)).Append(')');
                else sql.Append(backend.Placeholder(++parameter));
            }
            sql.Append(')');
        }
        var text = sql.Append(") AS v WHERE ").Append(table).Append('.').Append(Backend.Quote(Meta.Pk.Column)).Append(" = v.column1").ToString();
        if (backend.BulkUpdates.Count < 4096) backend.BulkUpdates.TryAdd(key, text);
        return text;
    }

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

    /// <summary>Multi-row INSERTs returning the new ids; a row with an id set (a forced insert) keeps it.</summary>
    internal static IEnumerable<Statement> InsertBatches(Backend backend, List<T> rows, int? batchSize, bool keepIds = false)
    {
        if (batchSize is <= 0) throw new ArgumentException("Batch size must be a positive integer.");
        if (!keepIds && rows.FirstOrDefault(r => r.Id != 0) is { } saved) throw new ArgumentException($"bulk_create() inserts new rows; {typeof(T).Name} {saved.Id} is already saved.");
        var fields = Meta.Fields.Where(f => f != Meta.Pk || keepIds).ToList();
        var limit = Math.Max(1, backend.MaxQueryParameters / Math.Max(1, fields.Count));
        var columns = string.Join(", ", fields.Select(f => Backend.Quote(f.Column)));
        foreach (var batch in rows.Chunk(Math.Min(limit, batchSize ?? int.MaxValue)))
        {
            var context = new SqlContext(backend, new List<object?>(batch.Length * fields.Count));
            var tuples = batch.Select(row => "(" + string.Join(", ", fields.Select(f => context.Param(f.Get(row)))) + ")").ToList();
            yield return new Statement($"INSERT INTO {Backend.Quote(Meta.Table)} ({columns}) VALUES {string.Join(", ", tuples)} RETURNING {Backend.Quote(Meta.Pk.Column)}", context.Values);
        }
    }

    /// <summary>
    /// The row matching every property of <paramref name="match"/> (<c>new { Name = "Ada" }</c>; <c>name__iexact</c> works
    /// too), or a new row made from <paramref name="match"/>'s plain fields and <paramref name="defaults"/>, saved.
    /// </summary>
    public (T Object, bool Created) GetOrCreate(object match, object? defaults = null)
    {
        if (Rerouted is { } routed) return routed.GetOrCreate(match, defaults);
        var found = Matching(match).ForGet().ToList();
        if (found.Count > 0) return (Single(found), false);
        try
        {
            // In a transaction the insert gets a savepoint, so its failure leaves the transaction usable for the retry.
            var row = New(match, defaults);
            if (Atomic.InAtomicBlock(_query.Alias)) Atomic.Run(() => Create(row), _query.Alias);
            else Create(row);
            return (row, true);
        }
        catch (IntegrityError) when (Matching(match).ForGet().ToList() is [var winner])
        {
            return (winner, false); // another request created it between the get and the insert, as Django retries
        }
    }

    /// <summary>GetOrCreate, asynchronously.</summary>
    public async Task<(T Object, bool Created)> GetOrCreateAsync(object match, object? defaults = null, CancellationToken cancellationToken = default)
    {
        if (Rerouted is { } routed) return await routed.GetOrCreateAsync(match, defaults, cancellationToken).ConfigureAwait(false);
        var found = await Matching(match).ForGet().ToListAsync(cancellationToken).ConfigureAwait(false);
        if (found.Count > 0) return (Single(found), false);
        try
        {
            var row = New(match, defaults);
            if (Atomic.InAtomicBlock(_query.Alias)) await Atomic.RunAsync(() => CreateAsync(row, cancellationToken), _query.Alias, cancellationToken: cancellationToken).ConfigureAwait(false);
            else await CreateAsync(row, cancellationToken).ConfigureAwait(false);
            return (row, true);
        }
        catch (IntegrityError)
        {
            if (await Matching(match).ForGet().ToListAsync(cancellationToken).ConfigureAwait(false) is [var winner]) return (winner, false);
            throw;
        }
    }

    /// <summary>
    /// Updates the row matching <paramref name="match"/> with <paramref name="defaults"/>, or creates one from
    /// <paramref name="match"/> and <paramref name="createDefaults"/> (<paramref name="defaults"/> when that is null), as django/db/models/query.py does.
    /// As in Django, in a transaction with the row locked (SelectForUpdate), so a concurrent update waits for this one.
    /// </summary>
    public (T Object, bool Created) UpdateOrCreate(object match, object? defaults = null, object? createDefaults = null) =>
        Rerouted is { } routed ? routed.UpdateOrCreate(match, defaults, createDefaults) : Atomic.Run(() =>
    {
        var (row, created) = SelectForUpdate().GetOrCreate(match, createDefaults ?? defaults);
        if (created || FieldNames(defaults) is not { Length: > 0 } fields) return (row, created);
        Assign(row, defaults).Save(_query.Alias, fields);
        return (row, false);
    }, _query.Alias);

    /// <summary>UpdateOrCreate, asynchronously.</summary>
    public Task<(T Object, bool Created)> UpdateOrCreateAsync(object match, object? defaults = null, object? createDefaults = null, CancellationToken cancellationToken = default) =>
        Rerouted is { } routed ? routed.UpdateOrCreateAsync(match, defaults, createDefaults, cancellationToken) : Atomic.RunAsync(async () =>
    {
        var (row, created) = await SelectForUpdate().GetOrCreateAsync(match, createDefaults ?? defaults, cancellationToken).ConfigureAwait(false);
        if (created || FieldNames(defaults) is not { Length: > 0 } fields) return (row, created);
        await Assign(row, defaults).SaveAsync(_query.Alias, fields, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (row, false);
    }, _query.Alias, cancellationToken: cancellationToken);

    /// <summary>The fields <paramref name="values"/> sets, which are all an update writes (nothing to set: no query, as Django).</summary>
    private static string[] FieldNames(object? values) =>
        [.. Arguments(values).Where(a => !a.Name.Contains("__", StringComparison.Ordinal)).Select(a => a.Name == "pk" ? Meta.Pk.Key : a.Name)];

    private QuerySet<T> Matching(object match) => Arguments(match).Aggregate(this, (query, argument) => query.Filter(argument.Name, argument.Value));

    private static T New(object match, object? defaults) => Assign(Assign(new T(), match), defaults);

    /// <summary>Sets the fields named by <paramref name="values"/>; lookups (<c>name__iexact</c>) only select, as in Django.</summary>
    private static T Assign(T row, object? values)
    {
        foreach (var (name, value) in Arguments(values))
        {
            if (name.Contains("__", StringComparison.Ordinal)) continue;
            var field = Meta.Field(name == "pk" ? Meta.Pk.Key : name);
            field.Set(row, Coerce(field, value));
        }
        return row;
    }

    /// <summary>An int given for a long field (and the like) becomes the field's type, as Python would not notice.</summary>
    private static object? Coerce(FieldMeta field, object? value) =>
        value is IConvertible && value is not Enum && value.GetType() != field.Type && !field.Type.IsEnum
            ? Convert.ChangeType(value, field.Type, System.Globalization.CultureInfo.InvariantCulture)
            : value;
}
