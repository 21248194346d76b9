using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Nuages.Conf;

namespace Nuages.Db.Models;

/// <summary>One column of a model: its property, column name, type and compiled accessors (no reflection per row).</summary>
internal sealed class FieldMeta
{
    public required string Name { get; init; }
    public required string Column { get; init; }
    public required Type Type { get; init; }
    public required bool Nullable { get; init; }
    public required int? MaxLength { get; init; }
    public required Func<object, object?> Get { get; init; }
    public required Action<object, object?> Set { get; init; }
}

/// <summary>What Nuages knows of a model type, built once: table, fields, constructor.</summary>
internal sealed class ModelMeta
{
    private static readonly Type[] Supported = [typeof(string), typeof(int), typeof(long), typeof(bool), typeof(double), typeof(decimal), typeof(DateTimeOffset), typeof(Guid)];

    private ModelMeta(Type type)
    {
        Type = type;
        Table = SnakeCase(type.Name);
        var fields = new List<FieldMeta>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || !property.CanWrite || property.GetIndexParameters().Length > 0) continue;
            var underlying = System.Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (!Supported.Contains(underlying))
                throw new ImproperlyConfiguredException($"{type.Name}.{property.Name} has type {property.PropertyType.Name}, which Nuages cannot store yet; supported: {string.Join(", ", Supported.Select(t => t.Name))}.");
            fields.Add(new FieldMeta
            {
                Name = property.Name,
                Column = SnakeCase(property.Name),
                Type = underlying,
                Nullable = underlying != property.PropertyType || (property.PropertyType == typeof(string) && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable),
                MaxLength = property.GetCustomAttribute<MaxLengthAttribute>()?.Length,
                Get = Getter(property),
                Set = Setter(property),
            });
        }
        Pk = fields.Single(f => f.Name == "Id");
        Fields = fields;
        ByName = fields.ToDictionary(f => f.Column, StringComparer.Ordinal);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ModelMeta> Cache = new();

    public static ModelMeta For(Type type) => Cache.GetOrAdd(type, static t => new ModelMeta(t));

    public Type Type { get; }
    public string Table { get; }
    public FieldMeta Pk { get; }
    public IReadOnlyList<FieldMeta> Fields { get; }

    /// <summary>Fields by column name (<c>first_name</c>), the names Django lookups use.</summary>
    public IReadOnlyDictionary<string, FieldMeta> ByName { get; }

    public FieldMeta Field(string name) => ByName.TryGetValue(name, out var field) ? field
        : throw new FieldError($"Cannot resolve keyword '{name}' into field. Choices are: {string.Join(", ", Fields.Select(f => f.Column).Order(StringComparer.Ordinal))}.");

    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && !char.IsUpper(name[i - 1])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    private static Func<object, object?> Getter(PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object));
        var body = Expression.Convert(Expression.Property(Expression.Convert(instance, property.DeclaringType!), property), typeof(object));
        return Expression.Lambda<Func<object, object?>>(body, instance).Compile();
    }

    private static Action<object, object?> Setter(PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object));
        var value = Expression.Parameter(typeof(object));
        var body = Expression.Assign(Expression.Property(Expression.Convert(instance, property.DeclaringType!), property), Expression.Convert(value, property.PropertyType));
        return Expression.Lambda<Action<object, object?>>(body, instance, value).Compile();
    }

    /// <summary>A value as the database stores it (SQLite has no native date, GUID or decimal types).</summary>
    public static object ToDatabase(object? value, bool sqlite) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset d when sqlite => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToUniversalTime(), // PostgreSQL timestamptz takes UTC
        Guid g when sqlite => g.ToString("N"),
        decimal m when sqlite => m.ToString(CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <summary>A database value as the property's type.</summary>
    public static object? FromDatabase(object value, FieldMeta field)
    {
        if (value is DBNull) return null;
        var type = field.Type;
        return type switch
        {
            _ when type == typeof(DateTimeOffset) => value switch
            {
                DateTimeOffset d => d,
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                _ => throw new InvalidCastException($"Cannot read {value.GetType().Name} as {field.Name}."),
            },
            _ when type == typeof(Guid) => value is Guid g ? g : Guid.Parse((string)value),
            _ when type == typeof(bool) => value is bool b ? b : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
            _ => Convert.ChangeType(value, type, CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>A lookup names a field or lookup that does not exist; raised when the query is built.</summary>
public sealed class FieldError(string message) : Exception(message);

/// <summary>Django's <c>ObjectDoesNotExist</c>: <c>Get</c> found nothing.</summary>
public class ObjectDoesNotExist(string message) : Exception(message);

/// <summary>Django's <c>MultipleObjectsReturned</c>: <c>Get</c> found more than one.</summary>
public class MultipleObjectsReturned(string message) : Exception(message);
