using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Nuages.Db.Query;

namespace Nuages.Db.Models;

/// <summary>
/// A model, as a row (Django's <c>contenttypes</c>): what generic references store to say which table their id is in.
/// Stored as Django stores it — table <c>django_content_type</c>, the model's app label and its lower-cased class
/// name, unique together — so a Nuages site and a Django site can share one. A model outside any app takes the
/// snake_case name of its assembly as its app label. Rows are made on first use; migrate its table with the models
/// that use it.
/// </summary>
[DbTable("django_content_type"), UniqueTogether("app_label", "model")]
public sealed class ContentType : Model<ContentType>
{
    // Keyed by the database (the backend an alias of the current site resolves to), not the alias: two sites may
    // both call theirs "default".
    private static readonly ConcurrentDictionary<(object Database, Type Model), long> Ids = new();

    /// <summary>The app label of the model (<c>blog</c>).</summary>
    [MaxLength(100)] public string AppLabel { get; set; } = "";

    /// <summary>The model's class name, lower-cased (<c>post</c>), as Django's <c>model_name</c>.</summary>
    [MaxLength(100)] public string Model { get; set; } = "";

    /// <summary>The model this row stands for, among the models Nuages has met or the loaded assemblies declare.</summary>
    public Type ModelType => ModelMeta.Known(AppLabel, Model) ?? throw new InvalidOperationException($"No model {AppLabel}.{Model} is known to this process.");

    /// <summary>The row of <paramref name="model"/> on <paramref name="using"/>, made if missing (Django's get_for_model).</summary>
    public static long IdFor(Type model, string @using = Database.DefaultAlias) =>
        Ids.TryGetValue((Connections.For(@using), model), out var id) ? id : Ids[(Connections.For(@using), model)] = Objects.Using(@using).GetOrCreate(new { AppLabel = AppLabelOf(model), Model = ModelName(model) }).Object.Id;

    /// <summary>IdFor, asynchronously.</summary>
    public static async Task<long> IdForAsync(Type model, string @using = Database.DefaultAlias, CancellationToken cancellationToken = default)
    {
        var database = Connections.For(@using);
        if (Ids.TryGetValue((database, model), out var id)) return id;
        return Ids[(database, model)] = (await Objects.Using(@using).GetOrCreateAsync(new { AppLabel = AppLabelOf(model), Model = ModelName(model) }, cancellationToken: cancellationToken).ConfigureAwait(false)).Object.Id;
    }

    /// <summary>Forgets the ids read so far (Django's <c>ContentType.objects.clear_cache()</c>), after its table was emptied.</summary>
    public static void ClearCache() => Ids.Clear();

    /// <summary>The app label Django would store: the model's app's, else its assembly's name in snake_case.</summary>
    internal static string AppLabelOf(Type model) =>
        Apps.AppConfig.Of(model)?.Label ?? ModelMeta.SnakeCase((model.Assembly.GetName().Name ?? "site").Replace(".", "", StringComparison.Ordinal));

    /// <summary>Django's <c>model_name</c>: the class name, lower-cased.</summary>
    internal static string ModelName(Type model) => model.Name.ToLowerInvariant();
}

/// <summary>
/// A reference to a row of any model (Django's <c>GenericForeignKey</c>), kept in two fields of the model that holds it:
/// a <c>ForeignKey&lt;ContentType&gt;</c> and a <c>long</c> id. Declare it as
/// <c>public GenericForeignKey Target =&gt; Generic();</c> (fields <c>ContentType</c> and <c>ObjectId</c> by default).
/// </summary>
public sealed class GenericForeignKey
{
    private readonly object _row;
    private readonly FieldMeta _type;
    private readonly FieldMeta _id;
    private readonly string _alias;

    internal GenericForeignKey(object row, FieldMeta type, FieldMeta id, string alias)
    {
        _row = row;
        _type = type;
        _id = id;
        _alias = alias;
    }

    /// <summary>Points at <paramref name="target"/> (a saved row); its content type is looked up, or made, now, in the target's database.</summary>
    public void Set<TTarget>(TTarget target) where TTarget : Model<TTarget>, new()
    {
        _type.Set(_row, ContentType.IdFor(typeof(TTarget), target.LoadedFrom ?? _alias));
        _id.Set(_row, target.Id);
    }

    /// <summary>Set, asynchronously.</summary>
    public async Task SetAsync<TTarget>(TTarget target, CancellationToken cancellationToken = default) where TTarget : Model<TTarget>, new()
    {
        _type.Set(_row, await ContentType.IdForAsync(typeof(TTarget), target.LoadedFrom ?? _alias, cancellationToken).ConfigureAwait(false));
        _id.Set(_row, target.Id);
    }

    /// <summary>The row pointed at, read now; null when there is none.</summary>
    public object? Get()
    {
        if (_type.Get(_row) is not long typeId) return null;
        var meta = ModelMeta.For(ContentType.Objects.Using(_alias).Get("pk", typeId).ModelType);
        return Executor.For(_alias).Read("GenericForeignKey.Get", Statement(meta), r => meta.Materialize(r, 0, _alias)!).FirstOrDefault();
    }

    /// <summary>The row pointed at, read asynchronously; null when there is none.</summary>
    public async Task<object?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_type.Get(_row) is not long typeId) return null;
        var meta = ModelMeta.For((await ContentType.Objects.Using(_alias).GetAsync("pk", typeId, cancellationToken).ConfigureAwait(false)).ModelType);
        return (await Executor.For(_alias).ReadAsync(Statement(meta), r => meta.Materialize(r, 0, _alias)!, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    private Statement Statement(ModelMeta meta) =>
        new SqlQuery(meta, _alias).Filter(new LeafNode(new Col(meta.Pk), LookupKind.Exact, _id.Get(_row))).SelectStatement(Executor.For(_alias).Backend, [.. meta.Fields.Select(f => (QueryExpression)new Col(f))]);
}
