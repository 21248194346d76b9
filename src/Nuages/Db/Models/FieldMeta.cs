namespace Nuages.Db.Models;

/// <summary>One column of a model: its property, column name, type, options and compiled accessors (no reflection per row).</summary>
internal sealed class FieldMeta
{
    public required string Name { get; init; }

    /// <summary>The field's name in lookups, Values and messages: the property in snake_case.</summary>
    public required string Key { get; init; }

    /// <summary>The column in SQL: the key, unless <see cref="DbColumnAttribute"/> names another.</summary>
    public required string Column { get; init; }

    /// <summary>The property's type without Nullable&lt;&gt;.</summary>
    public required Type Type { get; init; }
    public required bool Nullable { get; init; }
    public required int? MaxLength { get; init; }

    /// <summary>A decimal's most digits (<see cref="DecimalFieldAttribute"/>); null when not declared.</summary>
    public int? MaxDigits { get; init; }

    /// <summary>A decimal's digits after the point; values are read back at this scale.</summary>
    public int? DecimalPlaces { get; init; }
    public bool Blank { get; init; }
    public bool Unique { get; init; }
    public bool Indexed { get; init; }

    /// <summary>Stored as JSON text (jsonb on PostgreSQL).</summary>
    public bool Json { get; init; }

    /// <summary>The allowed values, from <see cref="ChoicesAttribute"/> or the enum's members.</summary>
    public IReadOnlyList<object>? Choices { get; init; }
    public required Func<object, object?> Get { get; init; }
    public required Action<object, object?> Set { get; init; }

    /// <summary>
    /// Sets the property straight from a reader's column, unboxed, for the types a column is read as unchanged (numbers,
    /// text, booleans, UUIDs); null for the others, read boxed through <see cref="ModelMeta.FromDatabase"/>.
    /// </summary>
    public Action<object, System.Data.Common.DbDataReader, int>? ReadTyped { get; init; }

    /// <summary>How Django names the field in messages: <c>first_name</c> is "first name".</summary>
    public string VerboseName => Key.Replace('_', ' ');

    /// <summary>The model a <see cref="ForeignKey{T}"/> or <see cref="OneToOne{T}"/> points at; null for plain columns.</summary>
    public Type? RelatedType { get; init; }

    public bool IsRelation => RelatedType is not null;

    public ModelMeta RelatedMeta => ModelMeta.For(RelatedType!);

    public OnDelete OnDelete { get; init; }

    /// <summary>The id <see cref="OnDelete.SetDefault"/> writes.</summary>
    public long OnDeleteDefault { get; init; }

    /// <summary>The relation object of a row (its id, alias and cached row); null for plain columns.</summary>
    public Func<object, IRelation?>? Relation { get; init; }

    /// <summary>The model that declares the field.</summary>
    public required Type Owner { get; init; }
}

/// <summary>A relation seen from the model it points at: Django's reverse relation (<c>author.book_set</c>, <c>books__title</c>).</summary>
internal sealed record ReverseRelation(string Name, FieldMeta Field)
{
    /// <summary>Django's accessor name, which prefetch_related takes: the related name, or <c>book_set</c> when none is given.</summary>
    public string Accessor { get; init; } = Name;

    /// <summary>The model holding the reference.</summary>
    public ModelMeta Owner => ModelMeta.For(Field.Owner);
}
