namespace Nuages.Forms;

/// <summary>A field of one form, with the form's data, initial value and errors (Django's <c>BoundField</c>).</summary>
public sealed class BoundField
{
    internal BoundField(Form form, Field field)
    {
        Form = form;
        Field = field;
    }

    /// <summary>The form.</summary>
    public Form Form { get; }

    /// <summary>The field.</summary>
    public Field Field { get; }

    /// <summary>The field's name.</summary>
    public string Name => Field.Name;

    /// <summary>The name in HTML and in the data: with the form's prefix.</summary>
    public string HtmlName => Form.AddPrefix(Name);

    /// <summary>The HTML id: the form's <c>AutoId</c> with the HTML name; "" without one.</summary>
    public string AutoId => Form.AutoId switch
    {
        null or "" => "",
        var pattern when pattern.Contains("%s", StringComparison.Ordinal) => pattern.Replace("%s", HtmlName, StringComparison.Ordinal),
        _ => HtmlName,
    };

    /// <summary>The label.</summary>
    public string Label => Field.LabelOrDefault;

    /// <summary>The help text.</summary>
    public string HelpText => Field.HelpText;

    /// <summary>What the data hold for this field, read by its widget (null for an unbound form).</summary>
    public object? Data => Form.Data is { } data ? Field.Widget.ValueFromData(data, Form.Files, HtmlName) : null;

    /// <summary>The initial value: the form's for this name, else the field's; a function is called.</summary>
    public object? Initial
    {
        get
        {
            var value = Form.Initial.TryGetValue(Name, out var given) ? given : Field.Initial;
            return value is Func<object?> make ? make() : value;
        }
    }

    /// <summary>The value to show: the initial one, or for a bound form what the field makes of the data.</summary>
    public object? Value() => Form.IsBound ? Field.BoundData(Data, Initial) : Initial;

    /// <summary>The field's errors (empty when none).</summary>
    public ErrorList Errors => Form.Errors.TryGetValue(Name, out var list) ? list : new ErrorList();
}
