namespace Nuages.Core;

/// <summary>
/// Values failed validation (Django's <c>ValidationError</c>): messages by field name, <c>"__all__"</c> for those about
/// the whole row, so a form or an API can show each one next to its field.
/// </summary>
public sealed class ValidationError : Exception
{
    /// <summary>The key of messages that concern no single field (Django's NON_FIELD_ERRORS).</summary>
    public const string NonFieldErrors = "__all__";

    /// <summary>A message about the whole row, as a model's <c>Clean</c> raises it.</summary>
    public ValidationError(string message) : this(new Dictionary<string, List<string>> { [NonFieldErrors] = [message] }) { }

    /// <summary>Messages by field.</summary>
    public ValidationError(IReadOnlyDictionary<string, List<string>> errors) : base(Describe(errors)) =>
        ErrorDict = errors.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value.ToList());

    /// <summary>Messages by field name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ErrorDict { get; }

    /// <summary>Every message, field by field.</summary>
    public IEnumerable<string> Messages => ErrorDict.SelectMany(e => e.Value);

    private static string Describe(IReadOnlyDictionary<string, List<string>> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
