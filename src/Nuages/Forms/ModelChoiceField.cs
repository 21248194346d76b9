using System.Globalization;
using Nuages.Core;
using Nuages.Db.Models;
using Nuages.Db.Query;

namespace Nuages.Forms;

/// <summary>What a choice widget shows: a choice field's choices, or a model choice field's rows.</summary>
internal interface IChoiceSource
{
    IReadOnlyList<Choice> Choices { get; }
}

/// <summary>A field that reads something before it renders, which <see cref="Form.PrepareAsync"/> reads with async I/O.</summary>
internal interface IPreparedField
{
    Task PrepareAsync(CancellationToken cancellationToken);

    void Prepare();
}

/// <summary>
/// Django's <c>ModelChoiceField</c>: one row of <see cref="Queryset"/>, chosen by primary key; a foreign key's field
/// in a model form. It reads the row with async I/O in <c>IsValidAsync</c>; its options are read when the form is
/// rendered — call <c>await form.PrepareAsync()</c> first in async code (the async generic views do), so that
/// rendering does no sync I/O.
/// </summary>
public class ModelChoiceField<T> : Field<T>, IChoiceSource, IPreparedField where T : Model<T>, new()
{
    private IReadOnlyList<Choice>? _choices;

    /// <summary>A field choosing among <paramref name="queryset"/>'s rows, with Django's message.</summary>
    public ModelChoiceField(QuerySet<T> queryset)
    {
        Queryset = queryset;
        ErrorMessages["invalid_choice"] = "Select a valid choice. That choice is not one of the available choices.";
    }

    /// <summary>The rows to choose from.</summary>
    public QuerySet<T> Queryset { get; }

    /// <summary>The label of the empty choice; none when null.</summary>
    public string? EmptyLabel { get; init; } = "---------";

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new Select();

    /// <summary>The options: the empty one, then a row each (read once, synchronously when not prepared).</summary>
    public IReadOnlyList<Choice> Choices => _choices ??= MakeChoices(Queryset.All().ToList());

    /// <summary>Reads the options with async I/O, so that rendering needs no query.</summary>
    public async Task LoadChoicesAsync(CancellationToken cancellationToken = default) =>
        _choices ??= MakeChoices(await Queryset.All().ToListAsync(cancellationToken).ConfigureAwait(false));

    private List<Choice> MakeChoices(List<T> rows)
    {
        var choices = new List<Choice>();
        // as Django: no empty choice for a required field with an initial value
        if (EmptyLabel is not null && !(Required && Initial is not null)) choices.Add(("", EmptyLabel));
        choices.AddRange(rows.Select(row => new Choice(row.Id, LabelOf(row))));
        return choices;
    }

    /// <summary>A row's label: its ToString, or Django's default <c>Author object (1)</c>.</summary>
    internal static string LabelOf(T row)
    {
        var text = row.ToString();
        return text is null || text == typeof(T).ToString() ? $"{typeof(T).Name} object ({row.Id})" : text;
    }

    Task IPreparedField.PrepareAsync(CancellationToken cancellationToken) => LoadChoicesAsync(cancellationToken);

    void IPreparedField.Prepare() => _ = Choices;

    /// <summary>A field choosing among all the model's rows.</summary>
    public ModelChoiceField() : this(Model<T>.Objects.All())
    {
    }

    /// <inheritdoc/>
    public override object? PrepareValue(object? value) => value switch
    {
        T row => row.Id,
        ForeignKey<T> key => key.Id,
        _ => value,
    };

    /// <inheritdoc/>
    public override object? ToPython(object? value) => Async.SyncMode.Result(Read(value, false, default), "A model choice field");

    /// <inheritdoc/>
    public override async ValueTask<object?> CleanAsync(object? value, CancellationToken cancellationToken)
    {
        value = await Read(value, true, cancellationToken).ConfigureAwait(false);
        Validate(value);
        RunValidators(value);
        return value;
    }

    private async ValueTask<object?> Read(object? value, bool async, CancellationToken cancellationToken)
    {
        if (IsEmpty(value)) return null;
        if (value is T row) return row;
        if (!long.TryParse(PythonFormat.Str(value).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pk))
            throw Error("invalid_choice", new() { ["value"] = value });
        try
        {
            var query = Queryset.Filter("pk", pk);
            return async ? await query.GetAsync(cancellationToken).ConfigureAwait(false) : query.Get();
        }
        catch (Model<T>.DoesNotExist)
        {
            throw Error("invalid_choice", new() { ["value"] = value });
        }
    }

    /// <inheritdoc/>
    public override bool HasChanged(object? initial, object? data)
    {
        if (Disabled) return false;
        var before = PrepareValue(initial);
        return PythonFormat.Str(before ?? "") != PythonFormat.Str(data ?? "");
    }
}

/// <summary>
/// Django's <c>ModelMultipleChoiceField</c>: any number of <see cref="Queryset"/>'s rows, chosen by primary key; a
/// many-to-many field's field in a model form. Clean, it is the rows chosen; they are read with async I/O in
/// <c>IsValidAsync</c>, and the options by <c>PrepareAsync</c>.
/// </summary>
public class ModelMultipleChoiceField<T> : Field<List<T>>, IChoiceSource, IPreparedField where T : Model<T>, new()
{
    private IReadOnlyList<Choice>? _choices;

    /// <summary>A field choosing among <paramref name="queryset"/>'s rows, with Django's messages.</summary>
    public ModelMultipleChoiceField(QuerySet<T> queryset)
    {
        Queryset = queryset;
        ErrorMessages["invalid_list"] = "Enter a list of values.";
        ErrorMessages["invalid_choice"] = "Select a valid choice. %(value)s is not one of the available choices.";
        ErrorMessages["invalid_pk_value"] = "“%(pk)s” is not a valid value.";
    }

    /// <summary>A field choosing among all the model's rows.</summary>
    public ModelMultipleChoiceField() : this(Model<T>.Objects.All())
    {
    }

    /// <summary>The rows to choose from.</summary>
    public QuerySet<T> Queryset { get; }

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new SelectMultiple();

    /// <summary>The options, a row each (read once, synchronously when not prepared).</summary>
    public IReadOnlyList<Choice> Choices => _choices ??= [.. Queryset.All().ToList().Select(row => new Choice(row.Id, ModelChoiceField<T>.LabelOf(row)))];

    Task IPreparedField.PrepareAsync(CancellationToken cancellationToken) => LoadChoicesAsync(cancellationToken);

    void IPreparedField.Prepare() => _ = Choices;

    /// <summary>Reads the options with async I/O.</summary>
    public async Task LoadChoicesAsync(CancellationToken cancellationToken = default) =>
        _choices ??= [.. (await Queryset.All().ToListAsync(cancellationToken).ConfigureAwait(false)).Select(row => new Choice(row.Id, ModelChoiceField<T>.LabelOf(row)))];

    /// <inheritdoc/>
    public override object? PrepareValue(object? value) => value is IEnumerable<T> rows ? rows.Select(r => (object?)r.Id).ToList() : value;

    /// <inheritdoc/>
    public override object? Clean(object? value) => Async.SyncMode.Result(Read(value, false, default), "A model choice field");

    /// <inheritdoc/>
    public override ValueTask<object?> CleanAsync(object? value, CancellationToken cancellationToken) => Read(value, true, cancellationToken);

    private async ValueTask<object?> Read(object? value, bool async, CancellationToken cancellationToken)
    {
        if (IsEmpty(value))
        {
            if (Required) throw Error("required");
            return new List<T>();
        }
        if (value is string or not System.Collections.IEnumerable) throw Error("invalid_list");
        var given = ((System.Collections.IEnumerable)value).Cast<object?>().Select(v => PythonFormat.Str(v)).Distinct().ToList();
        var pks = new List<long>();
        foreach (var text in given)
            pks.Add(long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pk)
                ? pk : throw Error("invalid_pk_value", new() { ["pk"] = text }));
        var query = Queryset.Filter("pk__in", pks);
        var rows = async ? await query.ToListAsync(cancellationToken).ConfigureAwait(false) : query.ToList();
        var found = rows.Select(r => r.Id.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        foreach (var text in given)
            if (!found.Contains(text)) throw Error("invalid_choice", new() { ["value"] = text });
        RunValidators(value);
        return rows;
    }

    /// <inheritdoc/>
    public override bool HasChanged(object? initial, object? data)
    {
        if (Disabled) return false;
        var before = (PrepareValue(initial) as System.Collections.IEnumerable)?.Cast<object?>().Select(v => PythonFormat.Str(v)).ToHashSet() ?? [];
        var after = (data as System.Collections.IEnumerable)?.Cast<object?>().Select(v => PythonFormat.Str(v)).ToHashSet() ?? [];
        return !before.SetEquals(after);
    }
}
