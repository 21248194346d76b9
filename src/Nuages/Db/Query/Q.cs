namespace Nuages.Db.Query;

/// <summary>
/// Django's Q object: a lookup, or lookups combined with <c>|</c>, <c>&amp;</c> and <c>~</c>, for the conditions a chain of
/// <c>Filter</c> calls cannot say: <c>Filter(new Q("name__startswith", "A") | ~new Q("age__gt", 40))</c>.
/// Field names are checked when the Q reaches a query, against that query's model.
/// </summary>
public sealed class Q
{
    // A Q does not know its model until it is used, so it keeps how to build the condition for any model.
    private readonly Func<SqlQuery, WhereNode> _build;

    private Q(Func<SqlQuery, WhereNode> build) => _build = build;

    /// <summary>One lookup, as in <c>Filter("name__istartswith", "a")</c>.</summary>
    public Q(string lookup, object? value) => _build = query => LeafNode.Parse(query, lookup, value);

    /// <summary>Rows matching either side.</summary>
    public static Q operator |(Q left, Q right) => new(query => new OrNode([left._build(query), right._build(query)]));

    /// <summary>Rows matching both sides.</summary>
    public static Q operator &(Q left, Q right) => new(query => new AndNode([left._build(query), right._build(query)]));

    /// <summary>Rows not matching.</summary>
    public static Q operator ~(Q q) => new(query => new NotNode(q._build(query)));

    internal WhereNode Build(SqlQuery query) => _build(query);
}
