using System.Collections;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>A condition of a WHERE (or HAVING) clause: a lookup, or a combination (Django's Q tree).</summary>
internal abstract record WhereNode
{
    /// <summary>The SQL, with every value appended to the context's parameters.</summary>
    public abstract string Compile(SqlContext context);

    /// <summary>Conditions on aggregates go to HAVING.</summary>
    public abstract bool ContainsAggregate { get; }
}

internal sealed record AndNode(IReadOnlyList<WhereNode> Children) : WhereNode
{
    public override string Compile(SqlContext context) => "(" + string.Join(" AND ", Children.Select(c => c.Compile(context))) + ")";

    public override bool ContainsAggregate => Children.Any(c => c.ContainsAggregate);
}

internal sealed record OrNode(IReadOnlyList<WhereNode> Children) : WhereNode
{
    public override string Compile(SqlContext context) => "(" + string.Join(" OR ", Children.Select(c => c.Compile(context))) + ")";

    public override bool ContainsAggregate => Children.Any(c => c.ContainsAggregate);
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
}

/// <summary>One Django lookup: a field, annotation or transform of one, compared with a value, an expression or a subquery.</summary>
internal sealed record LeafNode(QueryExpression Lhs, string Lookup, object? Value) : WhereNode
{
    public static readonly string[] Lookups = ["exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "gt", "gte", "lt", "lte", "in", "range", "isnull", "regex", "iregex"];

    public LeafNode(FieldMeta field, string lookup, object? value) : this(new Col(field), lookup, value) { }

    /// <summary>The node for a Django lookup string (<c>"name__istartswith"</c>, <c>"joined__year__gte"</c>); bad names fail here, naming the choices.</summary>
    public static LeafNode Parse(SqlQuery query, string lookup, object? value)
    {
        var parts = lookup.Split("__");
        var lhs = query.ResolveName(parts[0]);
        var i = 1;
        for (; i < parts.Length && Transform.Names.Contains(parts[i]); i++)
        {
            if (lhs.OutputType != typeof(DateTimeOffset) && lhs.OutputType != typeof(DateTime) && lhs.OutputType != typeof(DateOnly))
                throw new FieldError($"Unsupported lookup '{parts[i]}' for {parts[0]}: date transforms apply to date and datetime fields.");
            lhs = new Transform(lhs, parts[i]);
        }
        var kind = i < parts.Length ? parts[i] : "exact";
        if (i < parts.Length - 1 || !Lookups.Contains(kind))
            throw new FieldError($"Unsupported lookup '{string.Join("__", parts.Skip(1))}' for {parts[0]}. Supported: {string.Join(", ", Lookups)}; transforms of dates: {string.Join(", ", Transform.Names)}.");
        if (kind == "range" && (value is not IEnumerable pair || value is string || pair.Cast<object?>().Count() != 2))
            throw new ArgumentException($"The range lookup on {parts[0]} takes two values, as in Filter(\"{lookup}\", new[] {{ low, high }}).");
        return new LeafNode(lhs, kind, value switch
        {
            QueryExpression expression => expression.Resolve(query),
            _ => value,
        });
    }

    public override bool ContainsAggregate => Lhs.ContainsAggregate || Value is QueryExpression { ContainsAggregate: true };

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
            "exact" when value is null => $"{column} IS NULL",
            "exact" => $"{column} = {Param(value)}",
            "iexact" => $"{column} {backend.InsensitiveLike} {Pattern("", "")}",
            "contains" => $"{column} {backend.SensitiveLike} {Pattern("%", "%")}",
            "icontains" => $"{column} {backend.InsensitiveLike} {Pattern("%", "%")}",
            "startswith" => $"{column} {backend.SensitiveLike} {Pattern("", "%")}",
            "istartswith" => $"{column} {backend.InsensitiveLike} {Pattern("", "%")}",
            "endswith" => $"{column} {backend.SensitiveLike} {Pattern("%", "")}",
            "iendswith" => $"{column} {backend.InsensitiveLike} {Pattern("%", "")}",
            "gt" => $"{column} > {Param(value)}",
            "gte" => $"{column} >= {Param(value)}",
            "lt" => $"{column} < {Param(value)}",
            "lte" => $"{column} <= {Param(value)}",
            "in" when value is ISubquery subquery => $"{column} IN ({subquery.Query.CompileSelect(context.Nested(subquery.Query), subquery.Columns).Sql})",
            "in" => value is IEnumerable items and not string && items.Cast<object?>().ToList() is { Count: > 0 } list
                ? $"{column} IN ({string.Join(", ", list.Select(Param))})"
                : "1 = 0",
            "range" => ((IEnumerable)value!).Cast<object?>().ToList() is [var low, var high] ? $"{column} BETWEEN {Param(low)} AND {Param(high)}" : "1 = 0",
            "isnull" => value is true ? $"{column} IS NULL" : $"{column} IS NOT NULL",
            "regex" => backend.Regex(column, Param(value), ignoreCase: false),
            "iregex" => backend.Regex(column, Param(value), ignoreCase: true),
            _ => throw new FieldError($"Unsupported lookup '{Lookup}'."),
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
