using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Db.Models;

/// <summary>What Nuages knows of a model type, built once: table, fields, options, constructor.</summary>
internal sealed partial class ModelMeta
{
    private static readonly Type[] Scalars =
    [
        typeof(string), typeof(short), typeof(int), typeof(long), typeof(bool), typeof(float), typeof(double), typeof(decimal),
        typeof(DateTimeOffset), typeof(DateTime), typeof(DateOnly), typeof(TimeOnly), typeof(TimeSpan), typeof(Guid), typeof(byte[]),
    ];

    /// <summary>Django's model label: <c>blog.Post</c> for a model of the app <c>blog</c>, the class name otherwise.</summary>
    public string Label { get; }

    private ModelMeta(Type type)
    {
        Type = type;
        New = Expression.Lambda<Func<object>>(Expression.New(type)).Compile();
        // Django's defaults: an app's model is "{label}.{Name}" in table "{label}_{name}"; a model outside any app keeps its snake_case name.
        var app = Apps.AppConfig.Of(type);
        Label = app is null ? type.Name : $"{app.Label}.{type.Name}";
        Table = type.GetCustomAttribute<DbTableAttribute>()?.Name ?? (app is null ? SnakeCase(type.Name) : $"{app.Label}_{type.Name.ToLowerInvariant()}");
        var fields = new List<FieldMeta>();
        var manyToMany = new List<ManyToManyMeta>();
        var nullability = new NullabilityInfoContext();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            // A related manager property (author.Books) names the model on the other side, whose relations say the reverse names.
            if (RelatedManagerModel(property.PropertyType) is { } other && other != type) _sides.Add(other);
            if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Query.ManyToMany<>))
            {
                manyToMany.Add(new ManyToManyMeta(type, property, property.PropertyType.GetGenericArguments()[0]));
                continue;
            }
            if (!property.CanRead || !property.CanWrite) continue;
            if (RelationTarget(property.PropertyType) is { } target)
            {
                fields.Add(RelationField(type, property, target, nullability));
                continue;
            }
            var underlying = System.Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var json = property.GetCustomAttribute<JsonAttribute>() is not null || IsJsonType(underlying);
            if (!json && !underlying.IsEnum && !Scalars.Contains(underlying))
                throw new ImproperlyConfigured(
                    $"{type.Name}.{property.Name} has type {property.PropertyType.Name}, which Nuages cannot store; supported: {string.Join(", ", Scalars.Select(t => t.Name))}, enums, "
                    + "JsonDocument/JsonElement/JsonNode, and any type marked [Json]. Make it get-only to keep it out of the table.");
            var choices = property.GetCustomAttribute<ChoicesAttribute>()?.Values
                ?? (underlying.IsEnum && underlying.GetCustomAttribute<FlagsAttribute>() is null ? Enum.GetValues(underlying).Cast<object>().ToArray() : null);
            fields.Add(new FieldMeta
            {
                Name = property.Name,
                Key = SnakeCase(property.Name),
                Column = property.GetCustomAttribute<DbColumnAttribute>()?.Name ?? SnakeCase(property.Name),
                Type = underlying,
                Nullable = underlying != property.PropertyType || (!property.PropertyType.IsValueType && nullability.Create(property).WriteState == NullabilityState.Nullable),
                MaxLength = property.GetCustomAttribute<MaxLengthAttribute>()?.Length,
                MaxDigits = property.GetCustomAttribute<DecimalFieldAttribute>()?.MaxDigits,
                DecimalPlaces = property.GetCustomAttribute<DecimalFieldAttribute>()?.DecimalPlaces,
                Blank = property.GetCustomAttribute<BlankAttribute>() is not null,
                Unique = property.GetCustomAttribute<UniqueAttribute>() is not null,
                Indexed = property.GetCustomAttribute<DbIndexAttribute>() is not null,
                Json = json,
                Choices = choices,
                Get = Getter(property),
                Set = Setter(property),
                ReadTyped = json || property.GetCustomAttribute<DecimalFieldAttribute>()?.DecimalPlaces is not null ? null : TypedReader(property, underlying),
                Owner = type,
            });
        }
        Pk = fields.Single(f => f.Name == "Id");
        _pkIndex = fields.IndexOf(Pk);
        Fields = fields;
        var byName = fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        foreach (var relation in fields.Where(f => f.IsRelation)) byName.TryAdd(relation.Key + "_id", relation); // Django's attname
        ByName = byName;
        foreach (var relation in fields.Where(f => f.IsRelation))
        {
            var given = type.GetProperty(relation.Name)!.GetCustomAttribute<RelatedNameAttribute>()?.Name;
            // Django: lookups use the related name or the model's name (book__title); the accessor, which
            // prefetch_related names, is the related name or book_set (book for a one-to-one)
            var accessor = given ?? (relation.Unique ? SnakeCase(type.Name) : SnakeCase(type.Name) + "_set");
            Reverses.GetOrAdd(relation.RelatedType!, static _ => []).Add(new ReverseRelation(given ?? SnakeCase(type.Name), relation) { Accessor = accessor });
        }
        ManyToMany = manyToMany;
        foreach (var relation in manyToMany)
        {
            ReverseManyToMany.GetOrAdd(relation.TargetType, static _ => []).Add(relation);
            if (relation.ThroughType is { } through) _sides.Add(through);
        }
        Ordering = type.GetCustomAttribute<OrderingAttribute>()?.Fields ?? [];
        GetLatestBy = type.GetCustomAttribute<GetLatestByAttribute>()?.Fields ?? [];
        UniqueTogether = [.. type.GetCustomAttributes<UniqueTogetherAttribute>().Select(u => (IReadOnlyList<FieldMeta>)[.. u.Fields.Select(Field)])];
        Indexes = [.. type.GetCustomAttributes<IndexAttribute>().Select(i => (i.Name ?? $"{Table}_{string.Join("_", i.Fields.Select(f => f.TrimStart('-')))}_idx", (IReadOnlyList<string>)i.Fields))];
        foreach (var name in Ordering.Concat(GetLatestBy).Concat(Indexes.SelectMany(i => i.Fields))) Field(name.TrimStart('-'));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ModelMeta> Cache = new();

    // Filled as the models that hold relations are built; read through Reverse, never while building (cycles are fine).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, System.Collections.Concurrent.ConcurrentBag<ReverseRelation>> Reverses = new();

    private readonly List<Type> _sides = [];

    /// <summary>The relations of other models that point at this one, as far as those models are known.</summary>
    public IEnumerable<ReverseRelation> Reverse
    {
        get
        {
            foreach (var side in _sides) For(side); // after this one is built, so cycles between models end
            return Reverses.TryGetValue(Type, out var found) ? found : [];
        }
    }

    public ReverseRelation? ReverseNamed(string name) => Reverse.FirstOrDefault(r => r.Name == name);

    // ManyToMany relations by the model they point at, filled as their owners are built.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, System.Collections.Concurrent.ConcurrentBag<ManyToManyMeta>> ReverseManyToMany = new();

    /// <summary>The ManyToMany relations this model declares.</summary>
    public IReadOnlyList<ManyToManyMeta> ManyToMany { get; }

    /// <summary>The ManyToMany relations of other models (or this one) that point at this model.</summary>
    public IEnumerable<ManyToManyMeta> ManyToManyTo
    {
        get
        {
            _ = Reverse; // builds the models named by related managers, which declare them
            if (!ReverseManyToMany.TryGetValue(Type, out var found)) return [];
            foreach (var through in found.Select(r => r.ThroughType).OfType<Type>()) For(through); // their references point here too
            return found;
        }
    }

    /// <summary>A ManyToMany by its name here: declared (<c>tags</c>, forward) or pointing here (<c>books</c>, not forward).</summary>
    public (ManyToManyMeta Relation, bool Forward)? ManyToManyNamed(string name) =>
        ManyToMany.FirstOrDefault(m => m.Key == name) is { } declared ? (declared, true)
        : ManyToManyTo.FirstOrDefault(m => m.RelatedName == name) is { } pointing ? (pointing, false)
        : null;

    /// <summary>The names lookups accept that are not columns: reverse relations and ManyToMany relations both ways.</summary>
    public IEnumerable<string> RelationNames =>
        Reverse.Select(r => r.Name).Concat(ManyToMany.Select(m => m.Key)).Concat(ManyToManyTo.Select(m => m.RelatedName));

    /// <summary>The row type of tables Nuages makes for ManyToMany relations; never instantiated.</summary>
    private sealed class AutoThroughRow;

    /// <summary>
    /// The table of a ManyToMany without a through model, as Django makes it: <c>{table}_{field}</c> with an id and a
    /// reference to each side (<c>from_x_id</c>/<c>to_x_id</c> when both are one model), unique together; its rows go
    /// when either side's row is deleted.
    /// </summary>
    internal static (ModelMeta, FieldMeta, FieldMeta) AutoThrough(ManyToManyMeta relation)
    {
        var meta = new ModelMeta(relation);
        return (meta, meta.Fields[1], meta.Fields[2]);
    }

    private ModelMeta(ManyToManyMeta relation)
    {
        var self = relation.OwnerType == relation.TargetType;
        FieldMeta Side(string key, Type model) => new()
        {
            Name = key,
            Key = key,
            Column = key + "_id",
            Type = typeof(long),
            Nullable = false,
            MaxLength = null,
            Indexed = true,
            RelatedType = model,
            OnDelete = OnDelete.Cascade,
            Get = _ => throw new NotSupportedException("Rows of a ManyToMany table are not read as objects."),
            Set = (_, _) => throw new NotSupportedException("Rows of a ManyToMany table are not read as objects."),
            Owner = typeof(AutoThroughRow),
        };
        var pk = new FieldMeta
        {
            Name = "Id", Key = "id", Column = "id", Type = typeof(long), Nullable = false, MaxLength = null,
            Get = _ => throw new NotSupportedException(), Set = (_, _) => throw new NotSupportedException(), Owner = typeof(AutoThroughRow),
        };
        var source = Side((self ? "from_" : "") + SnakeCase(relation.OwnerType.Name), relation.OwnerType);
        var target = Side((self ? "to_" : "") + SnakeCase(relation.TargetType.Name), relation.TargetType);
        Type = typeof(AutoThroughRow);
        New = () => throw new NotSupportedException("Rows of a ManyToMany table are not read as objects.");
        Table = For(relation.OwnerType).Table + "_" + relation.Key;
        Label = For(relation.OwnerType).Label + "_" + relation.Key; // Django's auto-created model: "shop.Book_tags"
        Pk = pk;
        Fields = [pk, source, target];
        ByName = Fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        ManyToMany = [];
        Ordering = [];
        GetLatestBy = [];
        UniqueTogether = [[source, target]];
        Indexes = [];
    }

    private static Type? RelationTarget(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ForeignKey<>)) return t.GetGenericArguments()[0];
        return null;
    }

    private static Type? RelatedManagerModel(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Query.Manager<>)) return t.GetGenericArguments()[0];
        return null;
    }

    private static FieldMeta RelationField(Type type, PropertyInfo property, Type target, NullabilityInfoContext nullability)
    {
        var onDelete = property.GetCustomAttribute<OnDeleteAttribute>() ?? throw new ImproperlyConfigured(
            $"{type.Name}.{property.Name} needs [OnDelete(...)], as Django's ForeignKey needs on_delete: Cascade, Protect, Restrict, SetNull, SetDefault or DoNothing.");
        var nullable = nullability.Create(property).WriteState == NullabilityState.Nullable;
        if (onDelete.Action == OnDelete.SetNull && !nullable)
            throw new ImproperlyConfigured($"{type.Name}.{property.Name} specifies OnDelete.SetNull, but cannot be null: declare it {property.PropertyType.Name.Split('`')[0]}<{target.Name}>?.");
        var get = Getter(property);
        var set = Setter(property);
        var make = Expression.Lambda<Func<object>>(Expression.New(property.PropertyType)).Compile();
        var key = SnakeCase(property.Name);
        return new FieldMeta
        {
            Name = property.Name,
            Key = key,
            Column = property.GetCustomAttribute<DbColumnAttribute>()?.Name ?? key + "_id",
            Type = typeof(long),
            Nullable = nullable,
            MaxLength = null,
            Unique = property.PropertyType.GetGenericTypeDefinition() == typeof(OneToOne<>) || property.GetCustomAttribute<UniqueAttribute>() is not null,
            Indexed = true, // Django indexes foreign keys unless told not to
            RelatedType = target,
            OnDelete = onDelete.Action,
            OnDeleteDefault = onDelete.Default,
            Relation = row => (IRelation?)get(row),
            Get = row => ((IRelation?)get(row))?.Id,
            Set = (row, value) =>
            {
                if ((IRelation?)get(row) is not { } relation) set(row, relation = (IRelation)make());
                relation.Id = value is null ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
            },
            Owner = type,
        };
    }

    public static ModelMeta For(Type type) => Cache.GetOrAdd(type, static t => new ModelMeta(t));

    /// <summary>A model type by its content type (app label, lower-cased class name): one Nuages has met, or one of the loaded assemblies'.</summary>
    public static Type? Known(string appLabel, string modelName)
    {
        bool Matches(Type t) => t.Name.Equals(modelName, StringComparison.OrdinalIgnoreCase) && ContentType.AppLabelOf(t) == appLabel;
        return Cache.Keys.FirstOrDefault(Matches)
            ?? AppDomain.CurrentDomain.GetAssemblies().SelectMany(SafeTypes)
                .FirstOrDefault(t => t.IsClass && !t.IsAbstract && t.IsSubclassOf(typeof(object)) && IsModelType(t) && Matches(t));
    }

    private static IEnumerable<Type> SafeTypes(System.Reflection.Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.Where(t => t is not null)!;
        }
    }

    private static bool IsModelType(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Model<>)) return true;
        return false;
    }

    public Type Type { get; }

    private readonly int _pkIndex;

    /// <summary>A new, empty row of the model (for rows read through relations, whose type is known only here).</summary>
    public Func<object> New { get; }
    public string Table { get; }
    /// <summary>Django's default <c>verbose_name</c>: the class name's words in lower case (<c>BlogPost</c> → <c>blog post</c>).</summary>
    public string VerboseName => SnakeCase(Type.Name).Replace('_', ' ');

    public FieldMeta Pk { get; }
    public IReadOnlyList<FieldMeta> Fields { get; }

    /// <summary>Every field as a column expression, in order: what most queries select.</summary>
    public IReadOnlyList<Query.QueryExpression> Columns => _columns ??= [.. Fields.Select(f => (Query.QueryExpression)new Query.Col(f))];

    private IReadOnlyList<Query.QueryExpression>? _columns;
    public IReadOnlyList<string> Ordering { get; }
    public IReadOnlyList<string> GetLatestBy { get; }
    public IReadOnlyList<IReadOnlyList<FieldMeta>> UniqueTogether { get; }
    public IReadOnlyList<(string Name, IReadOnlyList<string> Fields)> Indexes { get; }

    /// <summary>Fields by key (<c>first_name</c>), the names Django lookups use.</summary>
    public IReadOnlyDictionary<string, FieldMeta> ByName { get; }

    public FieldMeta Field(string name) => ByName.TryGetValue(name, out var field) ? field
        : throw new FieldError($"Cannot resolve keyword '{name}' into field. Choices are: {string.Join(", ", Fields.Select(f => f.Key).Order(StringComparer.Ordinal))}.");

    private static bool IsJsonType(Type type) =>
        type == typeof(JsonDocument) || type == typeof(JsonElement) || typeof(System.Text.Json.Nodes.JsonNode).IsAssignableFrom(type);

    /// <summary>
    /// The one name conversion of the ORM — tables, columns, lookup keys, annotations, Values keys, related names —
    /// .NET's <see cref="System.Text.Json.JsonNamingPolicy.SnakeCaseLower"/>, which keeps acronyms whole:
    /// <c>NComments</c> → <c>n_comments</c>, <c>HTTPStatus</c> → <c>http_status</c>, <c>HTMLPage</c> → <c>html_page</c>.
    /// </summary>
    internal static string SnakeCase(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    private static Func<object, object?> Getter(PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object));
        var body = Expression.Convert(Expression.Property(Expression.Convert(instance, property.DeclaringType!), property), typeof(object));
        return Expression.Lambda<Func<object, object?>>(body, instance).Compile();
    }

    /// <summary>The reader's own method for each type a column is read as unchanged (what FromDatabase returns as it is).</summary>
    private static readonly Dictionary<Type, string> TypedGetters = new()
    {
        [typeof(bool)] = nameof(System.Data.Common.DbDataReader.GetBoolean),
        [typeof(short)] = nameof(System.Data.Common.DbDataReader.GetInt16),
        [typeof(int)] = nameof(System.Data.Common.DbDataReader.GetInt32),
        [typeof(long)] = nameof(System.Data.Common.DbDataReader.GetInt64),
        [typeof(float)] = nameof(System.Data.Common.DbDataReader.GetFloat),
        [typeof(double)] = nameof(System.Data.Common.DbDataReader.GetDouble),
        [typeof(decimal)] = nameof(System.Data.Common.DbDataReader.GetDecimal),
        [typeof(string)] = nameof(System.Data.Common.DbDataReader.GetString),
        [typeof(Guid)] = nameof(System.Data.Common.DbDataReader.GetGuid),
    };

    /// <summary>Sets the property from the reader's column, unboxed (<c>row.Rank = reader.GetInt32(i)</c>); null for the types read boxed.</summary>
    private static Action<object, System.Data.Common.DbDataReader, int>? TypedReader(PropertyInfo property, Type underlying)
    {
        if (!TypedGetters.TryGetValue(underlying, out var getter)) return null;
        var instance = Expression.Parameter(typeof(object));
        var reader = Expression.Parameter(typeof(System.Data.Common.DbDataReader));
        var ordinal = Expression.Parameter(typeof(int));
        var read = Expression.Call(reader, typeof(System.Data.Common.DbDataReader).GetMethod(getter, [typeof(int)])!, ordinal);
        var body = Expression.Assign(Expression.Property(Expression.Convert(instance, property.DeclaringType!), property), Expression.Convert(read, property.PropertyType));
        return Expression.Lambda<Action<object, System.Data.Common.DbDataReader, int>>(body, instance, reader, ordinal).Compile();
    }

    private static Action<object, object?> Setter(PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object));
        var value = Expression.Parameter(typeof(object));
        var body = Expression.Assign(Expression.Property(Expression.Convert(instance, property.DeclaringType!), property), Expression.Convert(value, property.PropertyType));
        return Expression.Lambda<Action<object, object?>>(body, instance, value).Compile();
    }
}
