using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Nuages.Core;

namespace Nuages.Forms;

/// <summary>
/// Django's <c>Form</c> (django/forms/forms.py): fields declared as get-only properties, bound to submitted data by
/// <see cref="Data"/>, validated by <see cref="IsValid"/> — each field cleaned, then its <c>Clean{Property}</c> method
/// if the form has one, then <see cref="Clean"/> — with the messages in <see cref="Errors"/> and the values in
/// <see cref="CleanedData"/>.
/// <code>
/// public sealed class CommentForm : Form
/// {
///     public CharField Name { get; } = new() { MaxLength = 100 };
///     public EmailField Email { get; } = new() { Required = false };
///     public CharField Body { get; } = new() { Widget = new Textarea() };
///
///     public string CleanName() =&gt; CleanedData.Get(Name)!.ToUpperInvariant();
/// }
///
/// var form = new CommentForm { Data = request.Form };
/// if (form.IsValid()) Save(form.CleanedData.Get(form.Name), …);
/// </code>
/// <see cref="IsValidAsync"/> runs <c>Clean{Property}Async</c> and <see cref="CleanAsync"/> hooks, for checks that
/// query the database — beyond Django, whose validation is sync only.
/// </summary>
public abstract class Form : Templates.IStringValue, Templates.ITemplateLookup, IEnumerable<BoundField>
{
    private static readonly ConcurrentDictionary<Type, FormShape> Shapes = new();
    private readonly FormShape _shape;
    private Dictionary<string, Field>? _fields;
    private FormErrors? _errors;

    /// <summary>A form of the declaring class's fields.</summary>
    protected Form() => _shape = Shapes.GetOrAdd(GetType(), FormShape.Of);

    /// <summary>The submitted data (<c>request.Form</c>); null for an unbound form.</summary>
    public FormData? Data { get; init; }

    /// <summary>The uploaded files (<c>request.Files</c>).</summary>
    public Http.UploadedFileDict? Files { get; init; }

    /// <summary>A prefix of every field's HTML name (<c>prefix-name</c>), for several forms in one page.</summary>
    public string? Prefix { get; init; }

    /// <summary>Initial values by field name; they win over the fields' own.</summary>
    public IReadOnlyDictionary<string, object?> Initial { get; init; } = new Dictionary<string, object?>();

    /// <summary>The pattern of the fields' HTML ids (<c>id_%s</c>); null for none.</summary>
    public string? AutoId { get; init; } = "id_%s";

    /// <summary>What follows each label (<c>:</c>).</summary>
    public string LabelSuffix { get; init; } = ":";

    /// <summary>Whether an untouched form is valid without validation (extra forms of a formset).</summary>
    public bool EmptyPermitted { get; init; }

    /// <summary>Whether required fields render the <c>required</c> attribute.</summary>
    public bool UseRequiredAttribute { get; init; } = true;

    /// <summary>The CSS class of a row with errors (Django's <c>error_css_class</c>); none when null.</summary>
    public string? ErrorCssClass { get; init; }

    /// <summary>The CSS class of a required field's row and label (Django's <c>required_css_class</c>); none when null.</summary>
    public string? RequiredCssClass { get; init; }

    /// <summary>The template <c>{{ form }}</c> renders (Django 5's <c>django/forms/div.html</c>).</summary>
    public string TemplateName { get; init; } = "django/forms/div.html";

    /// <summary>Whether data were given (Django's <c>is_bound</c>).</summary>
    public bool IsBound => Data is not null || Files is not null;

    /// <summary>The fields by name, in declaration order (a base form's first).</summary>
    public IReadOnlyDictionary<string, Field> Fields => _fields ??= _shape.Bind(this);

    /// <summary>The clean values by field name, once validated; a field that failed has none.</summary>
    public CleanedData CleanedData { get; private set; } = new();

    /// <summary>The errors by field name (<c>__all__</c> for the form's own), validating the form the first time.</summary>
    public FormErrors Errors
    {
        get
        {
            if (_errors is null) Async.SyncMode.Wait(FullClean(false, default), "A form");
            return _errors!;
        }
    }

    /// <summary>Whether the form is bound and has no errors (Django's <c>is_valid</c>).</summary>
    public bool IsValid() => IsBound && Errors.Count == 0;

    /// <summary>The async form of <see cref="IsValid"/>: <c>Clean{Property}Async</c> hooks and <see cref="CleanAsync"/> are awaited.</summary>
    public async Task<bool> IsValidAsync(CancellationToken cancellationToken = default)
    {
        if (_errors is null) await FullClean(true, cancellationToken).ConfigureAwait(false);
        return IsBound && _errors!.Count == 0;
    }

    /// <summary>The form's own errors (Django's <c>non_field_errors</c>).</summary>
    public ErrorList NonFieldErrors() => Errors.TryGetValue(ValidationError.NonFieldErrors, out var list) ? list : new ErrorList(isNonField: true);

    /// <summary>A field's name with the form's prefix (Django's <c>add_prefix</c>).</summary>
    public string AddPrefix(string name) => Prefix is null ? name : $"{Prefix}-{name}";

    /// <summary>The field <paramref name="name"/> bound to this form's data.</summary>
    public BoundField this[string name] => Fields.TryGetValue(name, out var field)
        ? new BoundField(this, field)
        : throw new KeyNotFoundException($"Key '{name}' not found in '{GetType().Name}'. Choices are: {string.Join(", ", Fields.Keys.Order(StringComparer.Ordinal))}.");

    /// <summary>Every field, bound, in order.</summary>
    public IEnumerable<BoundField> BoundFields => Fields.Values.Select(f => new BoundField(this, f));

    /// <summary>
    /// Adds an error to a field (null: to the form), and drops the field's clean value (Django's <c>add_error</c>);
    /// an error by field needs <paramref name="field"/> null.
    /// </summary>
    public void AddError(string? field, ValidationError error)
    {
        _errors ??= new FormErrors();
        IReadOnlyDictionary<string, IReadOnlyList<ValidationError>> byField;
        if (error.HasErrorDict)
        {
            if (field is not null)
                throw new ArgumentException($"If the error argument to AddError is a dictionary of errors, the field argument must be null; it was '{field}'.", nameof(field));
            byField = error.Errors;
        }
        else byField = new Dictionary<string, IReadOnlyList<ValidationError>> { [field ?? ValidationError.NonFieldErrors] = error.ErrorList };
        foreach (var (name, errors) in byField)
        {
            if (!_errors.TryGetValue(name, out var list))
            {
                if (name != ValidationError.NonFieldErrors && !Fields.ContainsKey(name))
                    throw new ArgumentException($"'{GetType().Name}' has no field named '{name}'.", nameof(field));
                // a field's list knows the field's HTML id, so that it renders as <ul … id="id_name_error"> (Django 5.2)
                _errors.Add(name, list = name == ValidationError.NonFieldErrors ? new ErrorList(isNonField: true) : new ErrorList { FieldId = this[name].AutoId });
            }
            list.AddRange(errors);
            CleanedData.Remove(name);
        }
    }

    /// <summary>Adds a message to a field (null: to the form).</summary>
    public void AddError(string? field, string message) => AddError(field, new ValidationError(message));

    /// <summary>Whether the field <paramref name="name"/> has an error (of <paramref name="code"/>, when given).</summary>
    public bool HasError(string name, string? code = null) =>
        Errors.TryGetValue(name, out var list) && (code is null || list.AsData().Any(e => e.Code == code));

    /// <summary>Checks of the whole form, after the fields': throw a <see cref="ValidationError"/>, or call <see cref="AddError(string?, string)"/>.</summary>
    protected virtual void Clean()
    {
    }

    /// <summary>The async form of <see cref="Clean"/>, which <see cref="IsValidAsync"/> awaits; by default it calls <see cref="Clean"/>.</summary>
    protected virtual ValueTask CleanAsync(CancellationToken cancellationToken)
    {
        Clean();
        return default;
    }

    /// <summary>
    /// Reads what rendering the form would otherwise query synchronously — the options of its model choice fields —
    /// with async I/O; the async generic views call it before rendering.
    /// </summary>
    public virtual async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        foreach (var field in Fields.Values)
            if (field is IPreparedField prepared) await prepared.PrepareAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sync twin of <see cref="PrepareAsync"/>, for sync views: their template responses may render in async code.</summary>
    public void Prepare()
    {
        foreach (var field in Fields.Values)
            if (field is IPreparedField prepared) prepared.Prepare();
    }

    /// <summary>Adds a field to this form only (a formset's DELETE and ORDER fields).</summary>
    internal void AddField(string name, Field field)
    {
        field.Name = name;
        ((Dictionary<string, Field>)Fields)[name] = field;
    }

    /// <summary>Removes a field from this form only (an inline formset's foreign key to its parent).</summary>
    internal void RemoveField(string name) => ((Dictionary<string, Field>)Fields).Remove(name);

    /// <summary>Fields the form makes rather than declares (a model form's, from its model).</summary>
    private protected virtual IEnumerable<Field> GeneratedFields() => [];

    /// <summary>The order of the fields by name, those listed first (Django's <c>field_order</c>); declaration order when null.</summary>
    protected virtual IEnumerable<string>? FieldOrder => null;

    /// <summary>Runs after <see cref="Clean"/> (Django's <c>_post_clean</c>: a model form checks its instance here).</summary>
    protected virtual ValueTask PostCleanAsync(bool async, CancellationToken cancellationToken) => default;

    /// <summary>The names of the fields whose data differ from their initial values (Django's <c>changed_data</c>).</summary>
    public IReadOnlyList<string> ChangedData => [.. BoundFields.Where(b => b.Field.HasChanged(b.Initial, b.Data)).Select(b => b.Name)];

    /// <summary>Whether any field's data differ from its initial value.</summary>
    public bool HasChanged() => ChangedData.Count > 0;

    /// <summary>The form as HTML with <see cref="TemplateName"/> (Django's <c>render</c>; <c>{{ form }}</c>).</summary>
    public Templates.SafeString Render(string? templateName = null) => FormRenderer.Render(templateName ?? TemplateName, GetContext());

    /// <summary>Each field in a div: label, help text, errors, widget (Django 5's default).</summary>
    public Templates.SafeString AsDiv() => Render("django/forms/div.html");

    /// <summary>Each field in a paragraph.</summary>
    public Templates.SafeString AsP() => Render("django/forms/p.html");

    /// <summary>Each field in a table row (without the table).</summary>
    public Templates.SafeString AsTable() => Render("django/forms/table.html");

    /// <summary>Each field in a list item (without the list).</summary>
    public Templates.SafeString AsUl() => Render("django/forms/ul.html");

    /// <summary>What the form's templates see (Django's <c>get_context</c>): the visible fields with their errors, the hidden ones, and the form's errors with the hidden fields'.</summary>
    public Dictionary<string, object?> GetContext()
    {
        var fields = new List<object?>();
        var hidden = new List<object?>();
        var hiddenErrors = new List<ValidationError>();
        foreach (var bound in BoundFields)
        {
            if (bound.IsHidden)
            {
                hiddenErrors.AddRange(bound.Errors.Select(message => new ValidationError($"(Hidden field {bound.Name}) {message}")));
                hidden.Add(bound);
            }
            else fields.Add(new List<object?> { bound, bound.Errors });
        }
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["form"] = this, ["fields"] = fields, ["hidden_fields"] = hidden, ["errors"] = NonFieldErrors().With(hiddenErrors),
        };
    }

    /// <inheritdoc/>
    object Templates.IStringValue.Text => Render();

    /// <inheritdoc/>
    public override string ToString() => Render().Value;

    /// <summary>In a template, <c>form.name</c> is the bound field (as Django's <c>form["name"]</c>).</summary>
    bool Templates.ITemplateLookup.TryLookup(string name, out object? value)
    {
        value = Fields.ContainsKey(name) ? this[name] : null;
        return value is not null;
    }

    /// <inheritdoc/>
    public IEnumerator<BoundField> GetEnumerator() => BoundFields.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The visible fields (Django's <c>visible_fields</c>).</summary>
    public IReadOnlyList<BoundField> VisibleFields() => [.. BoundFields.Where(b => !b.IsHidden)];

    /// <summary>The hidden fields (Django's <c>hidden_fields</c>).</summary>
    public IReadOnlyList<BoundField> HiddenFields() => [.. BoundFields.Where(b => b.IsHidden)];

    /// <summary>Django's <c>full_clean</c>, written once for both modes.</summary>
    private async ValueTask FullClean(bool async, CancellationToken cancellationToken)
    {
        _errors = new FormErrors();
        if (!IsBound) return;
        CleanedData = new CleanedData();
        if (EmptyPermitted && !HasChanged()) return;
        foreach (var bound in BoundFields)
        {
            var field = bound.Field;
            var value = field.Disabled ? bound.Initial : bound.Data;
            try
            {
                CleanedData[field.Name] = field is FileField file ? file.Clean(value, bound.Initial)
                    : async ? await field.CleanAsync(value, cancellationToken).ConfigureAwait(false) : field.Clean(value);
                if (_shape.Hooks.TryGetValue(field.Name, out var hook))
                    CleanedData[field.Name] = await hook.Run(this, async, cancellationToken).ConfigureAwait(false);
            }
            catch (ValidationError e)
            {
                AddError(field.Name, e);
            }
        }
        try
        {
            if (async) await CleanAsync(cancellationToken).ConfigureAwait(false);
            else
            {
                if (_shape.CleanIsAsyncOnly)
                    throw new InvalidOperationException($"{GetType().Name} overrides CleanAsync and not Clean: validate it with await form.IsValidAsync().");
                Clean();
            }
        }
        catch (ValidationError e)
        {
            AddError(null, e);
        }
        await PostCleanAsync(async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What is read once per form class: its field properties and clean hooks.</summary>
    private sealed class FormShape
    {
        public required PropertyInfo[] Properties { get; init; }

        public required Dictionary<string, CleanHook> Hooks { get; init; }

        public required bool CleanIsAsyncOnly { get; init; }

        public static FormShape Of(Type type)
        {
            // base classes' fields first, each class's in declaration order, as Django's DeclarativeFieldsMetaclass
            var chain = new List<Type>();
            for (var t = type; t is not null && t != typeof(Form); t = t.BaseType) chain.Insert(0, t);
            var properties = chain.SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                    .Where(p => typeof(Field).IsAssignableFrom(p.PropertyType) && p.GetIndexParameters().Length == 0)
                    .OrderBy(p => p.MetadataToken))
                .ToArray();
            // Clean{Name} and Clean{Name}Async of the site's form classes, for declared fields and for those a model form makes
            var hooks = new Dictionary<string, CleanHook>(StringComparer.Ordinal);
            var methods = chain.Where(t => !t.IsGenericType || t.GetGenericTypeDefinition() != typeof(ModelForm<>))
                .SelectMany(t => t.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                .Where(m => m.Name.Length > "Clean".Length && m.Name.StartsWith("Clean", StringComparison.Ordinal) && !m.IsSpecialName && !m.IsGenericMethod)
                .ToArray();
            foreach (var pascal in methods.Select(m => m.Name["Clean".Length..]).Select(n => n.EndsWith("Async", StringComparison.Ordinal) ? n[..^"Async".Length] : n)
                         .Where(n => n.Length > 0).Distinct(StringComparer.Ordinal))
            {
                var sync = type.GetMethod("Clean" + pascal, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);
                var asyncHook = type.GetMethod("Clean" + pascal + "Async", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes)
                    ?? type.GetMethod("Clean" + pascal + "Async", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, [typeof(CancellationToken)]);
                if (sync is not null || asyncHook is not null) hooks[Db.Models.ModelMeta.SnakeCase(pascal)] = new CleanHook(type, pascal, sync, asyncHook);
            }
            var cleanAsync = type.GetMethod(nameof(CleanAsync), BindingFlags.Instance | BindingFlags.NonPublic, [typeof(CancellationToken)])!;
            var clean = type.GetMethod(nameof(Clean), BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)!;
            return new FormShape
            {
                Properties = properties,
                Hooks = hooks,
                CleanIsAsyncOnly = cleanAsync.DeclaringType != typeof(Form) && clean.DeclaringType == typeof(Form),
            };
        }

        public Dictionary<string, Field> Bind(Form form)
        {
            // fields a model form makes come first; declared ones replace them by name or follow, as in Django
            var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
            foreach (var generated in form.GeneratedFields()) fields[generated.Name] = generated;
            foreach (var property in Properties)
            {
                var field = (Field?)property.GetValue(form)
                    ?? throw new InvalidOperationException($"{form.GetType().Name}.{property.Name} is null: declare it with a field, as public CharField {property.Name} {{ get; }} = new();");
                field.Name = Db.Models.ModelMeta.SnakeCase(property.Name);
                fields[field.Name] = field;
            }
            if (form.FieldOrder is not { } order) return fields;
            // Django's order_fields: the names listed first, in that order (unknown ones ignored), then the rest as declared
            var ordered = new Dictionary<string, Field>(StringComparer.Ordinal);
            foreach (var name in order)
                if (fields.TryGetValue(name, out var field)) ordered.TryAdd(name, field);
            foreach (var (name, field) in fields) ordered.TryAdd(name, field);
            return ordered;
        }
    }

    /// <summary>
    /// A <c>Clean{Property}</c> method (Django's <c>clean_&lt;name&gt;</c>) and its async twin, compiled once per form
    /// class into direct calls (PERF: no reflection per validation).
    /// </summary>
    private sealed class CleanHook
    {
        private readonly string _form;
        private readonly string _property;
        private readonly Func<Form, object?>? _sync;
        private readonly Func<Form, CancellationToken, Task<object?>>? _async;

        public CleanHook(Type form, string property, MethodInfo? sync, MethodInfo? async)
        {
            _form = form.Name;
            _property = property;
            var instance = Expression.Parameter(typeof(Form), "form");
            var token = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
            if (sync is not null)
            {
                Expression call = Expression.Call(Expression.Convert(instance, form), sync);
                call = sync.ReturnType == typeof(void) ? Expression.Block(call, Expression.Constant(null)) : Expression.Convert(call, typeof(object));
                _sync = Expression.Lambda<Func<Form, object?>>(call, instance).Compile();
            }
            if (async is not null)
            {
                Expression call = Expression.Call(Expression.Convert(instance, form), async, async.GetParameters().Length == 1 ? [token] : []);
                var returned = async.ReturnType;
                var boxer = returned.IsGenericType && returned.GetGenericTypeDefinition() == typeof(Task<>) ? nameof(BoxTask)
                    : returned.IsGenericType && returned.GetGenericTypeDefinition() == typeof(ValueTask<>) ? nameof(BoxValueTask)
                    : throw new Core.ImproperlyConfigured($"{form.Name}.{async.Name} returns {returned.Name}; it must return Task<T> or ValueTask<T>, the clean value.");
                var box = typeof(CleanHook).GetMethod(boxer, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(returned.GetGenericArguments()[0]);
                _async = Expression.Lambda<Func<Form, CancellationToken, Task<object?>>>(Expression.Call(box, call), instance, token).Compile();
            }
        }

        private static async Task<object?> BoxTask<TResult>(Task<TResult> task) => await task.ConfigureAwait(false);

        private static async Task<object?> BoxValueTask<TResult>(ValueTask<TResult> task) => await task.ConfigureAwait(false);

        public async ValueTask<object?> Run(Form instance, bool isAsync, CancellationToken cancellationToken)
        {
            if (isAsync && _async is not null) return await _async(instance, cancellationToken).ConfigureAwait(false);
            return _sync is not null ? _sync(instance)
                : throw new InvalidOperationException($"{_form} has Clean{_property}Async and no Clean{_property}: validate it with await form.IsValidAsync().");
        }
    }
}

/// <summary>A form's clean values by field name (Django's <c>cleaned_data</c>), typed through the field: <c>CleanedData.Get(form.Age)</c>.</summary>
public sealed class CleanedData : Dictionary<string, object?>
{
    internal CleanedData() : base(StringComparer.Ordinal)
    {
    }

    /// <summary>The clean value of <paramref name="field"/>, as its type; the default when it has none (or, for a file field, when it kept its stored file or was cleared).</summary>
    public T? Get<T>(Field<T> field) => TryGetValue(field.Name, out var value) && value is T typed ? typed : default;
}
