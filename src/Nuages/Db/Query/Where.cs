using System.Collections;
using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>A condition of a WHERE (or HAVING) clause: a lookup, or a combination (Django's Q tree).</summary>
internal abstract record WhereNode
{
    /// <summary>The SQL, with every value appended to the context's parameters.</summary>
    public abstract string Compile(SqlContext context);

    /// <summary>Conditions on aggregates go to HAVING.</summary>
    public abstract bool ContainsAggregate { get; }

    /// <summary>Matches no row whatever the data: an <c>in</c> of no values, false (Django's EmptyResultSet).</summary>
    public virtual bool NeverMatches => false;
}

internal sealed record AndNode(IReadOnlyList<WhereNode> Children) : WhereNode
{
    public override string Compile(SqlContext context) => "(" + string.Join(" AND ", Children.Select(c => c.Compile(context))) + ")";

    public override bool ContainsAggregate => Children.Any(c => c.ContainsAggregate);

    public override bool NeverMatches => Children.Any(c => c.NeverMatches);
}

internal sealed record OrNode(IReadOnlyList<WhereNode> Children) : WhereNode
{
    public override string Compile(SqlContext context) => "(" + string.Join(" OR ", Children.Select(c => c.Compile(context))) + ")";

    public override bool ContainsAggregate => Children.Any(c => c.ContainsAggregate);

    public override bool NeverMatches => Children.All(c => c.NeverMatches);
}

internal sealed record NotNode(WhereNode Child) : WhereNode
{
    public override string Compile(SqlContext context) => "NOT " + Child.Compile(context);

    public override bool ContainsAggregate => Child.ContainsAggregate;
}

/// <summary>A boolean expression used as a condition: <c>Filter(new Exists(...))</c>.</summary>
internal sealed record ExpressionNode(QueryExpression Condition) : WhereNode
{
    public override string Compile(SqlContext context) => Condition.Compile(context);

    public override bool ContainsAggregate => Condition.ContainsAggregate;

    public override bool NeverMatches => Condition is Value { Constant: false };
}

/// <summary>The lookups of Django's fields (<c>name__istartswith</c>), parsed once from their names.</summary>
internal enum LookupKind
{
    Exact,
    IExact,
    Contains,
    IContains,
    StartsWith,
    IStartsWith,
    EndsWith,
    IEndsWith,
    Gt,
    Gte,
    Lt,
    Lte,
    In,
    Range,
    IsNull,
    Regex,
    IRegex,
}

/// <summary>One Django lookup: a field, annotation or transform of one, compared with a value, an expression or a subquery.</summary>
internal sealed record LeafNode(QueryExpression Lhs, LookupKind Lookup, object? Value) : WhereNode
{
    public static readonly string[] Lookups = ["exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "gt", "gte", "lt", "lte", "in", "range", "isnull", "regex", "iregex"];

    /// <summary>A lookup's name as Django spells it, to its kind (the order of <see cref="Lookups"/> is the enum's).</summary>
    private static LookupKind Kind(string name) => (LookupKind)Array.IndexOf(Lookups, name);

    public LeafNode(FieldMeta field, LookupKind lookup, object? value) : this(new Col(field), lookup, value) { }

    /// <summary>A lookup's name as Django spells it, or null when it is none.</summary>
    public static LookupKind? KindOf(string name) => Array.IndexOf(Lookups, name) is >= 0 and var i ? (LookupKind)i : null;

    /// <summary>A name that is a lookup or a transform, not a field.</summary>
    public static bool IsLookupPart(string part) => Lookups.Contains(part) || Transform.Names.Contains(part);

    /// <summary>A row or reference given as a value stands for its id, as in Django (<c>Filter("author", ursula)</c>).</summary>
    public static object? Plain(object? value) => value switch
    {
        IModelRow row => row.Id,
        IRelation relation => relation.Id,
        IEnumerable items and not string and not byte[] and not ISubquery when items.Cast<object?>().Any(i => i is IModelRow or IRelation) => items.Cast<object?>().Select(Plain).ToList(),
        _ => value,
    };

    /// <summary>
    /// The lookup on <paramref name="lhs"/> named by <paramref name="rest"/> (transforms, then one lookup; exact when
    /// none), with its value prepared as the field takes it (Django's build_lookup). <c>exact</c> None is <c>isnull</c>.
    /// </summary>
    public static LeafNode Build(QueryExpression lhs, string field, IReadOnlyList<string> rest, object? value, bool related = false)
    {
        // a relation compares its keys only: Django's related lookups (django/db/models/fields/related_lookups.py)
        if (related && rest.Count > 0 && (KindOf(rest[0]) is not (LookupKind.Exact or LookupKind.In or LookupKind.Gt or LookupKind.Gte or LookupKind.Lt or LookupKind.Lte or LookupKind.IsNull) || rest.Count > 1))
            throw new FieldError($"Related Field got invalid lookup: {string.Join("__", rest)}");
        var i = 0;
        for (; i < rest.Count && Transform.Names.Contains(rest[i]); i++)
        {
            if (lhs.OutputType != typeof(DateTimeOffset) && lhs.OutputType != typeof(DateTime) && lhs.OutputType != typeof(DateOnly))
                throw new FieldError($"Unsupported lookup '{rest[i]}' for {field}: date transforms apply to date and datetime fields.");
            lhs = new Transform(lhs, rest[i]);
        }
        var name = i < rest.Count ? rest[i] : "exact";
        if (i < rest.Count - 1 || KindOf(name) is not { } kind)
        {
            var invalid = string.Join("__", rest.Skip(i));
            throw new FieldError($"Unsupported lookup '{invalid}' for {field}. Supported: {string.Join(", ", Lookups)}; transforms of dates: {string.Join(", ", Transform.Names)}.");
        }
        if (kind == LookupKind.Range && (value is not IEnumerable pair || value is string || pair.Cast<object?>().Count() != 2))
            throw new ArgumentException($"The range lookup on {field} takes two values, as in Filter(\"{field}__range\", new[] {{ low, high }}).");
        if (value is null && kind is not (LookupKind.Exact or LookupKind.IExact or LookupKind.IsNull))
            throw new ArgumentException("Cannot use None as a query value");
        if (value is null && kind is LookupKind.Exact or LookupKind.IExact) return new LeafNode(lhs, LookupKind.IsNull, true);
        return new LeafNode(lhs, kind, value switch
        {
            QueryExpression => value,
            _ when LookupValue.Prepares(kind) => LookupValue.Prepare(lhs.OutputType, field, kind, value),
            _ => value,
        });
    }

    public override bool ContainsAggregate => Lhs.ContainsAggregate || Value is QueryExpression { ContainsAggregate: true };

    public override bool NeverMatches => Lookup == LookupKind.In && Value is IEnumerable items and not string and not ISubquery && !items.Cast<object?>().Any();

    public override string Compile(SqlContext context)
    {
        var backend = context.Backend;
        var column = Lhs.Compile(context);
        var value = Value;
        string Param(object? v) => v is QueryExpression expression ? expression.Compile(context) : context.Param(v);
        // A pattern from a value is escaped; from an expression it is built in SQL, where its wildcards cannot be escaped.
        string Pattern(string before, string after) => value is QueryExpression expression
            ? Concat(context, before, expression.Compile(context), after)
            : context.Param(before + Escape(value) + after) + " ESCAPE '\\'";
        return "(" + (Lookup switch
        {
            LookupKind.Exact when value is null => $"{column} IS NULL",
            LookupKind.Exact => $"{column} = {Param(value)}",
            LookupKind.IExact => $"{column} {backend.InsensitiveLike} {Pattern("", "")}",
            LookupKind.Contains => $"{column} {backend.SensitiveLike} {Pattern("%", "%")}",
            LookupKind.IContains => $"{column} {backend.InsensitiveLike} {Pattern("%", "%")}",
            LookupKind.StartsWith => $"{column} {backend.SensitiveLike} {Pattern("", "%")}",
            LookupKind.IStartsWith => $"{column} {backend.InsensitiveLike} {Pattern("", "%")}",
            LookupKind.EndsWith => $"{column} {backend.SensitiveLike} {Pattern("%", "")}",
            LookupKind.IEndsWith => $"{column} {backend.InsensitiveLike} {Pattern("%", "")}",
            LookupKind.Gt => $"{column} > {Param(value)}",
            LookupKind.Gte => $"{column} >= {Param(value)}",
            LookupKind.Lt => $"{column} < {Param(value)}",
            LookupKind.Lte => $"{column} <= {Param(value)}",
            LookupKind.In when value is ISubquery subquery => $"{column} IN ({subquery.Query.CompileSelect(context.Nested(subquery.Query), subquery.Columns).Sql})",
            LookupKind.In => value is IEnumerable items and not string && items.Cast<object?>().ToList() is { Count: > 0 } list
                ? $"{column} IN ({string.Join(", ", list.Select(Param))})"
                : "1 = 0",
            LookupKind.Range => ((IEnumerable)value!).Cast<object?>().ToList() is [var low, var high] ? $"{column} BETWEEN {Param(low)} AND {Param(high)}" : "1 = 0",
            LookupKind.IsNull => value is true ? $"{column} IS NULL" : $"{column} IS NOT NULL",
            LookupKind.Regex => backend.Regex(column, Param(value), ignoreCase: false),
            LookupKind.IRegex => backend.Regex(column, Param(value), ignoreCase: true),
            _ => throw new FieldError($"Unsupported lookup '{Lookups[(int)Lookup]}'."),
        }) + ")";
    }

    private static string Escape(object? v) => (v?.ToString() ?? "").Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static string Concat(SqlContext context, string before, string sql, string after)
    {
        var parts = new List<string>();
        if (before.Length > 0) parts.Add(context.Param(before));
        parts.Add(sql);
        if (after.Length > 0) parts.Add(context.Param(after));
        return "(" + string.Join(" || ", parts) + ")";
    }
}

/// <summary>The other side of a relation as a subquery of a lookup: its query and the column it selects.</summary>
internal sealed class RelationSubquery(SqlQuery query, IReadOnlyList<QueryExpression> columns) : ISubquery
{
    SqlQuery ISubquery.Query => query;

    IReadOnlyList<QueryExpression> ISubquery.Columns => columns;
}
