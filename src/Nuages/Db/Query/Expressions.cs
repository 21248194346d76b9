using System.Globalization;
using Nuages.Core;
using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A value computed by the database (Django's expressions): a field (<see cref="F"/>), a constant (<see cref="Value"/>),
/// arithmetic on them (<c>F("price") * 2</c>), an aggregate, a <see cref="Case"/>, a <see cref="Subquery"/>. Names are
/// checked when the expression reaches a query; values always travel as parameters.
/// </summary>
public abstract class QueryExpression
{
    /// <summary>The expression with its names bound to <paramref name="query"/>'s fields and annotations; a bad name fails here.</summary>
    internal abstract QueryExpression Resolve(SqlQuery query);

    internal abstract string Compile(SqlContext context);

    internal virtual bool ContainsAggregate => false;

    /// <summary>The CLR type its values are read as, when the expression knows it.</summary>
    internal virtual Type? OutputType => null;

    internal static QueryExpression Of(object? value) => value as QueryExpression ?? new Value(value);

    /// <summary>An argument of a function: a string names a field, as in Django (<c>Coalesce("nickname", "name")</c>); other constants need no <see cref="Value"/>.</summary>
    internal static QueryExpression Argument(object? value) => value switch
    {
        QueryExpression expression => expression,
        string name => new F(name),
        _ => new Value(value),
    };

    /// <summary>Ascending, NULLs first or last when asked (Django's <c>F("x").asc(nulls_first=True)</c>), for OrderBy.</summary>
    public OrderExpression Asc(bool nullsFirst = false, bool nullsLast = false) => new(this, false, nullsFirst, nullsLast);

    /// <summary>Descending, NULLs first or last when asked (Django's <c>desc()</c>), for OrderBy.</summary>
    public OrderExpression Desc(bool nullsFirst = false, bool nullsLast = false) => new(this, true, nullsFirst, nullsLast);

    /// <summary>Negation (Django's <c>-F("x")</c>, which is <c>F("x") * -1</c>).</summary>
    public static QueryExpression operator -(QueryExpression operand) => new Combined(operand, "*", new Value(-1));

    /// <summary>Addition (SQL <c>+</c>).</summary>
    public static QueryExpression operator +(QueryExpression left, QueryExpression right) => new Combined(left, "+", right);

    /// <summary>Subtraction.</summary>
    public static QueryExpression operator -(QueryExpression left, QueryExpression right) => new Combined(left, "-", right);

    /// <summary>Multiplication.</summary>
    public static QueryExpression operator *(QueryExpression left, QueryExpression right) => new Combined(left, "*", right);

    /// <summary>Division (integer division between integer columns, as in SQL and Django).</summary>
    public static QueryExpression operator /(QueryExpression left, QueryExpression right) => new Combined(left, "/", right);

    /// <summary>Remainder.</summary>
    public static QueryExpression operator %(QueryExpression left, QueryExpression right) => new Combined(left, "%", right);

    /// <summary>A constant, so <c>F("age") + 1</c> reads as in Django.</summary>
    public static implicit operator QueryExpression(int value) => new Value(value);

    /// <summary>A constant.</summary>
    public static implicit operator QueryExpression(long value) => new Value(value);

    /// <summary>A constant.</summary>
    public static implicit operator QueryExpression(double value) => new Value(value);

    /// <summary>A constant.</summary>
    public static implicit operator QueryExpression(decimal value) => new Value(value);

    /// <summary>A constant.</summary>
    public static implicit operator QueryExpression(string value) => new Value(value);

    /// <summary>A constant.</summary>
    public static implicit operator QueryExpression(TimeSpan value) => new Value(value);

    /// <summary>A constant.</summary>
    public static implicit operator QueryExpression(DateTimeOffset value) => new Value(value);
}

/// <summary>An expression with a direction, for OrderBy: <c>new F("joined").Desc(nullsLast: true)</c>.</summary>
public sealed class OrderExpression
{
    internal OrderExpression(QueryExpression expression, bool descending, bool nullsFirst, bool nullsLast)
    {
        if (nullsFirst && nullsLast) throw new ArgumentException("nulls_first and nulls_last are mutually exclusive");
        Expression = expression;
        Descending = descending;
        NullsFirst = nullsFirst ? true : nullsLast ? false : null;
    }

    internal QueryExpression Expression { get; }

    internal bool Descending { get; }

    internal bool? NullsFirst { get; }
}

/// <summary>A field of the row (or an annotation), by its Django name: <c>F("age") + 1</c>, <c>Filter("age__gt", F("min_age"))</c>.</summary>
public sealed class F(string name) : QueryExpression
{
    /// <summary>The field or annotation name.</summary>
    public string Name { get; } = name;

    internal override QueryExpression Resolve(SqlQuery query) => query.ResolveName(Name);

    internal override string Compile(SqlContext context) => throw new InvalidOperationException($"F('{Name}') was not resolved against a query.");

    /// <inheritdoc />
    public override string ToString() => $"F({Name})";
}

/// <summary>A constant, sent as a parameter.</summary>
public sealed class Value(object? value) : QueryExpression
{
    internal object? Constant { get; } = value;

    internal override QueryExpression Resolve(SqlQuery query) => this;

    internal override string Compile(SqlContext context) => context.Param(Constant);

    internal override Type? OutputType => Constant?.GetType();
}

/// <summary>A resolved column: of the query's own table, or of a table it joins (<paramref name="join"/>, its id in the query's joins).</summary>
internal sealed class Col(FieldMeta field, int join = 0) : QueryExpression
{
    public FieldMeta Field { get; } = field;

    /// <summary>The join the column is read from; 0 for the query's own table.</summary>
    public int Join { get; } = join;

    internal override QueryExpression Resolve(SqlQuery query) => this;

    internal override string Compile(SqlContext context) => context.Column(Join, Field.Column);

    internal override Type? OutputType => Field.Type;
}

/// <summary>A resolved reference to an annotation: its expression, inlined (WHERE and GROUP BY cannot name a select alias everywhere).</summary>
internal sealed class Ref(string name, QueryExpression source) : QueryExpression
{
    public string Name { get; } = name;

    internal override QueryExpression Resolve(SqlQuery query) => this;

    internal override string Compile(SqlContext context) => source.Compile(context);

    internal override bool ContainsAggregate => source.ContainsAggregate;

    internal override Type? OutputType => source.OutputType;

}

internal sealed class Combined(QueryExpression left, string op, QueryExpression right) : QueryExpression
{
    internal override QueryExpression Resolve(SqlQuery query) => new Combined(left.Resolve(query), op, right.Resolve(query));

    internal override string Compile(SqlContext context) => $"({left.Compile(context)} {op} {right.Compile(context)})";

    internal override bool ContainsAggregate => left.ContainsAggregate || right.ContainsAggregate;

    internal override Type? OutputType => left.OutputType ?? right.OutputType;
}

/// <summary>An SQL function over expressions, typed by its first argument.</summary>
internal sealed class Func(string name, QueryExpression[] arguments, Type? output = null) : QueryExpression
{
    internal override QueryExpression Resolve(SqlQuery query) => new Func(name, [.. arguments.Select(a => a.Resolve(query))], output);

    internal override string Compile(SqlContext context) => $"{name}({string.Join(", ", arguments.Select(a => a.Compile(context)))})";

    internal override bool ContainsAggregate => arguments.Any(a => a.ContainsAggregate);

    internal override Type? OutputType => output ?? arguments.Select(a => a.OutputType).FirstOrDefault(t => t is not null);
}

/// <summary>The first of its arguments that is not NULL (Django's <c>Coalesce</c>): <c>new Coalesce(F("nickname"), F("name"))</c>.</summary>
public sealed class Coalesce : QueryExpression
{
    private readonly QueryExpression[] _arguments;

    /// <summary>At least two expressions: strings are field names, as in Django (a text constant is <c>new Value("n/a")</c>); other constants are wrapped for you.</summary>
    public Coalesce(params object?[] arguments)
    {
        if (arguments.Length < 2) throw new ArgumentException("Coalesce must take at least two expressions");
        _arguments = [.. arguments.Select(Argument)];
    }

    internal override QueryExpression Resolve(SqlQuery query) => new Func("COALESCE", [.. _arguments.Select(a => a.Resolve(query))]);

    internal override string Compile(SqlContext context) => throw new InvalidOperationException("Coalesce was not resolved against a query.");

    internal override bool ContainsAggregate => _arguments.Any(a => a.ContainsAggregate);
}

/// <summary>One arm of a <see cref="Case"/>: when <paramref name="condition"/> holds, <paramref name="then"/>.</summary>
public sealed class When(Q condition, object? then)
{
    internal Q Condition { get; } = condition;

    internal QueryExpression Then { get; } = QueryExpression.Of(then);

    /// <summary>When the lookup matches: <c>new When("age__lt", 18, "minor")</c>.</summary>
    public When(string lookup, object? value, object? then) : this(new Q(lookup, value), then) { }
}

/// <summary>SQL's CASE (Django's <c>Case(When(...), default=...)</c>): the first arm whose condition holds, else the default.</summary>
public sealed class Case(When[] whens, object? @default = null) : QueryExpression
{
    internal override QueryExpression Resolve(SqlQuery query) =>
        new ResolvedCase([.. whens.Select(w => (query.BuildCondition(w.Condition), w.Then.Resolve(query)))], Of(@default).Resolve(query));

    internal override string Compile(SqlContext context) => throw new InvalidOperationException("Case was not resolved against a query.");

    private sealed class ResolvedCase((WhereNode Condition, QueryExpression Then)[] arms, QueryExpression otherwise) : QueryExpression
    {
        internal override QueryExpression Resolve(SqlQuery query) => this;

        internal override string Compile(SqlContext context) =>
            "CASE " + string.Concat(arms.Select(a => $"WHEN {a.Condition.Compile(context)} THEN {a.Then.Compile(context)} ")) + $"ELSE {otherwise.Compile(context)} END";

        internal override bool ContainsAggregate => arms.Any(a => a.Then.ContainsAggregate) || otherwise.ContainsAggregate;

        internal override Type? OutputType => arms.Select(a => a.Then.OutputType).FirstOrDefault(t => t is not null) ?? otherwise.OutputType;
    }
}

/// <summary>A field of the enclosing query, from inside a <see cref="Subquery"/> or <see cref="Exists"/>: <c>Filter("author_id", new OuterRef("id"))</c>.</summary>
public sealed class OuterRef(string name) : QueryExpression
{
    internal override QueryExpression Resolve(SqlQuery query) => this; // bound when the subquery is compiled inside its outer query

    internal override string Compile(SqlContext context)
    {
        var outer = context.Outer ?? throw new FieldError($"OuterRef('{name}') is only meaningful inside a Subquery or Exists.");
        return outer.Query!.ResolveWithoutJoins(name).Compile(outer.Qualified());
    }
}

/// <summary>A query used as a value (Django's <c>Subquery</c>): one column of at most one row.</summary>
public sealed class Subquery : QueryExpression
{
    internal ISubquery Source { get; }

    /// <summary>A QuerySet (its primary key) or a ValuesList of one column, usually sliced to one row.</summary>
    public Subquery(ISubquery source) => Source = source;

    internal override QueryExpression Resolve(SqlQuery query) => this;

    internal override string Compile(SqlContext context) => "(" + Source.Query.CompileSelect(context.Nested(Source.Query), Source.Columns).Sql + ")";

    internal override Type? OutputType => Source.Columns is [var only] ? only.OutputType : null;
}

/// <summary>
/// Whether a query has any row (SQL EXISTS), usable in Filter, Exclude and Annotate:
/// <c>Filter(new Exists(Book.Objects.Filter("author_id", new OuterRef("id"))))</c>; <c>~new Exists(…)</c> is NOT EXISTS.
/// </summary>
public sealed class Exists(ISubquery source) : QueryExpression
{
    private bool _negated;

    /// <summary>NOT EXISTS (Django's <c>~Exists(...)</c>).</summary>
    public static Exists operator ~(Exists exists) => new(exists.Source) { _negated = !exists._negated };

    private ISubquery Source => source;

    internal override QueryExpression Resolve(SqlQuery query) => this;

    internal override string Compile(SqlContext context) =>
        (_negated ? "NOT EXISTS(" : "EXISTS(") + source.Query.CompileSelect(context.Nested(source.Query), [new Value(1)]).Sql + ")";

    internal override Type? OutputType => typeof(bool);
}

/// <summary>A query that can stand inside another: QuerySets and their Values/ValuesList forms.</summary>
public interface ISubquery
{
    internal SqlQuery Query { get; }

    internal IReadOnlyList<QueryExpression> Columns { get; }
}

/// <summary>
/// An aggregate over the rows (Django's aggregates): in <c>Aggregate</c> one value for the whole query, in
/// <c>Annotate</c> one per row group. <paramref name="filter"/> counts only matching rows; <paramref name="distinct"/> only distinct values;
/// <paramref name="default"/> is the value when there are no rows (Django's <c>default=</c>, a COALESCE).
/// </summary>
public abstract class Aggregate(string function, object? source, bool distinct, Q? filter, object? @default = null) : QueryExpression
{
    private protected QueryExpression? Source { get; private set; } = source is null ? null : source as QueryExpression ?? new F((string)source);

    /// <summary>The default name in Aggregate/Annotate results: <c>age__sum</c>, as Django names it.</summary>
    internal string DefaultAlias => Source is F f
        ? $"{(f.Name == "*" ? "" : f.Name)}__{function.ToLowerInvariant()}"
        : throw new ArgumentException($"Complex aggregates require an alias: name the {function} in an anonymous object, as in Aggregate(new {{ Total = new {GetType().Name}(...) }}).");

    internal override QueryExpression Resolve(SqlQuery query)
    {
        var source = Source is F { Name: "*" } ? null : Source?.Resolve(query); // COUNT(*) names no field
        if (source is { ContainsAggregate: true })
            throw new FieldError($"Cannot compute {function}({Source}): it is an aggregate.");
        var aggregate = new ResolvedAggregate(function, source, distinct, filter is null ? null : query.BuildCondition(filter), Output(source?.OutputType));
        return @default is null ? aggregate : new Func("COALESCE", [aggregate, Argument(@default).Resolve(query)], aggregate.OutputType);
    }

    internal override string Compile(SqlContext context) => throw new InvalidOperationException($"{function} was not resolved against a query.");

    internal override bool ContainsAggregate => true;

    /// <summary>What the aggregate's values are read as, from what it aggregates.</summary>
    private protected abstract Type? Output(Type? source);

    private sealed class ResolvedAggregate(string function, QueryExpression? source, bool distinct, WhereNode? filter, Type? output) : QueryExpression
    {
        internal override QueryExpression Resolve(SqlQuery query) => this;

        // FILTER (WHERE …) is standard SQL that PostgreSQL and SQLite (3.30+) both take.
        internal override string Compile(SqlContext context) =>
            $"{function}({(distinct ? "DISTINCT " : "")}{source?.Compile(context) ?? "*"})" + (filter is null ? "" : $" FILTER (WHERE {filter.Compile(context)})");

        internal override bool ContainsAggregate => true;

        internal override Type? OutputType => output;
    }

    private protected static bool IsInteger(Type? type) => type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(bool);
}

/// <summary>The number of rows (<c>new Count()</c>, <c>new Count("id")</c>), of a field's non-null values, or of its distinct values.</summary>
public sealed class Count(object? field = null, bool distinct = false, Q? filter = null) : Aggregate("COUNT", field ?? "*", distinct, filter)
{
    private protected override Type? Output(Type? source) => typeof(long);
}

/// <summary>The sum of a field (integer fields sum to long).</summary>
public sealed class Sum(object field, bool distinct = false, Q? filter = null, object? @default = null) : Aggregate("SUM", field, distinct, filter, @default)
{
    private protected override Type? Output(Type? source) => IsInteger(source) ? typeof(long) : source;
}

/// <summary>The mean of a field: a double, or a decimal for decimal fields.</summary>
public sealed class Avg(object field, bool distinct = false, Q? filter = null, object? @default = null) : Aggregate("AVG", field, distinct, filter, @default)
{
    private protected override Type? Output(Type? source) => source == typeof(decimal) ? typeof(decimal) : typeof(double);
}

/// <summary>The least value of a field.</summary>
public sealed class Min(object field, bool distinct = false, Q? filter = null, object? @default = null) : Aggregate("MIN", field, distinct, filter, @default)
{
    private protected override Type? Output(Type? source) => source;
}

/// <summary>The greatest value of a field.</summary>
public sealed class Max(object field, bool distinct = false, Q? filter = null, object? @default = null) : Aggregate("MAX", field, distinct, filter, @default)
{
    private protected override Type? Output(Type? source) => source;
}

/// <summary>A date part of a column, for lookups such as <c>joined__year</c> and <c>joined__date</c> (in UTC, Nuages' time zone).</summary>
internal sealed class Transform(QueryExpression source, string name) : QueryExpression
{
    public static readonly string[] Names = ["date", "year", "month", "day", "hour", "minute", "second", "week_day"];

    internal override QueryExpression Resolve(SqlQuery query) => this;

    internal override string Compile(SqlContext context)
    {
        var column = source.Compile(context);
        return context.Backend.DateExtract(name, column, source.OutputType);
    }

    internal override Type? OutputType => name == "date" ? typeof(DateOnly) : typeof(int);
}

/// <summary>
/// Where compiled SQL goes: the parameters so far, and how columns are named — a subquery's table is aliased (<c>U1</c>)
/// so its columns never bind to the outer table, joined tables are aliased <c>T1</c>, <c>T2</c>… across the whole
/// statement, and a query with joins names its own table's columns with the table.
/// </summary>
internal sealed class SqlContext
{
    private readonly int _depth;
    private readonly int[] _aliases; // shared by every context of one statement: the next join alias
    private readonly Dictionary<int, string>? _joins;

    public SqlContext(Backend backend, List<object?> values) : this(backend, values, null, null, null, 0, [0], false, null)
    {
    }

    private SqlContext(Backend backend, List<object?> values, SqlQuery? query, string? qualifier, SqlContext? outer, int depth, int[] aliases, bool qualify, Dictionary<int, string>? joins)
    {
        Backend = backend;
        Values = values;
        Query = query;
        Qualifier = qualifier;
        Outer = outer;
        _depth = depth;
        _aliases = aliases;
        _qualify = qualify || query is { Tables.Count: > 0 };
        _joins = joins;
        if (joins is null && query is { Tables.Count: > 0 })
        {
            _joins = [];
            for (var id = 1; id <= query.Tables.Count; id++) _joins[id] = NextAlias();
        }
    }

    public Backend Backend { get; }

    public List<object?> Values { get; }

    /// <summary>The query being compiled (OuterRef resolves against the enclosing one's).</summary>
    public SqlQuery? Query { get; }

    /// <summary>The table alias of a subquery (<c>U1</c>); null at the top.</summary>
    public string? Qualifier { get; }

    public SqlContext? Outer { get; }

    /// <summary>Columns of the query's own table name it: set when compiling an OuterRef, and when the query joins other tables.</summary>
    private readonly bool _qualify;

    public string Param(object? value)
    {
        Values.Add(Backend.AdaptValue(value));
        return Backend.Placeholder(Values.Count);
    }

    /// <summary>A fresh table alias for this statement.</summary>
    public string NextAlias() => "T" + (++_aliases[0]).ToString(CultureInfo.InvariantCulture);

    /// <summary>A column of the query's own table (join 0) or of one of its joins.</summary>
    public string Column(int join, string column)
    {
        if (join > 0)
            return (_joins is not null && _joins.TryGetValue(join, out var alias) ? alias : throw new InvalidOperationException("A column names a join of another query."))
                + "." + Backend.Quote(column);
        return Qualifier is not null ? $"{Qualifier}.{Backend.Quote(column)}"
            : _qualify ? $"{Backend.Quote(Query!.Meta.Table)}.{Backend.Quote(column)}"
            : Backend.Quote(column);
    }

    /// <summary>This context for compiling <paramref name="query"/>, sharing the parameters.</summary>
    public SqlContext For(SqlQuery query) => ReferenceEquals(Query, query) ? this : new(Backend, Values, query, Qualifier, Outer, _depth, _aliases, _qualify, null);

    public SqlContext Qualified() => _qualify ? this : new(Backend, Values, Query, Qualifier, Outer, _depth, _aliases, true, _joins);

    public SqlContext Nested(SqlQuery query) => new(Backend, Values, query, "U" + (_depth + 1).ToString(CultureInfo.InvariantCulture), this, _depth + 1, _aliases, false, null);

    /// <summary>What FROM says: the table, aliased inside a subquery, then its joins.</summary>
    public string From(SqlQuery query)
    {
        var from = Backend.Quote(query.Meta.Table) + (Qualifier is null ? "" : " " + Qualifier);
        if (_joins is null) return from;
        var sql = new System.Text.StringBuilder(from);
        for (var id = 1; id <= query.Tables.Count; id++)
        {
            var join = query.Tables[id];
            sql.Append(join.Outer ? " LEFT OUTER JOIN " : " INNER JOIN ").Append(Backend.Quote(join.Model.Table)).Append(' ').Append(_joins[id])
                .Append(" ON (").Append(Column(join.Parent, join.FromColumn)).Append(" = ").Append(_joins[id]).Append('.').Append(Backend.Quote(join.ToColumn)).Append(')');
        }
        return sql.ToString();
    }
}
