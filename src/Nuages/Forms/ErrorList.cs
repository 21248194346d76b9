using System.Collections;
using System.Text;
using System.Text.Json;
using Nuages.Core;

namespace Nuages.Forms;

/// <summary>
/// A field's (or the form's) errors (Django's <c>ErrorList</c>): the messages in order when enumerated, the
/// <see cref="ValidationError"/>s with their codes through <see cref="AsData"/>.
/// </summary>
public sealed class ErrorList : IReadOnlyList<string>, Templates.IStringValue
{
    private readonly List<ValidationError> _errors = [];

    internal ErrorList(bool isNonField = false) => ErrorClass = isNonField ? "errorlist nonfield" : "errorlist";

    internal ErrorList(string errorClass) => ErrorClass = errorClass;

    /// <summary>The CSS class of the rendered list: <c>errorlist</c>, <c>errorlist nonfield</c> for the form's own.</summary>
    public string ErrorClass { get; }

    /// <summary>
    /// The HTML id of the field the errors are of (Django's <c>field_id</c>): the list renders with the id
    /// <c>{FieldId}_error</c>, which the field's widget names in its <c>aria-describedby</c>; null for the form's own.
    /// </summary>
    public string? FieldId { get; internal init; }

    internal void AddRange(IEnumerable<ValidationError> errors) => _errors.AddRange(errors);

    /// <summary>The errors with their codes and params (Django's <c>as_data</c>).</summary>
    public IReadOnlyList<ValidationError> AsData() => _errors;

    /// <summary>The messages as <c>[{"message": …, "code": …}]</c> (Django's <c>get_json_data</c>); HTML-escaped when asked.</summary>
    public IReadOnlyList<Dictionary<string, string>> GetJsonData(bool escapeHtml = false) =>
        [.. _errors.Select(e => new Dictionary<string, string>
        {
            ["message"] = escapeHtml ? System.Net.WebUtility.HtmlEncode(e.Message) : e.Message,
            ["code"] = e.Code ?? "",
        })];

    /// <summary>The JSON Django's <c>as_json</c> writes (Python's json.dumps: <c>", "</c> and <c>": "</c>, non-ASCII escaped).</summary>
    public string AsJson(bool escapeHtml = false) => PythonJson.List(GetJsonData(escapeHtml));

    /// <summary>The list as HTML: <c>&lt;ul class="errorlist"&gt;&lt;li&gt;…&lt;/li&gt;&lt;/ul&gt;</c>, nothing when empty (Django's <c>as_ul</c>).</summary>
    public Templates.SafeString AsUl() => FormRenderer.Render("django/forms/errors/list/ul.html", new Dictionary<string, object?>
    {
        ["errors"] = this, ["error_class"] = ErrorClass,
    });

    /// <inheritdoc/>
    object Templates.IStringValue.Text => AsUl();

    /// <inheritdoc/>
    public override string ToString() => AsUl().Value;

    /// <summary>A copy with more messages (the form's errors with its hidden fields').</summary>
    internal ErrorList With(IEnumerable<ValidationError> more)
    {
        var list = new ErrorList(ErrorClass.EndsWith("nonfield", StringComparison.Ordinal));
        list.AddRange(_errors);
        list.AddRange(more);
        return list;
    }

    /// <summary>The messages as text, one <c>* message</c> per line (Django's <c>as_text</c>).</summary>
    public string AsText() => string.Join("\n", this.Select(m => "* " + m));

    /// <inheritdoc/>
    public int Count => _errors.Count;

    /// <inheritdoc/>
    public string this[int index] => _errors[index].Message;

    /// <inheritdoc/>
    public IEnumerator<string> GetEnumerator() => _errors.Select(e => e.Message).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A form's errors by field name, in the order they were found (Django's <c>ErrorDict</c>).</summary>
public sealed class FormErrors : IReadOnlyDictionary<string, ErrorList>
{
    private readonly OrderedDictionary<string, ErrorList> _errors = new(StringComparer.Ordinal);

    internal void Add(string name, ErrorList list) => _errors.Add(name, list);

    /// <summary>The errors with their codes, by field (Django's <c>as_data</c>).</summary>
    public Dictionary<string, IReadOnlyList<ValidationError>> AsData() => _errors.ToDictionary(e => e.Key, e => e.Value.AsData());

    /// <summary>The JSON Django's <c>as_json</c> writes: <c>{"name": [{"message": "This field is required.", "code": "required"}]}</c>.</summary>
    public string AsJson(bool escapeHtml = false)
    {
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var (name, list) in _errors)
        {
            if (!first) sb.Append(", ");
            first = false;
            sb.Append(PythonJson.String(name)).Append(": ").Append(list.AsJson(escapeHtml));
        }
        return sb.Append('}').ToString();
    }

    /// <summary>The errors as text (Django's <c>as_text</c>): <c>* name\n  * message</c>.</summary>
    public string AsText() => string.Join("\n", _errors.Select(e => $"* {e.Key}\n" + string.Join("\n", e.Value.Select(m => "  * " + m))));

    /// <inheritdoc/>
    public ErrorList this[string key] => _errors[key];

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _errors.Keys;

    /// <inheritdoc/>
    public IEnumerable<ErrorList> Values => _errors.Values;

    /// <inheritdoc/>
    public int Count => _errors.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _errors.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out ErrorList value) => _errors.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, ErrorList>> GetEnumerator() => _errors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Python's json.dumps for the error JSON: ASCII only, <c>", "</c> and <c>": "</c> between items.</summary>
internal static class PythonJson
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = PythonJsonEncoder.Instance };

    public static string String(string text) => JsonSerializer.Serialize(text, Options);

    public static string List(IEnumerable<Dictionary<string, string>> items) =>
        "[" + string.Join(", ", items.Select(item => "{" + string.Join(", ", item.Select(p => String(p.Key) + ": " + String(p.Value))) + "}")) + "]";
}
