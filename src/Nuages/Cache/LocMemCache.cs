using Nuages.Conf;

namespace Nuages.Cache;

/// <summary>
/// Django's local-memory cache (django/core/cache/backends/locmem.py): entries in this process, shared by the caches
/// of one site with the same <c>Location</c>; least recently used first out when <c>MAX_ENTRIES</c> is reached (one
/// in <c>CULL_FREQUENCY</c> goes). Thread-safe; nothing it does waits, so its async twins complete at once.
/// </summary>
public sealed class LocMemCache : BaseCache
{
    private readonly Store _store;

    /// <summary>A local-memory cache keeping its entries in <paramref name="store"/>.</summary>
    internal LocMemCache(string alias, CacheSettings settings, Store store) : base(alias, settings) => _store = store;

    /// <summary>A local-memory cache of its own (not shared with any other).</summary>
    public LocMemCache(string alias, CacheSettings settings) : this(alias, settings, new Store())
    {
    }

    /// <summary>The entries of one location: most recently used first.</summary>
    internal sealed class Store
    {
        public readonly Lock Lock = new();
        public readonly Dictionary<string, LinkedListNode<Entry>> Entries = new(StringComparer.Ordinal);
        public readonly LinkedList<Entry> Recent = new();
    }

    internal sealed record Entry(string Key)
    {
        public byte[] Value = [];
        public DateTimeOffset? Expires;
    }

    private bool Expired(Entry entry) => entry.Expires is { } at && at <= Time.GetUtcNow();

    private DateTimeOffset? ExpiresAt(TimeSpan? timeout) => timeout is { } t ? Time.GetUtcNow() + t : null;

    /// <summary>The live entry under <paramref name="key"/>, moved to the front; an expired one is dropped.</summary>
    private LinkedListNode<Entry>? Find(string key)
    {
        if (!_store.Entries.TryGetValue(key, out var node)) return null;
        if (Expired(node.Value))
        {
            Drop(node);
            return null;
        }
        _store.Recent.Remove(node);
        _store.Recent.AddFirst(node);
        return node;
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _store.Entries.Remove(node.Value.Key);
        _store.Recent.Remove(node);
    }

    private void Put(string key, byte[] value, TimeSpan? timeout)
    {
        if (_store.Entries.TryGetValue(key, out var node))
        {
            _store.Recent.Remove(node);
        }
        else
        {
            if (_store.Entries.Count >= MaxEntries) Cull();
            node = new LinkedListNode<Entry>(new Entry(key));
            _store.Entries[key] = node;
        }
        node.Value.Value = value;
        node.Value.Expires = ExpiresAt(timeout);
        _store.Recent.AddFirst(node);
    }

    private void Cull()
    {
        if (CullFrequency == 0)
        {
            _store.Entries.Clear();
            _store.Recent.Clear();
            return;
        }
        // the least recently used go, as Django pops them from the end of its OrderedDict
        for (var count = _store.Entries.Count / CullFrequency; count > 0 && _store.Recent.Last is { } last; count--) Drop(last);
    }

    /// <inheritdoc/>
    protected override ValueTask<byte[]?> ReadAsync(string key, bool async, CancellationToken cancellationToken)
    {
        lock (_store.Lock) return new(Find(key)?.Value.Value);
    }

    /// <inheritdoc/>
    protected override ValueTask<bool> WriteAsync(string key, byte[] value, TimeSpan? timeout, WriteMode mode, bool async, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            var live = Find(key);
            switch (mode)
            {
                case WriteMode.Add when live is not null:
                    return new(false);
                case WriteMode.Touch:
                    if (live is null) return new(false);
                    live.Value.Expires = ExpiresAt(timeout);
                    return new(true);
                default:
                    Put(key, value, timeout);
                    return new(true);
            }
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<bool> RemoveAsync(string key, bool async, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            if (!_store.Entries.TryGetValue(key, out var node)) return new(false);
            Drop(node);
            return new(true);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<long?> IncrementAsync(string key, long delta, bool async, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            if (Find(key) is not { } node) return new((long?)null);
            var value = checked(CacheMessages.Integer(node.Value.Value, key) + delta);
            node.Value.Value = CacheSerializer.Encode(value); // the expiry stays, as Django's locmem incr keeps it
            return new(value);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask ClearAllAsync(bool async, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            _store.Entries.Clear();
            _store.Recent.Clear();
        }
        return ValueTask.CompletedTask;
    }
}
