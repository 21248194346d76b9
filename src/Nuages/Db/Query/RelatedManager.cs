using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// The rows of <typeparamref name="T"/> that point at one row through a <see cref="ForeignKey{T}"/> (Django's reverse
/// related manager, <c>author.book_set</c>): a manager of those rows — every QuerySet method works on it, sync and async
/// (<c>await author.Books.FirstAsync()</c>) — that also links and unlinks rows. Declare it on the model pointed at:
/// <c>public RelatedManager&lt;Book&gt; Books =&gt; Related&lt;Book&gt;();</c>. As in Django (as django/db/models/fields/related_descriptors.py),
/// <see cref="Remove(T[])"/> and <see cref="Clear"/> need a nullable reference; on another they throw.
/// </summary>
public sealed class RelatedManager<T> : Manager<T> where T : Model<T>, new()
{
    private readonly FieldMeta _field;
    private readonly long _ownerId;
    private readonly string _alias;
    private readonly string _owner;
    private readonly Func<string, Exception> _notRelated;

    internal RelatedManager(FieldMeta field, long ownerId, string alias, string owner, Func<string, Exception> notRelated)
        : base((Initial() with { Alias = alias, AliasGiven = true, Fixed = [(field, ownerId)] }).Filter(new LeafNode(new Col(field), LookupKind.Exact, ownerId)))
    {
        _field = field;
        _ownerId = ownerId;
        _alias = alias;
        _owner = owner;
        _notRelated = notRelated;
    }

    /// <summary>The manager's rows, those that point at the owner.</summary>
    private QuerySet<T> Rows => All();

    /// <summary>Rows by id, whatever they point at.</summary>
    private QuerySet<T> Any(IEnumerable<T> rows) => Model<T>.Objects.Using(_alias).Filter("pk__in", rows.Select(r => r.Id).ToList());

    /// <summary>
    /// Points <paramref name="rows"/> at the owner: with <paramref name="bulk"/>, in one UPDATE of saved rows (Django's
    /// default); without, by saving each, so unsaved rows are created.
    /// </summary>
    public void Add(IEnumerable<T> rows, bool bulk = true)
    {
        var list = Linked(rows, bulk);
        if (bulk) Any(list).Update(Change(_ownerId));
        else foreach (var row in list) row.Save(_alias);
    }

    /// <summary>Add, with rows given one by one.</summary>
    public void Add(params T[] rows) => Add(rows, bulk: true);

    /// <summary>AddAsync with the sync method's shape: <c>await AddAsync(a, b)</c>.</summary>
    public Task AddAsync(params T[] rows) => AddAsync((IEnumerable<T>)rows);

    /// <summary>Add, asynchronously.</summary>
    public async Task AddAsync(IEnumerable<T> rows, bool bulk = true, CancellationToken cancellationToken = default)
    {
        var list = Linked(rows, bulk);
        if (bulk) await Any(list).UpdateAsync(Change(_ownerId), cancellationToken).ConfigureAwait(false);
        else foreach (var row in list) await row.SaveAsync(_alias, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private List<T> Linked(IEnumerable<T> rows, bool bulk)
    {
        var list = rows.ToList();
        if (bulk && list.FirstOrDefault(r => r.Id == 0) is { } unsaved)
            throw new ArgumentException($"{typeof(T).Name} instance isn't saved. Use bulk: false or save the object first.");
        foreach (var row in list) _field.Set(row, _ownerId);
        return list;
    }

    private Dictionary<string, object?> Change(long? id) => new() { [_field.Key] = id };

    /// <summary>
    /// Unlinks <paramref name="rows"/> (their reference becomes NULL); a row that does not point at the owner is the
    /// owner model's DoesNotExist, as in Django.
    /// </summary>
    public void Remove(params T[] rows) => Any(Unlinked(rows)).Update(Change(null));

    /// <summary>RemoveAsync with the sync method's shape: <c>await RemoveAsync(a, b)</c>.</summary>
    public Task RemoveAsync(params T[] rows) => RemoveAsync(rows, CancellationToken.None);

    /// <summary>Remove, asynchronously.</summary>
    public Task RemoveAsync(IEnumerable<T> rows, CancellationToken cancellationToken = default) =>
        Any(Unlinked(rows)).UpdateAsync(Change(null), cancellationToken);

    private List<T> Unlinked(IEnumerable<T> rows)
    {
        Nullable("remove");
        var list = rows.ToList();
        if (list.FirstOrDefault(r => _field.Get(r) is not long id || id != _ownerId) is { } stranger)
            throw _notRelated($"{typeof(T).Name} {stranger.Id} is not related to {_owner}.");
        foreach (var row in list) _field.Set(row, null);
        return list;
    }

    /// <summary>Unlinks every row of the owner.</summary>
    public void Clear()
    {
        Nullable("clear");
        Rows.Update(Change(null));
    }

    /// <summary>Clear, asynchronously.</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default)
    {
        Nullable("clear");
        return Rows.UpdateAsync(Change(null), cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="rows"/> the owner's rows (Django's <c>set()</c>): with a nullable reference, the others are
    /// unlinked (all first with <paramref name="clear"/>); with a required one, rows are only added.
    /// </summary>
    public void Set(IEnumerable<T> rows, bool clear = false)
    {
        var wanted = rows.ToList();
        if (_field.Nullable)
        {
            if (clear) Clear();
            else
            {
                var keep = wanted.Select(r => r.Id).ToHashSet();
                Rows.Exclude("pk__in", keep.ToList()).Update(Change(null));
            }
        }
        Add(wanted);
    }

    /// <summary>Set, asynchronously.</summary>
    public async Task SetAsync(IEnumerable<T> rows, bool clear = false, CancellationToken cancellationToken = default)
    {
        var wanted = rows.ToList();
        if (_field.Nullable)
        {
            if (clear) await ClearAsync(cancellationToken).ConfigureAwait(false);
            else await Rows.Exclude("pk__in", wanted.Select(r => r.Id).ToList()).UpdateAsync(Change(null), cancellationToken).ConfigureAwait(false);
        }
        await AddAsync(wanted, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private void Nullable(string method)
    {
        if (!_field.Nullable)
            throw new InvalidOperationException($"{typeof(T).Name}.{_field.Name} cannot be null, so its related manager has no {method}(): delete the rows, or point them elsewhere.");
    }
}
