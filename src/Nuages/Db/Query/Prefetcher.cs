using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A relation to read for a whole list of rows in one more query (Django's <c>Prefetch</c>):
/// <c>new Prefetch("books", Book.Objects.Filter("pages__gt", 300), toAttr: "long_books")</c>. The query filters and
/// orders the related rows; <paramref name="toAttr"/> keeps them under that name (<c>author.Prefetched&lt;Book&gt;("long_books")</c>)
/// instead of in the relation's manager.
/// </summary>
public sealed class Prefetch(string lookup, ISubquery? queryset = null, string? toAttr = null)
{
    /// <summary>The relation path: <c>books</c>, <c>books__tags</c>.</summary>
    public string Lookup { get; } = lookup;

    internal SqlQuery? Query { get; } = queryset?.Query;

    /// <summary>The name the rows are kept under instead of the relation's manager.</summary>
    public string? ToAttr { get; } = toAttr;
}

/// <summary>
/// Reads prefetched relations (Django's <c>prefetch_related_objects</c>): per step of a lookup, one query for all the
/// rows — references by id, reverse references by their column, ManyToMany through its table then the rows — and
/// puts what it read where the rows' relations look first. Written once over <see cref="IReader"/>; the sync twin's
/// reader makes the drivers' sync calls.
/// </summary>
internal sealed class Prefetcher(Executor executor, string alias)
{
    private const int Chunk = 500;

    internal interface IReader
    {
        ValueTask<List<object>> Rows(ModelMeta meta, SqlQuery query);

        /// <summary>Rows read with one more column after their fields: the key of the row they belong to.</summary>
        ValueTask<List<(object Row, long Key)>> Keyed(ModelMeta meta, Statement statement);
    }

    internal sealed class SyncReader(Executor executor, string alias) : IReader
    {
        public ValueTask<List<object>> Rows(ModelMeta meta, SqlQuery query) =>
            new(executor.Read("QuerySet.PrefetchRelated", Select(executor, query), r => meta.Materialize(r, 0, alias)!));

        public ValueTask<List<(object Row, long Key)>> Keyed(ModelMeta meta, Statement statement) =>
            new(executor.Read("QuerySet.PrefetchRelated", statement, r => KeyedRow(r, meta, alias)));
    }

    internal sealed class AsyncReader(Executor executor, string alias, CancellationToken cancellationToken) : IReader
    {
        public async ValueTask<List<object>> Rows(ModelMeta meta, SqlQuery query) =>
            await executor.ReadAsync(Select(executor, query), r => meta.Materialize(r, 0, alias)!, cancellationToken).ConfigureAwait(false);

        public async ValueTask<List<(object Row, long Key)>> Keyed(ModelMeta meta, Statement statement) =>
            await executor.ReadAsync(statement, r => KeyedRow(r, meta, alias), cancellationToken).ConfigureAwait(false);
    }

    private static Statement Select(Executor executor, SqlQuery query) =>
        (query with { Loaded = [.. query.Meta.Fields], Annotations = [], ValueNames = null, Related = [] }).SelectStatement(executor.Backend, [.. query.Meta.Fields.Select(f => (QueryExpression)new Col(f))]);

    private static (object, long) KeyedRow(DbDataReader reader, ModelMeta meta, string alias) =>
        (meta.Materialize(reader, 0, alias)!, Convert.ToInt64(reader.GetValue(meta.Fields.Count), CultureInfo.InvariantCulture));

    /// <summary>Reads every lookup for <paramref name="rows"/> of <paramref name="meta"/>.</summary>
    public async ValueTask Run(IReadOnlyList<object> rows, ModelMeta meta, ImmutableArray<Prefetch> lookups, IReader reader)
    {
        if (rows.Count == 0) return;
        // What each path read, by the name it was kept under: a later lookup through it (books__reviews after a
        // filtered Prefetch("books", …)) goes on from those rows instead of reading the relation again, as Django's
        // prefetch_related_objects does with its done_queries.
        var done = new Dictionary<string, (IReadOnlyList<object> Rows, ModelMeta Meta, SqlQuery? Query)>(StringComparer.Ordinal);
        foreach (var lookup in lookups)
        {
            var parts = lookup.Lookup.Split("__");
            IReadOnlyList<object> level = rows;
            var levelMeta = meta;
            var path = "";
            for (var i = 0; i < parts.Length && level.Count > 0; i++)
            {
                var last = i == parts.Length - 1;
                var kept = last ? lookup.ToAttr ?? parts[i] : parts[i];
                path = path.Length == 0 ? kept : path + "__" + kept;
                if (done.TryGetValue(path, out var seen))
                {
                    if (last && lookup.Query is not null && !ReferenceEquals(seen.Query, lookup.Query))
                        throw new ArgumentException($"'{lookup.Lookup}' lookup was already seen with a different queryset. You may need to adjust the ordering of your lookups.");
                    (level, levelMeta) = (seen.Rows, seen.Meta);
                    continue;
                }
                (level, levelMeta) = await Step(level, levelMeta, parts[i], last ? lookup.Query : null, last ? lookup.ToAttr : null, reader).ConfigureAwait(false);
                done[path] = (level, levelMeta, last ? lookup.Query : null);
            }
        }
    }

    private SqlQuery Query(ModelMeta meta, SqlQuery? custom) =>
        custom is null ? new SqlQuery(meta, alias) { Order = [.. meta.Ordering.Select(n => new OrderItem(new Col(meta.Field(n.TrimStart('-'))), n.StartsWith('-')))] } : custom with { Alias = alias };

    /// <summary>One relation for all of <paramref name="rows"/>; the related rows, for the next step of the lookup.</summary>
    private async ValueTask<(IReadOnlyList<object>, ModelMeta)> Step(IReadOnlyList<object> rows, ModelMeta meta, string name, SqlQuery? custom, string? toAttr, IReader reader)
    {
        if (meta.ByName.TryGetValue(name, out var field) && field.IsRelation)
        {
            var target = field.RelatedMeta;
            var ids = rows.Select(r => field.Get(r)).OfType<long>().Distinct().ToList();
            var found = new Dictionary<long, object>();
            foreach (var chunk in ids.Chunk(Chunk))
                foreach (var row in await reader.Rows(target, Query(target, custom).Filter(new LeafNode(new Col(target.Pk), LookupKind.In, chunk))).ConfigureAwait(false))
                    found[((IModelRow)row).Id] = row;
            foreach (var row in rows)
            {
                var value = field.Get(row) is long id ? found.GetValueOrDefault(id) : null;
                if (toAttr is not null) Keep(row, toAttr, value is null ? [] : [value]);
                else if (field.Relation!(row) is { } reference) reference.Cached = value;
            }
            return ([.. found.Values], target);
        }
        if ((meta.ReverseNamed(name) ?? meta.Reverse.FirstOrDefault(r => r.Accessor == name)) is { } reverse)
        {
            var owner = reverse.Owner;
            var children = new List<object>();
            foreach (var chunk in rows.Select(r => ((IModelRow)r).Id).Chunk(Chunk))
                children.AddRange(await reader.Rows(owner, Query(owner, custom).Filter(new LeafNode(new Col(reverse.Field), LookupKind.In, chunk))).ConfigureAwait(false));
            var byParent = children.ToLookup(c => (long)reverse.Field.Get(c)!);
            foreach (var row in rows)
            {
                var mine = byParent[((IModelRow)row).Id].ToList();
                foreach (var child in mine) reverse.Field.Relation!(child)!.Cached = row; // book.Author needs no query either
                Keep(row, toAttr ?? reverse.Name, mine); // under the lookup name, which the related manager reads, when named by its accessor (book_set)
            }
            return (children, owner);
        }
        if ((meta.ManyToManyNamed(name) ?? (meta.ManyToManyTo.FirstOrDefault(m => m.Accessor == name) is { } byAccessor ? (byAccessor, false) : null)) is var (relation, forward))
        {
            var (near, far) = forward ? (relation.Source, relation.Target) : (relation.Target, relation.Source);
            var target = forward ? ModelMeta.For(relation.TargetType) : ModelMeta.For(relation.OwnerType);
            // One query: the related rows joined to the link table, each with the id of the row it belongs to (Django
            // selects it as _prefetch_related_val_…), so a row linked twice comes twice.
            var pairs = new List<(object Row, long Key)>();
            foreach (var chunk in rows.Select(r => ((IModelRow)r).Id).Chunk(Chunk))
            {
                var query = Query(target, custom).Building();
                var (link, _) = query.Tables.Setup(new Join(0, relation.Through, target.Pk.Column, far.Column, false, true, false, null, false), []);
                query.Tables.Freeze();
                query = query.Filter(new LeafNode(new Col(near, link), LookupKind.In, chunk)) with { Loaded = [.. target.Fields], Annotations = [], ValueNames = null, Related = [] };
                pairs.AddRange(await reader.Keyed(target, query.SelectStatement(executor.Backend, [.. target.Fields.Select(f => (QueryExpression)new Col(f)), new Col(near, link)])).ConfigureAwait(false));
            }
            var related = new List<object>();
            var farOf = new Dictionary<long, List<object>>();
            var seenRows = new Dictionary<long, object>();
            foreach (var (row, key) in pairs)
            {
                // one instance per related row, as the rows of one query are
                var id = ((IModelRow)row).Id;
                if (!seenRows.TryGetValue(id, out var instance))
                {
                    seenRows[id] = instance = row;
                    related.Add(row);
                }
                (farOf.TryGetValue(key, out var list) ? list : farOf[key] = []).Add(instance);
            }
            foreach (var row in rows)
                Keep(row, toAttr ?? (forward ? relation.Key : relation.RelatedName), farOf.TryGetValue(((IModelRow)row).Id, out var mine) ? mine : []);
            return (related, target);
        }
        throw new FieldError($"Cannot find '{name}' on {meta.Type.Name} object, '{name}' is an invalid parameter to prefetch_related()");
    }

    private static void Keep(object row, string name, List<object> rows) => (((IModelRow)row).Prefetched ??= [])[name] = rows;
}

/// <summary>Django's <c>prefetch_related_objects</c>: prefetching for rows already read (as django/db/models/query.py).</summary>
public static class Prefetching
{
    /// <summary>Reads <paramref name="lookups"/> (names or <see cref="Prefetch"/>es) for <paramref name="rows"/>, as PrefetchRelated would have.</summary>
    public static void PrefetchRelatedObjects<T>(IReadOnlyList<T> rows, params object[] lookups) where T : Model<T>, new()
    {
        Async.AsyncSafety.ThrowIfAsync("PrefetchRelatedObjects");
        var (prefetcher, executor, alias, specs) = Prepare(rows, lookups);
        SyncWork.Completed(prefetcher.Run([.. rows], ModelMeta.For(typeof(T)), specs, new Prefetcher.SyncReader(executor, alias)));
    }

    /// <summary>PrefetchRelatedObjects, asynchronously.</summary>
    public static async Task PrefetchRelatedObjectsAsync<T>(IReadOnlyList<T> rows, object[] lookups, CancellationToken cancellationToken = default) where T : Model<T>, new()
    {
        var (prefetcher, executor, alias, specs) = Prepare(rows, lookups);
        await prefetcher.Run([.. rows], ModelMeta.For(typeof(T)), specs, new Prefetcher.AsyncReader(executor, alias, executor.ReadToken(cancellationToken))).ConfigureAwait(false);
    }

    private static (Prefetcher, Executor, string, ImmutableArray<Prefetch>) Prepare<T>(IReadOnlyList<T> rows, object[] lookups) where T : Model<T>, new()
    {
        var alias = rows.Count > 0 ? ((IModelRow)rows[0]).LoadedFrom ?? Database.DefaultAlias : Database.DefaultAlias;
        var executor = Executor.For(alias);
        ImmutableArray<Prefetch> specs = [.. ((ISubquery)Model<T>.Objects.PrefetchRelated(lookups)).Query.Prefetches];
        return (new Prefetcher(executor, alias), executor, alias, specs);
    }
}

/// <summary>
/// Work written once as async code over a sync or async reader (the collector, the prefetcher): with the sync reader
/// every step is a driver's sync call, so the work has completed when it returns — checked, never waited for.
/// </summary>
internal static class SyncWork
{
    public static TResult Completed<TResult>(ValueTask<TResult> work) =>
        work.IsCompleted ? work.GetAwaiter().GetResult() : throw new InvalidOperationException("A sync operation went asynchronous.");

    public static void Completed(ValueTask work)
    {
        if (!work.IsCompleted) throw new InvalidOperationException("A sync operation went asynchronous.");
        work.GetAwaiter().GetResult();
    }
}
