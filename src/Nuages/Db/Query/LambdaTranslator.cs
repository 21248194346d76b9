using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// Turns <c>a =&gt; a.Name.StartsWith("A") &amp;&amp; a.Age &gt; 3</c> into the same conditions as the string
/// lookups: comparisons, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, string StartsWith/EndsWith/Contains, collection
/// Contains (IN), null tests. Anything else fails when the query is built, naming the expression.
/// </summary>
internal static class LambdaTranslator
{
    public static Q Translate(LambdaExpression predicate, SqlQuery query) => Node(predicate.Body, predicate.Parameters[0], query);

    private static Q Node(Expression expression, ParameterExpression row, SqlQuery meta)
    {
        switch (expression)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                return Node(and.Left, row, meta) & Node(and.Right, row, meta);
            case BinaryExpression { NodeType: ExpressionType.OrElse } or:
                return Node(or.Left, row, meta) | Node(or.Right, row, meta);
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                return ~Node(not.Operand, row, meta);
            case BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual } test when test.Left.Type == typeof(bool)
                && Condition(test.Left, test.Right, row, meta) is var (condition, constant):
                // (a.Age < 3) == false: the condition itself, or its negation
                return (Value(constant) is true) == (test.NodeType == ExpressionType.Equal) ? Node(condition, row, meta) : ~Node(condition, row, meta);
            case BinaryExpression binary when Comparison(binary.NodeType) is { } lookup:
                if (Field(binary.Left, row, meta) is { } left && !UsesRow(binary.Right, row)) return Compare(meta, left, lookup, Value(binary.Right));
                if (Field(binary.Right, row, meta) is { } right && !UsesRow(binary.Left, row)) return Compare(meta, right, Mirror(lookup), Value(binary.Left));
                // a.Age > a.MinAge: one column against another, as F() says it
                if (Field(binary.Left, row, meta) is { } first && Field(binary.Right, row, meta) is { } second && lookup != "ne")
                    return Leaf(meta, first, lookup, new F(second.Path));
                break;
            case MethodCallExpression { Method.DeclaringType: var type } call when type == typeof(string) && call.Object is { } target
                && Field(target, row, meta) is { } text && call.Arguments.Count >= 1 && !UsesRow(call.Arguments[0], row):
                var ignoreCase = call.Arguments.Count > 1 && Value(call.Arguments[1]) is StringComparison comparison
                    && comparison is StringComparison.OrdinalIgnoreCase or StringComparison.CurrentCultureIgnoreCase or StringComparison.InvariantCultureIgnoreCase;
                var prefix = ignoreCase ? "i" : "";
                switch (call.Method.Name)
                {
                    case "StartsWith": return Leaf(meta, text, prefix + "startswith", Value(call.Arguments[0]));
                    case "EndsWith": return Leaf(meta, text, prefix + "endswith", Value(call.Arguments[0]));
                    case "Contains": return Leaf(meta, text, prefix + "contains", Value(call.Arguments[0]));
                }
                break;
            case MethodCallExpression { Method.Name: "Contains" } call when InArguments(call, row, meta) is var (field, values):
                return Leaf(meta, field, "in", values);
            case MemberExpression member when member.Type == typeof(bool) && Field(member, row, meta) is { } flag:
                return Leaf(meta, flag, "exact", true);
        }
        throw new FieldError($"Cannot translate '{expression}' to SQL. Use comparisons, &&, ||, !, string StartsWith/EndsWith/Contains or a collection's Contains on the model's properties.");
    }

    /// <summary>Which side of a boolean comparison is a condition on the row (not a bare field) and which a constant.</summary>
    private static (Expression, Expression)? Condition(Expression left, Expression right, ParameterExpression row, SqlQuery meta)
    {
        if (Field(left, row, meta) is null && UsesRow(left, row) && !UsesRow(right, row)) return (left, right);
        if (Field(right, row, meta) is null && UsesRow(right, row) && !UsesRow(left, row)) return (right, left);
        return null;
    }

    private static Q Compare(SqlQuery query, (string Path, FieldMeta Field) field, string lookup, object? value) => lookup switch
    {
        // C#'s != keeps nulls, and so does a negated lookup, which says IS NOT NULL inside its NOT, as Django's exclude does.
        "ne" when value is null => Leaf(query, field, "isnull", false),
        "ne" => ~Leaf(query, field, "exact", value),
        _ => Leaf(query, field, lookup, value),
    };

    /// <summary>The lookup on a field of the row or, through references, of a related row (<c>author__name__startswith</c>).</summary>
    private static Q Leaf(SqlQuery query, (string Path, FieldMeta Field) field, string lookup, object? value) =>
        new(field.Path + "__" + lookup, value);

    private static string? Comparison(ExpressionType type) => type switch
    {
        ExpressionType.Equal => "exact",
        ExpressionType.NotEqual => "ne",
        ExpressionType.GreaterThan => "gt",
        ExpressionType.GreaterThanOrEqual => "gte",
        ExpressionType.LessThan => "lt",
        ExpressionType.LessThanOrEqual => "lte",
        _ => null,
    };

    private static string Mirror(string lookup) => lookup switch { "gt" => "lt", "gte" => "lte", "lt" => "gt", "lte" => "gte", _ => lookup };

    private static ((string Path, FieldMeta Field), object?)? InArguments(MethodCallExpression call, ParameterExpression row, SqlQuery meta)
    {
        // list.Contains(a.Id) or Enumerable.Contains(list, a.Id)
        var (collection, item) = call.Object is { } target ? (target, call.Arguments[0]) : (call.Arguments[0], call.Arguments[^1]);
        collection = Unspan(collection);
        if (Field(item, row, meta) is not { } field || UsesRow(collection, row)) return null;
        // "abc".Contains(a.Name) is a string method, not an IN over characters.
        return Value(collection) is IEnumerable values and not string ? (field, values) : null;
    }

    /// <summary>
    /// C# 14 binds <c>array.Contains(x)</c> to <c>MemoryExtensions.Contains(ReadOnlySpan&lt;T&gt;, T)</c>; a span cannot be
    /// boxed to read its items, so read the array it was made from.
    /// </summary>
    private static Expression Unspan(Expression expression) => expression switch
    {
        MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var source] } call when IsSpan(call.Type) => Unspan(source),
        UnaryExpression { NodeType: ExpressionType.Convert, Operand: var source } convert when IsSpan(convert.Type) => Unspan(source),
        _ => expression,
    };

    private static bool IsSpan(Type type) => type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>) || type.GetGenericTypeDefinition() == typeof(Span<>));

    /// <summary>
    /// The model field <paramref name="expression"/> reads, as a lookup path: <c>a.Name</c> is <c>name</c>, and through
    /// references <c>b.Author.Value.Name</c> is <c>author__name</c> and <c>b.Author.Id</c> is <c>author</c>; or null.
    /// </summary>
    private static (string Path, FieldMeta Field)? Field(Expression expression, ParameterExpression row, SqlQuery query)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert) expression = convert.Operand;
        if (expression is not MemberExpression { Member: PropertyInfo property, Expression: { } owner }) return null;
        if (owner == row) return query.Meta.Fields.FirstOrDefault(f => f.Name == property.Name) is { } field ? (field.Key, field) : null;
        // x.Author.Id: the reference's own column; x.Author.Value.Name: a column of the related row
        if (property.Name == "Id" && IsRelation(owner.Type) && Field(owner, row, query) is { Field.IsRelation: true } reference) return reference;
        if (owner is MemberExpression { Member: PropertyInfo { Name: "Value" }, Expression: { } relation } && IsRelation(relation.Type)
            && Field(relation, row, query) is { Field.IsRelation: true } path
            && path.Field.RelatedMeta.Fields.FirstOrDefault(f => f.Name == property.Name) is { } related)
            return (path.Path + "__" + related.Key, related);
        return null;
    }

    private static bool IsRelation(Type type) => typeof(IRelation).IsAssignableFrom(type);

    private static bool UsesRow(Expression expression, ParameterExpression row)
    {
        var finder = new RowFinder(row);
        finder.Visit(expression);
        return finder.Found;
    }

    /// <summary>The value of an expression that does not involve the row: a constant, a captured variable, a computation.</summary>
    private static object? Value(Expression expression)
    {
        switch (expression)
        {
            case ConstantExpression constant:
                return constant.Value;
            case MemberExpression { Expression: ConstantExpression closure, Member: FieldInfo field }:
                return field.GetValue(closure.Value);
            case UnaryExpression { NodeType: ExpressionType.Convert } convert when Value(convert.Operand) is var inner:
                return inner is null ? null : Convert.ChangeType(inner, Nullable.GetUnderlyingType(convert.Type) ?? convert.Type, System.Globalization.CultureInfo.InvariantCulture);
            default:
                return Expression.Lambda(expression).Compile().DynamicInvoke();
        }
    }

    private sealed class RowFinder(ParameterExpression row) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node == row) Found = true;
            return node;
        }
    }
}
