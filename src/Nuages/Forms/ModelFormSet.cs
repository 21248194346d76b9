using Nuages.Core;
using Nuages.Db.Models;
using Nuages.Db.Query;

namespace Nuages.Forms;

/// <summary>
/// Django's model formsets (<c>modelformset_factory</c>): a form per row of <see cref="Queryset"/> (ordered by primary
/// key unless ordered), then <see cref="FormSet{TForm}.Extra"/> forms for new rows; each form carries its row's key
/// in a hidden <c>id</c> field, so a submission edits the rows it names. <see cref="Save"/> saves the changed rows,
/// creates the filled extra ones and deletes those marked (with <c>CanDelete</c>). Call <see cref="LoadAsync"/>
/// (or <see cref="IsValidAsync"/>) first in async code: the rows are then read with async I/O.
/// </summary>
public class ModelFormSet<T, TForm> : FormSet<TForm> where T : Model<T>, new() where TForm : ModelForm<T>, new()
{
    private List<T>? _rows;

    /// <summary>The rows edited; all of the model's, by primary key, unless set.</summary>
    public QuerySet<T>? Queryset { get; init; }

    private QuerySet<T> Rows() => Queryset ?? BaseRows();

    /// <summary>The rows when <see cref="Queryset"/> is not set: all of the model's by key (an inline formset's parent's).</summary>
    protected virtual QuerySet<T> BaseRows() => Model<T>.Objects.OrderBy("pk");

    private List<T> Loaded => _rows ??= Rows().ToList();

    /// <summary>Reads the rows with async I/O.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default) => _rows ??= await Rows().ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override int InitialFormCount() => IsBound ? base.InitialFormCount() : Loaded.Count;

    /// <inheritdoc/>
    protected override TForm CreateForm(int index, IReadOnlyDictionary<string, object?> initial, bool emptyPermitted)
    {
        var instance = RowFor(index);
        var form = base.CreateForm(index, initial, emptyPermitted);
        form.UseInstance(instance);
        // the row's key, sent back with the form (Django's add_fields)
        form.AddField("id", new ModelChoiceField<T>(Rows()) { Required = false, Widget = new HiddenInput(), Initial = instance?.Id, EmptyLabel = null });
        return form;
    }

    /// <summary>The row a form edits: the one whose key the data name, else the index-th (Django's <c>_construct_form</c>).</summary>
    private T? RowFor(int index)
    {
        if (IsBound)
        {
            var key = Data!.Get($"{Prefix}-{index}-id");
            return key is null or "" ? null : Loaded.FirstOrDefault(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == Core.PythonFormat.Str(key));
        }
        return index < Loaded.Count ? Loaded[index] : null;
    }

    /// <summary>
    /// Unique values across the forms (Django's <c>validate_unique</c> of model formsets): two forms may not give one
    /// unique value, or one set of unique-together values — each is compared with the database by its own form, but
    /// not with the other forms.
    /// </summary>
    protected override void Clean()
    {
        var meta = ModelMeta.For(typeof(T));
        var checks = meta.Fields.Where(f => f.Unique && f != meta.Pk).Select(f => (IReadOnlyList<string>)[f.Key])
            .Concat(meta.UniqueTogether.Select(set => (IReadOnlyList<string>)[.. set.Select(f => f.Key)]))
            .ToList();
        var valid = Forms.Where(form => form.IsValid() && !(CanDelete && ShouldDelete(form))).ToList();
        var errors = new List<ValidationError>();
        foreach (var check in checks)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var form in valid)
            {
                var values = check.Where(form.CleanedData.ContainsKey).Select(field => form.CleanedData[field] switch
                {
                    IModelRow row => (object?)row.Id,
                    var value => value,
                }).ToList();
                if (values.Count == 0 || values.Any(v => v is null)) continue;
                var key = string.Join("\u001f", values.Select(PythonFormat.Str));
                if (!seen.Add(key))
                {
                    errors.Add(new ValidationError(check.Count == 1
                        ? $"Please correct the duplicate data for {check[0]}."
                        : $"Please correct the duplicate data for {TextList(check)}, which must be unique."));
                    form.AddError(null, "Please correct the duplicate values below.");
                    foreach (var field in check) form.CleanedData.Remove(field);
                }
            }
        }
        if (errors.Count > 0) throw new ValidationError(errors);
    }

    // Django's get_text_list(items, "and"): "a, b and c"
    private static string TextList(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    /// <summary>The async form of <see cref="FormSet{TForm}.IsValid"/>: rows and checks read with async I/O.</summary>
    public new async Task<bool> IsValidAsync(CancellationToken cancellationToken = default)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return await base.IsValidAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Saves the changed rows and the filled new ones, deletes those marked; returns the rows saved (Django's <c>save</c>).</summary>
    public List<T> Save() => Async.SyncMode.Result(SaveCore(false, default), "A model formset");

    /// <summary>The async form of <see cref="Save"/>.</summary>
    public async Task<List<T>> SaveAsync(CancellationToken cancellationToken = default) => await SaveCore(true, cancellationToken).ConfigureAwait(false);

    private async ValueTask<List<T>> SaveCore(bool async, CancellationToken cancellationToken)
    {
        if (!IsValid()) throw new ArgumentException($"The {typeof(T).Name} could not be saved because the data didn't validate.");
        var saved = new List<T>();
        var initial = InitialFormCount();
        for (var i = 0; i < Forms.Count; i++)
        {
            var form = Forms[i];
            if (CanDelete && ShouldDelete(form))
            {
                if (i < initial && form.Instance.Id > 0)
                {
                    if (async) await form.Instance.DeleteAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    else form.Instance.Delete();
                }
                continue;
            }
            if (!form.HasChanged()) continue;
            saved.Add(async ? await form.SaveAsync(cancellationToken: cancellationToken).ConfigureAwait(false) : form.Save());
        }
        return saved;
    }
}
