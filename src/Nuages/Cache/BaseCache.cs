using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Cache;

/// <summary>
/// A cache, as Django's <c>BaseCache</c> (django/core/cache/backends/base.py): keys made from the key, the prefix and
/// the version; timeouts in the call or the cache's default (<c>null</c> in a call means the default,
/// <see cref="Forever"/> keeps the entry until deleted, zero or less expires it at once); each method with its async
/// twin (Django ≥ 4.0's <c>aget</c>, <c>aset</c>…), which does real async I/O on the database and Redis backends.
/// Values come back as copies: integers, byte arrays, and anything System.Text.Json writes.
/// A backend implements the few operations at the bottom, on made keys and stored bytes, once for both modes.
/// </summary>
public abstract partial class BaseCache
{
    /// <summary>The timeout that keeps an entry until it is deleted (Django's <c>timeout=None</c>).</summary>
    public static readonly TimeSpan Forever = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>Memcached's longest key: longer keys are warned about, as Django does, since they would fail there.</summary>
    public const int MemcachedMaxKeyLength = 250;

    private readonly Func<string, string, int, string>? _keyFunction;

    /// <summary>A cache named <paramref name="alias"/> with its <paramref name="settings"/>.</summary>
    protected BaseCache(string alias, CacheSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Alias = alias;
        Settings = settings;
        DefaultTimeout = settings.Timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        KeyPrefix = settings.KeyPrefix;
        Version = settings.Version;
        _keyFunction = settings.KeyFunction;
        MaxEntries = Option(nameof(MaxEntries), "MAX_ENTRIES", 300);
        CullFrequency = Option(nameof(CullFrequency), "CULL_FREQUENCY", 3);
    }

    /// <summary>The alias in <see cref="Conf.Settings.Caches"/>.</summary>
    public string Alias { get; }

    /// <summary>The settings it was made with.</summary>
    public CacheSettings Settings { get; }

    /// <summary>How long entries live when a call gives no timeout; null for ever.</summary>
    public TimeSpan? DefaultTimeout { get; }

    /// <summary>Put before every key.</summary>
    public string KeyPrefix { get; }

    /// <summary>The version when a call gives none.</summary>
    public int Version { get; }

    /// <summary>Entries kept before culling (<c>MAX_ENTRIES</c>), for the backends that cull.</summary>
    public int MaxEntries { get; }

    /// <summary>One in this many entries goes when culling (<c>CULL_FREQUENCY</c>); 0 empties the cache.</summary>
    public int CullFrequency { get; }

    /// <summary>The clock expiry is measured by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal ILogger Logger { get; set; } = NullLogger.Instance;

    private int Option(string name, string key, int fallback)
    {
        if (!Settings.Options.TryGetValue(key, out var text)) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ImproperlyConfigured($"The cache '{Alias}' has {key}={text} in its Options: {name} must be a whole number, 0 or more.");
    }

    /// <summary>The key as stored: <c>prefix:version:key</c>, or what the <c>KeyFunction</c> setting makes (Django's <c>make_key</c>).</summary>
    public string MakeKey(string key, int? version = null) =>
        _keyFunction is null ? $"{KeyPrefix}:{(version ?? Version).ToString(CultureInfo.InvariantCulture)}:{key}" : _keyFunction(key, KeyPrefix, version ?? Version);

    /// <summary>Warns (on the <c>Nuages.Cache</c> logger) about a key memcached would refuse, as Django's <c>validate_key</c>.</summary>
    public virtual void ValidateKey(string key)
    {
        if (key.Length > MemcachedMaxKeyLength)
            Log.KeyWarning(Logger, $"Cache key will cause errors if used with memcached: {PythonRepr.Of(key)} (longer than {MemcachedMaxKeyLength})");
        foreach (var c in key)
        {
            if (c > ' ' && c != '\x7f') continue;
            Log.KeyWarning(Logger, $"Cache key contains characters that will cause errors if used with memcached: {PythonRepr.Of(key)}");
            break;
        }
    }

    /// <summary>The made key, validated.</summary>
    protected string MakeAndValidateKey(string key, int? version = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var made = MakeKey(key, version);
        ValidateKey(made);
        return made;
    }

    /// <summary>The timeout a call means: the default for null, null for <see cref="Forever"/>.</summary>
    protected TimeSpan? BackendTimeout(TimeSpan? timeout) => timeout is null ? DefaultTimeout : timeout == Forever ? null : timeout;

    // ---- The API: each sync method one line above its async twin, both over one implementation.

    /// <summary>The value under <paramref name="key"/>, or <paramref name="default"/> when there is none or it expired.</summary>
    public object? Get(string key, object? @default = null, int? version = null) => Sync(GetCore<object>(key, @default, version, false, default));

    /// <summary>The async twin of <see cref="Get(string, object?, int?)"/> (Django's <c>aget</c>).</summary>
    public ValueTask<object?> GetAsync(string key, object? @default = null, int? version = null, CancellationToken cancellationToken = default) => GetCore<object>(key, @default, version, true, cancellationToken);

    /// <summary>The value under <paramref name="key"/> as a <typeparamref name="T"/>, or <paramref name="default"/>.</summary>
    public T? Get<T>(string key, T? @default = default, int? version = null) => Sync(GetCore(key, @default, version, false, default));

    /// <summary>The async twin of <see cref="Get{T}(string, T, int?)"/>.</summary>
    public ValueTask<T?> GetAsync<T>(string key, T? @default = default, int? version = null, CancellationToken cancellationToken = default) => GetCore(key, @default, version, true, cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public void Set(string key, object? value, TimeSpan? timeout = null, int? version = null) => Sync(Write(key, value, timeout, version, WriteMode.Set, false, default));

    /// <summary>The async twin of <see cref="Set"/>.</summary>
    public ValueTask SetAsync(string key, object? value, TimeSpan? timeout = null, int? version = null, CancellationToken cancellationToken = default)
    {
        // PERF: no state machine of its own: the backend's finished result is dropped, or its task (a Task<bool> is a
        // Task, as the Redis backend returns) awaited as it is
        var writing = Write(key, value, timeout, version, WriteMode.Set, true, cancellationToken);
        if (!writing.IsCompletedSuccessfully) return new ValueTask(writing.AsTask());
        _ = writing.Result;
        return default;
    }

    /// <summary>Stores <paramref name="value"/> only if <paramref name="key"/> holds nothing (or an expired entry); whether it did.</summary>
    public bool Add(string key, object? value, TimeSpan? timeout = null, int? version = null) => Sync(Write(key, value, timeout, version, WriteMode.Add, false, default));

    /// <summary>The async twin of <see cref="Add"/>.</summary>
    public ValueTask<bool> AddAsync(string key, object? value, TimeSpan? timeout = null, int? version = null, CancellationToken cancellationToken = default) => Write(key, value, timeout, version, WriteMode.Add, true, cancellationToken);

    /// <summary>Gives <paramref name="key"/> a new timeout; false when it holds nothing.</summary>
    public bool Touch(string key, TimeSpan? timeout = null, int? version = null) => Sync(Write(key, null, timeout, version, WriteMode.Touch, false, default));

    /// <summary>The async twin of <see cref="Touch"/>.</summary>
    public ValueTask<bool> TouchAsync(string key, TimeSpan? timeout = null, int? version = null, CancellationToken cancellationToken = default) => Write(key, null, timeout, version, WriteMode.Touch, true, cancellationToken);

    /// <summary>Removes <paramref name="key"/>; whether it was there.</summary>
    public bool Delete(string key, int? version = null) => Sync(RemoveAsync(MakeAndValidateKey(key, version), false, default));

    /// <summary>The async twin of <see cref="Delete"/>.</summary>
    public ValueTask<bool> DeleteAsync(string key, int? version = null, CancellationToken cancellationToken = default) => RemoveAsync(MakeAndValidateKey(key, version), true, cancellationToken);

    /// <summary>
    /// The value under <paramref name="key"/>; when there is none, <paramref name="default"/>'s value is added and the
    /// key read again, so that of two callers racing, both get the value that was stored (Django's <c>get_or_set</c>).
    /// </summary>
    public T? GetOrSet<T>(string key, Func<T?> @default, TimeSpan? timeout = null, int? version = null) => Sync(GetOrSetCore(key, _ => new ValueTask<T?>(@default()), timeout, version, false, default));

    /// <summary>The async twin of <see cref="GetOrSet{T}"/>, whose <paramref name="default"/> may be async itself.</summary>
    public ValueTask<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T?>> @default, TimeSpan? timeout = null, int? version = null, CancellationToken cancellationToken = default) => GetOrSetCore(key, @default, timeout, version, true, cancellationToken);

    /// <summary>Whether <paramref name="key"/> holds an unexpired value (Django's <c>has_key</c>, <c>key in cache</c>).</summary>
    public bool Has(string key, int? version = null) => Sync(ContainsAsync(MakeAndValidateKey(key, version), false, default));

    /// <summary>The async twin of <see cref="Has"/>.</summary>
    public ValueTask<bool> HasAsync(string key, int? version = null, CancellationToken cancellationToken = default) => ContainsAsync(MakeAndValidateKey(key, version), true, cancellationToken);

    /// <summary>Adds <paramref name="delta"/> to the integer under <paramref name="key"/> and returns it; <see cref="ArgumentException"/> naming the key when there is none.</summary>
    public long Incr(string key, long delta = 1, int? version = null) => Sync(IncrCore(key, delta, version, false, default));

    /// <summary>The async twin of <see cref="Incr"/>.</summary>
    public ValueTask<long> IncrAsync(string key, long delta = 1, int? version = null, CancellationToken cancellationToken = default) => IncrCore(key, delta, version, true, cancellationToken);

    /// <summary>Subtracts <paramref name="delta"/>: <see cref="Incr"/> with <c>-delta</c>.</summary>
    public long Decr(string key, long delta = 1, int? version = null) => Incr(key, -delta, version);

    /// <summary>The async twin of <see cref="Decr"/>.</summary>
    public ValueTask<long> DecrAsync(string key, long delta = 1, int? version = null, CancellationToken cancellationToken = default) => IncrAsync(key, -delta, version, cancellationToken);

    /// <summary>The values of the keys that hold one, by key (Django's <c>get_many</c>).</summary>
    public Dictionary<string, object?> GetMany(IEnumerable<string> keys, int? version = null) => Sync(GetManyCore<object>(keys, version, false, default));

    /// <summary>The async twin of <see cref="GetMany"/>.</summary>
    public ValueTask<Dictionary<string, object?>> GetManyAsync(IEnumerable<string> keys, int? version = null, CancellationToken cancellationToken = default) => GetManyCore<object>(keys, version, true, cancellationToken);

    /// <summary>The values of the keys that hold one, as <typeparamref name="T"/>.</summary>
    public Dictionary<string, T?> GetMany<T>(IEnumerable<string> keys, int? version = null) => Sync(GetManyCore<T>(keys, version, false, default));

    /// <summary>The async twin of <see cref="GetMany{T}"/>.</summary>
    public ValueTask<Dictionary<string, T?>> GetManyAsync<T>(IEnumerable<string> keys, int? version = null, CancellationToken cancellationToken = default) => GetManyCore<T>(keys, version, true, cancellationToken);

    /// <summary>Stores every pair; returns the keys that could not be stored (none on the built-in backends), as Django's <c>set_many</c>.</summary>
    public IReadOnlyList<string> SetMany(IEnumerable<KeyValuePair<string, object?>> data, TimeSpan? timeout = null, int? version = null) => Sync(SetManyCore(data, timeout, version, false, default));

    /// <summary>The async twin of <see cref="SetMany"/>.</summary>
    public ValueTask<IReadOnlyList<string>> SetManyAsync(IEnumerable<KeyValuePair<string, object?>> data, TimeSpan? timeout = null, int? version = null, CancellationToken cancellationToken = default) => SetManyCore(data, timeout, version, true, cancellationToken);

    /// <summary>Removes every key.</summary>
    public void DeleteMany(IEnumerable<string> keys, int? version = null) => Sync(RemoveManyAsync([.. keys.Select(k => MakeAndValidateKey(k, version))], false, default));

    /// <summary>The async twin of <see cref="DeleteMany"/>.</summary>
    public ValueTask DeleteManyAsync(IEnumerable<string> keys, int? version = null, CancellationToken cancellationToken = default) => RemoveManyAsync([.. keys.Select(k => MakeAndValidateKey(k, version))], true, cancellationToken);

    /// <summary>Moves <paramref name="key"/>'s value to version + <paramref name="delta"/>; the new version (Django's <c>incr_version</c>).</summary>
    public int IncrVersion(string key, int delta = 1, int? version = null) => Sync(IncrVersionCore(key, delta, version, false, default));

    /// <summary>The async twin of <see cref="IncrVersion"/>.</summary>
    public ValueTask<int> IncrVersionAsync(string key, int delta = 1, int? version = null, CancellationToken cancellationToken = default) => IncrVersionCore(key, delta, version, true, cancellationToken);

    /// <summary>Moves <paramref name="key"/>'s value to version − <paramref name="delta"/>.</summary>
    public int DecrVersion(string key, int delta = 1, int? version = null) => IncrVersion(key, -delta, version);

    /// <summary>The async twin of <see cref="DecrVersion"/>.</summary>
    public ValueTask<int> DecrVersionAsync(string key, int delta = 1, int? version = null, CancellationToken cancellationToken = default) => IncrVersionAsync(key, -delta, version, cancellationToken);

    /// <summary>Removes every entry of the cache — on Redis, every key of its database.</summary>
    public void Clear() => Sync(ClearAllAsync(false, default));

    /// <summary>The async twin of <see cref="Clear"/>.</summary>
    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => ClearAllAsync(true, cancellationToken);

    /// <summary>Releases what the cache holds open (Django closes caches at the end of each request; Nuages' backends keep their pools and close them with the site).</summary>
    public virtual void Close()
    {
    }

    /// <summary>The async twin of <see cref="Close"/>.</summary>
    public virtual ValueTask CloseAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    // ---- Written once for both modes.

    private ValueTask<T?> GetCore<T>(string key, T? @default, int? version, bool async, CancellationToken cancellationToken)
    {
        // PERF: Get is the hot call: no state machine of its own when the backend finished at once
        var reading = ReadAsync(MakeAndValidateKey(key, version), async, cancellationToken);
        return reading.IsCompletedSuccessfully ? new(Decoded(reading.Result, @default)) : Awaited(reading, @default);

        static async ValueTask<T?> Awaited(ValueTask<byte[]?> pending, T? @default) => Decoded(await pending.ConfigureAwait(false), @default);
    }

    private static T? Decoded<T>(byte[]? data, T? @default) => data is null ? @default : CacheSerializer.Decode<T>(data);

    private ValueTask<bool> Write(string key, object? value, TimeSpan? timeout, int? version, WriteMode mode, bool async, CancellationToken cancellationToken) =>
        WriteAsync(MakeAndValidateKey(key, version), mode == WriteMode.Touch ? [] : CacheSerializer.Encode(value), BackendTimeout(timeout), mode, async, cancellationToken);

    private async ValueTask<T?> GetOrSetCore<T>(string key, Func<CancellationToken, ValueTask<T?>> @default, TimeSpan? timeout, int? version, bool async, CancellationToken cancellationToken)
    {
        var made = MakeAndValidateKey(key, version);
        var data = await ReadAsync(made, async, cancellationToken).ConfigureAwait(false);
        if (data is not null) return CacheSerializer.Decode<T>(data);
        var value = await @default(cancellationToken).ConfigureAwait(false);
        await WriteAsync(made, CacheSerializer.Encode(value), BackendTimeout(timeout), WriteMode.Add, async, cancellationToken).ConfigureAwait(false);
        // read again: another caller may have added its value between the read and the add
        data = await ReadAsync(made, async, cancellationToken).ConfigureAwait(false);
        return data is null ? value : CacheSerializer.Decode<T>(data);
    }

    private async ValueTask<long> IncrCore(string key, long delta, int? version, bool async, CancellationToken cancellationToken)
    {
        var made = MakeAndValidateKey(key, version);
        return await IncrementAsync(made, delta, async, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException(CacheMessages.KeyNotFound(key), nameof(key));
    }

    private async ValueTask<Dictionary<string, T?>> GetManyCore<T>(IEnumerable<string> keys, int? version, bool async, CancellationToken cancellationToken)
    {
        var byMade = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys) byMade[MakeAndValidateKey(key, version)] = key;
        var found = await ReadManyAsync([.. byMade.Keys], async, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, T?>(StringComparer.Ordinal);
        foreach (var (made, key) in byMade)
            if (found.TryGetValue(made, out var data)) result[key] = CacheSerializer.Decode<T>(data);
        return result;
    }

    private async ValueTask<IReadOnlyList<string>> SetManyCore(IEnumerable<KeyValuePair<string, object?>> data, TimeSpan? timeout, int? version, bool async, CancellationToken cancellationToken)
    {
        var entries = data.Select(pair => (MakeAndValidateKey(pair.Key, version), CacheSerializer.Encode(pair.Value))).ToList();
        if (entries.Count == 0) return [];
        await WriteManyAsync(entries, BackendTimeout(timeout), async, cancellationToken).ConfigureAwait(false);
        return [];
    }

    private async ValueTask<int> IncrVersionCore(string key, int delta, int? version, bool async, CancellationToken cancellationToken)
    {
        var from = version ?? Version;
        var data = await ReadAsync(MakeAndValidateKey(key, from), async, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException(CacheMessages.KeyNotFound(key), nameof(key));
        await WriteAsync(MakeAndValidateKey(key, from + delta), data, DefaultTimeout, WriteMode.Set, async, cancellationToken).ConfigureAwait(false);
        await RemoveAsync(MakeAndValidateKey(key, from), async, cancellationToken).ConfigureAwait(false);
        return from + delta;
    }

    private protected static T Sync<T>(ValueTask<T> task) => Async.SyncMode.Result(task, SyncModeName);

    private protected static void Sync(ValueTask task) => Async.SyncMode.Wait(task, SyncModeName);

    private const string SyncModeName = "A cache backend";

    // ---- What a backend implements, on made keys and stored bytes; with async false, each must complete synchronously.

    /// <summary>The bytes under <paramref name="key"/>, or null when missing or expired.</summary>
    protected abstract ValueTask<byte[]?> ReadAsync(string key, bool async, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="value"/> with <paramref name="timeout"/> (null: for ever; zero or less: already expired) as
    /// <paramref name="mode"/> says; whether it did (always for <see cref="WriteMode.Set"/>).
    /// </summary>
    protected abstract ValueTask<bool> WriteAsync(string key, byte[] value, TimeSpan? timeout, WriteMode mode, bool async, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="key"/>; whether it was there.</summary>
    protected abstract ValueTask<bool> RemoveAsync(string key, bool async, CancellationToken cancellationToken);

    /// <summary>Removes every entry.</summary>
    protected abstract ValueTask ClearAllAsync(bool async, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="key"/> holds an unexpired entry.</summary>
    protected virtual async ValueTask<bool> ContainsAsync(string key, bool async, CancellationToken cancellationToken) =>
        await ReadAsync(key, async, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Adds <paramref name="delta"/> to the integer under <paramref name="key"/>; null when there is none (read, add, write back, as Django's <c>BaseCache.incr</c>).</summary>
    protected virtual async ValueTask<long?> IncrementAsync(string key, long delta, bool async, CancellationToken cancellationToken)
    {
        if (await ReadAsync(key, async, cancellationToken).ConfigureAwait(false) is not { } data) return null;
        var value = checked(CacheMessages.Integer(data, key) + delta);
        await WriteAsync(key, CacheSerializer.Encode(value), DefaultTimeout, WriteMode.Set, async, cancellationToken).ConfigureAwait(false);
        return value;
    }

    /// <summary>The entries of those <paramref name="keys"/> that have one.</summary>
    protected virtual async ValueTask<Dictionary<string, byte[]>> ReadManyAsync(IReadOnlyList<string> keys, bool async, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in keys)
            if (await ReadAsync(key, async, cancellationToken).ConfigureAwait(false) is { } data) found[key] = data;
        return found;
    }

    /// <summary>Stores every entry.</summary>
    protected virtual async ValueTask WriteManyAsync(IReadOnlyList<(string Key, byte[] Value)> entries, TimeSpan? timeout, bool async, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in entries) await WriteAsync(key, value, timeout, WriteMode.Set, async, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every key.</summary>
    protected virtual async ValueTask RemoveManyAsync(IReadOnlyList<string> keys, bool async, CancellationToken cancellationToken)
    {
        foreach (var key in keys) await RemoveAsync(key, async, cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Warning, "{Message}", EventName = "CacheKeyWarning")]
        public static partial void KeyWarning(ILogger logger, string message);
    }
}

/// <summary>How <see cref="BaseCache"/> asks a backend to write.</summary>
public enum WriteMode
{
    /// <summary>Store, replacing any entry.</summary>
    Set,

    /// <summary>Store only when there is no unexpired entry.</summary>
    Add,

    /// <summary>Change only the expiry of an unexpired entry.</summary>
    Touch,
}

/// <summary>The cache's messages, used by code and tests alike.</summary>
internal static class CacheMessages
{
    /// <summary>Django's text when incr or incr_version finds no key.</summary>
    public static string KeyNotFound(string key) => $"Key '{key}' not found";

    /// <summary>The integer an entry holds; a clear error when it holds something else.</summary>
    public static long Integer(byte[] data, string key) =>
        CacheSerializer.TryInteger(data, out var value) ? value : throw new InvalidOperationException($"The cache entry '{key}' does not hold an integer: Incr and Decr work only on integers.");
}
