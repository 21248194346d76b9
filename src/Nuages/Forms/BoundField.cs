using Nuages.Templates;

namespace Nuages.Forms;

/// <summary>
/// A field of one form, with the form's data, initial value and errors (Django's <c>BoundField</c>); in a template
/// <c>{{ form.name }}</c> is its widget, <c>{{ form.name.label_tag }}</c>, <c>{{ form.name.errors }}</c> the rest.
/// </summary>
public sealed class BoundField : IStringValue
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

    /// <summary>The id a label points to (Django's <c>id_for_label</c>).</summary>
    public string IdForLabel => Field.Widget.IdForLabel(Field.Widget.Attrs.TryGetValue("id", out var id) && id is string text ? text : AutoId);

    /// <summary>The label.</summary>
    public string Label => Field.LabelOrDefault;

    /// <summary>The help text.</summary>
    public string HelpText => Field.HelpText;

    /// <summary>Whether the widget is hidden.</summary>
    public bool IsHidden => Field.Widget.IsHidden;

    /// <summary>Whether the field renders in a fieldset with a legend (radio buttons, checkboxes).</summary>
    public bool UseFieldset => Field.Widget.UseFieldset;

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
    public object? Value() => Field.PrepareValue(Form.IsBound ? Field.BoundData(Data, Initial) : Initial);

    /// <summary>The field's errors (empty when none).</summary>
    public ErrorList Errors => Form.Errors.TryGetValue(Name, out var list) ? list : new ErrorList();

    /// <summary>
    /// The ids of the help text and of the error list, for <c>aria-describedby</c> (Django's <c>aria_describedby</c>):
    /// <c>id_name_helptext id_name_error</c> as they apply; null when the widget sets its own.
    /// </summary>
    public string? AriaDescribedby
    {
        get
        {
            if (Field.Widget.Attrs.TryGetValue("aria-describedby", out var own) && TemplateValues.IsTrue(own)) return null;
            if (AutoId.Length == 0 || IsHidden) return "";
            return (HelpText.Length > 0, Errors.Count > 0) switch
            {
                (true, true) => $"{AutoId}_helptext {AutoId}_error",
                (true, false) => AutoId + "_helptext",
                (false, true) => AutoId + "_error",
                _ => "",
            };
        }
    }

    /// <summary>
    /// The field's label, help text, errors and widget (Django's <c>as_field_group</c>), rendered by
    /// <c>django/forms/field.html</c> — what <c>as_div</c> shows for each field.
    /// </summary>
    public SafeString AsFieldGroup() => FormRenderer.Render("django/forms/field.html", new Dictionary<string, object?> { ["field"] = this });

    /// <summary>The CSS classes of the field's row: the form's <c>ErrorCssClass</c> and <c>RequiredCssClass</c> as they apply.</summary>
    public string CssClasses()
    {
        var classes = new List<string>();
        if (Form.ErrorCssClass is { } error && Errors.Count > 0) classes.Add(error);
        if (Form.RequiredCssClass is { } required && Field.Required) classes.Add(required);
        return string.Join(' ', classes);
    }

    /// <summary>The widget as HTML, with the field's attributes (Django's <c>as_widget</c>): required, disabled, aria-invalid, aria-describedby, id.</summary>
    public SafeString AsWidget(IReadOnlyDictionary<string, object?>? attrs = null)
    {
        var widget = Field.Widget;
        if (Field is IChoiceSource source && widget is Select select && select.Choices.Count == 0) select.Choices = source.Choices;
        var built = new Dictionary<string, object?>(attrs ?? new Dictionary<string, object?>(), StringComparer.Ordinal);
        if (widget.UseRequiredAttribute(Initial) && Field.Required && Form.UseRequiredAttribute) built["required"] = true;
        if (Field.Disabled) built["disabled"] = true;
        // Django 5.2: assistive technologies are told of errors and help text (a fieldset carries them for its inputs)
        if (!widget.IsHidden && Errors.Count > 0) built["aria-invalid"] = "true";
        if (!(built.TryGetValue("aria-describedby", out var given) && TemplateValues.IsTrue(given)) && !UseFieldset && AriaDescribedby is { Length: > 0 } describedBy)
            built["aria-describedby"] = describedBy;
        if (AutoId.Length > 0 && !widget.Attrs.ContainsKey("id")) built.TryAdd("id", AutoId);
        widget.FieldAttrs = Field.WidgetAttrs(widget);
        return widget.Render(HtmlName, Value(), built);
    }

    /// <summary>The label as HTML (Django's <c>label_tag</c>): the form's label suffix added unless the label ends in punctuation.</summary>
    public SafeString LabelTag() => LabelTag(null);

    /// <summary>The label as HTML, with other contents, attributes or suffix.</summary>
    public SafeString LabelTag(string? contents, IReadOnlyDictionary<string, object?>? attrs = null, string? labelSuffix = null, string tag = "label")
    {
        contents ??= Label;
        labelSuffix ??= Field.LabelSuffix ?? Form.LabelSuffix;
        var text = contents;
        if (labelSuffix.Length > 0 && text.Length > 0 && !":?.!".Contains(text[^1], StringComparison.Ordinal)) text += labelSuffix;
        var id = Field.Widget.Attrs.TryGetValue("id", out var given) && given is string s && s.Length > 0 ? s : AutoId;
        var labelAttrs = new Dictionary<string, object?>(attrs ?? new Dictionary<string, object?>(), StringComparer.Ordinal);
        if (id.Length > 0 && Field.Widget.IdForLabel(id) is { Length: > 0 } forId) labelAttrs["for"] = forId;
        if (Field.Required && Form.RequiredCssClass is { } required)
            labelAttrs["class"] = labelAttrs.TryGetValue("class", out var existing) && existing is string c && c.Length > 0 ? $"{c} {required}" : required;
        return FormRenderer.Render("django/forms/label.html", new Dictionary<string, object?>
        {
            ["field"] = this, ["label"] = text, ["attrs"] = labelAttrs, ["use_tag"] = id.Length > 0, ["tag"] = tag,
        });
    }

    /// <summary>The label as a legend, for a field in a fieldset (Django's <c>legend_tag</c>).</summary>
    public SafeString LegendTag() => LabelTag(null, null, null, "legend");

    /// <inheritdoc/>
    public object Text => AsWidget();

    /// <inheritdoc/>
    public override string ToString() => AsWidget().Value;
}
