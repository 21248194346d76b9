namespace Nuages.Db.Models;

/// <summary>
/// A decimal column's precision (Django's <c>DecimalField(max_digits, decimal_places)</c>): <c>numeric(p, s)</c> on
/// PostgreSQL, and values read back at the field's scale (<c>43.00</c>) on every engine, as Django's converters do.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DecimalFieldAttribute(int maxDigits, int decimalPlaces) : Attribute
{
    /// <summary>The most digits, both sides of the point.</summary>
    public int MaxDigits { get; } = maxDigits;

    /// <summary>The digits after the point.</summary>
    public int DecimalPlaces { get; } = decimalPlaces;
}

/// <summary>The table's name (Django's <c>Meta.db_table</c>); by default the class name in snake_case.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class DbTableAttribute(string name) : Attribute
{
    /// <summary>The table name.</summary>
    public string Name { get; } = name;
}

/// <summary>The column's name (Django's <c>db_column</c>); lookups still use the field's own name.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DbColumnAttribute(string name) : Attribute
{
    /// <summary>The column name.</summary>
    public string Name { get; } = name;
}

/// <summary>An empty string is a valid value in <c>FullClean</c> (Django's <c>blank=True</c>); NULL is allowed by a nullable type.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class BlankAttribute : Attribute;

/// <summary>No two rows share a value: a UNIQUE constraint, checked by <c>FullClean</c> too (Django's <c>unique=True</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UniqueAttribute : Attribute;

/// <summary>The column gets an index (Django's <c>db_index=True</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DbIndexAttribute : Attribute;

/// <summary>The property is stored as JSON (jsonb on PostgreSQL, text on SQLite), whatever its type (Django's JSONField).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class JsonAttribute : Attribute;

/// <summary>The values <c>FullClean</c> accepts (Django's <c>choices</c>); enum properties have their members as choices already.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ChoicesAttribute(params object[] values) : Attribute
{
    /// <summary>The allowed values.</summary>
    public IReadOnlyList<object> Values { get; } = values;
}

/// <summary>The default ordering of the model's queries (Django's <c>Meta.ordering</c>): <c>[Ordering("-joined", "name")]</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OrderingAttribute(params string[] fields) : Attribute
{
    /// <summary>Field names, <c>-</c> for descending.</summary>
    public IReadOnlyList<string> Fields { get; } = fields;
}

/// <summary>The fields <c>Latest()</c> and <c>Earliest()</c> use when given none (Django's <c>Meta.get_latest_by</c>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class GetLatestByAttribute(params string[] fields) : Attribute
{
    /// <summary>Field names, <c>-</c> for descending.</summary>
    public IReadOnlyList<string> Fields { get; } = fields;
}

/// <summary>No two rows share these fields' values together (Django's <c>unique_together</c> / <c>UniqueConstraint</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class UniqueTogetherAttribute(params string[] fields) : Attribute
{
    /// <summary>The field names.</summary>
    public IReadOnlyList<string> Fields { get; } = fields;
}

/// <summary>An index over these fields (Django's <c>Meta.indexes</c>); <c>-field</c> indexes it descending.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IndexAttribute(params string[] fields) : Attribute
{
    /// <summary>The field names.</summary>
    public IReadOnlyList<string> Fields { get; } = fields;

    /// <summary>The index name; by default <c>table_field1_field2_idx</c>.</summary>
    public string? Name { get; init; }
}
