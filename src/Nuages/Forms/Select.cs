using Nuages.Core;

namespace Nuages.Forms;

/// <summary>
/// Django's <c>ChoiceWidget</c> and <c>Select</c>: the choices as options (groups as optgroups), the chosen ones
/// selected. A choice field gives its choices to its widget.
/// </summary>
public class Select : Widget
{
    /// <summary>The choices shown; a choice field's unless set.</summary>
    public IReadOnlyList<Choice> Choices { get; set; } = [];

    /// <summary>Whether several options may be chosen.</summary>
    protected virtual bool AllowMultipleSelected => false;

    /// <inheritdoc/>
    public override string TemplateName => "django/forms/widgets/select.html";

    /// <summary>The template of each option.</summary>
    protected virtual string OptionTemplateName => "django/forms/widgets/select_option.html";

    /// <summary>The input type of each option (radio and checkbox widgets).</summary>
    protected virtual string? OptionInputType => null;

    /// <summary>Whether each option gets the widget's attributes (radio and checkbox widgets).</summary>
    protected virtual bool OptionInheritsAttrs => false;

    /// <summary>What marks an option chosen.</summary>
    protected virtual string CheckedAttribute => "selected";

    /// <summary>Whether the widget is a &lt;select&gt; (radio and checkbox widgets are not: no <c>multiple</c> attribute).</summary>
    protected virtual bool IsSelectElement => true;

    /// <summary>Whether option ids get their index (<c>id_mood_0</c>): radio buttons and checkboxes, not a select's options.</summary>
    protected virtual bool AddIdIndex => false;

    /// <inheritdoc/>
    public override bool UseRequiredAttribute(object? initial)
    {
        // as Django: a required select says so only when its first choice is the empty one, which the browser then refuses
        if (!base.UseRequiredAttribute(initial)) return false;
        if (AllowMultipleSelected) return true;
        return Choices.Count > 0 && Choices[0].Group is null && Choices[0].Value is null or "";
    }

    /// <inheritdoc/>
    public override object? FormatValue(object? value)
    {
        if (value is null && AllowMultipleSelected) return new List<string>();
        var values = value is System.Collections.IEnumerable items and not string ? items.Cast<object?>() : [value];
        return values.Select(v => v is null ? "" : PythonFormat.Str(v)).ToList();
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContext(string name, object? value, IReadOnlyDictionary<string, object?>? attrs)
    {
        var context = base.GetContext(name, value, attrs);
        context["optgroups"] = OptionGroups(name, (List<string>)context["value"]!, (Dictionary<string, object?>)context["attrs"]!);
        if (AllowMultipleSelected && IsSelectElement) ((Dictionary<string, object?>)context["attrs"]!)["multiple"] = true;
        return context;
    }

    /// <summary>The options by group (Django's <c>optgroups</c>): [group name or null, options, index].</summary>
    private List<object?> OptionGroups(string name, List<string> values, Dictionary<string, object?> attrs)
    {
        var groups = new List<object?>();
        var hasSelected = false;
        for (var index = 0; index < Choices.Count; index++)
        {
            var choice = Choices[index];
            var options = new List<object?>();
            var inGroup = choice.Group is not null;
            groups.Add(new List<object?> { inGroup ? choice.Value : null, options, index });
            var subindex = 0;
            foreach (var option in choice.Group ?? [choice])
            {
                var value = option.Value ?? "";
                var selected = (!hasSelected || AllowMultipleSelected) && values.Contains(PythonFormat.Str(value));
                hasSelected |= selected;
                options.Add(CreateOption(name, value, option.Label, selected, inGroup ? $"{index}_{subindex}" : index.ToString(System.Globalization.CultureInfo.InvariantCulture), attrs));
                if (inGroup) subindex++;
            }
        }
        return groups;
    }

    private Dictionary<string, object?> CreateOption(string name, object value, string label, bool selected, string index, Dictionary<string, object?> attrs)
    {
        var optionAttrs = OptionInheritsAttrs ? BuildAttrs(EffectiveAttrs, attrs) : new Dictionary<string, object?>(StringComparer.Ordinal);
        if (selected) optionAttrs[CheckedAttribute] = true;
        if (optionAttrs.TryGetValue("id", out var id) && id is string text) optionAttrs["id"] = OptionId(text, index);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = name, ["value"] = value, ["label"] = label, ["selected"] = selected, ["index"] = index,
            ["attrs"] = optionAttrs, ["type"] = OptionInputType, ["template_name"] = OptionTemplateName, ["wrap_label"] = true,
        };
    }

    /// <summary>An option's id: the widget's with the option's index.</summary>
    protected string OptionId(string id, string index) => AddIdIndex && id.Length > 0 ? $"{id}_{index}" : id;

    /// <inheritdoc/>
    public override string IdForLabel(string id) => OptionId(id, "0");
}

/// <summary>Django's <c>RadioSelect</c>: one radio button per choice, in divs; rendered in a fieldset with a legend.</summary>
public class RadioSelect : Select
{
    /// <inheritdoc/>
    protected override bool AddIdIndex => true;

    /// <inheritdoc/>
    protected override bool IsSelectElement => false;

    /// <inheritdoc/>
    public override string TemplateName => "django/forms/widgets/radio.html";

    /// <inheritdoc/>
    protected override string OptionTemplateName => "django/forms/widgets/radio_option.html";

    /// <inheritdoc/>
    protected override string? OptionInputType => "radio";

    /// <inheritdoc/>
    protected override bool OptionInheritsAttrs => true;

    /// <inheritdoc/>
    protected override string CheckedAttribute => "checked";

    /// <inheritdoc/>
    public override bool UseFieldset => true;

    /// <inheritdoc/>
    public override bool UseRequiredAttribute(object? initial) => !IsHidden;

    /// <inheritdoc/>
    public override string IdForLabel(string id) => ""; // the legend names the group: no label points to one radio
}

/// <summary>Django's <c>NullBooleanSelect</c>: Unknown, Yes, No — read from <c>True</c>/<c>False</c>, <c>true</c>/<c>false</c> or <c>2</c>/<c>3</c>.</summary>
public sealed class NullBooleanSelect : Select
{
    /// <summary>Django's three choices.</summary>
    public NullBooleanSelect() => Choices = [("unknown", "Unknown"), ("true", "Yes"), ("false", "No")];

    /// <inheritdoc/>
    public override object? FormatValue(object? value) => new List<string>
    {
        value switch
        {
            true or "true" or "True" or "2" => "true",
            false or "false" or "False" or "3" => "false",
            _ => "unknown",
        },
    };

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
    protected override bool AllowMultipleSelected => true;

    /// <inheritdoc/>
    public override object? ValueFromData(FormData data, Http.UploadedFileDict? files, string name) => data.GetList(name).ToList();

    /// <inheritdoc/>
    public override bool ValueOmittedFromData(FormData data, Http.UploadedFileDict? files, string name) => false;
}

/// <summary>Django's <c>CheckboxSelectMultiple</c>: one checkbox per choice, in divs; rendered in a fieldset with a legend (a radio list that allows several).</summary>
public sealed class CheckboxSelectMultiple : RadioSelect
{
    /// <inheritdoc/>
    protected override bool AllowMultipleSelected => true;

    /// <inheritdoc/>
    public override string TemplateName => "django/forms/widgets/checkbox_select.html";

    /// <inheritdoc/>
    protected override string OptionTemplateName => "django/forms/widgets/checkbox_option.html";

    /// <inheritdoc/>
    protected override string? OptionInputType => "checkbox";

    /// <inheritdoc/>
    public override bool UseRequiredAttribute(object? initial) => false; // the browser would ask for every box

    /// <inheritdoc/>
    public override object? ValueFromData(FormData data, Http.UploadedFileDict? files, string name) => data.GetList(name).ToList();

    /// <inheritdoc/>
    public override bool ValueOmittedFromData(FormData data, Http.UploadedFileDict? files, string name) => false;
}
