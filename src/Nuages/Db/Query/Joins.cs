using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A table joined to a query (Django's <c>Join</c> in django/db/models/sql/datastructures.py): <c>ToColumn</c> of
/// <c>Model</c>'s table equals <c>FromColumn</c> of its parent (0 is the query's own table). A join across a forward
/// reference is <c>Direct</c>; one to many rows (a reverse ForeignKey, a ManyToMany) is <c>MultiValued</c>.
/// </summary>
internal sealed record Join(int Parent, ModelMeta Model, string FromColumn, string ToColumn, bool Nullable, bool MultiValued, bool Direct, FieldMeta? Reference, bool Outer)
{
    /// <summary>Two joins are one when they join the same table to the same parent the same way (Django's Join equality).</summary>
    public bool SameAs(Join other) => Parent == other.Parent && Model == other.Model && FromColumn == other.FromColumn && ToColumn == other.ToColumn;
}

/// <summary>
/// The joins of a query, and which of them a lookup may reuse while the query is being built. A query copies its
/// table before a building step, so the table of a query that is built is never changed again.
/// </summary>
internal sealed class JoinTable
{
    private readonly List<Join> _joins;

    public JoinTable() => _joins = [];

    private JoinTable(List<Join> joins) => _joins = joins;

    public static readonly JoinTable Empty = new() { _frozen = true };

    private bool _frozen;

    /// <summary>Which multi-valued joins lookups being resolved may reuse: those of the same Filter call; null, every join (annotations, ordering, values).</summary>
    public HashSet<int>? Reuse { get; set; }

    /// <summary>Ends the building step: the table belongs to a query that others may share.</summary>
    public void Freeze()
    {
        _frozen = true;
        Reuse = null;
    }

    private void Change()
    {
        if (_frozen) throw new InvalidOperationException("The joins of a built query cannot change: copy the query with Building() first.");
    }

    public IReadOnlyList<Join> All => _joins;

    public int Count => _joins.Count;

    /// <summary>A join by its id: its place in the table, from 1.</summary>
    public Join this[int id] => _joins[id - 1];

    public JoinTable Copy() => new([.. _joins]);

    /// <summary>
    /// The join for one step of a lookup path: an equal join already there when Django would reuse it (always for a
    /// single-valued step, for a multi-valued one only when <paramref name="reuse"/> allows it; null allows every
    /// join), else a new one — LEFT OUTER when it may find no row or its parent is outer, INNER otherwise.
    /// </summary>
    public (int Id, bool Created) Setup(Join join, HashSet<int>? reuse)
    {
        for (var i = _joins.Count - 1; i >= 0; i--)
            if (_joins[i].SameAs(join) && (!join.MultiValued || reuse is null || reuse.Contains(i + 1))) return (i + 1, false);
        Change();
        var outer = join.Nullable || (join.Parent > 0 && this[join.Parent].Outer);
        _joins.Add(join with { Outer = outer });
        return (_joins.Count, true);
    }

    /// <summary>Drops the join just made by a lookup that turned out not to need it (Django's trim_joins).</summary>
    public void RemoveLast(int id)
    {
        Change();
        if (id == _joins.Count) _joins.RemoveAt(id - 1);
    }

    /// <summary>Django's promote_joins: nullable joins, and joins under an outer one, become LEFT OUTER, and so do the joins below them.</summary>
    public void Promote(IEnumerable<int> ids)
    {
        var queue = new List<int>(ids);
        for (var i = 0; i < queue.Count; i++)
        {
            var id = queue[i];
            if (id < 1 || id > _joins.Count) continue;
            var join = this[id];
            var parentOuter = join.Parent > 0 && this[join.Parent].Outer;
            if ((join.Nullable || parentOuter) && !join.Outer)
            {
                Change();
                _joins[id - 1] = join with { Outer = true };
                for (var child = 1; child <= _joins.Count; child++)
                    if (this[child].Parent == id && !queue.Contains(child)) queue.Add(child);
            }
        }
    }

    /// <summary>Django's demote_joins: these joins become INNER, and so do their outer parents.</summary>
    public void Demote(IEnumerable<int> ids)
    {
        var queue = new Queue<int>(ids);
        while (queue.TryDequeue(out var id))
        {
            if (id < 1 || id > _joins.Count || !this[id].Outer) continue;
            Change();
            _joins[id - 1] = this[id] with { Outer = false };
            if (this[id].Parent is > 0 and var parent && !this[parent].Outer) queue.Enqueue(parent);
        }
    }

    /// <summary>The joins that are INNER now.</summary>
    public HashSet<int> Inner() => [.. Enumerable.Range(1, _joins.Count).Where(id => !this[id].Outer)];
}

/// <summary>
/// Django's JoinPromoter (django/db/models/sql/query.py): after the children of an AND or OR are built, a join every
/// child needs can be INNER; a join only some children of an OR need must be LEFT OUTER, or rows matching the other
/// children would be lost. Negation swaps AND and OR.
/// </summary>
internal sealed class JoinPromoter(bool or, int children, bool negated)
{
    private readonly bool _or = or != negated;
    private Dictionary<int, int>? _votes;

    public void Vote(HashSet<int> joins)
    {
        if (joins.Count == 0) return;
        _votes ??= [];
        foreach (var join in joins) _votes[join] = _votes.GetValueOrDefault(join) + 1;
    }

    /// <summary>Promotes and demotes; returns the joins this node needs INNER.</summary>
    public HashSet<int> Apply(JoinTable table)
    {
        if (_votes is null) return [];
        var promote = new List<int>();
        var demote = new HashSet<int>();
        foreach (var (join, votes) in _votes)
        {
            if (_or && votes < children) promote.Add(join);
            if (!_or || votes == children) demote.Add(join);
        }
        table.Promote(promote);
        table.Demote(demote);
        return demote;
    }
}

/// <summary>Where a lookup path ends: the column and the table (join id, 0 for the query's own) it is read from, and the joins taken.</summary>
internal sealed record PathTarget(FieldMeta Field, int Alias, List<int> Joins, int Consumed, bool Related);

/// <summary>Raised when a negated lookup crosses a multi-valued relation: Django then tests it with a subquery (split_exclude).</summary>
internal sealed class MultiJoin : Exception
{
}

internal sealed partial record SqlQuery
{
    /// <summary>
    /// Follows a lookup path through relations, joining as it goes (Django's setup_joins, then trim_joins): the names
    /// it consumes, where the last one is read from, and every join taken. Names after the last field are left for
    /// transforms and lookups. A multi-valued step with <paramref name="allowMany"/> false raises <see cref="MultiJoin"/>.
    /// </summary>
    internal PathTarget SetupJoins(string[] parts, HashSet<int>? reuse, bool allowMany)
    {
        var meta = Meta;
        var alias = 0;
        var joins = new List<int>();
        var created = new List<bool>();
        FieldMeta? target = null;
        var open = true; // the next name is looked up on meta's table
        var related = false; // the last name is a relation (a reference, a reverse relation, a ManyToMany)
        var consumed = 0;
        void Step(Join join)
        {
            (alias, var made) = Tables.Setup(join, reuse);
            joins.Add(alias);
            created.Add(made);
        }
        for (; consumed < parts.Length; consumed++)
        {
            var name = parts[consumed] == "pk" ? meta.Pk.Key : parts[consumed];
            if (!open)
            {
                // after a reference, a field of the related row joins its table
                if (!target!.IsRelation || !IsField(target.RelatedMeta, name)) break;
                Step(new Join(alias, target.RelatedMeta, target.Column, target.RelatedMeta.Pk.Column, target.Nullable, false, true, target, false));
                meta = target.RelatedMeta;
                name = parts[consumed] == "pk" ? meta.Pk.Key : parts[consumed];
            }
            if (meta.ByName.TryGetValue(name, out var field))
            {
                (target, open, related) = (field, false, field.IsRelation && parts[consumed] != "pk");
                continue;
            }
            if (meta.ReverseNamed(name) is { } reverse)
            {
                var many = !reverse.Field.Unique;
                if (many && !allowMany) throw new MultiJoin();
                Step(new Join(alias, reverse.Owner, meta.Pk.Column, reverse.Field.Column, true, many, false, null, false));
                meta = reverse.Owner;
                (target, open, related) = (meta.Pk, true, true);
                continue;
            }
            if (meta.ManyToManyNamed(name) is var (relation, forward))
            {
                if (!allowMany) throw new MultiJoin();
                var (near, far) = forward ? (relation.Source, relation.Target) : (relation.Target, relation.Source);
                Step(new Join(alias, relation.Through, meta.Pk.Column, near.Column, true, true, false, null, false));
                Step(new Join(alias, far.RelatedMeta, far.Column, far.RelatedMeta.Pk.Column, false, false, true, far, false));
                meta = far.RelatedMeta;
                (target, open, related) = (meta.Pk, true, true);
                continue;
            }
            if (consumed == 0) throw Unresolved(name);
            if (target is null || !LeafNode.IsLookupPart(name))
                throw new FieldError($"Cannot resolve keyword '{name}' into field. Choices are: {string.Join(", ", Choices(meta))}.");
            break;
        }
        if (target is null) throw Unresolved(parts[0]);
        // Trim: a related table's primary key is the reference's own column (author__id is author_id), so that join goes.
        var all = new List<int>(joins);
        while (joins.Count > 0 && Tables[joins[^1]] is { Direct: true, Reference: { } reference } last && target == last.Model.Pk && alias == joins[^1])
        {
            if (created[^1]) Tables.RemoveLast(joins[^1]);
            target = reference;
            alias = last.Parent;
            joins.RemoveAt(joins.Count - 1);
            created.RemoveAt(created.Count - 1);
        }
        return new PathTarget(target, alias, all, consumed, related);
    }

    private static bool IsField(ModelMeta meta, string name) =>
        name == "pk" || meta.ByName.ContainsKey(name) || meta.ReverseNamed(name) is not null || meta.ManyToManyNamed(name) is not null;

    private static IEnumerable<string> Choices(ModelMeta meta) =>
        meta.Fields.Select(f => f.Key).Concat(meta.RelationNames).Distinct().Order(StringComparer.Ordinal);
}
