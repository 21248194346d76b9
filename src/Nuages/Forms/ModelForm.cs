using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Forms;

/// <summary>
/// Django's <c>ModelForm</c> (django/forms/models.py): a form whose fields are made from the model's — name, label,
/// required, max length, choices, a foreign key as a <see cref="ModelChoiceField{T}"/> — for the fields
/// <see cref="IncludeFields"/> names (<c>["__all__"]</c> for every editable one) less <see cref="ExcludeFields"/>;
/// declared fields replace made ones of the same name. Validation ends with the model's own (<c>FullClean</c>:
/// choices, max length, unique and unique-together — queried with async I/O by <c>IsValidAsync</c>);
/// <see cref="Save"/> / <see cref="SaveAsync"/> write the row.
/// <code>
/// public sealed class BookForm : ModelForm&lt;Book&gt;
/// {
///     protected override string[] IncludeFields =&gt; ["title", "author", "pages"];
/// }
/// var form = new BookForm { Data = request.Form, Instance = book };   // Instance: edit a row; none: a new one
/// if (await form.IsValidAsync()) await form.SaveAsync();
/// </code>
/// </summary>
public abstract class ModelForm<T> : Form where T : Model<T>, new()
{
    private T? _instance;

    /// <summary>The row edited (Django's <c>instance</c>); a new one when not given.</summary>
    public T Instance
    {
        get => _instance ??= new T();
        init => _instance = value;
    }

    /// <summary>Gives a form made elsewhere (a formset's, a generic view's) its row, before its fields are made.</summary>
    internal void UseInstance(T? instance) => _instance = instance;

    /// <summary>The model fields the form has (Django's <c>Meta.fields</c>): their names, or <c>["__all__"]</c>.</summary>
    protected virtual string[]? IncludeFields => null;

    /// <summary>The model fields the form leaves out (Django's <c>Meta.exclude</c>).</summary>
    protected virtual string[]? ExcludeFields => null;

    /// <summary>Labels by field name (Django's <c>Meta.labels</c>).</summary>
    protected virtual IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string>();

    /// <summary>Help texts by field name (Django's <c>Meta.help_texts</c>).</summary>
    protected virtual IReadOnlyDictionary<string, string> HelpTexts => new Dictionary<string, string>();

    /// <summary>Widgets by field name, made for each form (Django's <c>Meta.widgets</c>).</summary>
    protected virtual IReadOnlyDictionary<string, Func<Widget>> Widgets => new Dictionary<string, Func<Widget>>();

    /// <summary>Messages by field name and code (Django's <c>Meta.error_messages</c>).</summary>
    protected virtual IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> FieldErrorMessages =>
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    private static ModelMeta Meta => ModelMeta.For(typeof(T));

    /// <summary>The model fields this form edits.</summary>
    private List<FieldMeta> EditedFields()
    {
        if (IncludeFields is null && ExcludeFields is null)
            throw new ImproperlyConfigured($"Creating a ModelForm without either the 'fields' attribute or the 'exclude' attribute is prohibited; form {GetType().Name} needs updating: override IncludeFields (or ExcludeFields).");
        var editable = Meta.Fields.Where(f => f != Meta.Pk).ToList();
        var chosen = IncludeFields is null or ["__all__"] ? editable : [.. IncludeFields.Where(name => EditableManyToMany.All(m => m.Key != name)).Select(name => editable.FirstOrDefault(f => f.Key == name)
            ?? throw new Core.FieldError($"Unknown field(s) ({name}) specified for {typeof(T).Name}"))];
        return [.. chosen.Where(f => ExcludeFields?.Contains(f.Key) != true)];
    }

    /// <summary>The many-to-many relations a form can edit: those without a through model of their own, as Django's.</summary>
    private static IEnumerable<ManyToManyMeta> EditableManyToMany => Meta.ManyToMany.Where(m => m.ThroughType is null);

    /// <summary>The many-to-many relations this form edits, in the order <see cref="IncludeFields"/> names them.</summary>
    private List<ManyToManyMeta> EditedManyToMany() =>
        [.. EditableManyToMany.Where(m => (IncludeFields is null or ["__all__"] || IncludeFields.Contains(m.Key)) && ExcludeFields?.Contains(m.Key) != true)];

    private object Manager(ManyToManyMeta relation) => typeof(T).GetProperty(relation.Name)!.GetValue(Instance)!;

    private static List<long> Ids(object rows) => [.. ((System.Collections.IEnumerable)rows).Cast<IModelRow>().Select(r => r.Id)];

    private protected override IEnumerable<Field> GeneratedFields()
    {
        var made = new List<Field>();
        foreach (var meta in EditedFields())
        {
            var field = MakeField(meta);
            field.Name = meta.Key;
            made.Add(field);
        }
        foreach (var relation in EditedManyToMany())
        {
            var field = (Field)Activator.CreateInstance(typeof(ModelMultipleChoiceField<>).MakeGenericType(relation.TargetType))!;
            var blank = typeof(T).GetProperty(relation.Name)!.GetCustomAttributes(typeof(BlankAttribute), true).Length > 0;
            // an existing row's related rows, read when first shown (PrepareAsync reads them with async I/O)
            Func<object?>? initial = _instance is { Id: > 0 } ? () => Ids(Manager(relation).GetType().GetMethod("ToList", Type.EmptyTypes)!.Invoke(Manager(relation), [])!) : null;
            field.Configure(!blank, Labels.TryGetValue(relation.Key, out var label) ? label : Field.PrettyName(relation.Key),
                HelpTexts.TryGetValue(relation.Key, out var help) ? help : "", Widgets.TryGetValue(relation.Key, out var make) ? make() : null, initial);
            field.Name = relation.Key;
            made.Add(field);
        }
        foreach (var field in made)
            if (FieldErrorMessages.TryGetValue(field.Name, out var messages))
                foreach (var (code, message) in messages) field.ErrorMessages[code] = message;
        // the order IncludeFields gives, as Django's fields_for_model
        return IncludeFields is null or ["__all__"] ? made : [.. made.OrderBy(f => Array.IndexOf(IncludeFields, f.Name))];
    }

    /// <inheritdoc/>
    public override async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        await base.PrepareAsync(cancellationToken).ConfigureAwait(false);
        if (_instance is not { Id: > 0 }) return;
        foreach (var relation in EditedManyToMany())
        {
            if (!Fields.TryGetValue(relation.Key, out var field) || Initial.ContainsKey(relation.Key)) continue;
            var manager = Manager(relation);
            var task = (Task)manager.GetType().GetMethod("ToListAsync", [typeof(CancellationToken)])!.Invoke(manager, [cancellationToken])!;
            await task.ConfigureAwait(false);
            field.SetInitial(Ids(task.GetType().GetProperty("Result")!.GetValue(task)!));
        }
    }

    /// <summary>Saves the many-to-many values (Django's <c>save_m2m</c>; what <c>Save(commit: false)</c> leaves to do once the row is saved).</summary>
    public void SaveManyToMany()
    {
        foreach (var relation in EditedManyToMany())
        {
            if (!CleanedData.TryGetValue(relation.Key, out var rows) || rows is null) continue;
            var manager = Manager(relation);
            manager.GetType().GetMethod("Set", [typeof(IEnumerable<long>), typeof(bool), typeof(object)])!.Invoke(manager, [Ids(rows), false, null]);
        }
    }

    /// <summary>The async form of <see cref="SaveManyToMany"/>.</summary>
    public async Task SaveManyToManyAsync(CancellationToken cancellationToken = default)
    {
        foreach (var relation in EditedManyToMany())
        {
            if (!CleanedData.TryGetValue(relation.Key, out var rows) || rows is null) continue;
            var manager = Manager(relation);
            await ((Task)manager.GetType().GetMethod("SetAsync", [typeof(IEnumerable<long>), typeof(bool), typeof(object), typeof(CancellationToken)])!
                .Invoke(manager, [Ids(rows), false, null, cancellationToken])!).ConfigureAwait(false);
        }
    }

    /// <summary>Django's <c>formfield()</c> of a model field.</summary>
    private Field MakeField(FieldMeta meta)
    {
        var label = Labels.TryGetValue(meta.Key, out var given) ? given : Field.PrettyName(meta.Key);
        var help = HelpTexts.TryGetValue(meta.Key, out var text) ? text : "";
        var widget = Widgets.TryGetValue(meta.Key, out var make) ? make() : null;
        var initial = _instance is null ? null : InitialOf(meta, _instance);
        var type = meta.Type;
        var required = type == typeof(string) ? !meta.Blank : !meta.Nullable && type != typeof(bool);
        Field field = meta switch
        {
            { IsRelation: true } => (Field)Activator.CreateInstance(typeof(ModelChoiceField<>).MakeGenericType(meta.RelatedType!))!,
            { Choices: { } choices } => new TypedChoiceField
            {
                Choices = [("", "---------"), .. choices.Select(c => new Choice(c is Enum e ? System.Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture) : c, c.ToString()!))],
                Coerce = value => type.IsEnum ? Enum.ToObject(type, long.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) : System.Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture),
                EmptyValue = meta.Nullable ? null : "",
            },
            { Json: true } => new JSONField(),
            // a string without a maximum length is Django's TextField, whose form field shows a Textarea
            _ when type == typeof(string) => new CharField { MaxLength = meta.MaxLength, EmptyValue = meta.Nullable ? null : "", Widget = meta.MaxLength is null ? new Textarea() : new TextInput() },
            _ when type == typeof(bool) => meta.Nullable ? new NullBooleanField() : new BooleanField(),
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => new IntegerField(),
            _ when type == typeof(decimal) => new DecimalField { MaxDigits = meta.MaxDigits, DecimalPlaces = meta.DecimalPlaces },
            _ when type == typeof(double) || type == typeof(float) => new FloatField(),
            _ when type == typeof(DateOnly) => new DateField(),
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => new DateTimeField(),
            _ when type == typeof(TimeOnly) => new TimeField(),
            _ when type == typeof(TimeSpan) => new DurationField(),
            _ when type == typeof(Guid) => new UUIDField(),
            _ => throw new ImproperlyConfigured($"{typeof(T).Name}.{meta.Name} ({type.Name}) has no form field: leave it out with ExcludeFields, or declare a field for it."),
        };
        // the options every field takes, set as Django's formfield() passes them
        return Configure(field, required && type != typeof(bool), label, help, widget, initial);
    }

    private static Field Configure(Field field, bool required, string label, string help, Widget? widget, object? initial)
    {
        field.Configure(required, label, help, widget, initial);
        return field;
    }

    private static object? InitialOf(FieldMeta meta, T instance)
    {
        if (meta.IsRelation) return meta.Relation!(instance)?.Id;
        var value = meta.Get(instance);
        return value is Enum e ? System.Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture) : value;
    }

    /// <summary>Puts the clean values into <see cref="Instance"/> (Django's <c>construct_instance</c>).</summary>
    private void Construct()
    {
        foreach (var meta in EditedFields())
        {
            if (!CleanedData.TryGetValue(meta.Key, out var value)) continue;
            if (meta.IsRelation)
            {
                var relation = meta.Relation!(Instance)!;
                relation.Id = value is null ? null : ((IModelRow)value).Id;
                relation.Cached = value;
                continue;
            }
            meta.Set(Instance, ToModelValue(value, meta));
        }
    }

    private static object? ToModelValue(object? value, FieldMeta meta)
    {
        if (value is null) return null;
        var type = meta.Type;
        if (type.IsInstanceOfType(value)) return value;
        if (type.IsEnum) return Enum.ToObject(type, value);
        if (type == typeof(DateTime) && value is DateTimeOffset offset) return offset.UtcDateTime;
        if (value is System.Text.Json.Nodes.JsonNode) return value;
        return System.Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The model's validation of the constructed row (Django's <c>_post_clean</c>); its errors join the form's.</summary>
    protected override async ValueTask PostCleanAsync(bool async, CancellationToken cancellationToken)
    {
        Construct();
        var edited = EditedFields().Select(f => f.Key).ToHashSet();
        // as Django: the model checks only the fields the form edits and that passed the form's own checks
        string[] exclude = [.. Meta.Fields.Select(f => f.Key).Where(key => !edited.Contains(key) || Errors.ContainsKey(key))];
        try
        {
            if (async) await Instance.FullCleanAsync(exclude, cancellationToken: cancellationToken).ConfigureAwait(false);
            else Instance.FullClean(exclude);
        }
        catch (ValidationError e)
        {
            AddError(null, e);
        }
    }

    /// <summary>Saves <see cref="Instance"/> with the form's values (Django's <c>save()</c>); with <paramref name="commit"/> false, only fills it in.</summary>
    public T Save(bool commit = true)
    {
        EnsureValid();
        if (commit)
        {
            Instance.Save();
            SaveManyToMany();
        }
        return Instance;
    }

    /// <summary>The async form of <see cref="Save"/>.</summary>
    public async Task<T> SaveAsync(bool commit = true, CancellationToken cancellationToken = default)
    {
        EnsureValid();
        if (commit)
        {
            await Instance.SaveAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await SaveManyToManyAsync(cancellationToken).ConfigureAwait(false);
        }
        return Instance;
    }

    private void EnsureValid()
    {
        if (Errors.Count > 0)
            throw new ArgumentException($"The {typeof(T).Name} could not be {(_instance?.Id > 0 ? "changed" : "created")} because the data didn't validate.");
    }
}
