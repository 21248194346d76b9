using System.Globalization;
using Nuages.Core;
using Nuages.Db.Query;

namespace Nuages.Db.Models;

/// <summary>
/// An active-record model, Django's <c>Model</c>: public read/write properties are its columns (snake_case
/// names), <c>Id</c> its auto-incremented primary key, <c>Objects</c> its manager. <see cref="Save"/> inserts or
/// updates; every SQL operation has an async twin.
/// </summary>
public abstract partial class Model<T> : IModelRow where T : Model<T>, new()
{
    /// <summary>The primary key; 0 until the row is saved.</summary>
    public long Id { get; set; }

    /// <summary>The default manager.</summary>
    public static Manager<T> Objects { get; } = new();

    /// <summary>
    /// The link rows of one of this model's ManyToMany relations (Django's <c>Book.tags.through.objects</c>), as a query
    /// of dictionaries: <c>Book.Through("tags").Filter("book_id", 1).Count()</c>. A relation with a through model of its
    /// own is that model's <c>Objects</c>.
    /// </summary>
    public static Query.ValuesQuerySet<Dictionary<string, object?>> Through(string relation)
    {
        var meta = Meta;
        var declared = meta.ManyToMany.FirstOrDefault(m => m.Key == relation)
            ?? throw new Core.FieldError($"{typeof(T).Name} has no ManyToMany named '{relation}'. Choices are: {string.Join(", ", meta.ManyToMany.Select(m => m.Key))}.");
        var through = declared.Through;
        var query = new Query.SqlQuery(through, Database.DefaultAlias).SelectValues([.. through.Fields.Select(f => f.Key)]);
        return new(query, static (reader, names, columns) =>
        {
            var row = new Dictionary<string, object?>(names.Count);
            for (var i = 0; i < names.Count; i++) row[names[i]] = ModelMeta.ReadColumn(reader.GetValue(i), columns[i]);
            return row;
        });
    }

    /// <summary>Get found no row.</summary>
    public sealed class DoesNotExist(string message) : ObjectDoesNotExist(message);

    /// <summary>Get found several rows.</summary>
    public sealed class MultipleObjectsReturned(string message) : Core.MultipleObjectsReturned(message);

    private static ModelMeta Meta => ModelMeta.For(typeof(T));

    private Dictionary<string, object?>? _annotations;

    /// <summary>The values <c>Annotate</c> computed for this row, by name (<c>row.Annotations["book_count"]</c>).</summary>
    public IReadOnlyDictionary<string, object?> Annotations => _annotations ?? (IReadOnlyDictionary<string, object?>)System.Collections.Immutable.ImmutableDictionary<string, object?>.Empty;

    internal void Annotate(string name, object? value) => (_annotations ??= [])[name] = value;

    /// <summary>The database the row was read from or last saved to (Django's <c>_state.db</c>); its relations are read from it.</summary>
    internal string? LoadedFrom { get; set; }

    string? IModelRow.LoadedFrom
    {
        get => LoadedFrom;
        set => LoadedFrom = value;
    }

    private Dictionary<string, List<object>>? _prefetched;

    Dictionary<string, List<object>>? IModelRow.Prefetched
    {
        get => _prefetched;
        set => _prefetched = value;
    }

    /// <summary>The rows a <c>Prefetch(…, toAttr: name)</c> read for this row (Django's to_attr list).</summary>
    public IReadOnlyList<TOther> Prefetched<TOther>(string name) =>
        _prefetched?.TryGetValue(name, out var rows) == true ? [.. rows.Cast<TOther>()]
        : throw new InvalidOperationException($"Nothing was prefetched as '{name}' for {typeof(T).Name} {Id}: use PrefetchRelated(new Prefetch(…, toAttr: \"{name}\")).");

    /// <summary>A related manager answers from what PrefetchRelated read under its name, when it did.</summary>
    private TManager Prefilled<TManager, TOther>(TManager manager, string name) where TManager : QuerySet<TOther> where TOther : Model<TOther>, new()
    {
        if (_prefetched?.TryGetValue(name, out var rows) == true) manager.Prefill([.. rows.Cast<TOther>()]);
        return manager;
    }

    /// <summary>
    /// The rows of <typeparamref name="TOther"/> that point at this one, as a related manager (Django's <c>book_set</c>):
    /// declare it as <c>public RelatedManager&lt;Book&gt; Books =&gt; Related&lt;Book&gt;();</c>. <paramref name="field"/>
    /// names the reference when <typeparamref name="TOther"/> has several to this model.
    /// </summary>
    protected RelatedManager<TOther> Related<TOther>(string? field = null) where TOther : Model<TOther>, new()
    {
        var candidates = ModelMeta.For(typeof(TOther)).Fields
            .Where(f => f.RelatedType == typeof(T) && (field is null || f.Key == field || f.Name == field)).ToList();
        if (candidates is not [var reference])
            throw new FieldError(candidates.Count == 0
                ? $"{typeof(TOther).Name} has no reference to {typeof(T).Name}{(field is null ? "" : $" named '{field}'")}."
                : $"{typeof(TOther).Name} has several references to {typeof(T).Name} ({string.Join(", ", candidates.Select(c => c.Key))}): name one, as in Related<{typeof(TOther).Name}>(\"{candidates[0].Key}\").");
        var name = Meta.Reverse.FirstOrDefault(r => r.Field == reference)?.Name ?? "";
        return Prefilled<RelatedManager<TOther>, TOther>(new RelatedManager<TOther>(reference, Saved(), LoadedFrom ?? Database.DefaultAlias, $"{typeof(T).Name} {Id}", message => new DoesNotExist(message)), name);
    }

    /// <summary>
    /// The one row of <typeparamref name="TOther"/> whose <see cref="OneToOne{T}"/> points at this one (Django's reverse
    /// one-to-one, <c>place.restaurant</c>): declare it as <c>public RelatedOne&lt;Restaurant&gt; Restaurant =&gt; RelatedOne&lt;Restaurant&gt;();</c>.
    /// </summary>
    protected RelatedOne<TOther> RelatedOne<TOther>(string? field = null) where TOther : Model<TOther>, new()
    {
        var candidates = ModelMeta.For(typeof(TOther)).Fields
            .Where(f => f.RelatedType == typeof(T) && f.Unique && (field is null || f.Key == field || f.Name == field)).ToList();
        if (candidates is not [var reference])
            throw new FieldError(candidates.Count == 0
                ? $"{typeof(TOther).Name} has no OneToOne to {typeof(T).Name}{(field is null ? "" : $" named '{field}'")}."
                : $"{typeof(TOther).Name} has several OneToOnes to {typeof(T).Name} ({string.Join(", ", candidates.Select(c => c.Key))}): name one, as in RelatedOne<{typeof(TOther).Name}>(\"{candidates[0].Key}\").");
        var name = Meta.Reverse.FirstOrDefault(r => r.Field == reference)?.Name ?? ModelMeta.SnakeCase(typeof(TOther).Name);
        return new RelatedOne<TOther>(reference, Saved(), LoadedFrom ?? Database.DefaultAlias, $"{typeof(T).Name} has no {name}.");
    }

    /// <summary>
    /// The rows of a many-to-many relation this model declares: <c>public ManyToMany&lt;Tag&gt; Tags =&gt; ManyToMany&lt;Tag&gt;();</c>
    /// (the relation is the property the call is made in).
    /// </summary>
    protected ManyToMany<TOther> ManyToMany<TOther>([System.Runtime.CompilerServices.CallerMemberName] string property = "") where TOther : Model<TOther>, new()
    {
        var relation = Meta.ManyToMany.FirstOrDefault(m => m.Name == property && m.TargetType == typeof(TOther))
            ?? throw new FieldError($"{typeof(T).Name} has no ManyToMany<{typeof(TOther).Name}> property named '{property}'.");
        return Prefilled<ManyToMany<TOther>, TOther>(new ManyToMany<TOther>(relation, forward: true, Saved(), LoadedFrom ?? Database.DefaultAlias), relation.Key);
    }

    /// <summary>
    /// The rows of <typeparamref name="TOther"/> related to this one by their many-to-many <paramref name="field"/>:
    /// <c>public RelatedManyToMany&lt;Book&gt; Books =&gt; RelatedManyToMany&lt;Book&gt;("tags");</c>.
    /// </summary>
    protected RelatedManyToMany<TOther> RelatedManyToMany<TOther>(string field) where TOther : Model<TOther>, new()
    {
        var relation = ModelMeta.For(typeof(TOther)).ManyToMany.FirstOrDefault(m => (m.Key == field || m.Name == field) && m.TargetType == typeof(T))
            ?? throw new FieldError($"{typeof(TOther).Name} has no ManyToMany<{typeof(T).Name}> named '{field}'.");
        return Prefilled<RelatedManyToMany<TOther>, TOther>(new RelatedManyToMany<TOther>(relation, Saved(), LoadedFrom ?? Database.DefaultAlias), relation.RelatedName);
    }

    /// <summary>
    /// A reference to a row of any model, kept in this model's <paramref name="typeField"/> (a <c>ForeignKey&lt;ContentType&gt;</c>)
    /// and <paramref name="idField"/> (a <c>long</c>): <c>public GenericForeignKey Target =&gt; Generic();</c>.
    /// </summary>
    protected GenericForeignKey Generic(string typeField = "content_type", string idField = "object_id") =>
        new(this, Meta.Field(typeField), Meta.Field(idField), LoadedFrom ?? Database.DefaultAlias);

    /// <summary>
    /// The rows of <typeparamref name="TOther"/> whose generic reference points at this one (Django's <c>GenericRelation</c>):
    /// <c>public GenericRelation&lt;Comment&gt; Comments =&gt; GenericRelation&lt;Comment&gt;();</c>.
    /// </summary>
    protected GenericRelation<TOther> GenericRelation<TOther>(string typeField = "content_type", string idField = "object_id") where TOther : Model<TOther>, new()
    {
        var meta = ModelMeta.For(typeof(TOther));
        return new GenericRelation<TOther>(meta.Field(typeField), meta.Field(idField), typeof(T), Saved(), LoadedFrom ?? Database.DefaultAlias);
    }

    private long Saved() => Id != 0 ? Id : throw new InvalidOperationException($"\"{typeof(T).Name}\" needs to have a value for field \"id\" before this relationship can be used.");

    /// <summary>The fields Only/Defer left unread; Save does not write them, so it cannot overwrite them with defaults.</summary>
    internal HashSet<FieldMeta>? DeferredFields { get; set; }

    /// <summary>
    /// Inserts the row (no Id yet, or <paramref name="forceInsert"/>) or updates it; an update that matches no row inserts
    /// it, as Django does. <paramref name="updateFields"/> writes only those fields, and fails if the row is gone.
    /// </summary>
    [AltersData]
    public void Save(string? @using = null, string[]? updateFields = null, bool forceInsert = false)
    {
        @using = WriteAlias(@using);
        var executor = Executor.For(@using);
        LoadedFrom = @using;
        if (Plan(executor, updateFields, forceInsert) is not { } plan) return;
        if (plan.Insert)
        {
            Id = ToLong(executor.Run("Model.Save", plan.Statement, command => command.ExecuteScalar()));
            return;
        }
        if (executor.Run("Model.Save", plan.Statement, command => command.ExecuteNonQuery()) > 0) return;
        if (updateFields is not null) throw UpdateMatchedNothing(executor);
        Id = ToLong(executor.Run("Model.Save", InsertStatement(executor, keepId: true), command => command.ExecuteScalar()));
    }

    /// <summary>Save, asynchronously. Writes run to completion unless a token is passed.</summary>
    [AltersData]
    public async Task SaveAsync(string? @using = null, string[]? updateFields = null, bool forceInsert = false, CancellationToken cancellationToken = default)
    {
        @using = WriteAlias(@using);
        var executor = Executor.For(@using);
        LoadedFrom = @using;
        if (Plan(executor, updateFields, forceInsert) is not { } plan) return;
        if (plan.Insert)
        {
            Id = ToLong(await executor.RunAsync(plan.Statement, (command, token) => command.ExecuteScalarAsync(token), cancellationToken).ConfigureAwait(false));
            return;
        }
        if (await executor.RunAsync(plan.Statement, (command, token) => command.ExecuteNonQueryAsync(token), cancellationToken).ConfigureAwait(false) > 0) return;
        if (updateFields is not null) throw UpdateMatchedNothing(executor);
        Id = ToLong(await executor.RunAsync(InsertStatement(executor, keepId: true), (command, token) => command.ExecuteScalarAsync(token), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Where a save goes (Django's <c>router.db_for_write</c> with the instance as hint): the alias given, else the
    /// routers', else the database the row came from, else <c>default</c>. A reference to a row of another database
    /// is refused unless a router allows it, as Django's descriptors refuse it.
    /// </summary>
    private string WriteAlias(string? given)
    {
        var alias = given ?? Routers.ForWrite(typeof(T), this) ?? LoadedFrom ?? Database.DefaultAlias;
        foreach (var field in Meta.Fields.Where(f => f.IsRelation))
            if (field.Relation!(this)?.Cached is IModelRow { LoadedFrom: { } theirs } related && !Routers.AllowRelation(this, related, alias, theirs))
                throw new InvalidOperationException($"Cannot assign \"{related.GetType().Name} {related.Id}\": the current database router prevents this relation.");
        return alias;
    }

    private static long ToLong(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private DatabaseError UpdateMatchedNothing(Executor executor) =>
        new($"Save with update_fields did not affect any rows ({typeof(T).Name} {Id} is not in the table).", executor.Alias, null, null);

    /// <summary>What Save runs first: an INSERT, or an UPDATE of the fields to write; null when there is nothing to write.</summary>
    private (bool Insert, Statement Statement)? Plan(Executor executor, string[]? updateFields, bool forceInsert)
    {
        if (forceInsert && updateFields is not null) throw new ArgumentException("Cannot force both insert and updating in model saving."); // django/db/models/base.py, for forceInsert with updateFields
        if (Id == 0 || forceInsert) return (true, InsertStatement(executor, keepId: Id != 0));
        var fields = updateFields is null
            ? Meta.Fields.Where(f => f != Meta.Pk && DeferredFields?.Contains(f) != true).ToList()
            : [.. updateFields.Select(name => Meta.Field(name) is var f && f == Meta.Pk
                ? throw new ArgumentException("The following fields do not exist in this model, are m2m fields, or are non-concrete fields: id")
                : f)];
        if (fields.Count == 0) return null; // Django: save(update_fields=[]) writes nothing
        var context = new SqlContext(executor.Backend, []);
        var sets = string.Join(", ", fields.Select(f => $"{Backends.Backend.Quote(f.Column)} = {context.Param(f.Get(this))}"));
        var sql = $"UPDATE {Backends.Backend.Quote(Meta.Table)} SET {sets} WHERE {Backends.Backend.Quote(Meta.Pk.Column)} = {context.Param(Id)}";
        return (false, new Statement(sql, context.Values));
    }

    private Statement InsertStatement(Executor executor, bool keepId) => QuerySet<T>.InsertBatches(executor.Backend, [(T)this], null, keepId).Single();

    /// <summary>
    /// Reloads every field from the database (Django's refresh_from_db); with <paramref name="fromQueryset"/>, through that
    /// query, so a row it excludes raises <see cref="DoesNotExist"/> (as django/db/models/query.py).
    /// </summary>
    public void RefreshFromDb(string? @using = null, QuerySet<T>? fromQueryset = null) =>
        CopyFrom((fromQueryset ?? Objects.Using(@using ?? LoadedFrom ?? Routers.ForRead(typeof(T)) ?? Database.DefaultAlias)).Get("pk", Id));

    /// <summary>RefreshFromDb, asynchronously.</summary>
    public async Task RefreshFromDbAsync(string? @using = null, QuerySet<T>? fromQueryset = null, CancellationToken cancellationToken = default) =>
        CopyFrom(await (fromQueryset ?? Objects.Using(@using ?? LoadedFrom ?? Routers.ForRead(typeof(T)) ?? Database.DefaultAlias)).GetAsync("pk", Id, cancellationToken).ConfigureAwait(false));

    private void CopyFrom(T fresh)
    {
        foreach (var field in Meta.Fields)
            if (fresh.DeferredFields?.Contains(field) != true) field.Set(this, field.Get(fresh));
        DeferredFields = fresh.DeferredFields;
    }

    /// <summary>Deletes the row and what cascades from it; what went, per model, as Django's Model.delete().</summary>
    [AltersData]
    public DeleteResult Delete(string? @using = null) => Objects.Using(@using ?? Routers.ForWrite(typeof(T), this) ?? LoadedFrom ?? Database.DefaultAlias).Filter("pk", Id).Delete();

    /// <summary>Deletes the row, asynchronously.</summary>
    [AltersData]
    public Task<DeleteResult> DeleteAsync(string? @using = null, CancellationToken cancellationToken = default) =>
        Objects.Using(@using ?? Routers.ForWrite(typeof(T), this) ?? LoadedFrom ?? Database.DefaultAlias).Filter("pk", Id).DeleteAsync(cancellationToken);
}
