using System.Collections;
using Nuages.Core;
using Nuages.Http;
using Nuages.Templates;

namespace Nuages.Forms;

/// <summary>
/// Django's formsets (django/forms/formsets.py): several <typeparamref name="TForm"/> in one page, named
/// <c>{Prefix}-{i}-{field}</c>, counted by a management form (<c>form-TOTAL_FORMS</c>, <c>form-INITIAL_FORMS</c>…)
/// that the page must send back; <see cref="Extra"/> empty forms after the initial ones, <see cref="CanDelete"/> and
/// <see cref="CanOrder"/> fields, <see cref="MaxNum"/>/<see cref="MinNum"/> with Django's messages.
/// <code>
/// var formset = new FormSet&lt;ArticleForm&gt; { Data = request.Form, Extra = 2, CanDelete = true };
/// if (await formset.IsValidAsync()) foreach (var form in formset.Forms.Where(f =&gt; f.HasChanged())) …
/// </code>
/// </summary>
public class FormSet<TForm> : IStringValue, IEnumerable<TForm> where TForm : Form, new()
{
    /// <summary>Django's default MAX_NUM and the margin of its absolute maximum.</summary>
    public const int DefaultMaxNum = 1000;

    private List<TForm>? _forms;
    private ManagementForm? _management;
    private ErrorList? _nonFormErrors;
    private List<FormErrors>? _errors;

    /// <summary>The submitted data; null for an unbound formset.</summary>
    public FormData? Data { get; init; }

    /// <summary>The uploaded files.</summary>
    public UploadedFileDict? Files { get; init; }

    /// <summary>The prefix of every form's names (<c>form</c>, as Django's default).</summary>
    public string Prefix { get; init; } = "form";

    /// <summary>Initial values, one dictionary per initial form.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Initial { get; init; } = [];

    /// <summary>Empty forms shown after the initial ones (1, as Django's default).</summary>
    public int Extra { get; init; } = 1;

    /// <summary>The most forms (<see cref="DefaultMaxNum"/> unless set).</summary>
    public int MaxNum { get; init; } = DefaultMaxNum;

    /// <summary>The fewest forms.</summary>
    public int MinNum { get; init; }

    /// <summary>The most forms accepted whatever the data say (Django's <c>absolute_max</c>: MaxNum + 1000).</summary>
    public int? AbsoluteMax { get; init; }

    /// <summary>Whether more than <see cref="MaxNum"/> filled forms is an error.</summary>
    public bool ValidateMax { get; init; }

    /// <summary>Whether fewer than <see cref="MinNum"/> filled forms is an error.</summary>
    public bool ValidateMin { get; init; }

    /// <summary>Whether each form has a DELETE checkbox.</summary>
    public bool CanDelete { get; init; }

    /// <summary>Whether extra forms have a DELETE checkbox too.</summary>
    public bool CanDeleteExtra { get; init; } = true;

    /// <summary>Whether each form has an ORDER field.</summary>
    public bool CanOrder { get; init; }

    /// <summary>Django's messages by code, replaceable.</summary>
    public Dictionary<string, string> ErrorMessages { get; init; } = new()
    {
        ["missing_management_form"] = "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may need to file a bug report if the issue persists.",
        ["too_many_forms"] = "Please submit at most %(num)d forms.",
        ["too_few_forms"] = "Please submit at least %(num)d forms.",
    };

    /// <summary>Whether data were given.</summary>
    public bool IsBound => Data is not null || Files is not null;

    private int Absolute => AbsoluteMax ?? MaxNum + DefaultMaxNum;

    /// <summary>The management form: the counts the page sends back as hidden inputs.</summary>
    public Form ManagementForm => _management ??= IsBound
        ? new ManagementForm { Data = Data, Prefix = Prefix }
        : new ManagementForm
        {
            Prefix = Prefix,
            Initial = new Dictionary<string, object?>
            {
                ["TOTAL_FORMS"] = TotalFormCount(), ["INITIAL_FORMS"] = InitialFormCount(), ["MIN_NUM_FORMS"] = MinNum, ["MAX_NUM_FORMS"] = MaxNum,
            },
        };

    /// <summary>The number of forms with initial data (Django's <c>initial_form_count</c>).</summary>
    public virtual int InitialFormCount() => IsBound ? Count(ManagementForm, "INITIAL_FORMS") : Initial.Count;

    /// <summary>The number of forms (Django's <c>total_form_count</c>).</summary>
    public int TotalFormCount()
    {
        if (IsBound) return Math.Min(Count(ManagementForm, "TOTAL_FORMS"), Absolute);
        var initial = InitialFormCount();
        var total = Math.Max(initial, MinNum) + Extra;
        if (initial > MaxNum && MaxNum >= 0) return initial;
        return total > MaxNum && MaxNum >= 0 ? MaxNum : total;
    }

    private static int Count(Form management, string name) =>
        management.IsValid() && management.CleanedData.TryGetValue(name, out var value) && value is long n ? (int)n : 0;

    /// <summary>The forms, each with its prefix and initial values.</summary>
    public IReadOnlyList<TForm> Forms => _forms ??= [.. Enumerable.Range(0, TotalFormCount()).Select(MakeForm)];

    /// <summary>The form at <paramref name="index"/>, before the formset's own fields are added (a model formset gives it its row).</summary>
    protected virtual TForm CreateForm(int index, IReadOnlyDictionary<string, object?> initial, bool emptyPermitted) => new()
    {
        Data = Data,
        Files = Files,
        Prefix = $"{Prefix}-{index}",
        Initial = initial,
        EmptyPermitted = emptyPermitted,
        UseRequiredAttribute = false,
    };

    private TForm MakeForm(int i)
    {
        var initialCount = InitialFormCount();
        // as Django: extra forms may stay empty, unless MinNum needs them
        var form = CreateForm(i, !IsBound && i < Initial.Count ? Initial[i] : new Dictionary<string, object?>(), i >= initialCount && i >= MinNum);
        if (CanOrder) form.AddField("ORDER", new IntegerField { Required = false, Label = "Order" });
        if (CanDelete && (CanDeleteExtra || i < initialCount)) form.AddField("DELETE", new BooleanField { Required = false, Label = "Delete" });
        return form;
    }

    /// <summary>Whether a form is marked for deletion.</summary>
    public bool ShouldDelete(TForm form) => form.CleanedData.TryGetValue("DELETE", out var delete) && delete is true;

    /// <summary>The forms marked for deletion.</summary>
    public IReadOnlyList<TForm> DeletedForms => IsValid() && CanDelete ? [.. Forms.Where(ShouldDelete)] : [];

    /// <summary>Each form's errors, in order (Django's <c>errors</c>).</summary>
    public IReadOnlyList<FormErrors> Errors
    {
        get
        {
            if (_errors is null) FullClean();
            return _errors!;
        }
    }

    /// <summary>The formset's own errors (Django's <c>non_form_errors</c>): the management form, too many or too few forms, <see cref="Clean"/>.</summary>
    public ErrorList NonFormErrors()
    {
        if (_nonFormErrors is null) FullClean();
        return _nonFormErrors!;
    }

    /// <summary>Whether every form not marked for deletion is valid and the formset has no errors of its own.</summary>
    public bool IsValid()
    {
        if (!IsBound) return false;
        var formsValid = Forms.Where(form => !(CanDelete && ShouldDeleteAfterCleaning(form))).All(form => form.IsValid());
        return formsValid && NonFormErrors().Count == 0;
    }

    /// <summary>The async form of <see cref="IsValid"/>: each form's async hooks awaited.</summary>
    public async Task<bool> IsValidAsync(CancellationToken cancellationToken = default)
    {
        if (!IsBound) return false;
        foreach (var form in Forms) await form.IsValidAsync(cancellationToken).ConfigureAwait(false);
        return IsValid();
    }

    private bool ShouldDeleteAfterCleaning(TForm form)
    {
        _ = form.Errors;
        return ShouldDelete(form);
    }

    /// <summary>Checks across the forms, after theirs: throw a <see cref="ValidationError"/> to refuse the formset.</summary>
    protected virtual void Clean()
    {
    }

    private void FullClean()
    {
        _errors = [];
        _nonFormErrors = new ErrorList("errorlist nonform");
        if (!IsBound) return;
        if (!ManagementForm.IsValid())
        {
            var missing = string.Join(", ", ManagementForm.Errors.Keys.Select(ManagementForm.AddPrefix));
            _nonFormErrors.AddRange([new ValidationError(ErrorMessages["missing_management_form"], "missing_management_form", new Dictionary<string, object?> { ["field_names"] = missing })]);
        }
        var empty = 0;
        for (var i = 0; i < Forms.Count; i++)
        {
            var form = Forms[i];
            if (!form.HasChanged() && i >= InitialFormCount()) empty++;
            var errors = form.Errors;
            if (CanDelete && ShouldDelete(form)) continue;
            _errors.Add(errors);
        }
        try
        {
            var deleted = CanDelete ? Forms.Count(ShouldDelete) : 0;
            if ((ValidateMax && TotalFormCount() - deleted > MaxNum) || Count(ManagementForm, "TOTAL_FORMS") > Absolute)
                throw new ValidationError(Plural(ErrorMessages["too_many_forms"], MaxNum), "too_many_forms", new Dictionary<string, object?> { ["num"] = MaxNum });
            if (ValidateMin && TotalFormCount() - deleted - empty < MinNum)
                throw new ValidationError(Plural(ErrorMessages["too_few_forms"], MinNum), "too_few_forms", new Dictionary<string, object?> { ["num"] = MinNum });
            Clean();
        }
        catch (ValidationError e)
        {
            _nonFormErrors = new ErrorList("errorlist nonform");
            _nonFormErrors.AddRange(e.ErrorList);
        }
    }

    // Django's ngettext: "form" for one, unless the message was replaced
    private static string Plural(string message, int number) => number == 1 ? message.Replace(" forms.", " form.", StringComparison.Ordinal) : message;

    /// <summary>Every form's clean values (Django's <c>cleaned_data</c>).</summary>
    public IReadOnlyList<CleanedData> CleanedData => IsValid()
        ? [.. Forms.Select(f => f.CleanedData)]
        : throw new InvalidOperationException($"'{GetType().Name}' object has no attribute 'cleaned_data': it is not valid.");

    /// <summary>The formset as HTML: the management form, then each form (Django's default template).</summary>
    public SafeString Render() => new(ManagementForm.Render().Value + string.Concat(Forms.Select(f => f.Render().Value)));

    /// <inheritdoc/>
    object IStringValue.Text => Render();

    /// <inheritdoc/>
    public override string ToString() => Render().Value;

    /// <inheritdoc/>
    public IEnumerator<TForm> GetEnumerator() => Forms.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Django's <c>ManagementForm</c>: the formset's counts as hidden inputs named as Django names them.</summary>
internal sealed class ManagementForm : Form
{
    private protected override IEnumerable<Field> GeneratedFields() =>
    [
        Named("TOTAL_FORMS", new IntegerField { Widget = new HiddenInput() }),
        Named("INITIAL_FORMS", new IntegerField { Widget = new HiddenInput() }),
        Named("MIN_NUM_FORMS", new IntegerField { Widget = new HiddenInput(), Required = false }),
        Named("MAX_NUM_FORMS", new IntegerField { Widget = new HiddenInput(), Required = false }),
    ];

    private static Field Named(string name, Field field)
    {
        field.Name = name;
        return field;
    }

    protected override void Clean()
    {
        // as Django: a missing count is 0 rather than a crash
        CleanedData.TryAdd("TOTAL_FORMS", 0L);
        CleanedData.TryAdd("INITIAL_FORMS", 0L);
    }
}
