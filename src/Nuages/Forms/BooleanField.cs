namespace Nuages.Forms;

/// <summary>Django's <c>BooleanField</c>: a checkbox; <c>"false"</c> and <c>"0"</c> are false; required means it must be checked.</summary>
public class BooleanField : Field<bool>
{
    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new CheckboxInput();

    /// <inheritdoc/>
    public override object? ToPython(object? value) => value switch
    {
        string s when s.Equals("false", StringComparison.OrdinalIgnoreCase) || s == "0" => false,
        string s => s.Length > 0,
        bool b => b,
        null => false,
        _ => !Equals(value, 0) && !Equals(value, 0L),
    };

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
        if (value is not true && Required) throw Error("required");
    }

    /// <inheritdoc/>
    public override bool HasChanged(object? initial, object? data) => !Disabled && !Equals(ToPython(initial), ToPython(data));
}

/// <summary>Django's <c>NullBooleanField</c>: true, false or unknown (null); never required.</summary>
public class NullBooleanField : Field<bool?>
{
    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new NullBooleanSelect();

    /// <inheritdoc/>
    public override object? ToPython(object? value) => value switch
    {
        true or "True" or "true" or "1" => true,
        false or "False" or "false" or "0" => false,
        _ => null,
    };

    /// <inheritdoc/>
    public override void Validate(object? value)
    {
    }
}
