using System.Reflection;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Db.Models;

/// <summary>
/// The model of a ManyToMany's rows (Django's <c>through</c>): a model of the user's, named with <see cref="ThroughAttribute"/>,
/// which may carry fields of its own; otherwise a table Nuages makes, <c>{table}_{field}</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ThroughAttribute(Type model) : Attribute
{
    /// <summary>The model whose rows link the two sides; it has a reference to each.</summary>
    public Type Model { get; } = model;
}

/// <summary>What Nuages knows of a many-to-many relation, declared by a <c>ManyToMany&lt;T&gt;</c> property on its owner.</summary>
internal sealed class ManyToManyMeta(Type owner, PropertyInfo property, Type target)
{
    private readonly Lock _lock = new();
    private (ModelMeta Through, FieldMeta Source, FieldMeta Target)? _resolved;

    public string Name => property.Name;

    /// <summary>The lookup name on the owner (<c>tags</c>).</summary>
    public string Key { get; } = ModelMeta.SnakeCase(property.Name);

    public Type OwnerType => owner;

    public Type TargetType => target;

    /// <summary>The lookup name on the target (<c>books</c>, or the owner's name in snake_case).</summary>
    public string RelatedName { get; } = property.GetCustomAttribute<RelatedNameAttribute>()?.Name ?? ModelMeta.SnakeCase(owner.Name);

    /// <summary>Django's accessor on the target, which prefetch_related takes: the related name, or <c>book_set</c> when none is given.</summary>
    public string Accessor { get; } = property.GetCustomAttribute<RelatedNameAttribute>()?.Name ?? ModelMeta.SnakeCase(owner.Name) + "_set";

    public Type? ThroughType { get; } = property.GetCustomAttribute<ThroughAttribute>()?.Model;

    /// <summary>The rows' model and its references to the owner (source) and to the target; resolved on first use, when both sides are built.</summary>
    public (ModelMeta Through, FieldMeta Source, FieldMeta Target) Resolved
    {
        get
        {
            lock (_lock) return _resolved ??= Resolve();
        }
    }

    public ModelMeta Through => Resolved.Through;

    public FieldMeta Source => Resolved.Source;

    public FieldMeta Target => Resolved.Target;

    private (ModelMeta, FieldMeta, FieldMeta) Resolve()
    {
        if (ThroughType is null) return ModelMeta.AutoThrough(this);
        var through = ModelMeta.For(ThroughType);
        var toOwner = through.Fields.Where(f => f.RelatedType == owner).ToList();
        var toTarget = through.Fields.Where(f => f.RelatedType == target).ToList();
        // a relation of a model to itself: the first reference is the owner's, the second the target's
        if (owner == target && toOwner.Count == 2) return (through, toOwner[0], toOwner[1]);
        if (toOwner.Count != 1 || toTarget.Count != 1)
            throw new ImproperlyConfigured(
                $"{owner.Name}.{Name}: the through model {ThroughType.Name} needs exactly one ForeignKey to {owner.Name} and one to {target.Name}.");
        return (through, toOwner[0], toTarget[0]);
    }
}
