namespace Nuages.Http;

/// <summary>
/// What layers above Http attach to a request — the CSRF middleware's state — by type, so the
/// request itself knows none of them (ASP.NET Core's feature collection, in small): a few entries, searched in order.
/// </summary>
public sealed class RequestFeatures
{
    private List<KeyValuePair<Type, object>>? _items;

    /// <summary>The feature of type <typeparamref name="T"/>, or null.</summary>
    public T? Get<T>() where T : class
    {
        if (_items is null) return null;
        foreach (var (type, value) in _items)
            if (type == typeof(T)) return (T)value;
        return null;
    }

    /// <summary>Sets (or replaces) the feature of type <typeparamref name="T"/>.</summary>
    public void Set<T>(T feature) where T : class
    {
        _items ??= new(2);
        for (var i = 0; i < _items.Count; i++)
        {
            if (_items[i].Key != typeof(T)) continue;
            _items[i] = new(typeof(T), feature);
            return;
        }
        _items.Add(new(typeof(T), feature));
    }

    /// <summary>The feature of type <typeparamref name="T"/>, made by <paramref name="create"/> the first time.</summary>
    public T GetOrAdd<T>(Func<T> create) where T : class
    {
        if (Get<T>() is { } existing) return existing;
        var made = create();
        Set(made);
        return made;
    }
}
