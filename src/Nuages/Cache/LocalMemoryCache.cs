using System.Collections.Concurrent;

namespace Nuages.Cache;

/// <summary>
/// Django's local-memory cache backend: a per-process dictionary with expiry, safe to share between
/// threads. Entries past their time are dropped when read; the oldest entries go first when full.
/// </summary>
public sealed class LocalMemoryCache(int maxEntries = 300, TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<string, (object Value, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The process-wide default cache (Django's <c>caches["default"]</c>).</summary>
    public static LocalMemoryCache Default { get; } = new();

    /// <summary>The value under <paramref name="key"/>, if present and not expired.</summary>
    public bool TryGet<T>(string key, out T value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > _time.GetUtcNow() && entry.Value is T typed)
        {
            value = typed;
            return true;
        }
        if (entry.Value is not null) _entries.TryRemove(key, out _);
        value = default!;
        return false;
    }

    /// <summary>Stores <paramref name="value"/> for <paramref name="timeout"/>.</summary>
    public void Set(string key, object value, TimeSpan timeout)
    {
        if (_entries.Count >= maxEntries && !_entries.ContainsKey(key))
        {
            // Cull: drop the entries closest to expiry, a third at a time, as Django culls a fraction.
            foreach (var old in _entries.OrderBy(e => e.Value.Expires).Take(Math.Max(1, maxEntries / 3)).Select(e => e.Key).ToList())
                _entries.TryRemove(old, out _);
        }
        _entries[key] = (value, _time.GetUtcNow() + timeout);
    }

    /// <summary>Removes everything.</summary>
    public void Clear() => _entries.Clear();
}
