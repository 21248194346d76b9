using System.Collections.Immutable;
using System.Text;
using Nuages.Core;
using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>The compiler: a query to SQL statements, the engine's differences asked of its backend.</summary>
internal sealed partial record SqlQuery
{
    /// <summary>The SELECT for <paramref name="columns"/> as a statement of its own.</summary>
    public Statement SelectStatement(Backend backend, IReadOnlyList<QueryExpression> columns)
    {
        // Outside a transaction the lock would end with the statement: Django refuses it rather than pretend.
        if (Lock is not null && backend.HasSelectForUpdate && Atomic.CurrentTransaction(Alias) is null)
            throw new TransactionManagementError("select_for_update cannot be used outside of a transaction.", Alias);
        var shape = Shape(columns);
        if (shape is { } known && backend.Selects.TryGetValue(known, out var kept)) return new Statement(kept, ShapeValues(backend, Where.AsSpan()));
        var (sql, values) = CompileSelect(new SqlContext(backend, []), columns, withRelated: true);
        if (shape is { } fresh && backend.Selects.Count < ShapesKept) backend.Selects.TryAdd(fresh, sql);
        return new Statement(sql, values);
    }

    /// <summary>The count of the rows <paramref name="columns"/> would read, as a statement of its own.</summary>
    public Statement CountStatement(Backend backend, IReadOnlyList<QueryExpression> columns)
    {
        var (sql, values) = CompileCount(new SqlContext(backend, []), columns);
        return new Statement(sql, values);
    }

    /// <summary>The SELECT for <paramref name="columns"/>, its parameters appended to the context's.</summary>
    public (string Sql, List<object?> Values) CompileSelect(SqlContext context, IReadOnlyList<QueryExpression> columns, bool withRelated = false)
    {
        context = context.For(this);
        if (!Combined.IsEmpty) return CompileCombined(context);
        (string Columns, string From)? joins = withRelated && !Related.IsEmpty && ValueNames is null ? Joins(context = context.Qualified()) : null;
        var sql = new StringBuilder("SELECT ");
        if (!DistinctOn.IsEmpty)
        {
            if (!context.Backend.CanDistinctOnFields) throw new NotSupportedError("DISTINCT ON fields is not supported by this database backend", Alias, null, null);
            sql.Append("DISTINCT ON (").AppendJoin(", ", DistinctOn.Select(d => d.Compile(context))).Append(") ");
        }
        else if (Distinct)
        {
            sql.Append("DISTINCT ");
            // SELECT DISTINCT must select what it orders by; Django adds those columns too (and so may return more rows).
            columns = [.. columns, .. EffectiveOrder.Where(o => o.Expression is { } e && !columns.Any(c => Same(c, e))).Select(o => o.Expression!)];
        }
        sql.AppendJoin(", ", columns.Select(c => c is Ref r ? $"{c.Compile(context)} AS {Backend.Quote(r.Name)}" : c.Compile(context)));
        if (joins is not null) sql.Append(joins.Value.Columns);
        sql.Append(" FROM ").Append(context.From(this));
        if (joins is not null) sql.Append(joins.Value.From);
        var first = true;
        foreach (var condition in Where)
        {
            if (condition.ContainsAggregate) continue;
            sql.Append(first ? " WHERE " : " AND ").Append(condition.Compile(context));
            first = false;
        }
        if (Grouped) // an aggregate annotation: one row per group; an aggregate alone (Aggregate()) is over all rows
        {
            var groups = GroupColumns(columns);
            if (groups.Count > 0) sql.Append(" GROUP BY ").AppendJoin(", ", groups.Select(g => g.Compile(context)));
            var having = Where.Where(w => w.ContainsAggregate).ToList();
            if (having.Count > 0) sql.Append(" HAVING ").AppendJoin(" AND ", having.Select(w => w.Compile(context)));
        }
        else if (Where.Any(w => w.ContainsAggregate)) throw new FieldError("A filter refers to an aggregate that is not an annotation of the query.");
        AppendOrderAndLimit(sql, context);
        if (Lock is { } rowLock && context.Backend.HasSelectForUpdate) sql.Append(rowLock.Clause(Meta.Table));
        return (sql.ToString(), context.Values);
    }

    /// <summary>
    /// SelectRelated's columns (every field of each related model, in order) and its joins: INNER for a required
    /// reference, LEFT OUTER for a nullable one and for anything reached through one, so no row is lost.
    /// </summary>
    private (string Columns, string From) Joins(SqlContext context)
    {
        var columns = new StringBuilder();
        var from = new StringBuilder();
        var aliases = new Dictionary<string, (string Alias, bool Outer)>();
        var table = Backend.Quote(Meta.Table);
        foreach (var chain in Related)
        {
            var (parent, parentOuter) = chain.Length == 1 ? (table, false) : aliases[string.Join("__", chain[..^1].Select(f => f.Key))];
            var field = chain[^1];
            var target = field.RelatedMeta;
            var alias = context.NextAlias();
            var outer = parentOuter || field.Nullable;
            aliases[string.Join("__", chain.Select(f => f.Key))] = (alias, outer);
            foreach (var column in target.Fields) columns.Append(", ").Append(alias).Append('.').Append(Backend.Quote(column.Column));
            from.Append(outer ? " LEFT OUTER JOIN " : " INNER JOIN ").Append(Backend.Quote(target.Table)).Append(' ').Append(alias)
                .Append(" ON ").Append(alias).Append('.').Append(Backend.Quote(target.Pk.Column)).Append(" = ").Append(parent).Append('.').Append(Backend.Quote(field.Column));
        }
        return (columns.ToString(), from.ToString());
    }

    private List<QueryExpression> GroupColumns(IReadOnlyList<QueryExpression> columns)
    {
        IEnumerable<QueryExpression> groups = GroupBy is { } grouped
            ? grouped
            : columns.Where(c => !c.ContainsAggregate).Concat(Loaded.Select(f => (QueryExpression)new Col(f)).Take(1)); // rows of the model: by primary key at least
        // PostgreSQL wants what is ordered by among the groups.
        groups = groups.Concat(EffectiveOrder.Where(o => o.Expression is { ContainsAggregate: false }).Select(o => o.Expression!));
        var seen = new List<QueryExpression>();
        foreach (var group in groups.Where(g => !g.ContainsAggregate && g is not Value))
            if (!seen.Any(s => Same(s, group))) seen.Add(group);
        return seen;
    }

    private static bool Same(QueryExpression a, QueryExpression b) =>
        ReferenceEquals(a, b) || (a is Col ca && b is Col cb && ca.Field == cb.Field && ca.Join == cb.Join) || (a is Ref ra && b is Ref rb && ra.Name == rb.Name);

    private void AppendOrderAndLimit(StringBuilder sql, SqlContext context)
    {
        var order = EffectiveOrder;
        if (order.Length > 0)
            sql.Append(" ORDER BY ").AppendJoin(", ", order.Select(o => o.Expression is null ? "RANDOM()"
                : o.Expression.Compile(context) + (o.Descending ? " DESC" : " ASC") + (o.NullsFirst switch { true => " NULLS FIRST", false => " NULLS LAST", null => "" })));
        if (Limit is { } n) sql.Append(" LIMIT ").Append(n);
        else if (Offset > 0 && context.Backend.NoLimitValue is { } noLimit) sql.Append(" LIMIT ").Append(noLimit);
        if (Offset > 0) sql.Append(" OFFSET ").Append(Offset);
    }

    /// <summary>
    /// Members of a set operation are each wrapped as <c>SELECT * FROM (…)</c>, since SQLite refuses ORDER BY and LIMIT
    /// inside them; ordering and slicing of the whole wrap the compound in turn.
    /// </summary>
    private static string Keyword(SetOperation op) => op switch
    {
        SetOperation.Union => "UNION",
        SetOperation.UnionAll => "UNION ALL",
        SetOperation.Intersect => "INTERSECT",
        _ => "EXCEPT",
    };

    private (string Sql, List<object?> Values) CompileCombined(SqlContext context)
    {
        var sql = new StringBuilder();
        var i = 0;
        foreach (var (op, member) in Combined)
        {
            if (op != SetOperation.First) sql.Append(' ').Append(Keyword(op)).Append(' ');
            sql.Append($"SELECT * FROM ({member.CompileSelect(context, member.ValueNames is null ? member.ModelColumns() : member.ValueColumns()).Sql}) AS u{i++}");
        }
        if (Order.Length == 0 && !Sliced) return (sql.ToString(), context.Values);
        var outer = new StringBuilder($"SELECT * FROM ({sql}) AS combined");
        // Ordering a compound names its columns, not the members' tables.
        var ordering = this with { Order = [.. Order.Select(o => o.Expression is null ? o : o with { Expression = new AliasColumn(ColumnName(o.Expression), o.Expression.OutputType) })] };
        ordering.AppendOrderAndLimit(outer, context);
        return (outer.ToString(), context.Values);
    }

    private static string ColumnName(QueryExpression expression) => expression switch
    {
        Col col => col.Field.Column,
        Ref r => r.Name,
        _ => throw new NotSupportedException("A combined query can only be ordered by its columns."),
    };

    /// <summary>SELECT COUNT(*), over a subquery when the rows are sliced, distinct, grouped or combined.</summary>
    public (string Sql, List<object?> Values) CompileCount(SqlContext context, IReadOnlyList<QueryExpression> columns)
    {
        if (Lock is not null) return (this with { Lock = null }).CompileCount(context, columns); // as Django: a count locks nothing
        if (Sliced) return ($"SELECT COUNT(*) FROM ({CompileSelect(context, columns).Sql}) AS sub", context.Values);
        if (Distinct || Grouped || !Combined.IsEmpty) // a count does not depend on the order, and DISTINCT would select it
            return ($"SELECT COUNT(*) FROM ({(this with { Order = [] }).CompileSelect(context, columns).Sql}) AS sub", context.Values);
        return (this with { Order = [] }).CompileSelect(context, [new Func("COUNT", [new Star()], typeof(long))]);
    }

    /// <summary>SELECT of aggregates; over a subquery when the rows are sliced, distinct, grouped or combined (Django does the same).</summary>
    public (string Sql, List<object?> Values, List<(string Name, QueryExpression Expression)> Resolved) CompileAggregate(SqlContext context, IReadOnlyList<(string Name, QueryExpression Expression)> aggregates)
    {
        if (Lock is not null) return (this with { Lock = null }).CompileAggregate(context, aggregates);
        if (Sliced || Distinct || Grouped || !Combined.IsEmpty)
        {
            var wrapper = this with { AnnotationsAsColumns = true, Tables = new JoinTable() };
            var resolved = aggregates.Select(a => (a.Name, a.Expression.Resolve(wrapper))).ToList();
            if (wrapper.Tables.Count > 0) throw new FieldError("Cannot compute an aggregate over a relation of a query that is sliced, distinct, grouped or combined: aggregate its columns or annotations.");
            var inner = CompileSelect(context, ValueNames is null ? ModelColumns() : ValueColumns()).Sql;
            var outerSql = $"SELECT {string.Join(", ", resolved.Select(r => r.Item2.Compile(context)))} FROM ({inner}) AS sub";
            return (outerSql, context.Values, resolved);
        }
        // Aggregates across relations join them here, as Django's aggregate() does (Count("books") counts the joined rows).
        var query = Building();
        var plain = aggregates.Select(a => (a.Name, a.Expression.Resolve(query))).ToList();
        query.Tables.Freeze();
        var (sql, values) = (query with { Order = [] }).CompileSelect(context, [.. plain.Select(p => p.Item2)]);
        return (sql, values, plain);
    }

    private sealed class Star : QueryExpression
    {
        internal override QueryExpression Resolve(SqlQuery query) => this;

        internal override string Compile(SqlContext context) => "*";
    }

    /// <summary>A column of an inner select, by its name.</summary>
    private sealed class AliasColumn(string name, Type? output) : QueryExpression
    {
        internal override QueryExpression Resolve(SqlQuery query) => this;

        internal override string Compile(SqlContext context) => Backend.Quote(name);

        internal override Type? OutputType => output;
    }

    public (string Sql, List<object?> Values) CompileDelete(SqlContext context)
    {
        context = context.For(this);
        // As Django: a sliced delete would depend on an order SQL does not promise.
        if (Sliced) throw new InvalidOperationException("Cannot use 'limit' or 'offset' with delete().");
        if (!Combined.IsEmpty || Distinct || Grouped) throw new NotSupportedException("Cannot call delete() after union(), distinct() or an aggregate annotation.");
        var sql = new StringBuilder("DELETE FROM ").Append(Backend.Quote(Meta.Table));
        AppendWriteWhere(sql, context);
        return (sql.ToString(), context.Values);
    }

    public (string Sql, List<object?> Values)? CompileUpdate(SqlContext context, IEnumerable<(string Name, object? Value)> changes, Func<FieldMeta, object?, object?> coerce)
    {
        if (Sliced) throw new InvalidOperationException("Cannot update a query once a slice has been taken.");
        if (!Combined.IsEmpty || Distinct || Grouped) throw new NotSupportedException("Cannot call update() after union(), distinct() or an aggregate annotation.");
        context = context.For(this);
        var sets = new List<string>();
        foreach (var (name, value) in changes)
        {
            var field = Meta.Field(name == "pk" ? Meta.Pk.Key : name);
            if (field == Meta.Pk) throw new FieldError($"Cannot update the primary key of {Meta.Type.Name} with update().");
            string set;
            if (value is QueryExpression expression)
            {
                var building = Building();
                set = expression.Resolve(building).Compile(context);
                if (building.Tables.Count > Tables.Count) throw new FieldError("Joined field references are not permitted in this query");
            }
            else set = context.Param(coerce(field, value));
            sets.Add($"{Backend.Quote(field.Column)} = {set}");
        }
        if (sets.Count == 0) return null; // as Django: nothing to set, no query
        var sql = new StringBuilder($"UPDATE {Backend.Quote(Meta.Table)} SET ").AppendJoin(", ", sets);
        AppendWriteWhere(sql, context);
        return (sql.ToString(), context.Values);
    }

    /// <summary>
    /// The WHERE of an UPDATE or DELETE. Neither can join, so conditions across relations select the primary keys in a
    /// subquery, as Django's SQLUpdateCompiler and SQLDeleteCompiler do.
    /// </summary>
    private void AppendWriteWhere(StringBuilder sql, SqlContext context)
    {
        if (Where.Length == 0) return;
        if (Tables.Count == 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", Where.Select(w => w.Compile(context)));
            return;
        }
        var rows = new SqlQuery(Meta, Alias) { Where = Where, Tables = Tables };
        sql.Append(" WHERE ").Append(Backend.Quote(Meta.Pk.Column)).Append(" IN (")
            .Append(rows.CompileSelect(context.Nested(rows), [new Col(Meta.Pk)]).Sql).Append(')');
    }
}
