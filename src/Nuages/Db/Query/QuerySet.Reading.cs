using System.Collections.Immutable;
using System.Collections;
using System.Data.Common;
using Nuages.Async;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A QuerySet is an <see cref="IEnumerable{T}"/> — sync <c>foreach</c> and LINQ to objects over its rows, refused in
/// async code as Django refuses sync iteration there — and <c>await foreach</c> reads it asynchronously (the
/// async iteration pattern, without <see cref="IAsyncEnumerable{T}"/>, so that LINQ's Select and Where are never
/// ambiguous between the two). <see cref="AsAsyncEnumerable"/> gives the async sequence for async LINQ.
/// </summary>
public partial class QuerySet<T> : IEnumerable<T>, IAsyncRows
{
    // Django's result cache (as django/db/models/query.py): a QuerySet read whole keeps its rows, so reading it again, or counting it, asks nothing more.
    private List<T>? _cache;

    private protected virtual bool CachesResults => true;

    private Statement Select(Executor executor) => _query.SelectStatement(executor.Backend, _query.ModelColumns());

    /// <summary>Reads rows into instances: the loaded fields by compiled setters, then the annotations; no reflection per row.</summary>
    private Func<DbDataReader, T> Materializer() =>
        // the common case — every field, no annotation, nothing related — is built once per alias, not per query
        _query.Loaded.Length == Meta.Fields.Count && _query.Annotations.IsEmpty && (_query.Related.IsEmpty || _query.ValueNames is not null)
            ? Plain.GetOrAdd(_query.Alias, static (_, query) => new QuerySet<T>(query).Build(), _query)
            : Build();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<DbDataReader, T>> Plain = new(StringComparer.Ordinal);

    private Func<DbDataReader, T> Build()
    {
        var loaded = _query.Loaded;
        var annotations = _query.Annotations.Where(a => a.Selected).ToArray();
        var deferred = loaded.Length == Meta.Fields.Count ? null : Meta.Fields.Except(loaded).ToHashSet();
        var relations = loaded.Where(f => f.IsRelation).ToArray();
        var related = _query.ValueNames is null ? _query.Related : [];
        var alias = _query.Alias;
        return reader =>
        {
            var row = new T { LoadedFrom = alias };
            for (var i = 0; i < loaded.Length; i++) ModelMeta.Read(row, loaded[i], reader, i);
            foreach (var relation in relations)
                if (relation.Relation!(row) is { } reference) reference.Alias = alias;
            for (var j = 0; j < annotations.Length; j++)
                row.Annotate(annotations[j].Name, ModelMeta.Read(reader.GetValue(loaded.Length + j), annotations[j].Expression.OutputType));
            if (related.Length > 0) ReadRelated(reader, row, related, loaded.Length + annotations.Length, alias);
            row.DeferredFields = deferred;
            return row;
        };
    }

    /// <summary>SelectRelated's rows, each put in the reference that points at it, parents before children.</summary>
    private static void ReadRelated(DbDataReader reader, object row, ImmutableArray<ImmutableArray<FieldMeta>> related, int offset, string alias)
    {
        var read = new Dictionary<int, object?>(related.Length);
        for (var i = 0; i < related.Length; i++)
        {
            var chain = related[i];
            var target = chain[^1].RelatedMeta;
            var parent = chain.Length == 1 ? row : read[Parent(related, i)];
            var value = parent is null ? null : target.Materialize(reader, offset, alias);
            if (parent is not null && chain[^1].Relation!(parent) is { } reference) reference.Cached = value;
            read[i] = value;
            offset += target.Fields.Count;
        }
    }

    /// <summary>The index of the chain one reference shorter than chain <paramref name="index"/> (chains come parents first).</summary>
    private static int Parent(ImmutableArray<ImmutableArray<FieldMeta>> related, int index)
    {
        var chain = related[index];
        for (var i = 0; i < index; i++)
            if (related[i].Length == chain.Length - 1 && related[i].AsSpan().SequenceEqual(chain.AsSpan(0, chain.Length - 1))) return i;
        throw new InvalidOperationException("A related chain came before its parent.");
    }

    /// <summary>The rows, read now (or from the result cache).</summary>
    public List<T> ToList()
    {
        if (_cache is { } cached) return [.. cached];
        return Cached(Read());
    }

    /// <summary>The rows, read now, prefetches done, the result cache left alone.</summary>
    private List<T> Read()
    {
        if (_query.NeverMatches) return []; // as Django's EmptyResultSet: no query
        var executor = Executor;
        var rows = executor.Read("QuerySet.ToList", Select(executor), Materializer());
        if (!_query.Prefetches.IsEmpty)
            SyncWork.Completed(new Prefetcher(executor, _query.Alias).Run(rows, Meta, _query.Prefetches, new Prefetcher.SyncReader(executor, _query.Alias)));
        return rows;
    }

    /// <summary>The rows, read asynchronously, in one round trip (as django/db/models/query.py).</summary>
    public async Task<List<T>> ToListAsync(CancellationToken cancellationToken = default)
    {
        if (_cache is { } cached) return [.. cached];
        return Cached(await ReadAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The rows, read now, prefetches done, the result cache left alone (a get() reads a clone, as Django's), asynchronously.</summary>
    private Task<List<T>> ReadAsync(CancellationToken cancellationToken) => ReadAsync(Executor.Rows<T>.Themselves, cancellationToken);

    /// <summary>
    /// What <paramref name="result"/> makes of the rows read now: without prefetches, the executor's one async method
    /// reads them and makes it (no async layer of the QuerySet's own); any failure comes in the task, as from an async method.
    /// </summary>
    private Task<TResult> ReadAsync<TResult>(Func<List<T>, TResult> result, CancellationToken cancellationToken)
    {
        try
        {
            if (_query.NeverMatches) return Task.FromResult(result([]));
            if (!_query.Prefetches.IsEmpty) return PrefetchedAsync(result, cancellationToken);
            var executor = Executor;
            return executor.ReadAsync(Select(executor), Materializer(), result, cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<TResult>(e);
        }
    }

    private async Task<TResult> PrefetchedAsync<TResult>(Func<List<T>, TResult> result, CancellationToken cancellationToken)
    {
        var executor = Executor;
        var rows = await executor.ReadAsync(Select(executor), Materializer(), cancellationToken).ConfigureAwait(false);
        await new Prefetcher(executor, _query.Alias).Run(rows, Meta, _query.Prefetches, new Prefetcher.AsyncReader(executor, _query.Alias, executor.ReadToken(cancellationToken))).ConfigureAwait(false);
        return result(rows);
    }

    /// <summary>get()'s answer from its rows, made once.</summary>
    private static readonly Func<List<T>, T> TheOne = Single;

    /// <summary>Keeps the rows as the result cache and hands out a copy, which the caller may change.</summary>
    private List<T> Cached(List<T> rows)
    {
        if (!CachesResults) return rows;
        _cache = rows;
        return [.. rows];
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ToList().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary><c>await foreach</c> reads every row in one call and fills the result cache, as Django's <c>async for</c> (as django/db/models/query.py).</summary>
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        foreach (var row in await ToListAsync(cancellationToken).ConfigureAwait(false)) yield return row;
    }

    /// <summary>The rows as an async sequence, for async LINQ (<c>qs.AsAsyncEnumerable().Select(…)</c>) and for APIs that take one.</summary>
    public IAsyncEnumerable<T> AsAsyncEnumerable() => new AsyncRows<T>(GetAsyncEnumerator);

    async ValueTask<System.Collections.IList> IAsyncRows.ReadAllAsync(CancellationToken cancellationToken) => await ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Streams the rows without holding them all and without filling the cache (Django's iterator): PostgreSQL reads them
    /// through a server-side cursor, <paramref name="chunkSize"/> rows per FETCH; SQLite steps its reader.
    /// </summary>
    public IEnumerable<T> Iterator(int chunkSize = 2000)
    {
        CheckChunkSize(chunkSize); // As django/db/models/query.py does: when iteration starts, as this method is lazy
        var executor = Executor;
        foreach (var row in executor.Stream(Select(executor), chunkSize, Materializer())) yield return row;
    }

    /// <summary>Iterator, asynchronously (as django/db/models/query.py): <c>await foreach (var a in Author.Objects.IteratorAsync(500))</c>.</summary>
    public async IAsyncEnumerable<T> IteratorAsync(int chunkSize = 2000, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CheckChunkSize(chunkSize);
        var executor = Executor;
        await foreach (var row in executor.StreamAsync(Select(executor), chunkSize, Materializer(), cancellationToken).ConfigureAwait(false)) yield return row;
    }

    private static void CheckChunkSize(int chunkSize)
    {
        if (chunkSize <= 0) throw new ArgumentException("Chunk size must be strictly positive.");
    }

    /// <summary>The engine's plan for this query, one line per row of its answer (Django's explain()).</summary>
    public string Explain()
    {
        var executor = Executor;
        return string.Join("\n", executor.Read("QuerySet.Explain", ExplainStatement(executor), ExplainLine));
    }

    /// <summary>Explain, asynchronously.</summary>
    public async Task<string> ExplainAsync(CancellationToken cancellationToken = default)
    {
        var executor = Executor;
        return string.Join("\n", await executor.ReadAsync(ExplainStatement(executor), ExplainLine, cancellationToken).ConfigureAwait(false));
    }

    private Statement ExplainStatement(Executor executor)
    {
        var select = Select(executor);
        return select with { Sql = executor.Backend.ExplainPrefix + select.Sql };
    }

    // SQLite answers (id, parent, notused, detail) and Django prints the details with their ids; PostgreSQL answers text lines.
    private static string ExplainLine(DbDataReader reader) => reader.FieldCount >= 4
        ? $"{reader.GetValue(0)} {reader.GetValue(1)} {reader.GetValue(2)} {reader.GetValue(3)}"
        : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>The number of rows; from the result cache when the query was already read.</summary>
    public long Count()
    {
        if (_cache is { } cached) return cached.Count;
        if (_query.NeverMatches) return 0;
        var executor = Executor;
        return ToLong(executor.Run("QuerySet.Count", CountStatement(executor), command => command.ExecuteScalar()));
    }

    /// <summary>The number of rows, asynchronously; from the result cache when the query was already read (as django/db/models/query.py).</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        if (_cache is { } cached) return cached.Count;
        if (_query.NeverMatches) return 0;
        var executor = Executor;
        return ToLong(await executor.RunAsync(CountStatement(executor), (command, token) => command.ExecuteScalarAsync(token), executor.ReadToken(cancellationToken)).ConfigureAwait(false));
    }

    private Statement CountStatement(Executor executor) => _query.CountStatement(executor.Backend, _query.ModelColumns());

    private static long ToLong(object? value) => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether any row matches, reading at most one.</summary>
    public bool Exists() => _cache is { } cached ? cached.Count > 0 : Slice(0, 1).Count() > 0;

    /// <summary>Whether any row matches, asynchronously.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default) =>
        _cache is { } cached ? cached.Count > 0 : await Slice(0, 1).CountAsync(cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>
    /// Aggregates over the matching rows, named by the properties of <paramref name="aggregates"/>
    /// (<c>Aggregate(new { Total = new Sum("age") })["total"]</c>), Django's aggregate().
    /// </summary>
    public Dictionary<string, object?> Aggregate(object aggregates) => RunAggregate(Named(aggregates).ToList());

    /// <summary>Aggregates under Django's default names: <c>Aggregate(new Sum("age"))["age__sum"]</c>.</summary>
    public Dictionary<string, object?> Aggregate(params Aggregate[] aggregates) => RunAggregate(Defaults(aggregates));

    /// <summary>Aggregate, asynchronously.</summary>
    public Task<Dictionary<string, object?>> AggregateAsync(object aggregates, CancellationToken cancellationToken = default) =>
        RunAggregateAsync(Named(aggregates).ToList(), cancellationToken);

    /// <summary>Aggregate under Django's default names, asynchronously.</summary>
    public Task<Dictionary<string, object?>> AggregateAsync(Aggregate[] aggregates, CancellationToken cancellationToken = default) =>
        RunAggregateAsync(Defaults(aggregates), cancellationToken);

    private static List<(string, QueryExpression)> Defaults(Aggregate[] aggregates) => [.. aggregates.Select(a => (a.DefaultAlias, (QueryExpression)a))];

    private Dictionary<string, object?> RunAggregate(List<(string Name, QueryExpression Expression)> aggregates)
    {
        var (statement, reader) = AggregateStatement(aggregates);
        return Executor.Read("QuerySet.Aggregate", statement, reader).Single();
    }

    private async Task<Dictionary<string, object?>> RunAggregateAsync(List<(string Name, QueryExpression Expression)> aggregates, CancellationToken cancellationToken)
    {
        var (statement, reader) = AggregateStatement(aggregates);
        return (await Executor.ReadAsync(statement, reader, cancellationToken).ConfigureAwait(false)).Single();
    }

    private (Statement, Func<DbDataReader, Dictionary<string, object?>>) AggregateStatement(List<(string Name, QueryExpression Expression)> aggregates)
    {
        if (aggregates.Count == 0) throw new ArgumentException("Aggregate() needs at least one aggregate.");
        foreach (var (name, expression) in aggregates)
            if (!expression.ContainsAggregate) throw new ArgumentException($"{name} is not an aggregate expression");
        var (sql, values, resolved) = _query.CompileAggregate(new SqlContext(Executor.Backend, []), aggregates);
        return (new Statement(sql, values), reader =>
        {
            var result = new Dictionary<string, object?>(resolved.Count);
            for (var i = 0; i < resolved.Count; i++) result[resolved[i].Name] = ModelMeta.Read(reader.GetValue(i), resolved[i].Expression.OutputType);
            return result;
        });
    }

    /// <summary>The first row (by the ordering, else by primary key), or null when there is none (as django/db/models/query.py).</summary>
    public T? First() => (_cache is { } cached && _query.Order.Length > 0 ? cached : FirstQuery().ToList()).FirstOrDefault();

    /// <summary>The first row, asynchronously, or null.</summary>
    public async Task<T?> FirstAsync(CancellationToken cancellationToken = default) =>
        (_cache is { } cached && _query.Order.Length > 0 ? cached : await FirstQuery().ToListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    private QuerySet<T> FirstQuery() => (_query.Order.Length > 0 ? this : OrderBy("pk")).Slice(0, 1);

    /// <summary>The last row (by the ordering reversed, else by primary key descending), or null when there is none (as django/db/models/query.py).</summary>
    public T? Last() => Reversed().Slice(0, 1).ToList().FirstOrDefault();

    /// <summary>The last row, asynchronously, or null.</summary>
    public async Task<T?> LastAsync(CancellationToken cancellationToken = default) =>
        (await Reversed().Slice(0, 1).ToListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    private QuerySet<T> Reversed() => (_query.Order.Length > 0 ? this : OrderBy("pk")).Reverse();

    /// <summary>The row with the greatest value of <paramref name="fields"/> (<c>"-f"</c> for the least); throws <see cref="Model{T}.DoesNotExist"/> when there is none.</summary>
    public T Latest(params string[] fields) => Single(ByLatest(fields, latest: true).ToList());

    /// <summary>Latest, asynchronously, with the sync method's shape: <c>await LatestAsync("joined")</c>.</summary>
    public Task<T> LatestAsync(params string[] fields) => LatestAsync(fields, CancellationToken.None);

    /// <summary>Latest, asynchronously.</summary>
    public async Task<T> LatestAsync(string[] fields, CancellationToken cancellationToken = default) =>
        Single(await ByLatest(fields, latest: true).ToListAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>The row with the least value of <paramref name="fields"/>; throws <see cref="Model{T}.DoesNotExist"/> when there is none.</summary>
    public T Earliest(params string[] fields) => Single(ByLatest(fields, latest: false).ToList());

    /// <summary>Earliest, asynchronously, with the sync method's shape: <c>await EarliestAsync("joined")</c>.</summary>
    public Task<T> EarliestAsync(params string[] fields) => EarliestAsync(fields, CancellationToken.None);

    /// <summary>Earliest, asynchronously.</summary>
    public async Task<T> EarliestAsync(string[] fields, CancellationToken cancellationToken = default) =>
        Single(await ByLatest(fields, latest: false).ToListAsync(cancellationToken).ConfigureAwait(false));

    private QuerySet<T> ByLatest(string[] fields, bool latest)
    {
        if (fields.Length == 0) fields = [.. Meta.GetLatestBy];
        if (fields.Length == 0) throw new ArgumentException("earliest() and latest() require either fields as positional arguments or 'get_latest_by' in the model's Meta.");
        if (_query.Sliced) throw new InvalidOperationException("Cannot change a query once a slice has been taken.");
        return OrderBy([.. fields.Select(f => f.StartsWith('-') == latest ? f.TrimStart('-') : "-" + f.TrimStart('-'))]).Slice(0, 1);
    }

    /// <summary>The rows whose primary keys are in <paramref name="ids"/> (all rows when null), by primary key (Django's in_bulk).</summary>
    public Dictionary<long, T> InBulk(IEnumerable<long>? ids = null) => (ids is null ? this : Filter("pk__in", ids.ToList())).ToList().ToDictionary(row => row.Id);

    /// <summary>InBulk, asynchronously.</summary>
    public async Task<Dictionary<long, T>> InBulkAsync(IEnumerable<long>? ids = null, CancellationToken cancellationToken = default) =>
        (await (ids is null ? this : Filter("pk__in", ids.ToList())).ToListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(row => row.Id);

    /// <summary>
    /// The rows whose unique field <paramref name="fieldName"/> has one of <paramref name="values"/>, by that value
    /// (Django's <c>in_bulk(id_list, field_name=…)</c>): <c>InBulk(["ursula", "octavia"], "slug")</c>.
    /// </summary>
    public Dictionary<TKey, T> InBulk<TKey>(IEnumerable<TKey> values, string fieldName) where TKey : notnull
    {
        var (query, field) = InBulkQuery(values, fieldName);
        return query.ToList().ToDictionary(row => Key<TKey>(row, field));
    }

    /// <summary>InBulk by a unique field, asynchronously.</summary>
    public async Task<Dictionary<TKey, T>> InBulkAsync<TKey>(IEnumerable<TKey> values, string fieldName, CancellationToken cancellationToken = default) where TKey : notnull
    {
        var (query, field) = InBulkQuery(values, fieldName);
        return (await query.ToListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(row => Key<TKey>(row, field));
    }

    private static TKey Key<TKey>(T row, FieldMeta field) =>
        (TKey)ModelMeta.Read((field.IsRelation ? field.Relation!(row)?.Id : field.Get(row)) ?? throw new InvalidOperationException("A unique field read NULL."), typeof(TKey))!;

    private (QuerySet<T>, FieldMeta) InBulkQuery<TKey>(IEnumerable<TKey> values, string fieldName)
    {
        if (_query.Sliced) throw new InvalidOperationException("Cannot use 'limit' or 'offset' with in_bulk().");
        var field = Meta.Field(fieldName == "pk" ? Meta.Pk.Key : fieldName);
        if (field != Meta.Pk && !field.Unique && !Meta.UniqueTogether.Any(u => u.Count == 1 && u[0] == field))
            throw new ArgumentException($"in_bulk()'s field_name must be a unique field but '{fieldName}' isn't.");
        return (Filter(field.Key + "__in", values.Cast<object?>().ToList()), field);
    }

    /// <summary>Whether <paramref name="row"/> is among the matching rows, asked of the database unless the query was read.</summary>
    public bool Contains(T row) => _cache is { } cached ? cached.Any(r => r.Id == SavedId(row)) : Filter("pk", SavedId(row)).Exists();

    /// <summary>Contains, asynchronously.</summary>
    public async Task<bool> ContainsAsync(T row, CancellationToken cancellationToken = default) =>
        _cache is { } cached ? cached.Any(r => r.Id == SavedId(row)) : await Filter("pk", SavedId(row)).ExistsAsync(cancellationToken).ConfigureAwait(false);

    private static long SavedId(T row) => row.Id != 0 ? row.Id : throw new ArgumentException("QuerySet.contains() cannot be used on unsaved objects.");

    /// <summary>The one row matching the lookup; throws <see cref="Model{T}.DoesNotExist"/> or <see cref="Model{T}.MultipleObjectsReturned"/>.</summary>
    public T Get(string lookup, object? value)
    {
        var condition = GetCondition(lookup, value);
        if (KeptGet(condition) is not ({ } executor, { } statement)) return Single(ForGet(lookup, value, condition).Read());
        return Single(executor.Read("QuerySet.ToList", statement, Materializer()));
    }

    /// <summary>The one row for which <paramref name="predicate"/> holds: <c>Get(a =&gt; a.Id == id)</c>.</summary>
    public T Get(System.Linq.Expressions.Expression<Func<T, bool>> predicate) => Filter(predicate).Get();

    // Django's MAX_GET_RESULTS + 1: enough rows to say "more than 20" without reading them all.
    private const int GetLimit = 21;

    /// <summary>The one row of this query; throws <see cref="Model{T}.DoesNotExist"/> or <see cref="Model{T}.MultipleObjectsReturned"/>.</summary>
    public T Get() => Single(ForGet().Read());

    /// <summary>The one row of this query, asynchronously.</summary>
    public Task<T> GetAsync(CancellationToken cancellationToken = default) => ForGet().ReadAsync(TheOne, cancellationToken);

    /// <summary>The one row for which <paramref name="predicate"/> holds, asynchronously.</summary>
    public Task<T> GetAsync(System.Linq.Expressions.Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Filter(predicate).GetAsync(cancellationToken);

    /// <summary>The one row matching the lookup, asynchronously.</summary>
    public Task<T> GetAsync(string lookup, object? value, CancellationToken cancellationToken = default)
    {
        try
        {
            var condition = GetCondition(lookup, value);
            return KeptGet(condition) is ({ } executor, { } statement)
                ? executor.ReadAsync(statement, Materializer(), TheOne, cancellationToken)
                : ForGet(lookup, value, condition).ReadAsync(TheOne, cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e); // as from an async method, like ReadAsync's
        }
    }

    /// <summary>
    /// The executor and statement of <c>Get(lookup, value)</c> on a plain query whose SQL is kept (see
    /// <see cref="SqlQuery.KeptGetStatement"/>): the same statement the general path makes, without its copies.
    /// </summary>
    private (Executor?, Statement?) KeptGet(WhereNode? condition)
    {
        if (condition is null || !_query.Where.IsEmpty) return default;
        var executor = Executor;
        return (executor, _query.KeptGetStatement(executor.Backend, condition, GetLimit));
    }

    // Django drops the ordering of a get(), which only needs a count, and caps the rows unless the query is sliced or combined.
    private QuerySet<T> ForGet() => _query.Sliced || !_query.Combined.IsEmpty ? this : With(ForGet(_query.Where));

    private SqlQuery ForGet(ImmutableArray<WhereNode> where) => _query with { Where = where, Order = [], Limit = GetLimit };

    /// <summary>The condition <c>Get(lookup, value)</c> adds on a plain column of a query neither sliced nor combined; null when it takes the general path.</summary>
    private WhereNode? GetCondition(string lookup, object? value) =>
        !_query.Sliced && _query.Combined.IsEmpty ? _query.ColumnCondition(lookup, value) : null;

    /// <summary>The query <c>Get(lookup, value)</c> reads; with its <paramref name="condition"/>, filtered, unordered and capped in one copy (the shape of every <c>Get("pk", id)</c>).</summary>
    private QuerySet<T> ForGet(string lookup, object? value, WhereNode? condition) =>
        condition is not null ? With(ForGet(_query.Where.Add(condition))) : Filter(lookup, value).ForGet();

    private static T Single(List<T> rows) => rows.Count switch
    {
        1 => rows[0],
        0 => throw new Model<T>.DoesNotExist($"{typeof(T).Name} matching query does not exist."),
        _ => throw new Model<T>.MultipleObjectsReturned($"get() returned more than one {typeof(T).Name} -- it returned {(rows.Count > 20 ? "more than 20" : rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}!"),
    };
}

public partial class QuerySet<T> : ISliceable<T>
{
    List<T> ISliceable<T>.ReadSlice(int start, int end) => Slice(start, end).ToList();

    Task<List<T>> ISliceable<T>.ReadSliceAsync(int start, int end, CancellationToken cancellationToken) => Slice(start, end).ToListAsync(cancellationToken);

    Task<long> ISliceable<T>.CountAsync(CancellationToken cancellationToken) => CountAsync(cancellationToken);
}
