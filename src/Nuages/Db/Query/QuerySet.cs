using System.Collections.Immutable;
using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A lazy, immutable query over a model, Django's QuerySet: <c>Filter</c>/<c>Exclude</c> with Django lookups
/// (<c>"name__startswith"</c>), lambdas or <see cref="Q"/>s, <c>OrderBy</c>, <c>Slice</c>, <c>Annotate</c>,
/// <c>Values</c>, set operations, <c>Using</c>. Building never touches the database (as django/db/models/query.py); every method that
/// runs SQL has a sync form (refused in async code, as django/utils/asyncio.py does) and an async twin doing real async I/O where the driver
/// has it. Values always travel as parameters.
/// </summary>
public partial class QuerySet<T> : ISubquery where T : Model<T>, new()
{
    private readonly SqlQuery _query;

    /// <summary>All rows of the model.</summary>
    protected QuerySet() : this(Initial()) { }

    private protected static SqlQuery Initial() => new(ModelMeta.For(typeof(T)), Database.DefaultAlias) { Order = DefaultOrder(), DefaultOrder = true };

    // Reads go where the routers say when no alias was named; writes ask again (WriteAlias).
    internal QuerySet(SqlQuery query) => _query = query.AliasGiven || !Routers.Active || Routers.ForRead(typeof(T)) is not { } routed ? query : query with { Alias = routed };

    /// <summary>Where a write of this query goes: the alias named, or the routers' choice, or <c>default</c>.</summary>
    private string WriteAlias => _query.AliasGiven ? _query.Alias : Routers.ForWrite(typeof(T)) ?? Database.DefaultAlias;

    /// <summary>For a write: this query on the alias writes go to, named, so nothing below asks the routers again.</summary>
    private QuerySet<T>? Rerouted => _query.AliasGiven || !Routers.Active ? null : Using(WriteAlias);

    internal static ModelMeta Meta => ModelMeta.For(typeof(T));

    SqlQuery ISubquery.Query => _query;

    IReadOnlyList<QueryExpression> ISubquery.Columns => [new Col(Meta.Pk)];

    private static ImmutableArray<OrderItem> DefaultOrder()
    {
        var meta = ModelMeta.For(typeof(T));
        return [.. meta.Ordering.Select(name => new OrderItem(new Col(meta.Field(name.TrimStart('-'))), name.StartsWith('-')))];
    }

    private static QuerySet<T> With(SqlQuery query) => new(query);

    /// <summary>Rows matching a Django lookup: <c>Filter("name__istartswith", "a")</c>, <c>Filter("id__in", new[] { 1, 2 })</c>, <c>Filter("age__gt", new F("min_age"))</c>.</summary>
    public QuerySet<T> Filter(string lookup, object? value) => With(_query.FilterColumn(lookup, value) ?? _query.AddQ(new Q(lookup, value)));

    /// <summary>Rows not matching the lookup.</summary>
    public QuerySet<T> Exclude(string lookup, object? value) => With(_query.AddQ(~new Q(lookup, value), "exclude"));

    /// <summary>Rows matching a <see cref="Q"/>: <c>Filter(new Q("name", "Ada") | new Q("age__lt", 18))</c>.</summary>
    public QuerySet<T> Filter(Q q) => With(_query.AddQ(q));

    /// <summary>Rows not matching the <see cref="Q"/>.</summary>
    public QuerySet<T> Exclude(Q q) => With(_query.AddQ(~q, "exclude"));

    /// <summary>Rows for which a boolean expression holds, such as <see cref="Exists"/>.</summary>
    public QuerySet<T> Filter(QueryExpression condition) => With(_query.AddQ(new Q(condition)));

    /// <summary>Rows for which a boolean expression does not hold: <c>Exclude(new Exists(…))</c>.</summary>
    public QuerySet<T> Exclude(QueryExpression condition) => With(_query.AddQ(~new Q(condition), "exclude"));

    /// <summary>Rows for which <paramref name="predicate"/> holds: <c>a =&gt; a.Name.StartsWith("A") &amp;&amp; a.Age &gt; 3</c>, same semantics as the lookups.</summary>
    public QuerySet<T> Filter(System.Linq.Expressions.Expression<Func<T, bool>> predicate) => With(_query.AddQ(LambdaTranslator.Translate(predicate, _query)));

    /// <summary>Rows for which <paramref name="predicate"/> does not hold.</summary>
    public QuerySet<T> Exclude(System.Linq.Expressions.Expression<Func<T, bool>> predicate) => With(_query.AddQ(~LambdaTranslator.Translate(predicate, _query), "exclude"));

    /// <summary>Orders by fields or annotations; <c>"-name"</c> for descending, <c>"?"</c> at random. Replaces any earlier ordering.</summary>
    public QuerySet<T> OrderBy(params string[] fields) => With(_query.OrderBy(fields));

    /// <summary>
    /// Orders by names and expressions: <c>OrderBy(new Lower("name"), new F("joined").Desc(nullsLast: true), "-id")</c>
    /// (an expression alone is ascending). Replaces any earlier ordering.
    /// </summary>
    public QuerySet<T> OrderBy(params object[] terms) => With(_query.OrderBy(terms));

    /// <summary>The ordering reversed (no effect on an unordered query, as in Django).</summary>
    public QuerySet<T> Reverse() => With(_query.Reverse());

    /// <summary>Drops duplicate rows (SELECT DISTINCT).</summary>
    public QuerySet<T> Distinct() => With(_query with { Distinct = true });

    /// <summary>
    /// One row per distinct value of <paramref name="fields"/> (Django's <c>distinct(*fields)</c>, SELECT DISTINCT ON):
    /// PostgreSQL only — SQLite raises <see cref="NotSupportedError"/> — and the ordering must start with those fields.
    /// </summary>
    public QuerySet<T> Distinct(params string[] fields)
    {
        if (fields.Length == 0) return Distinct();
        var query = _query.Building();
        var on = fields.Select(query.ResolveName).ToImmutableArray();
        query.Tables.Freeze();
        return With(query with { Distinct = true, DistinctOn = on });
    }

    /// <summary>
    /// Reads the rows these references point at in the same statement, with joins (Django's <c>select_related</c>):
    /// <c>SelectRelated("author", "author__publisher")</c>, then <c>book.Author.Value</c> needs no query, in sync or
    /// async code. With no names, every required reference is followed. Nullable references are joined so that rows
    /// without one stay.
    /// </summary>
    public QuerySet<T> SelectRelated(params string[] fields) => With(_query.SelectRelated(fields));

    /// <summary>
    /// Reads these relations for all the rows at once, one more query per step, when the rows are read (Django's
    /// <c>prefetch_related</c>): <c>PrefetchRelated("books", "books__tags")</c>, or a <see cref="Prefetch"/> with a query
    /// of its own and a <c>toAttr</c>. Then <c>author.Books.ToList()</c> and <c>book.Author.Value</c> need no query.
    /// </summary>
    public QuerySet<T> PrefetchRelated(params object[] lookups) => With(_query with
    {
        Prefetches = _query.Prefetches.AddRange(lookups.Select(l => l as Prefetch ?? new Prefetch(l as string
            ?? throw new ArgumentException($"PrefetchRelated takes lookup names and Prefetch objects, not {l?.GetType().Name ?? "null"}.")))),
    });

    /// <summary>What a related manager answers from: the rows PrefetchRelated read.</summary>
    internal void Prefill(List<T> rows) => _cache = rows;

    /// <summary>
    /// Locks the rows read until the end of the transaction (<c>SELECT … FOR UPDATE</c>): <paramref name="nowait"/> fails
    /// at once on a locked row, <paramref name="skipLocked"/> leaves locked rows out, <paramref name="of"/> <c>["self"]</c>
    /// locks this model's table only, <paramref name="noKey"/> takes the weaker FOR NO KEY UPDATE. Reading it outside an
    /// atomic block on PostgreSQL is a <see cref="TransactionManagementError"/>; SQLite, which has no row locks, ignores it
    /// (its transactions take the database's write lock when they begin).
    /// </summary>
    public QuerySet<T> SelectForUpdate(bool nowait = false, bool skipLocked = false, string[]? of = null, bool noKey = false)
    {
        if (nowait && skipLocked) throw new ArgumentException("The nowait option cannot be used with skip_locked.");
        var invalid = (of ?? []).Where(name => name != "self").ToList();
        if (invalid.Count > 0)
            throw new FieldError($"Invalid field name(s) given in select_for_update(of=(...)): {string.Join(", ", invalid)}. Only relational fields followed in the query are allowed. Choices are: self.");
        return With(_query with { Lock = new RowLock(nowait, skipLocked, of is { Length: > 0 }, noKey) });
    }

    /// <summary>
    /// Django's <c>qs[i]</c>: the row at <paramref name="index"/> in the query's order, read now (one row, LIMIT 1
    /// OFFSET i); from the result cache when the query was read. <see cref="ArgumentOutOfRangeException"/> when there is
    /// none, as Python's IndexError; counting from the end is refused, as Django refuses negative indexing.
    /// </summary>
    public T this[Index index]
    {
        get
        {
            if (index.IsFromEnd) throw new ArgumentException("Negative indexing is not supported.");
            if (_cache is { } cached) return index.Value < cached.Count ? cached[index.Value] : throw new ArgumentOutOfRangeException(nameof(index), "list index out of range");
            return Slice(index.Value, index.Value + 1).ToList() is [var row] ? row : throw new ArgumentOutOfRangeException(nameof(index), "list index out of range");
        }
    }

    /// <summary>Django's <c>qs[2:5]</c> as a C# range, <c>qs[2..5]</c>: a query with OFFSET and LIMIT, not read yet.</summary>
    public QuerySet<T> this[Range range]
    {
        get
        {
            if (range.Start.IsFromEnd || (range.End.IsFromEnd && range.End.Value != 0)) throw new ArgumentException("Negative indexing is not supported.");
            return Slice(range.Start.Value, range.End.IsFromEnd ? null : range.End.Value);
        }
    }

    /// <summary>Django's slicing <c>qs[start:end]</c>: OFFSET and LIMIT; slices of slices compose.</summary>
    public QuerySet<T> Slice(int start, int? end = null) => With(_query.Slice(start, end));

    /// <summary>Runs on another database alias.</summary>
    public QuerySet<T> Using(string alias) => With(_query with { Alias = alias, AliasGiven = true });

    /// <summary>A copy of this query, with no results cached (Django's all()).</summary>
    public QuerySet<T> All() => With(_query);

    /// <summary>A query that matches nothing (Django's none()): it still composes, and counts 0.</summary>
    public QuerySet<T> None() => With(_query with { Where = _query.Where.Add(new ExpressionNode(new Value(false))) });

    /// <summary>
    /// Adds computed values to each row, named by the properties of <paramref name="annotations"/>
    /// (<c>Annotate(new { BookCount = new Count("book") })</c>, read back as <c>row.Annotations["book_count"]</c>);
    /// they can be filtered and ordered by. An aggregate groups the rows.
    /// </summary>
    public QuerySet<T> Annotate(object annotations) => With(_query.Annotate(Named(annotations), selected: true));

    /// <summary>Annotates aggregates under Django's default names (<c>new Sum("age")</c> is <c>age__sum</c>).</summary>
    public QuerySet<T> Annotate(params Aggregate[] aggregates) => With(_query.Annotate(aggregates.Select(a => (a.DefaultAlias, (QueryExpression)a)), selected: true));

    /// <summary>Like Annotate, but the values are only for filtering and ordering: they are not selected.</summary>
    public QuerySet<T> Alias(object aliases) => With(_query.Annotate(Named(aliases), selected: false));

    /// <summary>Reads only these fields (and the primary key); Save then writes only the fields it read.</summary>
    public QuerySet<T> Only(params string[] fields)
    {
        var named = fields.Select(name => Meta.Field(name == "pk" ? Meta.Pk.Key : name)).ToHashSet();
        return With(_query with { Loaded = [.. Meta.Fields.Where(f => f == Meta.Pk || named.Contains(f))] });
    }

    /// <summary>Reads every field but these; Save then writes only the fields it read.</summary>
    public QuerySet<T> Defer(params string[] fields)
    {
        var named = fields.Select(Meta.Field).ToHashSet();
        return With(_query with { Loaded = [.. _query.Loaded.Where(f => f == Meta.Pk || !named.Contains(f))] });
    }

    /// <summary>Rows as dictionaries of the named fields and annotations (all fields when none are named), Django's values().</summary>
    public ValuesQuerySet<Dictionary<string, object?>> Values(params string[] fields)
    {
        return new(ValuesQuery(fields), (reader, names, columns) =>
        {
            var row = new Dictionary<string, object?>(names.Count);
            for (var i = 0; i < names.Count; i++) row[names[i]] = ModelMeta.ReadColumn(reader.GetValue(i), columns[i]);
            return row;
        });
    }

    /// <summary>Rows as arrays of the named fields' values, Django's values_list().</summary>
    public ValuesQuerySet<object?[]> ValuesList(params string[] fields) => new(ValuesQuery(fields), (reader, _, columns) =>
    {
        var row = new object?[columns.Count];
        for (var i = 0; i < row.Length; i++) row[i] = ModelMeta.ReadColumn(reader.GetValue(i), columns[i]);
        return row;
    });

    /// <summary>Rows whose values are read by name or position (Django's <c>values_list(..., named=True)</c>): <c>row["title"]</c>, <c>row[0]</c>.</summary>
    public ValuesQuerySet<NamedRow> ValuesList(string[] fields, bool named)
    {
        if (!named) throw new ArgumentException("Use ValuesList(fields) for arrays; named: true reads rows by field name.");
        return new(ValuesQuery(fields), (reader, names, columns) =>
        {
            var values = new object?[columns.Count];
            for (var i = 0; i < values.Length; i++) values[i] = ModelMeta.ReadColumn(reader.GetValue(i), columns[i]);
            return new NamedRow(names, values);
        });
    }

    /// <summary>One field's values, Django's <c>values_list("name", flat=True)</c>.</summary>
    public ValuesQuerySet<object?> ValuesList(string field, bool flat)
    {
        if (!flat) throw new ArgumentException("Use ValuesList(fields) for rows; flat: true reads one field's values.");
        return new(ValuesQuery([field]), (reader, _, columns) => ModelMeta.ReadColumn(reader.GetValue(0), columns[0]));
    }

    /// <summary>One field's values, typed: <c>ValuesList&lt;string&gt;("name")</c>.</summary>
    public ValuesQuerySet<TValue> ValuesList<TValue>(string field) =>
        new(ValuesQuery([field]), (reader, _, columns) => (TValue)ModelMeta.ReadColumn(reader.GetValue(0), columns[0], typeof(TValue))!);

    private SqlQuery ValuesQuery(string[] fields)
    {
        ImmutableArray<string> names = fields.Length > 0
            ? [.. fields]
            : [.. Meta.Fields.Select(f => f.Key), .. _query.Annotations.Where(a => a.Selected).Select(a => a.Name)];
        return _query.SelectValues(names); // a bad name fails now, listing the choices
    }

    /// <summary>Rows of either query (SQL UNION; duplicates dropped unless <paramref name="all"/>).</summary>
    public QuerySet<T> Union(QuerySet<T> other, bool all = false) => With(_query.Combine(all ? SetOperation.UnionAll : SetOperation.Union, other._query));

    /// <summary>Rows of both queries (SQL INTERSECT).</summary>
    public QuerySet<T> Intersection(QuerySet<T> other) => With(_query.Combine(SetOperation.Intersect, other._query));

    /// <summary>Rows of this query not in <paramref name="other"/> (SQL EXCEPT).</summary>
    public QuerySet<T> Difference(QuerySet<T> other) => With(_query.Combine(SetOperation.Except, other._query));

    internal Executor Executor => Executor.For(_query.Alias);

    private static IEnumerable<(string Name, object? Value)> Arguments(object? values) => QuerySetArguments.Of(values);

    private static IEnumerable<(string Name, QueryExpression Expression)> Named(object annotations) => QuerySetArguments.Named(annotations);
}

/// <summary>Django's keyword arguments, written in C# as an anonymous object: <c>new { Name = "Ada", Age = 36 }</c>.</summary>
internal static class QuerySetArguments
{
    /// <summary>The properties by column name (<c>Name</c> or <c>name</c> is <c>name</c>).</summary>
    public static IEnumerable<(string Name, object? Value)> Of(object? values) => values switch
    {
        null => [],
        IEnumerable<KeyValuePair<string, object?>> dictionary => dictionary.Select(kv => (kv.Key, kv.Value)),
        _ => values.GetType().GetProperties().Select(p => (ModelMeta.SnakeCase(p.Name), p.GetValue(values))),
    };

    /// <summary>Named expressions; a constant becomes a <see cref="Value"/>.</summary>
    public static IEnumerable<(string Name, QueryExpression Expression)> Named(object annotations) =>
        Of(annotations).Select(a => (a.Name, a.Value as QueryExpression ?? new Value(a.Value)));
}

/// <summary>A model's manager (<c>Author.Objects</c>): the QuerySet of all its rows, and the entry point of queries.</summary>
public class Manager<T> : QuerySet<T> where T : Model<T>, new()
{
    /// <summary>
    /// The rows of a raw SELECT as models (Django's <c>Manager.raw</c>): <c>%s</c> placeholders for
    /// <paramref name="parameters"/>; columns match fields by column name, or by <c>translations</c> (column → field).
    /// </summary>
    public RawQuerySet<T> Raw(string sql, params object?[] parameters) => new(sql, parameters, null, null);

    /// <summary><see cref="Raw(string, object?[])"/> with columns renamed to fields by <paramref name="translations"/>.</summary>
    public RawQuerySet<T> Raw(string sql, object?[] parameters, IReadOnlyDictionary<string, string> translations) => new(sql, parameters, translations, null);

    /// <summary>For custom managers: subclass and add methods that return QuerySets (<c>public QuerySet&lt;Book&gt; Long() =&gt; Filter("pages__gt", 500)</c>).</summary>
    protected internal Manager()
    {
    }

    /// <summary>
    /// A manager over a narrower base query (Django's <c>get_queryset</c> override):
    /// <c>public Published() : base(books =&gt; books.Filter("status", "published")) { }</c>.
    /// </summary>
    protected Manager(Func<QuerySet<T>, QuerySet<T>> baseQuery) : base(((ISubquery)baseQuery(new QuerySet<T>(Initial()))).Query)
    {
    }

    /// <summary>A manager over an explicit query: the related managers.</summary>
    private protected Manager(SqlQuery query) : base(query)
    {
    }

    /// <summary>A manager is shared by every caller, so it never keeps results.</summary>
    private protected override bool CachesResults => false;
}
