using System.Collections.Immutable;
using System.Text;
using Nuages.Core;
using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>How a member joins a set operation (Django's union, intersection, difference); the first member has none.</summary>
internal enum SetOperation
{
    First,
    Union,
    UnionAll,
    Intersect,
    Except,
}

/// <summary>One ORDER BY term; a null expression orders at random (<c>OrderBy("?")</c>).</summary>
internal sealed record OrderItem(QueryExpression? Expression, bool Descending, bool? NullsFirst = null)
{
    /// <summary>The other way: descending flips, and so does where NULLs go (Django's reverse_ordering).</summary>
    public OrderItem Reversed() => this with { Descending = !Descending, NullsFirst = NullsFirst is { } first ? !first : null };
}

/// <summary>A named expression of the query; an <c>Alias</c> is one that is not selected.</summary>
internal sealed record Annotation(string Name, QueryExpression Expression, bool Selected);

/// <summary>Django's <c>select_for_update</c> options: how the selected rows are locked.</summary>
internal sealed record RowLock(bool NoWait, bool SkipLocked, bool Of, bool NoKey)
{
    public string Clause(string table) =>
        (NoKey ? " FOR NO KEY UPDATE" : " FOR UPDATE") + (Of ? " OF " + Backend.Quote(table) : "") + (NoWait ? " NOWAIT" : SkipLocked ? " SKIP LOCKED" : "");
}

/// <summary>
/// Everything a QuerySet says, immutable (its compilation to SQL is in SqlQuery.Compiler.cs). The public query types are
/// thin shells over it, so QuerySet, Values and ValuesList share one compiler.
/// </summary>
internal sealed partial record SqlQuery(ModelMeta Meta, string Alias)
{
    public ImmutableArray<WhereNode> Where { get; init; } = [];

    /// <summary>The tables joined by lookups, ordering, values and annotations across relations.</summary>
    public JoinTable Tables { get; init; } = JoinTable.Empty;
    public ImmutableArray<OrderItem> Order { get; init; } = [];

    /// <summary>The order is the model's [Ordering]: Django leaves that out of grouped queries, where it would split the groups.</summary>
    public bool DefaultOrder { get; init; }

    /// <summary>The ordering the SQL uses.</summary>
    private ImmutableArray<OrderItem> EffectiveOrder => DefaultOrder && Grouped ? [] : Order;
    public int Offset { get; init; }
    public int? Limit { get; init; }
    public bool Distinct { get; init; }

    /// <summary>DISTINCT ON these expressions (PostgreSQL; Django's <c>distinct(*fields)</c>).</summary>
    public ImmutableArray<QueryExpression> DistinctOn { get; init; } = [];
    public ImmutableArray<Annotation> Annotations { get; init; } = [];

    /// <summary>The model fields read into instances (Only/Defer); the primary key is always among them.</summary>
    public ImmutableArray<FieldMeta> Loaded { get; init; } = [.. Meta.Fields];

    /// <summary>What Values/ValuesList select, by name; null for model instances.</summary>
    public ImmutableArray<string>? ValueNames { get; init; }

    /// <summary>What Values selects, resolved when Values was called (its joins made then).</summary>
    public ImmutableDictionary<string, QueryExpression> ValueExpressions { get; init; } = ImmutableDictionary<string, QueryExpression>.Empty;

    /// <summary>What rows are grouped by, fixed when an aggregate is annotated after Values (Django's GROUP BY rule).</summary>
    public ImmutableArray<QueryExpression>? GroupBy { get; init; }

    /// <summary>The other members of a Union/Intersection/Difference, with their operators.</summary>
    public ImmutableArray<(SetOperation Operator, SqlQuery Query)> Combined { get; init; } = [];

    /// <summary>The alias was named (Using, a related manager's row): routers are not asked.</summary>
    public bool AliasGiven { get; init; }

    /// <summary>The references SelectRelated reads in the same statement, each a chain of references from this model, parents first.</summary>
    public ImmutableArray<ImmutableArray<FieldMeta>> Related { get; init; } = [];

    /// <summary>The relations read for the rows after them, one more query per step (PrefetchRelated).</summary>
    public ImmutableArray<Prefetch> Prefetches { get; init; } = [];

    /// <summary>The values a related manager gives the rows it creates: its relation to the row it belongs to.</summary>
    public ImmutableArray<(FieldMeta Field, object? Value)> Fixed { get; init; } = [];

    /// <summary>SELECT … FOR UPDATE; PostgreSQL only, as SQLite locks the whole database for a writing transaction.</summary>
    public RowLock? Lock { get; init; }

    /// <summary>Set while resolving an aggregate over a wrapped query: annotations are then columns of the inner select.</summary>
    private bool AnnotationsAsColumns { get; init; }

    public bool Sliced => Limit is not null || Offset > 0;

    /// <summary>A condition can match no row (<c>id__in</c> an empty list, <c>None()</c>): Django's EmptyResultSet, answered without a query.</summary>
    public bool NeverMatches => Combined.IsEmpty && Where.Any(w => w.NeverMatches);

    public bool Grouped => GroupBy is not null || Annotations.Any(a => a.Expression.ContainsAggregate);

    /// <summary>
    /// A field, <c>pk</c>, an annotation, or a path across relations (<c>author__name</c>, <c>books__pages</c>) by name,
    /// joining what the path crosses (Django's F resolution); a name that is none of these fails here, listing the choices.
    /// </summary>
    public QueryExpression ResolveName(string name)
    {
        if (name == "pk") name = Meta.Pk.Key;
        if (!Annotations.IsEmpty && Annotations.FirstOrDefault(a => a.Name == name) is { } annotation)
            return AnnotationsAsColumns ? new AliasColumn(name, annotation.Expression.OutputType) : new Ref(name, annotation.Expression);
        if (Meta.ByName.TryGetValue(name, out var field)) return new Col(field);
        if (!name.Contains("__", StringComparison.Ordinal) && !IsField(Meta, name)) throw Unresolved(name);
        var parts = name.Split("__");
        var target = SetupJoins(parts, Tables.Reuse, allowMany: true);
        if (target.Consumed < parts.Length && target.Field.Json) return new KeyTransform(new Col(target.Field, target.Alias), parts[target.Consumed..]);
        if (target.Consumed < parts.Length)
            throw new FieldError($"Cannot resolve keyword '{parts[target.Consumed]}' into field. Join on '{string.Join("__", parts[..target.Consumed])}' not permitted.");
        return new Col(target.Field, target.Alias);
    }

    /// <summary>A name resolved without joining: across a reference, the related row's column as a correlated subquery (for OuterRef).</summary>
    public QueryExpression ResolveWithoutJoins(string name)
    {
        if (name == "pk") name = Meta.Pk.Key;
        if (!Annotations.IsEmpty && Annotations.FirstOrDefault(a => a.Name == name) is { } annotation)
            return AnnotationsAsColumns ? new AliasColumn(name, annotation.Expression.OutputType) : new Ref(name, annotation.Expression);
        if (ValueExpressions.TryGetValue(name, out var selected)) return selected;
        if (Meta.ByName.TryGetValue(name, out var field)) return new Col(field);
        if (name.Contains("__", StringComparison.Ordinal)) return RelatedValue(name);
        throw Unresolved(name);
    }

    /// <summary>Django's error for a name that is no field, relation or annotation, with the choices.</summary>
    public FieldError Unresolved(string name)
    {
        var choices = Meta.Fields.Select(f => f.Key).Concat(Meta.RelationNames).Concat(Annotations.Select(a => a.Name)).Distinct().Order(StringComparer.Ordinal);
        return new FieldError($"Cannot resolve keyword '{name}' into field. Choices are: {string.Join(", ", choices)}.");
    }

    /// <summary>
    /// A value across a relation to one row (<c>author__name</c> in OrderBy, Values or F): the related row's column as a
    /// correlated subquery, one value per row, so nothing is repeated or lost when the reference is NULL.
    /// </summary>
    private QueryExpression RelatedValue(string path)
    {
        var cut = path.IndexOf("__", StringComparison.Ordinal);
        var (head, rest) = (path[..cut], path[(cut + 2)..]);
        if (Meta.ByName.TryGetValue(head, out var field) && field.IsRelation)
        {
            if (rest is "id" or "pk") return new Col(field);
            var target = new SqlQuery(field.RelatedMeta, Alias);
            var row = target.Filter(new LeafNode(new Col(target.Meta.Pk), LookupKind.Exact, new OuterRef(head)));
            return new Subquery(new RelationSubquery(row, [target.ResolveWithoutJoins(rest)]));
        }
        if (Meta.ReverseNamed(head) is not null || Meta.ManyToManyNamed(head) is not null)
            throw new FieldError($"'{head}' relates each {Meta.Type.Name} to many rows, so OuterRef('{path}') has many values: filter the subquery on the related rows instead.");
        throw Unresolved(head);
    }

    /// <summary>Adds a condition built on this query's own columns (related managers, prefetching, deletion).</summary>
    public SqlQuery Filter(WhereNode node, string method = "filter")
    {
        CheckFilterable(method);
        return this with { Where = Where.Add(node) };
    }

    /// <summary>
    /// Orders by names (<c>"-name"</c> descending, <c>"?"</c> at random), expressions (ascending) or
    /// <see cref="OrderExpression"/>s (<c>new F("x").Desc(nullsLast: true)</c>), each resolved now.
    /// </summary>
    public SqlQuery OrderBy(IEnumerable<object> terms)
    {
        if (Sliced) throw new InvalidOperationException("Cannot reorder a query once a slice has been taken.");
        var query = Building();
        ImmutableArray<OrderItem> order = [.. terms.Select(term => term switch
        {
            "?" => new OrderItem(null, false),
            string name => new OrderItem(query.ResolveName(name.TrimStart('-')), name.StartsWith('-')),
            OrderExpression ordered => new OrderItem(ordered.Expression.Resolve(query), ordered.Descending, ordered.NullsFirst),
            QueryExpression expression => new OrderItem(expression.Resolve(query), false),
            _ => throw new ArgumentException($"OrderBy takes field names and expressions, not {term?.GetType().Name ?? "null"}."),
        })];
        query.Tables.Freeze();
        return query with { DefaultOrder = false, Order = order };
    }

    public SqlQuery Reverse()
    {
        if (Sliced) throw new InvalidOperationException("Cannot reverse a query once a slice has been taken.");
        return this with { Order = [.. Order.Select(o => o.Reversed())] };
    }

    public SqlQuery Slice(int start, int? end)
    {
        if (start < 0 || end < 0) throw new ArgumentException("Negative indexing is not supported.");
        if (end < start) end = start;
        return this with { Offset = Offset + start, Limit = end is { } e ? Math.Min(e - start, Limit is { } l ? Math.Max(0, l - start) : int.MaxValue) : Limit is { } limit ? Math.Max(0, limit - start) : null };
    }

    public SqlQuery Annotate(IEnumerable<(string Name, QueryExpression Expression)> annotations, bool selected)
    {
        if (Sliced) throw new InvalidOperationException("Cannot annotate a query once a slice has been taken.");
        var query = Building();
        foreach (var (name, expression) in annotations)
        {
            // after Values, names clash only with what Values selects (Django's annotate checks self._fields then)
            if (ValueNames is { } valueNames ? valueNames.Contains(name) && !query.Annotations.Any(a => a.Name == name) : Meta.ByName.ContainsKey(name))
                throw new ArgumentException($"The annotation '{name}' conflicts with a field on the model.");
            if (query.Annotations.Any(a => a.Name == name)) throw new ArgumentException($"The annotation '{name}' is already defined on this query.");
            var resolved = expression.Resolve(query);
            query = query with
            {
                Annotations = query.Annotations.Add(new Annotation(name, resolved, selected)),
                // After Values, an aggregate groups by the values selected so far (Django's values().annotate()).
                GroupBy = query.GroupBy ?? (resolved.ContainsAggregate && query.ValueNames is not null ? [.. query.ValueColumns()] : null),
                ValueNames = selected && query.ValueNames is { } selection ? selection.Add(name) : query.ValueNames,
            };
        }
        query.Tables.Freeze();
        return query;
    }

    /// <summary>The columns a model query reads: loaded fields, then selected annotations.</summary>
    public IReadOnlyList<QueryExpression> ModelColumns() => Loaded.Length == Meta.Fields.Count && Annotations.IsEmpty
        ? Meta.Columns // every field, as most queries read: built once per model
        : [.. Loaded.Select(f => (QueryExpression)new Col(f)), .. Annotations.Where(a => a.Selected).Select(a => (QueryExpression)new Ref(a.Name, a.Expression))];

    /// <summary>The columns Values/ValuesList read.</summary>
    public IReadOnlyList<QueryExpression> ValueColumns() => [.. ValueNames!.Value.Select(ResolveWithoutJoins)];

    /// <summary>This query reading <paramref name="names"/> (Values): each resolved now, joining what it crosses (one row per related row).</summary>
    public SqlQuery SelectValues(ImmutableArray<string> names)
    {
        var query = Building();
        var expressions = ValueExpressions;
        foreach (var name in names)
            if (!Annotations.Any(a => a.Name == name))
                expressions = expressions.SetItem(name, query.ResolveName(name) is KeyTransform key ? key.AsSelected() : query.ResolveName(name));
        query.Tables.Freeze();
        return query with { ValueNames = names, ValueExpressions = expressions };
    }

    /// <summary>
    /// The references to read along (Django's <c>select_related</c>): <c>"author"</c>, <c>"author__publisher"</c>; none
    /// named means every required reference, followed as far as they go.
    /// </summary>
    public SqlQuery SelectRelated(IReadOnlyList<string> paths)
    {
        var chains = new List<ImmutableArray<FieldMeta>>();
        void Add(ImmutableArray<FieldMeta> chain)
        {
            if (!chains.Any(c => c.SequenceEqual(chain))) chains.Add(chain);
        }
        if (paths.Count == 0)
        {
            void Follow(ModelMeta meta, ImmutableArray<FieldMeta> chain)
            {
                foreach (var field in meta.Fields.Where(f => f.IsRelation && !f.Nullable && !chain.Contains(f)))
                {
                    Add(chain.Add(field));
                    if (chain.Length < 4) Follow(field.RelatedMeta, chain.Add(field));
                }
            }
            Follow(Meta, []);
        }
        foreach (var path in paths)
        {
            var meta = Meta;
            var chain = ImmutableArray<FieldMeta>.Empty;
            foreach (var name in path.Split("__"))
            {
                var choices = string.Join(", ", meta.Fields.Where(f => f.IsRelation).Select(f => f.Key));
                if (!meta.ByName.TryGetValue(name, out var field))
                    throw new FieldError($"Invalid field name(s) given in select_related: '{name}'. Choices are: {(choices.Length == 0 ? "(none)" : choices)}");
                if (!field.IsRelation)
                    throw new FieldError($"Non-relational field given in select_related: '{name}'. Choices are: {(choices.Length == 0 ? "(none)" : choices)}");
                chain = chain.Add(field);
                Add(chain);
                meta = field.RelatedMeta;
            }
        }
        return this with { Related = [.. Related.Concat(chains).DistinctBy(c => string.Join("__", c.Select(f => f.Key))).OrderBy(c => c.Length)] };
    }

    /// <summary>Adds a member to a set operation; the first member is this query as it stands, slice and order included.</summary>
    public SqlQuery Combine(SetOperation op, SqlQuery other) => Combined.IsEmpty || Sliced || Order.Length > 0
        ? new SqlQuery(Meta, Alias) { Combined = [(SetOperation.First, this), (op, other)], Loaded = Loaded, Annotations = Annotations, ValueNames = ValueNames }
        : this with { Combined = Combined.Add((op, other)) };
}
