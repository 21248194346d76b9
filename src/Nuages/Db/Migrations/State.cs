using System.Globalization;

namespace Nuages.Db.Migrations;

/// <summary>
/// A column as a migration declares it (Django's field in a migration): its .NET value type — which gives the column
/// type, as a model's property does — and its options. <c>Field.Of&lt;string&gt;(maxLength: 100)</c>,
/// <c>Field.ForeignKey("blog.Author")</c>, <c>Field.Auto()</c>.
/// </summary>
public sealed record Field
{
    /// <summary>The values' type (<c>string</c>, <c>int</c>, <c>long</c>, <c>bool</c>, <c>decimal</c>, <c>DateTime</c>…).</summary>
    public required Type Type { get; init; }

    /// <summary>The longest text (<c>varchar(n)</c>); null for <c>text</c>.</summary>
    public int? MaxLength { get; init; }

    /// <summary>A decimal's most digits (Django's <c>max_digits</c>).</summary>
    public int? MaxDigits { get; init; }

    /// <summary>A decimal's digits after the point (Django's <c>decimal_places</c>).</summary>
    public int? DecimalPlaces { get; init; }

    /// <summary>Whether the column takes NULL.</summary>
    public bool Null { get; init; }

    /// <summary>Whether the column is unique.</summary>
    public bool Unique { get; init; }

    /// <summary>Whether the column has an index of its own (a reference has one).</summary>
    public bool DbIndex { get; init; }

    /// <summary>Whether it is the primary key: the auto-incremented <c>id</c> (<see cref="Auto"/>), or a key of its own (<see cref="Key{T}"/>).</summary>
    public bool PrimaryKey { get; init; }

    /// <summary>Whether it is the auto-incremented primary key.</summary>
    public bool IsAuto => PrimaryKey && Type == typeof(long) && MaxLength is null;

    /// <summary>Whether the values are stored as JSON.</summary>
    public bool Json { get; init; }

    /// <summary>What existing rows get when the column is added or made NOT NULL (Django's one-off default); not kept on the column.</summary>
    public object? Default { get; init; }

    /// <summary>The model referred to (<c>"blog.Author"</c>) for a reference; its column is <c>{name}_id</c>.</summary>
    public string? To { get; init; }

    /// <summary>The column's name when it is not the field's (Django's <c>db_column</c>).</summary>
    public string? DbColumn { get; init; }

    /// <summary>Whether it is a ManyToMany relation: no column, but a table of its own, <c>{table}_{name}</c>.</summary>
    public bool ManyToMany { get; init; }

    /// <summary>A ManyToMany relation to <paramref name="to"/> (<c>"app.Model"</c>), through a table Nuages makes.</summary>
    public static Field ManyToManyTo(string to) => new() { Type = typeof(long), To = to, ManyToMany = true };

    /// <summary>The auto-incremented primary key <c>id</c>.</summary>
    public static Field Auto() => new() { Type = typeof(long), PrimaryKey = true };

    /// <summary>
    /// A primary key of <typeparamref name="T"/> values the rows bring themselves (Django's <c>primary_key=True</c> on a
    /// field): <c>Field.Key&lt;string&gt;(maxLength: 40)</c>, as Django's <c>django_session.session_key</c>.
    /// </summary>
    public static Field Key<T>(int? maxLength = null) => new() { Type = typeof(T), MaxLength = maxLength, PrimaryKey = true };

    /// <summary>A column of <typeparamref name="T"/> values.</summary>
    public static Field Of<T>(int? maxLength = null, bool @null = false, bool unique = false, bool dbIndex = false, object? @default = null, int? maxDigits = null, int? decimalPlaces = null) =>
        new() { Type = typeof(T), MaxLength = maxLength, Null = @null, Unique = unique, DbIndex = dbIndex, Default = @default, MaxDigits = maxDigits, DecimalPlaces = decimalPlaces };

    /// <summary>A reference to the rows of <paramref name="to"/> (<c>"app.Model"</c>), indexed, checked at commit.</summary>
    public static Field ForeignKey(string to, bool @null = false, object? @default = null) =>
        new() { Type = typeof(long), To = to, Null = @null, DbIndex = true, Default = @default };

    /// <summary>The column of a field named <paramref name="name"/>.</summary>
    public string Column(string name) => DbColumn ?? (To is null ? name : name + "_id");

    /// <summary>The same field without its one-off default (what the state keeps).</summary>
    internal Field WithoutDefault() => Default is null ? this : this with { Default = null };
}

/// <summary>An index of a model (Django's <c>models.Index</c>; named apart from System.Index): its name and its fields, <c>-field</c> for descending.</summary>
public sealed record ModelIndex(string Name, IReadOnlyList<string> Fields)
{
    /// <inheritdoc/>
    public bool Equals(ModelIndex? other) => other is not null && other.Name == Name && other.Fields.SequenceEqual(Fields);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Fields.Count);
}

/// <summary>
/// A table constraint (Django's <c>CheckConstraint</c> and <c>UniqueConstraint</c>): <see cref="Check"/>, an SQL condition,
/// or <see cref="Unique"/>, fields unique together; named.
/// </summary>
public sealed record Constraint(string Name, string? Check = null, IReadOnlyList<string>? Unique = null)
{
    /// <summary>A check: <c>Constraint.CheckOf("price_positive", "price &gt; 0")</c>.</summary>
    public static Constraint CheckOf(string name, string condition) => new(name, Check: condition);

    /// <summary>Fields unique together, as a named constraint.</summary>
    public static Constraint UniqueOf(string name, params string[] fields) => new(name, Unique: fields);

    /// <inheritdoc/>
    public bool Equals(Constraint? other) => other is not null && other.Name == Name && other.Check == Check
        && (other.Unique ?? []).SequenceEqual(Unique ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Check);
}

/// <summary>A model as the migrations so far describe it (Django's <c>ModelState</c>): its fields in order and its table.</summary>
public sealed class ModelState(string app, string name, IEnumerable<(string Name, Field Field)> fields, string? table = null)
{
    /// <summary>The app label.</summary>
    public string App { get; } = app;

    /// <summary>The model's name.</summary>
    public string Name { get; set; } = name;

    /// <summary>The fields, in order.</summary>
    public List<(string Name, Field Field)> Fields { get; } = [.. fields];

    /// <summary>The table named by the model (Django's <c>db_table</c>), if any.</summary>
    public string? DbTable { get; set; } = table;

    /// <summary>The indexes the model declares (Django's <c>Meta.indexes</c>).</summary>
    public List<ModelIndex> Indexes { get; } = [];

    /// <summary>The sets of fields unique together (Django's <c>Meta.unique_together</c>).</summary>
    public List<IReadOnlyList<string>> UniqueTogether { get; } = [];

    /// <summary>The table constraints (Django's <c>Meta.constraints</c>).</summary>
    public List<Constraint> Constraints { get; } = [];

    /// <summary>Options with no effect on the database (Django's <c>ordering</c>, <c>verbose_name</c>…).</summary>
    public Dictionary<string, object?> Options { get; } = new(StringComparer.Ordinal);

    /// <summary>The table: <see cref="DbTable"/>, else <c>{app}_{name in lower case}</c> as Django names it.</summary>
    public string Table => DbTable ?? $"{App}_{Name.ToLowerInvariant()}";

    /// <summary>The field named <paramref name="name"/>.</summary>
    public Field Field(string name) =>
        Fields.FirstOrDefault(f => f.Name == name).Field ?? throw new Core.FieldError($"{App}.{Name} has no field named '{name}'");

    internal ModelState Clone()
    {
        var copy = new ModelState(App, Name, Fields, DbTable);
        copy.Indexes.AddRange(Indexes);
        copy.UniqueTogether.AddRange(UniqueTogether);
        copy.Constraints.AddRange(Constraints);
        foreach (var (key, value) in Options) copy.Options[key] = value;
        return copy;
    }
}

/// <summary>Every model as the migrations applied so far describe it (Django's <c>ProjectState</c>).</summary>
public sealed class ProjectState
{
    private readonly Dictionary<(string App, string Name), ModelState> _models = [];

    /// <summary>The models, by app label and lower-case name.</summary>
    public IReadOnlyDictionary<(string App, string Name), ModelState> Models => _models;

    /// <summary>The model <c>app.Name</c>.</summary>
    public ModelState Model(string app, string name) =>
        _models.TryGetValue((app, name.ToLowerInvariant()), out var model) ? model
            : throw new Core.FieldError($"No model '{app}.{name}' in the migrations' state.");

    /// <summary>The model a reference points to: <c>"blog.Author"</c>.</summary>
    public ModelState Model(string reference)
    {
        var dot = reference.IndexOf('.', StringComparison.Ordinal);
        return Model(reference[..dot], reference[(dot + 1)..]);
    }

    internal void Add(ModelState model) => _models[(model.App, model.Name.ToLowerInvariant())] = model;

    internal void Remove(string app, string name) => _models.Remove((app, name.ToLowerInvariant()));

    internal ProjectState Clone()
    {
        var copy = new ProjectState();
        foreach (var model in _models.Values) copy.Add(model.Clone());
        return copy;
    }
}

/// <summary>Values written into DDL: defaults have no parameters there.</summary>
internal static class SqlLiteral
{
    public static string Of(object? value, bool sqlite) => value switch
    {
        null => "NULL",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => sqlite ? (b ? "1" : "0") : (b ? "TRUE" : "FALSE"),
        DateTime t => "'" + t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'",
        DateTimeOffset t => "'" + t.ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture) + "'",
        DateOnly d => "'" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'",
        Guid g => "'" + (sqlite ? g.ToString("N") : g.ToString()) + "'",
        Enum e => Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => "'" + value.ToString()!.Replace("'", "''", StringComparison.Ordinal) + "'",
    };
}
