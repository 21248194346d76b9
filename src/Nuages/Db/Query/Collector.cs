using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// What a delete removed, as Django's <c>delete()</c> answers: the total, and the count per model label
/// (<c>"shop.Book"</c>, and <c>"shop.Book_tags"</c> for a ManyToMany's links), only models with rows deleted.
/// Deconstructs as Django's tuple: <c>var (total, perModel) = books.Delete();</c>.
/// </summary>
public sealed record DeleteResult(long Total, IReadOnlyDictionary<string, long> PerModel)
{
    internal static readonly DeleteResult None = new(0, new Dictionary<string, long>());

    internal static DeleteResult Of(ModelMeta meta, int rows) => rows == 0 ? None : new(rows, new Dictionary<string, long> { [meta.Label] = rows });

    /// <summary>The total, for code that only counts.</summary>
    public static implicit operator long(DeleteResult result) => result?.Total ?? 0;
}

/// <summary>
/// Django's deletion <c>Collector</c>: before rows are deleted, the rows that point at them are found and dealt with as
/// their <see cref="OnDelete"/> says — deleted too (recursively), nulled, set to a default, or the delete refused with
/// <see cref="ProtectedError"/> / <see cref="RestrictedError"/> before anything is written. The caller runs it in an
/// atomic block. The algorithm is written once over <see cref="IRunner"/>; the sync twin's runner makes the drivers'
/// sync calls, so every step it awaits has already completed.
/// </summary>
internal sealed class Collector(Executor executor, string alias)
{
    private const int Chunk = 500;
    private readonly Dictionary<ModelMeta, HashSet<long>> _deleting = [];
    private readonly List<ModelMeta> _order = [];
    private readonly List<(FieldMeta Field, object? Value, List<long> Ids)> _updates = [];
    private readonly List<(ReverseRelation Relation, List<long> Ids)> _restricted = [];
    private readonly List<(ReverseRelation Relation, List<long> Ids)> _protected = [];
    private readonly List<SqlQuery> _links = [];

    /// <summary>Whether deleting rows of <paramref name="meta"/> can touch other rows: if not, one DELETE does it.</summary>
    public static bool NeedsCollecting(ModelMeta meta) =>
        meta.Reverse.Any(r => r.Field.OnDelete != OnDelete.DoNothing) || meta.ManyToMany.Count > 0 || meta.ManyToManyTo.Any();

    internal interface IRunner
    {
        ValueTask<List<long>> Ids(Statement statement);

        ValueTask<int> Execute(Statement statement);
    }

    internal sealed class SyncRunner(Executor executor) : IRunner
    {
        public ValueTask<List<long>> Ids(Statement statement) => new(executor.Read("QuerySet.Delete", statement, r => Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)));

        public ValueTask<int> Execute(Statement statement) => new(executor.Run("QuerySet.Delete", statement, command => command.ExecuteNonQuery()));
    }

    internal sealed class AsyncRunner(Executor executor, CancellationToken cancellationToken) : IRunner
    {
        public async ValueTask<List<long>> Ids(Statement statement) =>
            await executor.ReadAsync(statement, r => Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);

        public async ValueTask<int> Execute(Statement statement) =>
            await executor.RunAsync(statement, (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the rows of <paramref name="query"/> and what cascades from them; what was deleted, per model.</summary>
    public async ValueTask<DeleteResult> Delete(SqlQuery query, IRunner runner)
    {
        await Collect(query.Meta, await runner.Ids(query.SelectStatement(executor.Backend, [new Col(query.Meta.Pk)])).ConfigureAwait(false), runner).ConfigureAwait(false);
        Refuse("protected", _protected, (meta, message, rows) => new ProtectedError(message, alias, rows));
        Refuse("restricted", [.. _restricted.Select(r => (r.Relation, Ids: r.Ids.Where(id => !Deleting(r.Relation.Owner).Contains(id)).ToList())).Where(r => r.Ids.Count > 0)],
            (meta, message, rows) => new RestrictedError(message, alias, rows));
        foreach (var (field, value, ids) in _updates)
            foreach (var chunk in ids.Chunk(Chunk))
            {
                var owner = new SqlQuery(ModelMeta.For(field.Owner), alias).Filter(new LeafNode(new Col(ModelMeta.For(field.Owner).Pk), LookupKind.In, chunk));
                var (sql, values) = owner.CompileUpdate(new SqlContext(executor.Backend, []), [(field.Key, value)], (_, v) => v)!.Value;
                await runner.Execute(new Statement(sql, values)).ConfigureAwait(false);
            }
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        void Count(ModelMeta meta, int rows)
        {
            if (rows > 0) counts[meta.Label] = counts.GetValueOrDefault(meta.Label) + rows; // as Django's counter: models with rows deleted
        }
        foreach (var links in _links)
        {
            var (sql, values) = links.CompileDelete(new SqlContext(executor.Backend, []));
            Count(links.Meta, await runner.Execute(new Statement(sql, values)).ConfigureAwait(false));
        }
        // The rows collected last point at those collected before them; references are checked at commit anyway.
        foreach (var meta in Enumerable.Reverse(_order))
            foreach (var chunk in _deleting[meta].Chunk(Chunk))
            {
                var (sql, values) = new SqlQuery(meta, alias).Filter(new LeafNode(new Col(meta.Pk), LookupKind.In, chunk)).CompileDelete(new SqlContext(executor.Backend, []));
                Count(meta, await runner.Execute(new Statement(sql, values)).ConfigureAwait(false));
            }
        return new DeleteResult(counts.Values.Sum(), counts);
    }

    private HashSet<long> Deleting(ModelMeta meta)
    {
        if (!_deleting.TryGetValue(meta, out var ids))
        {
            _deleting[meta] = ids = [];
            _order.Add(meta);
        }
        return ids;
    }

    private async ValueTask Collect(ModelMeta meta, List<long> ids, IRunner runner)
    {
        var set = Deleting(meta);
        var fresh = ids.Where(set.Add).ToList();
        if (fresh.Count == 0) return;
        // ManyToMany rows go with either side: in Nuages' own tables here; a through model's references say themselves
        foreach (var relation in meta.ManyToMany.Concat(meta.ManyToManyTo).Distinct())
        {
            if (relation.ThroughType is not null) continue;
            var sides = new[] { relation.Source, relation.Target }.Where(f => f.RelatedType == meta.Type);
            foreach (var side in sides)
                foreach (var chunk in fresh.Chunk(Chunk))
                    _links.Add(new SqlQuery(relation.Through, alias).Filter(new LeafNode(new Col(side), LookupKind.In, chunk)));
        }
        foreach (var reverse in meta.Reverse)
        {
            if (reverse.Field.OnDelete == OnDelete.DoNothing) continue;
            var referencing = new List<long>();
            foreach (var chunk in fresh.Chunk(Chunk))
            {
                var owner = new SqlQuery(reverse.Owner, alias).Filter(new LeafNode(new Col(reverse.Field), LookupKind.In, chunk));
                referencing.AddRange(await runner.Ids(owner.SelectStatement(executor.Backend, [new Col(reverse.Owner.Pk)])).ConfigureAwait(false));
            }
            if (referencing.Count == 0) continue;
            switch (reverse.Field.OnDelete)
            {
                case OnDelete.Cascade: await Collect(reverse.Owner, referencing, runner).ConfigureAwait(false); break;
                case OnDelete.Protect: _protected.Add((reverse, referencing)); break;
                case OnDelete.Restrict: _restricted.Add((reverse, referencing)); break;
                case OnDelete.SetNull: _updates.Add((reverse.Field, null, referencing)); break;
                case OnDelete.SetDefault: _updates.Add((reverse.Field, reverse.Field.OnDeleteDefault, referencing)); break;
            }
        }
    }

    /// <summary>Django's messages: "Cannot delete some instances of model 'Author' because they are referenced through protected foreign keys: 'Book.author'."</summary>
    private void Refuse(string kind, List<(ReverseRelation Relation, List<long> Ids)> refusing, Func<ModelMeta, string, IReadOnlyList<(Type Model, long Id)>, Exception> error)
    {
        if (refusing.Count == 0) return;
        var deleted = _order[0];
        var keys = string.Join(", ", refusing.Select(r => $"'{r.Relation.Owner.Type.Name}.{r.Relation.Field.Key}'").Distinct());
        var rows = refusing.SelectMany(r => r.Ids.Select(id => (r.Relation.Owner.Type, id))).ToList();
        throw error(deleted, $"Cannot delete some instances of model '{deleted.Type.Name}' because they are referenced through {kind} foreign keys: {keys}.", rows);
    }
}
