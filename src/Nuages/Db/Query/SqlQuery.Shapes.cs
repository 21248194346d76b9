using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>A condition as the SQL of a plain SELECT sees it: a column of the model's own table and the comparison, not the value.</summary>
internal readonly record struct ShapeCondition(FieldMeta Field, LookupKind Lookup);

/// <summary>An ORDER BY term as the SQL sees it: a column of the model's own table (none: at random) and its direction.</summary>
internal readonly record struct ShapeOrder(FieldMeta? Field, bool Descending, bool? NullsFirst);

/// <summary>
/// Everything the SQL of a plain SELECT depends on — the model, up to two comparisons of its own columns with values,
/// up to two orderings by its own columns, the slice — and nothing of the values compared: two queries of one shape
/// compile to one SQL text, their values alone differing (each comparison adds exactly one parameter, in order).
/// </summary>
internal readonly record struct SelectShape(ModelMeta Meta, int Conditions, ShapeCondition First, ShapeCondition Second, int Orders, ShapeOrder FirstOrder, ShapeOrder SecondOrder, int Offset, int? Limit);

internal sealed partial record SqlQuery
{
    // PERF: the SELECT of the commonest queries (Get by key, a filter on a column or two, every row in the model's
    // order) is compiled once per backend and shape, not once per query. A query of any other form compiles each time.
    private const int ShapesKept = 4096;

    /// <summary>The values of a query of a kept shape, in the order its SQL takes them: one per comparison.</summary>
    private static List<object?> ShapeValues(Backend backend, ReadOnlySpan<WhereNode> where)
    {
        var values = new List<object?>(where.Length);
        foreach (var condition in where) values.Add(backend.AdaptValue(((LeafNode)condition).Value));
        return values;
    }

    /// <summary>
    /// The statement of <c>get()</c> with <paramref name="condition"/> added to this query, when its SQL is kept — without
    /// the copies of the query, its conditions and its QuerySet that the general path makes; null otherwise.
    /// </summary>
    // PERF: Get("pk", id), the commonest statement of all, then costs its condition and its values only.
    public Statement? KeptGetStatement(Backend backend, WhereNode condition, int limit)
    {
        if (!Where.IsEmpty || Sliced || !Combined.IsEmpty || !Prefetches.IsEmpty || condition.NeverMatches) return null;
        ReadOnlySpan<WhereNode> where = new(in condition);
        return Shape(ModelColumns(), where, [], limit) is { } shape && backend.Selects.TryGetValue(shape, out var kept)
            ? new Statement(kept, ShapeValues(backend, where))
            : null;
    }

    /// <summary>The query's shape when it is a plain SELECT of every field of its model: no join, annotation, distinct, lock or set operation.</summary>
    private SelectShape? Shape(IReadOnlyList<QueryExpression> columns) => Shape(columns, Where.AsSpan(), Order.AsSpan(), Limit);

    /// <summary>The shape of this query with <paramref name="where"/>, <paramref name="order"/> and <paramref name="limit"/> for its own.</summary>
    private SelectShape? Shape(IReadOnlyList<QueryExpression> columns, ReadOnlySpan<WhereNode> where, ReadOnlySpan<OrderItem> order, int? limit)
    {
        if (!ReferenceEquals(columns, Meta.Columns) || Tables.Count != 0 || where.Length > 2 || order.Length > 2 || !Related.IsEmpty || !Combined.IsEmpty
            || !Annotations.IsEmpty || !DistinctOn.IsEmpty || Distinct || GroupBy is not null || Lock is not null || ValueNames is not null || AnnotationsAsColumns)
            return null;
        ShapeCondition first = default, second = default;
        for (var i = 0; i < where.Length; i++)
        {
            // `column op value`, one parameter each: what LeafNode.Compile writes for these lookups on a value
            if (where[i] is not LeafNode { Lhs: Col { Join: 0 } column, Lookup: LookupKind.Exact or LookupKind.Gt or LookupKind.Gte or LookupKind.Lt or LookupKind.Lte } leaf
                || leaf.Value is null or QueryExpression)
                return null;
            (i == 0 ? ref first : ref second) = new ShapeCondition(column.Field, leaf.Lookup);
        }
        ShapeOrder firstOrder = default, secondOrder = default;
        for (var i = 0; i < order.Length; i++)
        {
            var item = order[i];
            if (item.Expression is not (null or Col { Join: 0 })) return null;
            (i == 0 ? ref firstOrder : ref secondOrder) = new ShapeOrder((item.Expression as Col)?.Field, item.Descending, item.NullsFirst);
        }
        return new SelectShape(Meta, where.Length, first, second, order.Length, firstOrder, secondOrder, Offset, limit);
    }
}
