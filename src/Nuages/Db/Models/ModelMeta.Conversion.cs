using System.Globalization;
using System.Text.Json;

namespace Nuages.Db.Models;

/// <summary>Rows from readers: values as the model's properties take them.</summary>
internal sealed partial class ModelMeta
{
    /// <summary>
    /// A row made from the reader's columns from <paramref name="offset"/> on, one per field in order: what SelectRelated
    /// reads for each related row; null when its key is NULL (no related row).
    /// </summary>
    public object? Materialize(System.Data.Common.DbDataReader reader, int offset, string alias)
    {
        if (reader.IsDBNull(offset + _pkIndex)) return null;
        var row = New();
        for (var i = 0; i < Fields.Count; i++)
        {
            Read(row, Fields[i], reader, offset + i);
            if (Fields[i].Relation?.Invoke(row) is { } reference) reference.Alias = alias;
        }
        ((IModelRow)row).LoadedFrom = alias;
        return row;
    }

    /// <summary>
    /// Sets a field of <paramref name="row"/> from a reader's column: unboxed when the column holds a value of the field's
    /// own type (what <see cref="FromDatabase"/> would return unchanged), else through <see cref="FromDatabase"/>.
    /// </summary>
    public static void Read(object row, FieldMeta field, System.Data.Common.DbDataReader reader, int ordinal)
    {
        // PERF: no box per column for the commonest types
        if (field.ReadTyped is { } read && reader.GetFieldType(ordinal) == field.Type && !reader.IsDBNull(ordinal)) read(row, reader, ordinal);
        else field.Set(row, FromDatabase(reader.GetValue(ordinal), field));
    }

    /// <summary>A database value as the field's type.</summary>
    public static object? FromDatabase(object value, FieldMeta field) =>
        field.Json ? value is DBNull ? null : JsonSerializer.Deserialize((string)value, field.Type)
        : field.DecimalPlaces is { } places && value is not DBNull ? Quantize((decimal)Read(value, typeof(decimal))!, places)
        : Read(value, field.Type);

    /// <summary>
    /// A value selected by a query (Values, ValuesList): a field's column as the field reads it (JSON decoded, a decimal
    /// at its scale, as Django's converters do), anything else as <paramref name="type"/> or the expression's type.
    /// </summary>
    internal static object? ReadColumn(object value, Query.QueryExpression column, Type? type = null) =>
        column is Query.KeyTransform { Selected: true } && (type is null || type == typeof(object)) ? Query.KeyTransform.Decode(value)
        : column is Query.KeyTransform { Selected: true } ? Read(Query.KeyTransform.Decode(value) ?? DBNull.Value, type)
        : column is Query.Col { Field: var field } && (type is null || (System.Nullable.GetUnderlyingType(type) ?? type) == field.Type)
            ? FromDatabase(value, field)
            : Read(value, type ?? column.OutputType);

    /// <summary>A decimal at <paramref name="places"/> digits after the point, rounding half to even (Python's Decimal.quantize).</summary>
    internal static decimal Quantize(decimal value, int places) =>
        decimal.Parse(Math.Round(value, places, MidpointRounding.ToEven).ToString("F" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A database value as <paramref name="type"/> (as read when the type is unknown).</summary>
    public static object? Read(object value, Type? type)
    {
        if (value is DBNull) return null;
        if (type is null || type == value.GetType()) return value;
        type = System.Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type.IsEnum => Enum.ToObject(type, Convert.ToInt64(value, CultureInfo.InvariantCulture)),
            _ when type == typeof(DateTimeOffset) => value switch
            {
                DateTimeOffset d => d,
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                _ => throw new InvalidCastException($"Cannot read {value.GetType().Name} as a date and time."),
            },
            _ when type == typeof(DateTime) => ((DateTimeOffset)Read(value, typeof(DateTimeOffset))!).UtcDateTime,
            _ when type == typeof(DateOnly) => value switch
            {
                DateTime dt => DateOnly.FromDateTime(dt),
                string s => DateOnly.Parse(s, CultureInfo.InvariantCulture),
                _ => throw new InvalidCastException($"Cannot read {value.GetType().Name} as a date."),
            },
            _ when type == typeof(TimeOnly) => value switch
            {
                TimeSpan t => TimeOnly.FromTimeSpan(t),
                string s => TimeOnly.Parse(s, CultureInfo.InvariantCulture),
                _ => throw new InvalidCastException($"Cannot read {value.GetType().Name} as a time."),
            },
            _ when type == typeof(TimeSpan) => value is TimeSpan span ? span : TimeSpan.FromTicks(Convert.ToInt64(value, CultureInfo.InvariantCulture) * 10),
            _ when type == typeof(Guid) => value is Guid g ? g : Guid.Parse((string)value),
            _ when type == typeof(bool) => value is bool b ? b : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
            _ when type == typeof(byte[]) => (byte[])value,
            _ when type == typeof(object) => value,
            _ => Convert.ChangeType(value, type, CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>JSON text bound for a JSON column; PostgreSQL needs the parameter typed jsonb.</summary>
internal sealed record JsonText(string Text);
