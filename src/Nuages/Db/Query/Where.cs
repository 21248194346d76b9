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

    /// <summary>
    /// The condition for a Django lookup string (<c>"name__istartswith"</c>, <c>"joined__year__gte"</c>,
    /// <c>"author__name__startswith"</c>, <c>"books__title"</c>); bad names fail here, naming the choices.
    /// </summary>
    public static WhereNode Parse(SqlQuery query, string lookup, object? value)
    {
        var parts = lookup.Split("__");
        value = Plain(value);
        return Across(query, parts, value) ?? Leaf(query, lookup, parts, value);
    }

    /// <summary>A row or reference given as a value stands for its id, as in Django (<c>Filter("author", ursula)</c>).</summary>
    private static object? Plain(object? value) => value switch
    {
        IModelRow row => row.Id,
        IRelation relation => relation.Id,
        IEnumerable items and not string and not byte[] and not ISubquery when items.Cast<object?>().Any(i => i is IModelRow or IRelation) => items.Cast<object?>().Select(Plain).ToList(),
        _ => value,
    };

    private static bool IsLookupPart(string part) => Lookups.Contains(part) || Transform.Names.Contains(part);

    /// <summary>
    /// A lookup that crosses a relation, as a subquery on the other model: <c>author__name = x</c> is
    /// <c>author_id IN (SELECT id FROM author WHERE name = x)</c>, and from the other side <c>books__title = x</c> is
    /// <c>id IN (SELECT author_id FROM book WHERE title = x)</c> — so rows are never repeated, and Exclude keeps the rows
    /// with no related row, as Django does. Null when the lookup stays on this model.
    /// </summary>
    private static WhereNode? Across(SqlQuery query, string[] parts, object? value)
    {
        var name = parts[0] == "pk" ? query.Meta.Pk.Key : parts[0];
        if (query.Meta.ByName.TryGetValue(name, out var field))
        {
            if (!field.IsRelation || parts.Length == 1 || IsLookupPart(parts[1])) return null;
            // author__id and author__pk are the reference's own column
            if (parts[1] is "id" or "pk") return Parse(query, string.Join("__", [parts[0], .. parts[2..]]), value);
            var target = new SqlQuery(field.RelatedMeta, query.Alias);
            var inner = target.Filter(Parse(target, string.Join("__", parts[1..]), value));
            var within = new LeafNode(new Col(field), LookupKind.In, new RelationSubquery(inner, [new Col(target.Meta.Pk)]));
            // NULL IN (…) is unknown, and so is its negation: say "not null" so that Exclude keeps the unset references
            return field.Nullable ? new AndNode([new LeafNode(new Col(field), LookupKind.IsNull, false), within]) : within;
        }
        if (query.Meta.ManyToManyNamed(name) is var (relation, forward))
        {
            // tags__name = x is id IN (SELECT book_id FROM book_tags WHERE tag_id IN (SELECT id FROM tag WHERE name = x))
            var (near, far) = forward ? (relation.Source, relation.Target) : (relation.Target, relation.Source);
            var through = new SqlQuery(relation.Through, query.Alias);
            var tail = parts.Length == 1 || IsLookupPart(parts[1]) ? ["pk", .. parts[1..]] : parts[1..];
            var links = through.Filter(Parse(through, string.Join("__", [far.Key, .. tail]), value));
            return new LeafNode(new Col(query.Meta.Pk), LookupKind.In, new RelationSubquery(links, [new Col(near)]));
        }
        if (query.Meta.ReverseNamed(name) is not { } reverse) return null;
        // books=book and books__in=[…] compare the related rows' ids
        var rest = parts.Length == 1 || IsLookupPart(parts[1]) ? ["pk", .. parts[1..]] : parts[1..];
        var owner = new SqlQuery(reverse.Owner, query.Alias);
        var related = owner.Filter(Parse(owner, string.Join("__", rest), value)).Filter(new LeafNode(new Col(reverse.Field), LookupKind.IsNull, false));
        return new LeafNode(new Col(query.Meta.Pk), LookupKind.In, new RelationSubquery(related, [new Col(reverse.Field)]));
    }

    private static LeafNode Leaf(SqlQuery query, string lookup, string[] parts, object? value)
    {
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
        return new LeafNode(lhs, Kind(kind), value switch
        {
            QueryExpression expression => expression.Resolve(query),
            _ when LookupValue.Prepares(Kind(kind)) => LookupValue.Prepare(lhs.OutputType, parts[0], Kind(kind), value),
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
