using Nuages.Core;

namespace Nuages.Forms;

/// <summary>
/// A form field (django/forms/fields.py): turns what was submitted into a value (<see cref="ToPython"/>), checks it
/// (<see cref="Validate"/>, then the validators) and answers Django's messages by code, which
/// <see cref="ErrorMessages"/> may replace: <c>new CharField { MaxLength = 100, ErrorMessages = { ["required"] = "Your name, please." } }</c>.
/// Declare fields as get-only properties of a <see cref="Form"/>; each form gets its own.
/// </summary>
public abstract class Field
{
    private Widget? _widget;

    /// <summary>A field with Django's <c>required</c> message.</summary>
    protected Field() => ErrorMessages = new Dictionary<string, string> { ["required"] = "This field is required." };

    /// <summary>The field's name in the form (the property's, in snake case: <c>BodyText</c> → <c>body_text</c>).</summary>
    public string Name { get; internal set; } = "";

    private bool _required = true;
    private string? _label;
    private object? _initial;
    private string _helpText = "";

    /// <summary>Whether a value must be given (Django's <c>required</c>, true by default).</summary>
    public bool Required { get => _required; init => _required = value; }

    /// <summary>The label; from the name when null (<c>body_text</c> → <c>Body text</c>).</summary>
    public string? Label { get => _label; init => _label = value; }

    /// <summary>The value an unbound form shows (the form's <c>Initial</c> wins).</summary>
    public object? Initial { get => _initial; init => _initial = value; }

    /// <summary>A help text shown with the field.</summary>
    public string HelpText { get => _helpText; init => _helpText = value; }

    /// <summary>Sets the initial value once known (a model form's many-to-many values, read asynchronously).</summary>
    internal void SetInitial(object? initial) => _initial = initial;

    /// <summary>The options a model form gives the field it makes from a model field (Django's <c>formfield(**kwargs)</c>).</summary>
    internal void Configure(bool required, string label, string helpText, Widget? widget, object? initial)
    {
        _required = required;
        _label = label;
        _helpText = helpText;
        if (widget is not null) _widget = widget;
        _initial = initial;
    }

    /// <summary>Shown but not editable: the submitted value is ignored for the initial one.</summary>
    public bool Disabled { get; init; }

    /// <summary>What follows the label (the form's when null).</summary>
    public string? LabelSuffix { get; init; }

    /// <summary>Whether the field shows its value localized.</summary>
    public bool Localize { get; init; }

    /// <summary>The widget; the field type's default unless set.</summary>
    public Widget Widget
    {
        get
        {
            var widget = _widget ??= DefaultWidget();
            widget.IsRequired = _required; // Django's widget.is_required, which the field sets
            return widget;
        }
        init => _widget = value;
    }

    /// <summary>Messages by error code: Django's defaults, replaced by what is set here.</summary>
    public Dictionary<string, string> ErrorMessages { get; }

    /// <summary>More validators, run after the field type's own.</summary>
    public List<Validator> Validators { get; init; } = [];

    /// <summary>The widget of the field type (Django's <c>widget</c> class attribute).</summary>
    protected virtual Widget DefaultWidget() => new TextInput();

    /// <summary>The field type's validators that run before <see cref="Validators"/> (Django's <c>default_validators</c>).</summary>
    protected virtual IEnumerable<Validator> ClassValidators => [];

    /// <summary>The validators the field adds from its options, run after <see cref="Validators"/> (max length, bounds…).</summary>
    protected virtual IEnumerable<Validator> OptionValidators => [];

    /// <summary>The error of <paramref name="code"/>, with its message from <see cref="ErrorMessages"/>.</summary>
    protected ValidationError Error(string code, Dictionary<string, object?>? @params = null) => new(ErrorMessages[code], code, @params);

    /// <summary>Django's <c>EMPTY_VALUES</c>: null, "", and empty lists and dictionaries.</summary>
    public static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        System.Collections.ICollection c => c.Count == 0,
        _ => false,
    };

    /// <summary>The submitted value as this field's type; throws a <see cref="ValidationError"/> when it cannot be.</summary>
    public virtual object? ToPython(object? value) => value;

    /// <summary>Checks the converted value: by default, that a required field has one.</summary>
    public virtual void Validate(object? value)
    {
        if (IsEmpty(value) && Required) throw Error("required");
    }

    /// <summary>Runs every validator on a value that is not empty, collecting all their errors (a field's own message wins for a code it has).</summary>
    public void RunValidators(object? value)
    {
        if (IsEmpty(value)) return;
        List<ValidationError>? errors = null;
        foreach (var validator in ClassValidators.Concat(Validators).Concat(OptionValidators))
        {
            try
            {
                validator.Validate(value);
            }
            catch (ValidationError e)
            {
                errors ??= [];
                foreach (var error in e.ErrorList)
                    errors.Add(error.Code is { } code && ErrorMessages.TryGetValue(code, out var message) && message != error.RawMessage
                        ? new ValidationError(message, code, error.Params)
                        : error);
            }
        }
        if (errors is not null) throw new ValidationError(errors);
    }

    /// <summary>Converts, validates and returns the clean value (Django's <c>clean</c>).</summary>
    public virtual object? Clean(object? value)
    {
        value = ToPython(value);
        Validate(value);
        RunValidators(value);
        return value;
    }

    /// <summary>Attributes the field adds to its widget (Django's <c>widget_attrs</c>: maxlength, min, max, step…).</summary>
    public virtual Dictionary<string, object?> WidgetAttrs(Widget widget) => new(StringComparer.Ordinal);

    /// <summary>The value as the widget should show it (Django's <c>prepare_value</c>).</summary>
    public virtual object? PrepareValue(object? value) => value;

    /// <summary>The async form of <see cref="Clean"/>, which <c>IsValidAsync</c> calls: fields that query (model choices) do it with async I/O.</summary>
    public virtual ValueTask<object?> CleanAsync(object? value, CancellationToken cancellationToken) => new(Clean(value));

    /// <summary>The value a bound field shows: the initial one when disabled, else the submitted one.</summary>
    public virtual object? BoundData(object? data, object? initial) => Disabled ? initial : data;

    /// <summary>Whether the submitted data differ from the initial value (Django's <c>has_changed</c>).</summary>
    public virtual bool HasChanged(object? initial, object? data)
    {
        if (Disabled) return false;
        try
        {
            data = ToPython(data);
        }
        catch (ValidationError)
        {
            return true;
        }
        // as Django compares them: None as "", the initial as the widget would show it
        var initialValue = initial ?? "";
        var dataValue = data ?? "";
        return !Equals(Textual(initialValue), Textual(dataValue));
    }

    /// <summary>The label Django makes from a name: <c>body_text</c> → <c>Body text</c>.</summary>
    public string LabelOrDefault => Label ?? PrettyName(Name);

    internal static string PrettyName(string name)
    {
        var text = name.Replace('_', ' ');
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }

    /// <summary>Values compared as Django compares them after format_value: text for numbers and strings alike.</summary>
    private protected static object Textual(object value) => value switch
    {
        string or bool => value,
        System.Collections.IEnumerable items => string.Join("\u001f", items.Cast<object?>().Select(PythonFormat.Str)),
        _ => PythonFormat.Str(value),
    };
}

/// <summary>A field whose clean value is a <typeparamref name="T"/>: <c>form.CleanedData.Get(form.Age)</c> is typed.</summary>
public abstract class Field<T> : Field;
