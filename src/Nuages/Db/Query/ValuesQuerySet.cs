using System.Collections;
using System.Data.Common;

namespace Nuages.Db.Query;

/// <summary>
/// A QuerySet of plain values (Django's <c>values()</c> and <c>values_list()</c>): dictionaries, arrays or one field's
/// values. It still filters, orders, slices and annotates; an aggregate annotated after it groups by the values selected,
/// as in <c>Values("author").Annotate(new { Books = new Count("id") })</c>. Reading has async twins and
/// <c>await foreach</c> (as django/db/models/query.py).
/// </summary>
public sealed class ValuesQuerySet<TRow> : IEnumerable<TRow>, IAsyncRows, ISubquery
{
    private readonly SqlQuery _query;
    private readonly Func<DbDataReader, IReadOnlyList<string>, IReadOnlyList<QueryExpression>, TRow> _read;

    internal ValuesQuerySet(SqlQuery query, Func<DbDataReader, IReadOnlyList<string>, IReadOnlyList<QueryExpression>, TRow> read)
    {
        _query = query;
        _read = read;
    }

    SqlQuery ISubquery.Query => _query;

    IReadOnlyList<QueryExpression> ISubquery.Columns => _query.ValueColumns();

    private ValuesQuerySet<TRow> With(SqlQuery query) => new(query, _read);

    /// <summary>Rows matching a Django lookup.</summary>
    public ValuesQuerySet<TRow> Filter(string lookup, object? value) => With(_query.AddQ(new Q(lookup, value)));

    /// <summary>Rows matching a <see cref="Q"/>.</summary>
    public ValuesQuerySet<TRow> Filter(Q q) => With(_query.AddQ(q));

    /// <summary>Rows not matching the lookup.</summary>
    public ValuesQuerySet<TRow> Exclude(string lookup, object? value) => With(_query.AddQ(~new Q(lookup, value), "exclude"));

    /// <summary>Rows not matching the <see cref="Q"/>.</summary>
    public ValuesQuerySet<TRow> Exclude(Q q) => With(_query.AddQ(~q, "exclude"));

    /// <summary>Orders by fields or annotations; <c>"-name"</c> for descending, <c>"?"</c> at random.</summary>
    public ValuesQuerySet<TRow> OrderBy(params string[] fields) => With(_query.OrderBy(fields));

    /// <summary>Orders by names and expressions (<c>new F("x").Desc(nullsLast: true)</c>).</summary>
    public ValuesQuerySet<TRow> OrderBy(params object[] terms) => With(_query.OrderBy(terms));

    /// <summary>The ordering reversed.</summary>
    public ValuesQuerySet<TRow> Reverse() => With(_query.Reverse());

    /// <summary>Runs on another database alias.</summary>
    public ValuesQuerySet<TRow> Using(string alias) => With(_query with { Alias = alias, AliasGiven = true });

    /// <summary>Drops duplicate rows.</summary>
    public ValuesQuerySet<TRow> Distinct() => With(_query with { Distinct = true });

    /// <summary>OFFSET and LIMIT.</summary>
    public ValuesQuerySet<TRow> Slice(int start, int? end = null) => With(_query.Slice(start, end));

    /// <summary>Adds named computed values to each row; an aggregate groups by the values selected so far.</summary>
    public ValuesQuerySet<TRow> Annotate(object annotations) =>
        With(_query.Annotate(QuerySetArguments.Named(annotations), selected: true));

    /// <summary>
    /// One field or annotation's values, keeping the grouping so far: the count per author as a one-column subquery is
    /// <c>Values("author_id").Annotate(new { N = new Count() }).ValuesList&lt;long&gt;("n")</c>.
    /// </summary>
    public ValuesQuerySet<TValue> ValuesList<TValue>(string field)
    {
        return new(_query.SelectValues([field]), (reader, _, columns) => (TValue)Models.ModelMeta.ReadColumn(reader.GetValue(0), columns[0], typeof(TValue))!);
    }

    /// <summary>Rows of either query (SQL UNION).</summary>
    public ValuesQuerySet<TRow> Union(ValuesQuerySet<TRow> other, bool all = false) => With(_query.Combine(all ? SetOperation.UnionAll : SetOperation.Union, other._query));

    private Statement Select(Executor executor) => _query.SelectStatement(executor.Backend, _query.ValueColumns());

    private Func<DbDataReader, TRow> Reader()
    {
        var names = _query.ValueNames!.Value;
        var columns = _query.ValueColumns();
        return reader => _read(reader, names, columns);
    }

    /// <summary>The rows, read now.</summary>
    public List<TRow> ToList()
    {
        if (_query.NeverMatches) return [];
        var executor = Executor.For(_query.Alias);
        return executor.Read("QuerySet.ToList", Select(executor), Reader());
    }

    /// <summary>The rows, read asynchronously.</summary>
    public Task<List<TRow>> ToListAsync(CancellationToken cancellationToken = default)
    {
        if (_query.NeverMatches) return Task.FromResult(new List<TRow>());
        var executor = Executor.For(_query.Alias);
        return executor.ReadAsync(Select(executor), Reader(), cancellationToken);
    }

    /// <summary>The first row, or the type's default when there is none.</summary>
    public TRow? First() => (_query.Order.Length > 0 ? this : OrderBy("pk")).Slice(0, 1).ToList().FirstOrDefault();

    /// <summary>The first row, asynchronously.</summary>
    public async Task<TRow?> FirstAsync(CancellationToken cancellationToken = default) =>
        (await (_query.Order.Length > 0 ? this : OrderBy("pk")).Slice(0, 1).ToListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>The number of rows.</summary>
    public long Count()
    {
        if (_query.NeverMatches) return 0;
        var executor = Executor.For(_query.Alias);
        return Convert.ToInt64(executor.Run("QuerySet.Count", _query.CountStatement(executor.Backend, _query.ValueColumns()), command => command.ExecuteScalar()), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The number of rows, asynchronously.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        if (_query.NeverMatches) return 0;
        var executor = Executor.For(_query.Alias);
        var count = await executor.RunAsync(_query.CountStatement(executor.Backend, _query.ValueColumns()), (command, token) => command.ExecuteScalarAsync(token), executor.ReadToken(cancellationToken)).ConfigureAwait(false);
        return Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public IEnumerator<TRow> GetEnumerator() => ToList().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public async IAsyncEnumerator<TRow> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        foreach (var row in await ToListAsync(cancellationToken).ConfigureAwait(false)) yield return row;
    }

    /// <summary>The rows as an async sequence, for async LINQ and for APIs that take one.</summary>
    public IAsyncEnumerable<TRow> AsAsyncEnumerable() => new AsyncRows<TRow>(GetAsyncEnumerator);

    async ValueTask<IList> IAsyncRows.ReadAllAsync(CancellationToken cancellationToken) => await ToListAsync(cancellationToken).ConfigureAwait(false);
}

/// <summary>A row of <c>ValuesList(fields, named: true)</c> (Django's named tuple): its values by field name or by position.</summary>
public sealed class NamedRow : IReadOnlyList<object?>
{
    private readonly IReadOnlyList<string> _names;
    private readonly object?[] _values;

    internal NamedRow(IReadOnlyList<string> names, object?[] values)
    {
        _names = names;
        _values = values;
    }

    /// <summary>The field names, in order.</summary>
    public IReadOnlyList<string> Fields => _names;

    /// <summary>A value by position.</summary>
    public object? this[int index] => _values[index];

    /// <summary>A value by field name; an unknown name fails naming the fields, as Python's AttributeError.</summary>
    public object? this[string field]
    {
        get
        {
            for (var i = 0; i < _names.Count; i++)
                if (_names[i] == field) return _values[i];
            throw new KeyNotFoundException($"'Row' object has no attribute '{field}'. Fields are: {string.Join(", ", _names)}.");
        }
    }

    /// <inheritdoc />
    public int Count => _values.Length;

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "Row(" + string.Join(", ", _names.Select((n, i) => $"{n}={_values[i]}")) + ")";
}
