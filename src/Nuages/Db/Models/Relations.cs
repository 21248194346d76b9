namespace Nuages.Db.Models;

/// <summary>What deleting a row does to the rows that point at it (Django's <c>on_delete</c>).</summary>
public enum OnDelete
{
    /// <summary>They are deleted too.</summary>
    Cascade,

    /// <summary>The delete fails with <see cref="ProtectedError"/> while any exist.</summary>
    Protect,

    /// <summary>The delete fails with <see cref="RestrictedError"/>, unless they are being deleted by a cascade of the same delete.</summary>
    Restrict,

    /// <summary>Their reference becomes NULL (the field must be nullable).</summary>
    SetNull,

    /// <summary>Their reference becomes the field's default, given with <see cref="OnDeleteAttribute.Default"/>.</summary>
    SetDefault,

    /// <summary>Nothing: the database's own constraint decides.</summary>
    DoNothing,
}

/// <summary>Required on every <see cref="ForeignKey{T}"/> and <see cref="OneToOne{T}"/>, as Django requires <c>on_delete</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OnDeleteAttribute(OnDelete action) : Attribute
{
    /// <summary>What deleting the referenced row does.</summary>
    public OnDelete Action { get; } = action;

    /// <summary>The id <see cref="OnDelete.SetDefault"/> sets.</summary>
    public long Default { get; init; }
}

/// <summary>
/// The name of the reverse relation (Django's <c>related_name</c>), for lookups from the other side
/// (<c>Author.Objects.Filter("books__title", …)</c>); by default the model's name in snake_case.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RelatedNameAttribute(string name) : Attribute
{
    /// <summary>The reverse name.</summary>
    public string Name { get; } = name;
}

/// <summary>What every relation field holds, whatever model it points at.</summary>
internal interface IRelation
{
    long? Id { get; set; }

    /// <summary>The database the row holding the reference came from; the related row is read from it too (Django's <c>_state.db</c>).</summary>
    string Alias { get; set; }

    /// <summary>The related row, when loaded (by SelectRelated, or an earlier access).</summary>
    object? Cached { get; set; }
}

/// <summary>A model row as the ORM handles it without its type.</summary>
internal interface IModelRow
{
    long Id { get; }

    string? LoadedFrom { get; set; }

    /// <summary>Rows read by PrefetchRelated, by relation name (or its toAttr).</summary>
    Dictionary<string, List<object>>? Prefetched { get; set; }
}

/// <summary>
/// A reference to a row of <typeparamref name="T"/> (Django's <c>ForeignKey</c>): the column <c>{name}_id</c>.
/// <see cref="Id"/> is read without a query; <see cref="Value"/> loads the row on first use in sync code, and
/// <see cref="GetAsync"/> does it in async code, where <see cref="Value"/> on an unloaded reference raises
/// <see cref="Nuages.Core.SynchronousOnlyOperation"/> (as django/db/models/fields/related_descriptors.py). Assign a row or an id:
/// <c>book.Author = ursula;</c> or <c>book.Author = new(ursulaId);</c>.
/// </summary>
public class ForeignKey<T> : IRelation, Core.IDeferredValue where T : Model<T>, new()
{
    private T? _value;
    private long? _id;

    /// <summary>No reference yet (NULL).</summary>
    public ForeignKey() { }

    /// <summary>A reference to <paramref name="id"/>.</summary>
    public ForeignKey(long id) => _id = id;

    /// <summary>A reference to <paramref name="value"/>, loaded.</summary>
    public ForeignKey(T? value) => Value = value;

    /// <summary>The related row's id; the row's own once it is assigned and saved.</summary>
    public long? Id
    {
        get => _value is { Id: > 0 } value ? value.Id : _id;
        set
        {
            if (value != Id) _value = null;
            _id = value;
        }
    }

    string IRelation.Alias { get; set; } = Database.DefaultAlias;

    object? IRelation.Cached
    {
        get => _value;
        set => _value = (T?)value;
    }

    /// <summary>Whether <see cref="Value"/> can be read without a query.</summary>
    public bool IsLoaded => _value is not null || _id is null;

    /// <summary>The related row: loaded with a query on first use (sync code only), null when there is no reference.</summary>
    public T? Value
    {
        get
        {
            if (_value is null && _id is { } id) _value = Model<T>.Objects.Using(((IRelation)this).Alias).Get("pk", id);
            return _value;
        }
        set
        {
            _value = value;
            _id = value?.Id is > 0 ? value.Id : null;
        }
    }

    /// <summary>The related row, loaded asynchronously on first use; null when there is no reference.</summary>
    public async ValueTask<T?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_value is null && _id is { } id) _value = await Model<T>.Objects.Using(((IRelation)this).Alias).GetAsync("pk", id, cancellationToken).ConfigureAwait(false);
        return _value;
    }

    object? Core.IDeferredValue.DeferredValue => Value;

    async ValueTask<object?> Core.IDeferredValue.GetDeferredValueAsync(CancellationToken cancellationToken) => await GetAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Loads the related row if it is not yet, so <see cref="Value"/> can then be read in async code.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default) => await GetAsync(cancellationToken).ConfigureAwait(false);

    /// <summary><c>book.Author = ursula;</c></summary>
    public static implicit operator ForeignKey<T>(T? value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Id is { } id ? $"{typeof(T).Name} {id}" : "None";
}

/// <summary>A one-to-one reference (Django's <c>OneToOneField</c>): a <see cref="ForeignKey{T}"/> whose column is unique.</summary>
public sealed class OneToOne<T> : ForeignKey<T> where T : Model<T>, new()
{
    /// <summary>No reference yet (NULL).</summary>
    public OneToOne() { }

    /// <summary>A reference to <paramref name="id"/>.</summary>
    public OneToOne(long id) : base(id) { }

    /// <summary>A reference to <paramref name="value"/>, loaded.</summary>
    public OneToOne(T? value) : base(value) { }

    /// <summary><c>profile.User = ada;</c></summary>
    public static implicit operator OneToOne<T>(T? value) => new(value);
}

/// <summary>A delete refused because protected rows point at the rows being deleted (Django's <c>ProtectedError</c>).</summary>
public sealed class ProtectedError(string message, string alias, IReadOnlyList<(Type Model, long Id)> protectedObjects) : IntegrityError(message, alias, null, null)
{
    /// <summary>The rows that protect the delete: their model and id.</summary>
    public IReadOnlyList<(Type Model, long Id)> ProtectedObjects { get; } = protectedObjects;
}

/// <summary>A delete refused because restricting rows point at the rows being deleted (Django's <c>RestrictedError</c>).</summary>
public sealed class RestrictedError(string message, string alias, IReadOnlyList<(Type Model, long Id)> restrictedObjects) : IntegrityError(message, alias, null, null)
{
    /// <summary>The rows that restrict the delete: their model and id.</summary>
    public IReadOnlyList<(Type Model, long Id)> RestrictedObjects { get; } = restrictedObjects;
}

/// <summary>
/// The other side of a <see cref="OneToOne{T}"/> (Django's reverse one-to-one descriptor): one row or none, not a
/// manager. <see cref="Value"/> reads it in sync code (raising <c>T.DoesNotExist</c>, "Place has no restaurant.", when
/// there is none, as Django's RelatedObjectDoesNotExist); <see cref="GetAsync"/> in async code.
/// </summary>
public sealed class RelatedOne<T> : Core.IDeferredValue where T : Model<T>, new()
{
    private readonly FieldMeta _reference;
    private readonly long _ownerId;
    private readonly string _alias;
    private readonly string _missing;
    private T? _value;

    internal RelatedOne(FieldMeta reference, long ownerId, string alias, string missing)
    {
        _reference = reference;
        _ownerId = ownerId;
        _alias = alias;
        _missing = missing;
    }

    private Query.QuerySet<T> Query => Model<T>.Objects.Using(_alias).Filter(_reference.Key, _ownerId);

    /// <summary>The related row, read on first use; <c>T.DoesNotExist</c> when there is none.</summary>
    public T Value => _value ??= Query.First() ?? throw new Model<T>.DoesNotExist(_missing);

    /// <summary>The related row, or null when there is none.</summary>
    public T? ValueOrDefault => _value ??= Query.First();

    /// <summary>The related row, read asynchronously; <c>T.DoesNotExist</c> when there is none.</summary>
    public async ValueTask<T> GetAsync(CancellationToken cancellationToken = default) =>
        _value ??= await Query.FirstAsync(cancellationToken).ConfigureAwait(false) ?? throw new Model<T>.DoesNotExist(_missing);

    object? Core.IDeferredValue.DeferredValue => ValueOrDefault;

    async ValueTask<object?> Core.IDeferredValue.GetDeferredValueAsync(CancellationToken cancellationToken) =>
        _value ??= await Query.FirstAsync(cancellationToken).ConfigureAwait(false);
}
