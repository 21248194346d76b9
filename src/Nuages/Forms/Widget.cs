namespace Nuages.Forms;

/// <summary>
/// How a field's value comes from the submitted data and goes into HTML (django/forms/widgets.py). <see cref="Attrs"/>
/// are the HTML attributes given to it (<c>new TextInput { Attrs = { ["class"] = "wide" } }</c>).
/// </summary>
public abstract class Widget
{
    /// <summary>The HTML attributes of the rendered element.</summary>
    public Dictionary<string, object?> Attrs { get; init; } = [];

    /// <summary>Whether the widget renders as a hidden input.</summary>
    public virtual bool IsHidden => false;

    /// <summary>The value the data holds for this widget under <paramref name="name"/> (Django's <c>value_from_datadict</c>); null when absent.</summary>
    public virtual object? ValueFromData(FormData data, Http.UploadedFileDict? files, string name) => data.Get(name);

    /// <summary>Whether the data left this widget out altogether (Django's <c>value_omitted_from_data</c>).</summary>
    public virtual bool ValueOmittedFromData(FormData data, Http.UploadedFileDict? files, string name) => !data.Contains(name);
}

/// <summary>Django's <c>Input</c>: an <c>&lt;input&gt;</c> of <see cref="InputType"/>.</summary>
public class Input(string inputType) : Widget
{
    /// <summary>The input's type attribute.</summary>
    public string InputType { get; } = inputType;

    /// <inheritdoc/>
    public override bool IsHidden => InputType == "hidden";
}

/// <summary>Django's <c>TextInput</c>.</summary>
public class TextInput() : Input("text");

/// <summary>Django's <c>NumberInput</c>.</summary>
public sealed class NumberInput() : Input("number");

/// <summary>Django's <c>EmailInput</c>.</summary>
public sealed class EmailInput() : Input("email");

/// <summary>Django's <c>URLInput</c>.</summary>
public sealed class URLInput() : Input("url");

/// <summary>Django's <c>PasswordInput</c>: the value is not rendered back unless <see cref="RenderValue"/>.</summary>
public sealed class PasswordInput() : Input("password")
{
    /// <summary>Whether a bound value is rendered (Django's <c>render_value</c>, false by default).</summary>
    public bool RenderValue { get; init; }
}

/// <summary>Django's <c>HiddenInput</c>.</summary>
public sealed class HiddenInput() : Input("hidden");

/// <summary>Django's <c>DateInput</c>.</summary>
public sealed class DateInput() : Input("text");

/// <summary>Django's <c>DateTimeInput</c>.</summary>
public sealed class DateTimeInput() : Input("text");

/// <summary>Django's <c>TimeInput</c>.</summary>
public sealed class TimeInput() : Input("text");

/// <summary>Django's <c>Textarea</c>.</summary>
public sealed class Textarea : Widget
{
    /// <summary>A textarea of 40 columns and 10 rows, as Django's.</summary>
    public Textarea() => Attrs = new() { ["cols"] = "40", ["rows"] = "10" };
}

/// <summary>
/// Django's <c>CheckboxInput</c>: a missing key is false (browsers send nothing for an unchecked box), and the
/// strings <c>true</c>/<c>false</c> in any case are the booleans; another value is true when not empty.
/// </summary>
public sealed class CheckboxInput : Input
{
    /// <summary>A checkbox.</summary>
    public CheckboxInput() : base("checkbox")
    {
    }

    /// <inheritdoc/>
    public override object? ValueFromData(FormData data, Http.UploadedFileDict? files, string name)
    {
        if (!data.Contains(name)) return false;
        var value = data.Get(name);
        if (value is string text)
        {
            if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
            if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
            return text.Length > 0;
        }
        return value is not null && value is not false;
    }

    /// <inheritdoc/>
    public override bool ValueOmittedFromData(FormData data, Http.UploadedFileDict? files, string name) => false; // an unchecked box sends nothing
}

/// <summary>Django's <c>Select</c>.</summary>
public class Select : Widget;

/// <summary>Django's <c>RadioSelect</c>.</summary>
public sealed class RadioSelect : Select;

/// <summary>Django's <c>NullBooleanSelect</c>: Unknown, Yes, No — read from <c>True</c>/<c>False</c>, <c>true</c>/<c>false</c> or <c>2</c>/<c>3</c>.</summary>
public sealed class NullBooleanSelect : Select
{
    /// <inheritdoc/>
    public override object? ValueFromData(FormData data, Http.UploadedFileDict? files, string name) => data.Get(name) switch
    {
        true or "True" or "true" or "2" => true,
        false or "False" or "false" or "3" => false,
        _ => null,
    };
}

/// <summary>Django's <c>SelectMultiple</c>: every value sent under the name; never omitted (an empty choice sends nothing).</summary>
public class SelectMultiple : Select
{
    /// <inheritdoc/>
    public override object? ValueFromData(FormData data, Http.UploadedFileDict? files, string name) => data.GetList(name).ToList();

    /// <inheritdoc/>
    public override bool ValueOmittedFromData(FormData data, Http.UploadedFileDict? files, string name) => false;
}

/// <summary>Django's <c>CheckboxSelectMultiple</c>.</summary>
public sealed class CheckboxSelectMultiple : SelectMultiple;
