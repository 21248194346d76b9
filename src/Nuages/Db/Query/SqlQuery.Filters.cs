using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// Conditions to WHERE, as django/db/models/sql/query.py builds them (add_q, build_filter): lookups across relations
/// join the related tables; in one <c>Filter</c> call, conditions on a relation to many rows share its join (the same
/// related row), while each call joins anew; a negated lookup across such a relation is a subquery (split_exclude);
/// under NOT, a nullable column adds <c>IS NOT NULL</c> so that its NULL rows are kept; joins are INNER where every
/// branch needs them and LEFT OUTER where one may not.
/// </summary>
internal sealed partial record SqlQuery
{
    /// <summary>A copy whose joins can be added to while one building step runs.</summary>
    internal SqlQuery Building() => this with { Tables = Tables.Copy() };

    /// <summary>Adds a <see cref="Q"/> to WHERE (Django's add_q).</summary>
    public SqlQuery AddQ(Q q, string method = "filter")
    {
        CheckFilterable(method);
        // PERF: lookups on this model's own columns join nothing: no copy of the joins, no reuse set (most queries)
        if (Tables.Count == 0 && OwnColumnsOnly(q))
            return this with { Where = Where.Add(BuildQ(q, null, branchNegated: false, negated: false, split: true).Node) };
        var query = Building();
        var existingInner = query.Tables.Inner();
        var (node, _) = query.BuildQ(q, [], branchNegated: false, negated: false, split: true);
        query.Tables.Demote(existingInner);
        query.Tables.Freeze();
        return query with { Where = query.Where.Add(node) };
    }

    /// <summary>
    /// <c>Filter("field", value)</c> on a plain column of this model (no <c>__</c>, no relation, no JSON, no annotation,
    /// no expression): the condition as <see cref="BuildLeaf"/> makes it, without a Q, a split or join state — the
    /// shape of every <c>Get("pk", id)</c>. Null when the lookup needs the general path.
    /// </summary>
    public SqlQuery? FilterColumn(string lookup, object? value) => ColumnCondition(lookup, value) is { } condition ? this with { Where = Where.Add(condition) } : null;

    /// <summary>The condition <see cref="FilterColumn"/> adds, or null when the lookup needs the general path.</summary>
    public WhereNode? ColumnCondition(string lookup, object? value)
    {
        // PERF: the commonest filter, allocation-light; the condition is the one AddQ makes
        if (Tables.Count != 0 || lookup.Contains("__", StringComparison.Ordinal) || value is QueryExpression or Q) return null;
        var key = lookup == "pk" ? Meta.Pk.Key : lookup;
        if (!Meta.ByName.TryGetValue(key, out var field) || field.IsRelation || field.Json) return null;
        foreach (var annotation in Annotations)
            if (annotation.Name == key) return null;
        CheckFilterable("filter");
        return LeafNode.Build(new Col(field), lookup, [], LeafNode.Plain(value));
    }

    /// <summary>Whether every lookup of <paramref name="q"/> is on a column of this model (no path across a relation, no expression to resolve).</summary>
    private bool OwnColumnsOnly(Q q)
    {
        if (!q.IsLeaf) return q.Children.All(OwnColumnsOnly);
        if (q.Condition is not null || q.Value is QueryExpression) return false;
        var lookup = q.Lookup!;
        var cut = lookup.IndexOf("__", StringComparison.Ordinal);
        var head = cut < 0 ? lookup : lookup[..cut];
        if (head == "pk") return cut < 0 || lookup[(cut + 2)..].Split("__").All(LeafNode.IsLookupPart);
        if (!Meta.ByName.TryGetValue(head, out var field)) return Annotations.Any(a => a.Name == head);
        return cut < 0 || field.Json || lookup[(cut + 2)..].Split("__").All(LeafNode.IsLookupPart);
    }

    /// <summary>No joins needed INNER: shared, never changed.</summary>
    private static readonly HashSet<int> NoJoins = [];

    /// <summary>A Q used inside an expression (When, an aggregate's filter): its new joins are LEFT OUTER, so no row is lost to them.</summary>
    internal WhereNode BuildCondition(Q q)
    {
        var (node, joins) = BuildQ(q, Tables.Reuse, branchNegated: false, negated: false, split: false);
        Tables.Promote(joins);
        return node;
    }

    private (WhereNode Node, HashSet<int> Inner) BuildQ(Q q, HashSet<int>? reuse, bool branchNegated, bool negated, bool split)
    {
        if (q.IsLeaf) return BuildLeaf(q, reuse, branchNegated, negated, split);
        negated ^= q.Negated;
        branchNegated |= q.Negated;
        var promoter = new JoinPromoter(q.Or, q.Children.Count, negated);
        var children = new List<WhereNode>(q.Children.Count);
        foreach (var child in q.Children)
        {
            var (node, inner) = BuildQ(child, reuse, branchNegated, negated, split);
            promoter.Vote(inner);
            children.Add(node);
        }
        var needed = promoter.Apply(Tables);
        WhereNode combined = children.Count == 1 ? children[0] : q.Or ? new OrNode(children) : new AndNode(children);
        return (q.Negated ? new NotNode(combined) : combined, needed);
    }

    /// <summary>One lookup (Django's build_filter): the condition, and the joins it needs INNER (none when it must see missing rows).</summary>
    private (WhereNode Node, HashSet<int> Inner) BuildLeaf(Q leaf, HashSet<int>? reuse, bool branchNegated, bool negated, bool split)
    {
        if (leaf.Condition is { } condition) return (new ExpressionNode(ResolveWith(condition, reuse)), NoJoins);
        var lookup = leaf.Lookup!;
        var value = LeafNode.Plain(leaf.Value);
        var parts = lookup.Split("__");
        var before = Tables.Count;
        if (value is QueryExpression expression) value = ResolveWith(expression, reuse);
        HashSet<int>? used = Tables.Count > before ? [.. Enumerable.Range(before + 1, Tables.Count - before)] : null;
        var head = parts[0] == "pk" ? Meta.Pk.Key : parts[0];
        if (Annotations.FirstOrDefault(a => a.Name == head) is { } annotation)
        {
            // a lookup on an annotation: no joins, no NULL handling (Django returns early for these too)
            QueryExpression reference = AnnotationsAsColumns ? new AliasColumn(head, annotation.Expression.OutputType) : new Ref(head, annotation.Expression);
            return (LeafNode.Build(reference, head, parts[1..], value), NoJoins);
        }
        PathTarget target;
        try
        {
            target = SetupJoins(parts, reuse, allowMany: !branchNegated || !split);
        }
        catch (MultiJoin)
        {
            return (SplitExclude(lookup, leaf.Value), NoJoins);
        }
        if (target.Joins.Count > 0)
        {
            (used ??= []).UnionWith(target.Joins);
            reuse?.UnionWith(target.Joins.Where(id => id <= Tables.Count));
        }
        var column = new Col(target.Field, target.Alias);
        WhereNode node;
        bool isNull;
        object? rhs;
        if (target.Field.Json)
        {
            // a JSON field: key paths and JSON lookups (Django's KeyTransform and JSONField lookups)
            var json = JsonLookup.Build(column, parts[target.Consumed..], value, Alias);
            (node, isNull, rhs) = (json, json.Lookup == "isnull", json.Lookup == "exact" && json.Value is null ? "null" : json.Value);
        }
        else
        {
            var lookupNode = LeafNode.Build(column, string.Join("__", parts[..target.Consumed]), parts[target.Consumed..], value, target.Related);
            (node, isNull, rhs) = (lookupNode, lookupNode.Lookup == LookupKind.IsNull, lookupNode.Value);
        }
        var requireOuter = isNull && rhs is true && !negated;
        var clause = node;
        if (negated && (!isNull || rhs is false) && rhs is not null)
        {
            requireOuter = true;
            if (!isNull)
            {
                var extra = new List<WhereNode> { node };
                if (target.Field.Nullable || (target.Alias > 0 && Tables[target.Alias].Outer)) extra.Add(new LeafNode(column, LookupKind.IsNull, false));
                if (rhs is Col { Field.Nullable: true } other) extra.Add(new LeafNode(other, LookupKind.IsNull, false));
                if (extra.Count > 1) clause = new AndNode(extra);
            }
        }
        used?.RemoveWhere(id => id > Tables.Count);
        return (clause, requireOuter || used is null ? NoJoins : used);
    }

    /// <summary>
    /// A lookup across a relation to many rows under NOT (Django's split_exclude): "not (some related row matches)",
    /// as <c>pk IN (SELECT pk … WHERE lookup)</c> — so <c>Exclude("books__title", x)</c> keeps the authors with no such
    /// book, authors with no books included.
    /// </summary>
    private LeafNode SplitExclude(string lookup, object? value)
    {
        var inner = new SqlQuery(Meta, Alias).AddQ(new Q(lookup, value is F f ? new OuterRef(f.Name) : value));
        return new LeafNode(new Col(Meta.Pk), LookupKind.In, new RelationSubquery(inner, [new Col(Meta.Pk)]));
    }

    /// <summary>Resolves an expression of a lookup's value, its joins reusing those of the same Filter call.</summary>
    private QueryExpression ResolveWith(QueryExpression expression, HashSet<int>? reuse)
    {
        var saved = Tables.Reuse;
        Tables.Reuse = reuse;
        try
        {
            return expression.Resolve(this);
        }
        finally
        {
            Tables.Reuse = saved;
        }
    }

    private void CheckFilterable(string method)
    {
        // SQL filters before it limits: a filter after a slice would silently mean something else, so Django refuses it.
        if (Sliced) throw new InvalidOperationException("Cannot filter a query once a slice has been taken.");
        if (!Combined.IsEmpty) throw new NotSupportedException($"Calling QuerySet.{method}() after union(), intersection() or difference() is not supported.");
    }
}
