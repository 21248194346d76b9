using System.Globalization;
using Nuages.Core;
using Nuages.Db.Query;

namespace Nuages.Db.Models;

public abstract partial class Model<T>
{
    /// <summary>Checks of the whole row, run by <see cref="FullClean"/> after the fields'; throw a <see cref="ValidationError"/> to refuse it.</summary>
    public virtual void Clean()
    {
    }

    /// <summary>
    /// Validates the row as Django's full_clean does: each field (null, blank, choices, max length), then <see cref="Clean"/>,
    /// then unique fields and unique-together sets against the database; throws one <see cref="ValidationError"/> with
    /// every message by field. A nullable property accepts null; a string accepts "" only with <see cref="BlankAttribute"/>.
    /// </summary>
    public void FullClean(string[]? exclude = null, bool validateUnique = true, string @using = Database.DefaultAlias)
    {
        var errors = CleanFields(exclude);
        CleanRow(errors);
        if (validateUnique)
        {
            foreach (var (key, message, code, query) in UniqueChecks(exclude, @using))
                if (query.Exists()) Add(errors, key, message, code);
        }
        if (errors.Count > 0) throw new ValidationError(errors.ToDictionary(e => e.Key, e => (IEnumerable<ValidationError>)e.Value));
    }

    /// <summary>FullClean, asynchronously: the uniqueness queries are async.</summary>
    public async Task FullCleanAsync(string[]? exclude = null, bool validateUnique = true, string @using = Database.DefaultAlias, CancellationToken cancellationToken = default)
    {
        var errors = CleanFields(exclude);
        CleanRow(errors);
        if (validateUnique)
        {
            foreach (var (key, message, code, query) in UniqueChecks(exclude, @using))
                if (await query.ExistsAsync(cancellationToken).ConfigureAwait(false)) Add(errors, key, message, code);
        }
        if (errors.Count > 0) throw new ValidationError(errors.ToDictionary(e => e.Key, e => (IEnumerable<ValidationError>)e.Value));
    }

    private Dictionary<string, List<ValidationError>> CleanFields(string[]? exclude)
    {
        var errors = new Dictionary<string, List<ValidationError>>();
        foreach (var field in Meta.Fields)
        {
            if (field == Meta.Pk || exclude?.Contains(field.Key) == true) continue;
            var value = field.Get(this);
            if (value is null)
            {
                if (!field.Nullable) Add(errors, field.Key, "This field cannot be null.", "null");
                continue;
            }
            if (value is "" && !field.Blank)
            {
                Add(errors, field.Key, "This field cannot be blank.", "blank");
                continue;
            }
            if (field.Choices is { } choices && !choices.Any(choice => Equals(choice, value)))
                Add(errors, field.Key, $"Value {Repr(value)} is not a valid choice.", "invalid_choice");
            if (field.MaxLength is { } limit && value is string text && text.Length > limit)
                Add(errors, field.Key, $"Ensure this value has at most {limit} characters (it has {text.Length}).", "max_length");
        }
        return errors;
    }

    private void CleanRow(Dictionary<string, List<ValidationError>> errors)
    {
        try
        {
            Clean();
        }
        catch (ValidationError e)
        {
            foreach (var (key, list) in e.Errors)
            {
                if (!errors.TryGetValue(key, out var existing)) errors[key] = existing = [];
                existing.AddRange(list);
            }
        }
    }

    /// <summary>One query per unique field and unique-together set whose values are all present; a match other than this row is a clash.</summary>
    private IEnumerable<(string Key, string Message, string Code, QuerySet<T> Query)> UniqueChecks(string[]? exclude, string @using)
    {
        var model = Capitalize(Meta.VerboseName);
        foreach (var field in Meta.Fields.Where(f => f.Unique && exclude?.Contains(f.Key) != true))
        {
            if (field.Get(this) is not { } value) continue; // NULLs never clash
            yield return (field.Key, $"{model} with this {Capitalize(field.VerboseName)} already exists.", "unique", Others(@using).Filter(field.Key, value));
        }
        foreach (var set in Meta.UniqueTogether)
        {
            if (set.Any(f => exclude?.Contains(f.Key) == true || f.Get(this) is null)) continue;
            var query = set.Aggregate(Others(@using), (q, f) => q.Filter(f.Key, f.Get(this)));
            var labels = set.Select(f => Capitalize(f.VerboseName)).ToList();
            var list = labels.Count == 1 ? labels[0] : string.Join(", ", labels.Take(labels.Count - 1)) + " and " + labels[^1];
            yield return (ValidationError.NonFieldErrors, $"{model} with this {list} already exists.", "unique_together", query);
        }
    }

    private QuerySet<T> Others(string @using) => Id == 0 ? Objects.Using(@using) : Objects.Using(@using).Exclude("pk", Id);

    private static void Add(Dictionary<string, List<ValidationError>> errors, string key, string message, string code)
    {
        if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
        list.Add(new ValidationError(message, code));
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Python's repr, which Django's messages show: strings in single quotes.</summary>
    private static string Repr(object value) => Core.PythonRepr.Of(value);
}
