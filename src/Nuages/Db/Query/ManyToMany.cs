using System.Globalization;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A many-to-many relation (Django's <c>ManyToManyField</c> and its managers): declared on one model as
/// <c>public ManyToMany&lt;Tag&gt; Tags =&gt; ManyToMany&lt;Tag&gt;();</c> (with <c>[Through(typeof(…))]</c> for a
/// model of its own, <c>[RelatedName("books")]</c> for the name on the other side), and seen from the other as
/// <c>public RelatedManyToMany&lt;Book&gt; Books =&gt; RelatedManyToMany&lt;Book&gt;("tags");</c>. It is a manager of the
/// related rows — every QuerySet method, sync and async — that also links and unlinks them (as django/db/models/fields/related_descriptors.py);
/// <c>throughDefaults</c> fill the through model's own fields.
/// </summary>
public class ManyToMany<T> : Manager<T> where T : Model<T>, new()
{
    private readonly ManyToManyMeta _relation;
    private readonly FieldMeta _near;
    private readonly FieldMeta _far;
    private readonly long _ownerId;
    private readonly string _alias;

    internal ManyToMany(ManyToManyMeta relation, bool forward, long ownerId, string alias)
        : base(Linked(relation, forward, ownerId, alias))
    {
        _relation = relation;
        (_near, _far) = forward ? (relation.Source, relation.Target) : (relation.Target, relation.Source);
        _ownerId = ownerId;
        _alias = alias;
    }

    /// <summary>The rows linked to the owner: <c>id IN (SELECT far_id FROM through WHERE near_id = owner)</c>.</summary>
    private static SqlQuery Linked(ManyToManyMeta relation, bool forward, long ownerId, string alias)
    {
        var (near, far) = forward ? (relation.Source, relation.Target) : (relation.Target, relation.Source);
        var links = new SqlQuery(relation.Through, alias).Filter(new LeafNode(new Col(near), LookupKind.Exact, ownerId));
        return (Initial() with { Alias = alias, AliasGiven = true }).Filter(new LeafNode(new Col(Meta.Pk), LookupKind.In, new RelationSubquery(links, [new Col(far)])));
    }

    private SqlQuery Links => new SqlQuery(_relation.Through, _alias).Filter(new LeafNode(new Col(_near), LookupKind.Exact, _ownerId));

    private Executor Db => Executor.For(_alias);

    private static List<long> Saved(IEnumerable<T> rows) =>
        [.. rows.Select(r => r.Id != 0 ? r.Id : throw new ArgumentException($"Cannot add \"{typeof(T).Name}\": it needs to have a value for field \"id\" before it can be linked; save it first."))];

    /// <summary>What is already linked among <paramref name="ids"/>, and the INSERT for the rest.</summary>
    private Statement Existing(List<long> ids) =>
        Links.Filter(new LeafNode(new Col(_far), LookupKind.In, ids)).SelectStatement(Db.Backend, [new Col(_far)]);

    private Statement? Insert(IEnumerable<long> ids, object? throughDefaults)
    {
        var list = ids.Distinct().ToList();
        if (list.Count == 0) return null;
        var extra = QuerySetArguments.Of(throughDefaults).Select(a => (Field: _relation.Through.Field(a.Name), a.Value)).ToList();
        var context = new SqlContext(Db.Backend, []);
        var columns = string.Join(", ", new[] { _near, _far }.Concat(extra.Select(e => e.Field)).Select(f => Backends.Backend.Quote(f.Column)));
        var rows = list.Select(id => "(" + string.Join(", ", new object?[] { _ownerId, id }.Concat(extra.Select(e => Coerce(e.Field, e.Value))).Select(context.Param)) + ")");
        return new Statement($"INSERT INTO {Backends.Backend.Quote(_relation.Through.Table)} ({columns}) VALUES {string.Join(", ", rows)}", context.Values);
    }

    private static object? Coerce(FieldMeta field, object? value) =>
        value is IConvertible && value is not Enum && value.GetType() != field.Type && !field.Type.IsEnum ? Convert.ChangeType(value, field.Type, CultureInfo.InvariantCulture) : value;

    private Statement Delete(List<long>? ids)
    {
        var links = ids is null ? Links : Links.Filter(new LeafNode(new Col(_far), LookupKind.In, ids));
        var (sql, values) = links.CompileDelete(new SqlContext(Db.Backend, []));
        return new Statement(sql, values);
    }

    private static long Id(System.Data.Common.DbDataReader reader) => Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);

    /// <summary>Links <paramref name="rows"/> (saved ones) to the owner; those already linked stay as they are.</summary>
    public void Add(IEnumerable<T> rows, object? throughDefaults = null) => AddIds(Saved(rows), throughDefaults);

    /// <summary>Links the rows with these primary keys, as Django's add() takes them; a key with no row fails at commit (the reference's constraint).</summary>
    public void Add(params long[] ids) => AddIds([.. ids], null);

    /// <summary>Add by primary keys, asynchronously.</summary>
    public Task AddAsync(IEnumerable<long> ids, object? throughDefaults = null, CancellationToken cancellationToken = default) => AddIdsAsync([.. ids], throughDefaults, cancellationToken);

    private void AddIds(List<long> ids, object? throughDefaults)
    {
        if (ids.Count == 0) return;
        var linked = Db.Read("ManyToMany.Add", Existing(ids), Id).ToHashSet();
        if (Insert(ids.Where(id => !linked.Contains(id)), throughDefaults) is { } insert) Db.Run("ManyToMany.Add", insert, command => command.ExecuteNonQuery());
    }

    /// <summary>Add, with rows given one by one.</summary>
    public void Add(params T[] rows) => Add(rows, null);

    /// <summary>AddAsync with the sync method's shape: <c>await AddAsync(a, b)</c>.</summary>
    public Task AddAsync(params T[] rows) => AddAsync((IEnumerable<T>)rows);

    /// <summary>Add, asynchronously.</summary>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public Task AddAsync(IEnumerable<T> rows, object? throughDefaults = null, CancellationToken cancellationToken = default) =>
        AddIdsAsync(Saved(rows), throughDefaults, cancellationToken);

    private async Task AddIdsAsync(List<long> ids, object? throughDefaults, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return;
        var linked = (await Db.ReadAsync(Existing(ids), Id, cancellationToken).ConfigureAwait(false)).ToHashSet();
        if (Insert(ids.Where(id => !linked.Contains(id)), throughDefaults) is { } insert)
            await Db.RunAsync(insert, (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unlinks <paramref name="rows"/>; the rows themselves stay.</summary>
    public void Remove(params T[] rows) => Db.Run("ManyToMany.Remove", Delete(Saved(rows)), command => command.ExecuteNonQuery());

    /// <summary>Unlinks the rows with these primary keys.</summary>
    public void Remove(params long[] ids) => Db.Run("ManyToMany.Remove", Delete([.. ids]), command => command.ExecuteNonQuery());

    /// <summary>Remove by primary keys, asynchronously.</summary>
    public Task RemoveAsync(IEnumerable<long> ids, CancellationToken cancellationToken = default) =>
        Db.RunAsync(Delete([.. ids]), (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken);

    /// <summary>RemoveAsync with the sync method's shape: <c>await RemoveAsync(a, b)</c>.</summary>
    public Task RemoveAsync(params T[] rows) => RemoveAsync(rows, CancellationToken.None);

    /// <summary>Remove, asynchronously.</summary>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public Task RemoveAsync(IEnumerable<T> rows, CancellationToken cancellationToken = default) =>
        Db.RunAsync(Delete(Saved(rows)), (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken);

    /// <summary>Unlinks every row of the owner.</summary>
    public void Clear() => Db.Run("ManyToMany.Clear", Delete(null), command => command.ExecuteNonQuery());

    /// <summary>Clear, asynchronously.</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        Db.RunAsync(Delete(null), (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken);

    /// <summary>
    /// Makes <paramref name="rows"/> exactly the linked rows (as django/db/models/fields/related_descriptors.py): unlinks the others and links the new ones, or
    /// with <paramref name="clear"/> unlinks all first; <c>Set([])</c> unlinks everything. In one atomic block.
    /// </summary>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)] // Set([]) means no rows
    public void Set(IEnumerable<T> rows, bool clear = false, object? throughDefaults = null) => Set(Saved(rows), clear, throughDefaults);

    /// <summary>Set by primary keys, as Django's set() takes them.</summary>
    public void Set(IEnumerable<long> ids, bool clear = false, object? throughDefaults = null)
    {
        var wanted = ids.ToList();
        Atomic.Run(() =>
        {
            if (clear) Clear();
            else
            {
                var current = Db.Read("ManyToMany.Set", Links.SelectStatement(Db.Backend, [new Col(_far)]), Id);
                var gone = current.Except(wanted).ToList();
                if (gone.Count > 0) Db.Run("ManyToMany.Set", Delete(gone), command => command.ExecuteNonQuery());
            }
            AddIds(wanted, throughDefaults);
        }, _alias);
    }

    /// <summary>Set, asynchronously.</summary>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public Task SetAsync(IEnumerable<T> rows, bool clear = false, object? throughDefaults = null, CancellationToken cancellationToken = default) =>
        SetAsync(Saved(rows), clear, throughDefaults, cancellationToken);

    /// <summary>Set by primary keys, asynchronously.</summary>
    public Task SetAsync(IEnumerable<long> ids, bool clear = false, object? throughDefaults = null, CancellationToken cancellationToken = default)
    {
        var wanted = ids.ToList();
        return Atomic.RunAsync(async () =>
        {
            if (clear) await ClearAsync(cancellationToken).ConfigureAwait(false);
            else
            {
                var current = await Db.ReadAsync(Links.SelectStatement(Db.Backend, [new Col(_far)]), Id, cancellationToken).ConfigureAwait(false);
                var gone = current.Except(wanted).ToList();
                if (gone.Count > 0) await Db.RunAsync(Delete(gone), (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken).ConfigureAwait(false);
            }
            await AddIdsAsync(wanted, throughDefaults, cancellationToken).ConfigureAwait(false);
        }, _alias, cancellationToken: cancellationToken);
    }

    /// <summary>Creates <paramref name="row"/> and links it, in one atomic block.</summary>
    public T Create(T row, object? throughDefaults = null) => Atomic.Run(() =>
    {
        Model<T>.Objects.Using(_alias).Create(row);
        Add([row], throughDefaults);
        return row;
    }, _alias);

    /// <summary>Create, asynchronously.</summary>
    public Task<T> CreateAsync(T row, object? throughDefaults = null, CancellationToken cancellationToken = default) => Atomic.RunAsync(async () =>
    {
        await Model<T>.Objects.Using(_alias).CreateAsync(row, cancellationToken).ConfigureAwait(false);
        await AddAsync([row], throughDefaults, cancellationToken).ConfigureAwait(false);
        return row;
    }, _alias, cancellationToken: cancellationToken);

    /// <summary>A linked row matching <paramref name="match"/>, or a new one created and linked (Django looks among the linked rows only).</summary>
    public (T Object, bool Created) GetOrCreate(object match, object? defaults = null, object? throughDefaults = null) => Atomic.Run(() =>
    {
        var (row, created) = All().GetOrCreate(match, defaults);
        if (created) Add([row], throughDefaults);
        return (row, created);
    }, _alias);

    /// <summary>GetOrCreate, asynchronously.</summary>
    public Task<(T Object, bool Created)> GetOrCreateAsync(object match, object? defaults = null, object? throughDefaults = null, CancellationToken cancellationToken = default) =>
        Atomic.RunAsync(async () =>
        {
            var (row, created) = await All().GetOrCreateAsync(match, defaults, cancellationToken).ConfigureAwait(false);
            if (created) await AddAsync([row], throughDefaults, cancellationToken).ConfigureAwait(false);
            return (row, created);
        }, _alias, cancellationToken: cancellationToken);

    /// <summary>A linked row matching <paramref name="match"/> updated with <paramref name="defaults"/>, or a new one created and linked.</summary>
    public (T Object, bool Created) UpdateOrCreate(object match, object? defaults = null, object? createDefaults = null, object? throughDefaults = null) => Atomic.Run(() =>
    {
        var (row, created) = All().UpdateOrCreate(match, defaults, createDefaults);
        if (created) Add([row], throughDefaults);
        return (row, created);
    }, _alias);

    /// <summary>UpdateOrCreate, asynchronously.</summary>
    public Task<(T Object, bool Created)> UpdateOrCreateAsync(object match, object? defaults = null, object? createDefaults = null, object? throughDefaults = null, CancellationToken cancellationToken = default) =>
        Atomic.RunAsync(async () =>
        {
            var (row, created) = await All().UpdateOrCreateAsync(match, defaults, createDefaults, cancellationToken).ConfigureAwait(false);
            if (created) await AddAsync([row], throughDefaults, cancellationToken).ConfigureAwait(false);
            return (row, created);
        }, _alias, cancellationToken: cancellationToken);
}

/// <summary>A many-to-many relation seen from the model it points at (Django's reverse ManyToMany manager): the same API.</summary>
public sealed class RelatedManyToMany<T> : ManyToMany<T> where T : Model<T>, new()
{
    internal RelatedManyToMany(ManyToManyMeta relation, long ownerId, string alias) : base(relation, forward: false, ownerId, alias)
    {
    }
}
