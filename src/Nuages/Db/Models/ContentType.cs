using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Nuages.Db.Query;

namespace Nuages.Db.Models;

/// <summary>
/// A model, as a row (Django's <c>contenttypes</c>): what generic references store to say which table their id is in.
/// Rows are made on first use; migrate its table with the models that use it.
/// </summary>
[DbTable("nuages_content_type")]
public sealed class ContentType : Model<ContentType>
{
    private static readonly ConcurrentDictionary<(string Alias, Type Model), long> Ids = new();

    /// <summary>The model's full .NET name.</summary>
    [MaxLength(255), Unique] public string Model { get; set; } = "";

    /// <summary>The model this row stands for, among the models Nuages has met.</summary>
    public Type ModelType => ModelMeta.Known(Model) ?? throw new InvalidOperationException($"No model named {Model} is known to this process.");

    /// <summary>The row of <paramref name="model"/> on <paramref name="using"/>, made if missing (Django's get_for_model).</summary>
    public static long IdFor(Type model, string @using = Database.DefaultAlias) =>
        Ids.TryGetValue((@using, model), out var id) ? id : Ids[(@using, model)] = Objects.Using(@using).GetOrCreate(new { Model = Name(model) }).Object.Id;

    /// <summary>IdFor, asynchronously.</summary>
    public static async Task<long> IdForAsync(Type model, string @using = Database.DefaultAlias, CancellationToken cancellationToken = default)
    {
        if (Ids.TryGetValue((@using, model), out var id)) return id;
        return Ids[(@using, model)] = (await Objects.Using(@using).GetOrCreateAsync(new { Model = Name(model) }, cancellationToken: cancellationToken).ConfigureAwait(false)).Object.Id;
    }

    /// <summary>Forgets the ids read so far (Django's <c>ContentType.objects.clear_cache()</c>), after its table was emptied.</summary>
    public static void ClearCache() => Ids.Clear();

    internal static string Name(Type model) => model.FullName ?? model.Name;
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
        new SqlQuery(meta, _alias).Filter(new LeafNode(new Col(meta.Pk), "exact", _id.Get(_row))).SelectStatement(Executor.For(_alias).Backend, [.. meta.Fields.Select(f => (QueryExpression)new Col(f))]);
}
