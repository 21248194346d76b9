using System.Globalization;
using Nuages.Core;
using Nuages.Templates;

namespace Nuages.Forms;

/// <summary>
/// How a field's value comes from the submitted data and goes into HTML (django/forms/widgets.py): rendered by its
/// template (<see cref="TemplateName"/>) with <see cref="Attrs"/> — <c>new TextInput { Attrs = { ["class"] = "wide" } }</c>.
/// </summary>
public abstract class Widget
{
    /// <summary>The HTML attributes of the rendered element.</summary>
    public Dictionary<string, object?> Attrs { get; init; } = [];

    /// <summary>The attributes its field adds (Django merges them into the widget's when the field is made).</summary>
    internal IReadOnlyDictionary<string, object?>? FieldAttrs { get; set; }

    /// <summary>The widget's attributes with those its field adds.</summary>
    protected IReadOnlyDictionary<string, object?> EffectiveAttrs => FieldAttrs is { Count: > 0 } added ? BuildAttrs(Attrs, added) : Attrs;

    /// <summary>Whether the widget's field is required (Django's <c>is_required</c>, set by the field).</summary>
    public bool IsRequired { get; internal set; }

    /// <summary>Whether the widget renders as a hidden input.</summary>
    public virtual bool IsHidden => false;

    /// <summary>Whether the field renders inside a fieldset with a legend (Django's <c>use_fieldset</c>).</summary>
    public virtual bool UseFieldset => false;

    /// <summary>The template that renders the widget.</summary>
    public abstract string TemplateName { get; }

    /// <summary>The value the data holds for this widget under <paramref name="name"/> (Django's <c>value_from_datadict</c>); null when absent.</summary>
    public virtual object? ValueFromData(FormData data, Http.UploadedFileDict? files, string name) => data.Get(name);

    /// <summary>Whether the data left this widget out altogether (Django's <c>value_omitted_from_data</c>).</summary>
    public virtual bool ValueOmittedFromData(FormData data, Http.UploadedFileDict? files, string name) => !data.Contains(name);

    /// <summary>Whether a required field's widget says so with the <c>required</c> attribute.</summary>
    public virtual bool UseRequiredAttribute(object? initial) => !IsHidden;

    /// <summary>The id a label points to, from the widget's id (Django's <c>id_for_label</c>).</summary>
    public virtual string IdForLabel(string id) => id;

    /// <summary>The value as the HTML shows it (Django's <c>format_value</c>): null for none, else its text.</summary>
    public virtual object? FormatValue(object? value) => value is null or "" ? null : PythonFormat.Str(value);

    /// <summary>The template's <c>widget</c> (Django's <c>get_context</c>).</summary>
    public virtual Dictionary<string, object?> GetContext(string name, object? value, IReadOnlyDictionary<string, object?>? attrs)
    {
        var built = BuildAttrs(EffectiveAttrs, attrs);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = name,
            ["is_hidden"] = IsHidden,
            ["required"] = IsRequired,
            ["value"] = FormatValue(value),
            ["attrs"] = built,
            ["template_name"] = TemplateName,
        };
    }

    /// <summary>The widget as HTML.</summary>
    public SafeString Render(string name, object? value, IReadOnlyDictionary<string, object?>? attrs = null) =>
        FormRenderer.Render(TemplateName, new Dictionary<string, object?> { ["widget"] = GetContext(name, value, attrs) });

    /// <summary>The attributes of the element: the widget's, then those given, later ones winning in place (Python's dict update).</summary>
    public static Dictionary<string, object?> BuildAttrs(IReadOnlyDictionary<string, object?> baseAttrs, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var attrs = new Dictionary<string, object?>(baseAttrs, StringComparer.Ordinal);
        if (extra is not null)
            foreach (var (key, value) in extra) attrs[key] = value;
        return attrs;
    }
}

/// <summary>Django's <c>Input</c>: an <c>&lt;input&gt;</c> of <see cref="InputType"/>.</summary>
public class Input(string inputType, string templateName = "django/forms/widgets/text.html") : Widget
{
    /// <summary>The input's type attribute.</summary>
    public string InputType { get; } = inputType;

    /// <inheritdoc/>
    public override string TemplateName { get; } = templateName;

    /// <inheritdoc/>
    public override bool IsHidden => InputType == "hidden";

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContext(string name, object? value, IReadOnlyDictionary<string, object?>? attrs)
    {
        var context = base.GetContext(name, value, attrs);
        context["type"] = InputType;
        return context;
    }
}

/// <summary>Django's <c>TextInput</c>.</summary>
public class TextInput() : Input("text");

/// <summary>Django's <c>NumberInput</c>.</summary>
public sealed class NumberInput() : Input("number", "django/forms/widgets/number.html")
{
    /// <summary>A number field's <c>min</c> and <c>max</c> for a number input (what Django's numeric fields' <c>widget_attrs</c> add).</summary>
    internal static Dictionary<string, object?> Bounds(Dictionary<string, object?> attrs, Widget widget, object? min, object? max)
    {
        if (widget is not NumberInput) return attrs;
        if (min is not null) attrs["min"] = min;
        if (max is not null) attrs["max"] = max;
        return attrs;
    }
}

/// <summary>Django's <c>EmailInput</c>.</summary>
public sealed class EmailInput() : Input("email", "django/forms/widgets/email.html");

/// <summary>Django's <c>URLInput</c>.</summary>
public sealed class URLInput() : Input("url", "django/forms/widgets/url.html");

/// <summary>Django's <c>PasswordInput</c>: the value is not rendered back unless <see cref="RenderValue"/>.</summary>
public sealed class PasswordInput() : Input("password", "django/forms/widgets/password.html")
{
    /// <summary>Whether a bound value is rendered (Django's <c>render_value</c>, false by default).</summary>
    public bool RenderValue { get; init; }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContext(string name, object? value, IReadOnlyDictionary<string, object?>? attrs) =>
        base.GetContext(name, RenderValue ? value : null, attrs);
}

/// <summary>Django's <c>HiddenInput</c>.</summary>
public sealed class HiddenInput() : Input("hidden", "django/forms/widgets/hidden.html");

/// <summary>
/// Django's <c>DateInput</c>, <c>DateTimeInput</c> and <c>TimeInput</c>: a text input showing the value in
/// <see cref="Format"/> (Django's first input format: <c>%Y-%m-%d</c>, <c>%Y-%m-%d %H:%M:%S</c>, <c>%H:%M:%S</c>).
/// </summary>
public abstract class TemporalInput(string templateName, string format) : Input("text", templateName)
{
    /// <summary>The strftime format of the shown value.</summary>
    public string Format { get; init; } = format;

    /// <inheritdoc/>
    public override object? FormatValue(object? value) => value switch
    {
        DateOnly d => Strftime(d.ToDateTime(TimeOnly.MinValue), Format),
        DateTime t => Strftime(t, Format),
        DateTimeOffset o => Strftime(InSiteZone(o).DateTime, Format),
        TimeOnly t => Strftime(DateTime.MinValue.Add(t.ToTimeSpan()), Format),
        _ => base.FormatValue(value),
    };

    private static DateTimeOffset InSiteZone(DateTimeOffset value)
    {
        var zone = Conf.Site.TryCurrent?.Settings.TimeZone ?? "UTC";
        return zone == "UTC" ? value.ToUniversalTime() : TimeZoneInfo.ConvertTime(value, TimeZoneInfo.FindSystemTimeZoneById(zone));
    }

    /// <summary>Python's strftime for the directives of input formats.</summary>
    internal static string Strftime(DateTime value, string format)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            sb.Append(format[++i] switch
            {
                'Y' => value.Year.ToString("0000", CultureInfo.InvariantCulture),
                'y' => (value.Year % 100).ToString("00", CultureInfo.InvariantCulture),
                'm' => value.Month.ToString("00", CultureInfo.InvariantCulture),
                'd' => value.Day.ToString("00", CultureInfo.InvariantCulture),
                'H' => value.Hour.ToString("00", CultureInfo.InvariantCulture),
                'M' => value.Minute.ToString("00", CultureInfo.InvariantCulture),
                'S' => value.Second.ToString("00", CultureInfo.InvariantCulture),
                'f' => (value.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", CultureInfo.InvariantCulture),
                'b' => value.ToString("MMM", CultureInfo.InvariantCulture),
                'B' => value.ToString("MMMM", CultureInfo.InvariantCulture),
                '%' => "%",
                var other => "%" + other,
            });
        }
        return sb.ToString();
    }
}

/// <summary>Django's <c>DateInput</c>.</summary>
public sealed class DateInput() : TemporalInput("django/forms/widgets/date.html", "%Y-%m-%d");

/// <summary>Django's <c>DateTimeInput</c>.</summary>
public sealed class DateTimeInput() : TemporalInput("django/forms/widgets/datetime.html", "%Y-%m-%d %H:%M:%S");

/// <summary>Django's <c>TimeInput</c>.</summary>
public sealed class TimeInput() : TemporalInput("django/forms/widgets/time.html", "%H:%M:%S");

/// <summary>Django's <c>Textarea</c>.</summary>
public sealed class Textarea : Widget
{
    /// <summary>A textarea of 40 columns and 10 rows, as Django's.</summary>
    public Textarea() => Attrs = new() { ["cols"] = "40", ["rows"] = "10" };

    /// <inheritdoc/>
    public override string TemplateName => "django/forms/widgets/textarea.html";
}

/// <summary>
/// Django's <c>CheckboxInput</c>: a missing key is false (browsers send nothing for an unchecked box), and the
/// strings <c>true</c>/<c>false</c> in any case are the booleans; another value is true when not empty.
/// </summary>
public sealed class CheckboxInput() : Input("checkbox", "django/forms/widgets/checkbox.html")
{
    /// <summary>Whether a value checks the box (Django's <c>check_test</c>: anything but false, null and "").</summary>
    public Func<object?, bool> CheckTest { get; init; } = value => value is not (false or null or "");

    /// <inheritdoc/>
    public override object? FormatValue(object? value) => value is true or false or null or "" ? null : PythonFormat.Str(value);

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContext(string name, object? value, IReadOnlyDictionary<string, object?>? attrs)
    {
        if (CheckTest(value)) attrs = BuildAttrs(attrs ?? new Dictionary<string, object?>(), new Dictionary<string, object?> { ["checked"] = true });
        return base.GetContext(name, value, attrs);
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
