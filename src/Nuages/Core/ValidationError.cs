namespace Nuages.Core;

/// <summary>
/// Values failed validation (Django's <c>ValidationError</c>, django/core/exceptions.py), in Django's three shapes:
/// one message (with a <see cref="Code"/> and the <see cref="Params"/> its text is formatted with, as
/// <c>ValidationError(_("…%(limit_value)d…"), code="max_length", params={…})</c>), a list of such errors, or errors by
/// field name (<c>"__all__"</c> for those about the whole row or form) — so a form or an API can show each one next
/// to its field, and code can test codes rather than texts.
/// </summary>
public sealed class ValidationError : Exception
{
    /// <summary>The key of messages that concern no single field (Django's NON_FIELD_ERRORS).</summary>
    public const string NonFieldErrors = "__all__";

    private readonly IReadOnlyList<ValidationError>? _list;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<ValidationError>>? _dict;

    /// <summary>
    /// One message; with <paramref name="params"/> its text is Python's <c>message % params</c>
    /// (<c>%(name)s</c>, <c>%(name)d</c>, <c>%(name)r</c>), as Django formats it when the error is shown.
    /// </summary>
    public ValidationError(string message, string? code = null, IReadOnlyDictionary<string, object?>? @params = null)
        : base(@params is null ? message : PythonFormat.Format(message, @params))
    {
        RawMessage = message;
        Code = code;
        Params = @params;
    }

    /// <summary>A list of errors (Django's <c>ValidationError([...])</c>); lists inside it are flattened.</summary>
    public ValidationError(IEnumerable<ValidationError> errors) : this(Flatten(errors))
    {
    }

    private ValidationError(List<ValidationError> flat) : base(string.Join(" ", flat.Select(e => e.Message)))
    {
        RawMessage = Message;
        _list = flat;
    }

    /// <summary>Messages by field.</summary>
    public ValidationError(IReadOnlyDictionary<string, List<string>> errors)
        : this(errors.ToDictionary(e => e.Key, e => (IEnumerable<ValidationError>)e.Value.Select(m => new ValidationError(m))))
    {
    }

    /// <summary>Errors by field (Django's <c>ValidationError({field: [...]})</c>).</summary>
    public ValidationError(IReadOnlyDictionary<string, IEnumerable<ValidationError>> errors) : base(Describe(errors))
    {
        RawMessage = Message;
        _dict = errors.ToDictionary(e => e.Key, e => (IReadOnlyList<ValidationError>)Flatten(e.Value));
    }

    /// <summary>The message before formatting with <see cref="Params"/> (what <c>error_messages</c> overrides).</summary>
    public string RawMessage { get; }

    /// <summary>The error's code (<c>required</c>, <c>invalid</c>, <c>max_length</c>…), for one message; null when none was given.</summary>
    public string? Code { get; }

    /// <summary>The values the message is formatted with, for one message.</summary>
    public IReadOnlyDictionary<string, object?>? Params { get; }

    /// <summary>Whether the errors are by field (Django's <c>hasattr(e, "error_dict")</c>).</summary>
    public bool HasErrorDict => _dict is not null;

    /// <summary>The single errors, in order: this one, the list's, or every field's (Django's <c>error_list</c>, flattened).</summary>
    public IReadOnlyList<ValidationError> ErrorList => _list ?? (_dict is not null ? [.. _dict.Values.SelectMany(v => v)] : [this]);

    /// <summary>The errors by field name: by field when made so, else all under <see cref="NonFieldErrors"/> (Django's <c>update_error_dict</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ValidationError>> Errors =>
        _dict ?? new Dictionary<string, IReadOnlyList<ValidationError>> { [NonFieldErrors] = ErrorList };

    /// <summary>The messages by field name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ErrorDict =>
        Errors.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)[.. e.Value.Select(v => v.Message)]);

    /// <summary>Every message, field by field.</summary>
    public IEnumerable<string> Messages => ErrorList.Select(e => e.Message);

    private static List<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        var flat = new List<ValidationError>();
        foreach (var error in errors)
        {
            if (error._list is { } list) flat.AddRange(list);
            else if (error._dict is not null) flat.AddRange(error.ErrorList);
            else flat.Add(error);
        }
        return flat;
    }

    private static string Describe(IReadOnlyDictionary<string, IEnumerable<ValidationError>> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value.Select(v => v.Message))}"));
}
