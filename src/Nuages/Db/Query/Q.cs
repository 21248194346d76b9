namespace Nuages.Db.Query;

/// <summary>
/// Django's Q object: a lookup, or lookups combined with <c>|</c>, <c>&amp;</c> and <c>~</c>, for the conditions a chain of
/// <c>Filter</c> calls cannot say: <c>Filter(new Q("name__startswith", "A") | ~new Q("age__gt", 40))</c>.
/// Field names are checked when the Q reaches a query, against that query's model. Conditions in one Q on a relation
/// to many rows must hold for the same related row, as in one Django <c>filter()</c> call.
/// </summary>
public sealed class Q
{
    /// <summary>One lookup, as in <c>Filter("name__istartswith", "a")</c>.</summary>
    public Q(string lookup, object? value)
    {
        Lookup = lookup;
        Value = value;
    }

    /// <summary>A boolean expression as a condition: <c>new Q(new Exists(...))</c>, so that it combines with lookups.</summary>
    public Q(QueryExpression condition) => Condition = condition;

    private Q(bool or, bool negated, IReadOnlyList<Q> children)
    {
        Or = or;
        Negated = negated;
        Children = children;
    }

    internal string? Lookup { get; }

    internal object? Value { get; }

    internal QueryExpression? Condition { get; }

    /// <summary>For a node: its children are joined with OR (else AND).</summary>
    internal bool Or { get; }

    /// <summary>For a node: NOT of its children.</summary>
    internal bool Negated { get; }

    internal IReadOnlyList<Q> Children { get; } = [];

    internal bool IsLeaf => Lookup is not null || Condition is not null;

    /// <summary>Rows matching either side.</summary>
    public static Q operator |(Q left, Q right) => Combine(left, right, or: true);

    /// <summary>Rows matching both sides.</summary>
    public static Q operator &(Q left, Q right) => Combine(left, right, or: false);

    /// <summary>Rows not matching.</summary>
    public static Q operator ~(Q q) => q.IsLeaf ? new Q(false, true, [q]) : new Q(q.Or, !q.Negated, q.Children);

    /// <summary>Nodes of the same connector flatten into one, as Django's tree.Node.add squashes them.</summary>
    private static Q Combine(Q left, Q right, bool or)
    {
        IEnumerable<Q> Flat(Q q) => !q.IsLeaf && !q.Negated && (q.Or == or || q.Children.Count == 1) ? q.Children : [q];
        return new Q(or, false, [.. Flat(left), .. Flat(right)]);
    }

    /// <summary>All the lookups of a Django <c>filter(**kwargs)</c> call, which hold together.</summary>
    internal static Q All(IEnumerable<Q> children) => new(false, false, [.. children]);
}
