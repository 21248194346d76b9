using Nuages.Http;

namespace Nuages.Forms;

/// <summary>
/// What a form is bound to: <c>request.Form</c> (a <see cref="QueryDict"/>, whose keys may hold several values) or a
/// dictionary — <c>new CommentForm { Data = request.Form }</c>, or <c>Data = new Dictionary&lt;string, string&gt; { … }</c>
/// in tests. Values given as string arrays are lists, as a QueryDict's repeated keys.
/// </summary>
public sealed class FormData
{
    private readonly QueryDict? _query;
    private readonly IReadOnlyDictionary<string, object?>? _values;

    private FormData(QueryDict? query, IReadOnlyDictionary<string, object?>? values)
    {
        _query = query;
        _values = values;
    }

    /// <summary>Binds to a QueryDict (<c>request.Form</c>, <c>request.Query</c>).</summary>
    public static implicit operator FormData(QueryDict data) => new(data, null);

    /// <summary>Binds to text values by name.</summary>
    public static implicit operator FormData(Dictionary<string, string> data) => new(null, data.ToDictionary(p => p.Key, p => (object?)p.Value));

    /// <summary>Binds to values by name: strings, string arrays for lists, or values already typed.</summary>
    public static implicit operator FormData(Dictionary<string, object?> data) => new(null, data);

    /// <summary>Binds to a QueryDict.</summary>
    public static FormData From(QueryDict data) => data;

    /// <summary>Whether a value was sent under <paramref name="name"/>.</summary>
    public bool Contains(string name) => _query?.ContainsKey(name) ?? _values!.ContainsKey(name);

    /// <summary>The value under <paramref name="name"/>: the last one sent for a QueryDict (Django's <c>data.get</c>).</summary>
    public object? Get(string name)
    {
        if (_query is not null) return _query.Get(name);
        return _values!.TryGetValue(name, out var value) ? value is string[] list ? list.LastOrDefault() : value : null;
    }

    /// <summary>Every value under <paramref name="name"/> (Django's <c>data.getlist</c>); empty when none.</summary>
    public IReadOnlyList<object?> GetList(string name)
    {
        if (_query is not null) return [.. _query.GetList(name)];
        if (!_values!.TryGetValue(name, out var value)) return [];
        return value switch
        {
            string[] list => list,
            System.Collections.IEnumerable items and not string => [.. items.Cast<object?>()],
            _ => [value],
        };
    }
}
