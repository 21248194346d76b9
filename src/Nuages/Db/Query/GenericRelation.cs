using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// The rows whose generic reference points at one row (Django's generic related manager, as django/contrib/contenttypes/fields.py does): a manager of
/// them — every QuerySet method, sync and async — with the reverse-reference managers' methods: <c>Add</c>,
/// <c>Create</c>, <c>GetOrCreate</c>, <c>UpdateOrCreate</c>, <c>Set</c>, and <c>Remove</c>/<c>Clear</c>, which delete
/// the rows, as Django's do (a generic reference cannot be NULL).
/// </summary>
public sealed class GenericRelation<T> : Manager<T> where T : Model<T>, new()
{
    private readonly FieldMeta _type;
    private readonly Type _owner;
    private readonly string _alias;

    internal GenericRelation(FieldMeta type, FieldMeta id, Type owner, long ownerId, string alias)
        : base(Pointing(type, id, owner, ownerId, alias))
    {
        _type = type;
        _owner = owner;
        _alias = alias;
    }

    /// <summary>object_id = owner AND content_type_id IN (SELECT id FROM nuages_content_type WHERE model = owner): no lookup to build it.</summary>
    private static SqlQuery Pointing(FieldMeta type, FieldMeta id, Type owner, long ownerId, string alias)
    {
        var query = Initial() with { Alias = alias, AliasGiven = true, Fixed = [(id, ownerId)] };
        return query.Filter(new LeafNode(new Col(id), LookupKind.Exact, ownerId)).AddQ(new Q(type.Key + "__app_label", ContentType.AppLabelOf(owner))).AddQ(new Q(type.Key + "__model", ContentType.ModelName(owner)));
    }

    /// <summary>This manager with the owner's content type among the values its new rows get (read or made now).</summary>
    private QuerySet<T> Ready() => new(((ISubquery)this).Query with { Fixed = ((ISubquery)this).Query.Fixed.Add((_type, ContentType.IdFor(_owner, _alias))) });

    private async Task<QuerySet<T>> ReadyAsync(CancellationToken cancellationToken) =>
        new(((ISubquery)this).Query with { Fixed = ((ISubquery)this).Query.Fixed.Add((_type, await ContentType.IdForAsync(_owner, _alias, cancellationToken).ConfigureAwait(false))) });

    /// <summary>Creates <paramref name="row"/> pointing at the owner.</summary>
    public new T Create(T row) => Ready().Create(row);

    /// <summary>Create, asynchronously.</summary>
    public new async Task<T> CreateAsync(T row, CancellationToken cancellationToken = default) =>
        await (await ReadyAsync(cancellationToken).ConfigureAwait(false)).CreateAsync(row, cancellationToken).ConfigureAwait(false);

    /// <summary>A row pointing at the owner and matching <paramref name="match"/>, or a new one.</summary>
    public new (T Object, bool Created) GetOrCreate(object match, object? defaults = null) => Ready().GetOrCreate(match, defaults);

    /// <summary>GetOrCreate, asynchronously.</summary>
    public new async Task<(T Object, bool Created)> GetOrCreateAsync(object match, object? defaults = null, CancellationToken cancellationToken = default) =>
        await (await ReadyAsync(cancellationToken).ConfigureAwait(false)).GetOrCreateAsync(match, defaults, cancellationToken).ConfigureAwait(false);

    /// <summary>UpdateOrCreate among the rows pointing at the owner.</summary>
    public new (T Object, bool Created) UpdateOrCreate(object match, object? defaults = null, object? createDefaults = null) => Ready().UpdateOrCreate(match, defaults, createDefaults);

    /// <summary>UpdateOrCreate, asynchronously.</summary>
    public new async Task<(T Object, bool Created)> UpdateOrCreateAsync(object match, object? defaults = null, object? createDefaults = null, CancellationToken cancellationToken = default) =>
        await (await ReadyAsync(cancellationToken).ConfigureAwait(false)).UpdateOrCreateAsync(match, defaults, createDefaults, cancellationToken).ConfigureAwait(false);

    /// <summary>Points <paramref name="rows"/> at the owner and saves them.</summary>
    public void Add(params T[] rows)
    {
        var ready = Ready();
        foreach (var row in rows) ready.Fix(row).Save(_alias);
    }

    /// <summary>AddAsync with the sync method's shape: <c>await AddAsync(a, b)</c>.</summary>
    public Task AddAsync(params T[] rows) => AddAsync((IEnumerable<T>)rows);

    /// <summary>Add, asynchronously.</summary>
    public async Task AddAsync(IEnumerable<T> rows, CancellationToken cancellationToken = default)
    {
        var ready = await ReadyAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows) await ready.Fix(row).SaveAsync(_alias, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes <paramref name="rows"/>, which point at the owner.</summary>
    public void Remove(params T[] rows) => Filter("pk__in", rows.Select(r => r.Id).ToList()).Delete();

    /// <summary>RemoveAsync with the sync method's shape: <c>await RemoveAsync(a, b)</c>.</summary>
    public Task RemoveAsync(params T[] rows) => RemoveAsync(rows, CancellationToken.None);

    /// <summary>Remove, asynchronously.</summary>
    public Task RemoveAsync(IEnumerable<T> rows, CancellationToken cancellationToken = default) =>
        Filter("pk__in", rows.Select(r => r.Id).ToList()).DeleteAsync(cancellationToken);

    /// <summary>Deletes every row pointing at the owner.</summary>
    public void Clear() => All().Delete();

    /// <summary>Clear, asynchronously.</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) => All().DeleteAsync(cancellationToken);

    /// <summary>Makes <paramref name="rows"/> the rows pointing at the owner: the others are deleted (all first with <paramref name="clear"/>).</summary>
    public void Set(IEnumerable<T> rows, bool clear = false)
    {
        var wanted = rows.ToList();
        Atomic.Run(() =>
        {
            (clear ? All() : Exclude("pk__in", wanted.Select(r => r.Id).ToList())).Delete();
            Add([.. wanted]);
        }, _alias);
    }

    /// <summary>Set, asynchronously.</summary>
    public Task SetAsync(IEnumerable<T> rows, bool clear = false, CancellationToken cancellationToken = default)
    {
        var wanted = rows.ToList();
        return Atomic.RunAsync(async () =>
        {
            await (clear ? All() : Exclude("pk__in", wanted.Select(r => r.Id).ToList())).DeleteAsync(cancellationToken).ConfigureAwait(false);
            await AddAsync(wanted, cancellationToken).ConfigureAwait(false);
        }, _alias, cancellationToken: cancellationToken);
    }
}
