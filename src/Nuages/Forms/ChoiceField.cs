using Nuages.Core;

namespace Nuages.Forms;

/// <summary>One choice: the value submitted and the label shown; a <see cref="Group"/> of choices under a label is an optgroup.</summary>
public sealed record Choice(object? Value, string Label, IReadOnlyList<Choice>? Group = null)
{
    /// <summary>A choice from a (value, label) pair: <c>Choices = [("r", "Red"), ("g", "Green")]</c>.</summary>
    public static implicit operator Choice((object? Value, string Label) pair) => new(pair.Value, pair.Label);
}

/// <summary>Django's <c>ChoiceField</c>: one of <see cref="Choices"/>, cleaned to its text.</summary>
public class ChoiceField : Field<string>, IChoiceSource
{
    /// <summary>A choice field with Django's message.</summary>
    public ChoiceField() => ErrorMessages["invalid_choice"] = "Select a valid choice. %(value)s is not one of the available choices.";

    /// <summary>The choices, in order.</summary>
    public IReadOnlyList<Choice> Choices { get; init; } = [];

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new Select();

    /// <inheritdoc/>
    public override object? ToPython(object? value) => IsEmpty(value) ? "" : PythonFormat.Str(value);

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        base.Validate(value);
        if (!IsEmpty(value) && !ValidValue(value)) throw Error("invalid_choice", new() { ["value"] = value });
    }

    /// <summary>Whether <paramref name="value"/> is among the choices (groups searched), compared as Django does: as is, or as text.</summary>
    public bool ValidValue(object? value)
    {
        var text = PythonFormat.Str(value);
        foreach (var choice in Choices)
        {
            foreach (var option in choice.Group ?? [choice])
                if (Equals(value, option.Value) || text == PythonFormat.Str(option.Value)) return true;
        }
        return false;
    }
}

/// <summary>Django's <c>TypedChoiceField</c>: a choice turned into a value by <see cref="Coerce"/>; an empty one is <see cref="EmptyValue"/>.</summary>
public class TypedChoiceField : ChoiceField
{
    /// <summary>Turns the chosen text into the value (a failure is an invalid choice).</summary>
    public Func<string, object?> Coerce { get; init; } = text => text;

    /// <summary>What no choice cleans to ("" by default).</summary>
    public object? EmptyValue { get; init; } = "";

    /// <inheritdoc/>
    public override object? Clean(object? value) => Coerced(base.Clean(value));

    private object? Coerced(object? value)
    {
        if (Equals(value, EmptyValue) || IsEmpty(value)) return EmptyValue;
        try
        {
            return Coerce((string)value!);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException or ValidationError)
        {
            throw Error("invalid_choice", new() { ["value"] = value });
        }
    }
}

/// <summary>Django's <c>MultipleChoiceField</c>: any number of <see cref="ChoiceField.Choices"/>, cleaned to their texts.</summary>
public class MultipleChoiceField : ChoiceField
{
    /// <summary>A multiple-choice field with Django's messages.</summary>
    public MultipleChoiceField() => ErrorMessages["invalid_list"] = "Enter a list of values.";

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new SelectMultiple();

    /// <inheritdoc/>
    public override object? ToPython(object? value) => value switch
    {
        null => new List<string>(),
        string s when s.Length == 0 => new List<string>(),
        string => throw Error("invalid_list"),
        System.Collections.IEnumerable items => items.Cast<object?>().Select(PythonFormat.Str).ToList(),
        _ => throw Error("invalid_list"),
    };

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        var values = (List<string>)value!;
        if (Required && values.Count == 0) throw Error("required");
        foreach (var item in values)
            if (!ValidValue(item)) throw Error("invalid_choice", new() { ["value"] = item });
    }

    /// <inheritdoc/>
    public override bool HasChanged(object? initial, object? data)
    {
        if (Disabled) return false;
        var before = (initial as System.Collections.IEnumerable)?.Cast<object?>().Select(PythonFormat.Str).ToList() ?? [];
        var after = (data as System.Collections.IEnumerable)?.Cast<object?>().Select(PythonFormat.Str).ToList() ?? [];
        return before.Count != after.Count || !before.ToHashSet().SetEquals(after);
    }
}
