using System.Globalization;
using Nuages.Conf;
using Nuages.Core;
using StackExchange.Redis;

namespace Nuages.Cache;

/// <summary>
/// Django's Redis cache (django/core/cache/backends/redis.py) through StackExchange.Redis: <c>Location</c> is one
/// server URL or several separated by <c>,</c> or <c>;</c> — writes go to the first, reads to one of the others
/// chosen at random (to the first when it is alone). URLs are redis-py's: <c>redis://[[user]:password@]host[:port][/db]</c>,
/// <c>rediss://</c> for TLS, <c>?db=</c> too. Integers are stored as Redis integers, as Django stores them, so
/// <c>Incr</c> is Redis' INCRBY. Connections open on first use and fail fast: with a server down, each call raises a
/// <see cref="CacheError"/> naming the cache and the server rather than waiting.
/// </summary>
public sealed class RedisCache : BaseCache
{
    // EXISTS then INCRBY in one step: Django's incr refuses a missing key, and no other client may slip between
    private const string IncrementScript = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) else return false end";

    private readonly Server[] _servers;

    /// <summary>A Redis cache on the servers <c>Location</c> names.</summary>
    public RedisCache(string alias, CacheSettings settings) : base(alias, settings)
    {
        var urls = settings.Location.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
            throw new ImproperlyConfigured($"The cache '{alias}' is a Redis cache and needs a server: set its Location (\"Caches\": {{ \"{alias}\": {{ \"Backend\": \"redis\", \"Location\": \"redis://127.0.0.1:6379\" }} }}).");
        _servers = [.. urls.Select(url => new Server(alias, url, settings.Options))];
    }

    /// <summary>One server: its URL, as messages name it, and its connection made on first use.</summary>
    private sealed class Server
    {
        private readonly Lazy<ConnectionMultiplexer> _connection;
        private readonly int _database;

        public Server(string alias, string url, IReadOnlyDictionary<string, string> options)
        {
            Name = url;
            var configuration = RedisUrl.Options($"cache '{alias}'", "Location", url, options, out _database);
            _connection = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public string Name { get; }

        public IDatabase Database => _connection.Value.GetDatabase(_database);

        public void Close()
        {
            if (_connection.IsValueCreated) _connection.Value.Dispose();
        }
    }

    private Server Writer => _servers[0];

    private Server Reader => _servers.Length == 1 ? _servers[0] : _servers[Random.Shared.Next(1, _servers.Length)];

    /// <summary>Runs one call on <paramref name="server"/>, turning a connection failure into an error naming the cache and the server.</summary>
    private async ValueTask<T> On<T>(Server server, Func<IDatabase, T> sync, Func<IDatabase, Task<T>> async, bool isAsync)
    {
        try
        {
            return isAsync ? await async(server.Database).ConfigureAwait(false) : sync(server.Database);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw Unreachable(server, e);
        }
    }

    private static TimeSpan Seconds(TimeSpan timeout) => TimeSpan.FromSeconds(Math.Max(0, Math.Truncate(timeout.TotalSeconds)));

    private static bool IsUnreachable(Exception e) => e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException;

    private CacheError Unreachable(Server server, Exception e) => new($"The cache '{Alias}' could not reach its Redis server {server.Name}: {e.Message}", e);

    /// <inheritdoc/>
    protected override ValueTask<byte[]?> ReadAsync(string key, bool async, CancellationToken cancellationToken)
    {
        // PERF: Get is the hot call: direct calls, no delegates, one state machine when async
        var server = Reader;
        if (async) return ReadAwaited(server, key);
        try
        {
            return new((byte[]?)server.Database.StringGet(key));
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw Unreachable(server, e);
        }
    }

    private async ValueTask<byte[]?> ReadAwaited(Server server, string key)
    {
        try
        {
            return (byte[]?)await server.Database.StringGetAsync(key).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw Unreachable(server, e);
        }
    }

    /// <summary>SET with an expiry and a condition: Set's and Add's one round trip, called directly as <see cref="ReadAsync"/> is.</summary>
    private ValueTask<bool> Store(Server server, string key, byte[] value, TimeSpan? expiry, When when, bool async)
    {
        if (async) return new(StoreAwaited(server, key, value, expiry, when));
        try
        {
            return new(server.Database.StringSet(key, value, expiry, when));
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw Unreachable(server, e);
        }
    }

    // a Task, not a ValueTask: SetAsync hands it on without a state machine of its own
    private async Task<bool> StoreAwaited(Server server, string key, byte[] value, TimeSpan? expiry, When when)
    {
        try
        {
            return await server.Database.StringSetAsync(key, value, expiry, when).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw Unreachable(server, e);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<bool> WriteAsync(string key, byte[] value, TimeSpan? timeout, WriteMode mode, bool async, CancellationToken cancellationToken)
    {
        var expiry = timeout is { } seconds ? Seconds(seconds) : (TimeSpan?)null;
        if (mode == WriteMode.Touch || expiry == TimeSpan.Zero) return WriteRarely(key, value, timeout, mode, async);
        return Store(Writer, key, value, expiry, mode == WriteMode.Add ? When.NotExists : When.Always, async);
    }

    /// <summary>Touch, and writes that expire at once.</summary>
    private async ValueTask<bool> WriteRarely(string key, byte[] value, TimeSpan? timeout, WriteMode mode, bool async)
    {
        var writer = Writer;
        if (mode == WriteMode.Touch)
        {
            // no timeout: made persistent; zero or less: deleted (Django sends EXPIRE 0)
            return timeout is { } t
                ? await On(writer, db => db.KeyExpire(key, Seconds(t)), db => db.KeyExpireAsync(key, Seconds(t)), async).ConfigureAwait(false)
                : await On(writer, db => db.KeyPersist(key), db => db.KeyPersistAsync(key), async).ConfigureAwait(false);
        }
        // expired at once: Set deletes; Add stores only to answer whether it could, as Django's does
        if (mode == WriteMode.Set)
        {
            await On(writer, db => db.KeyDelete(key), db => db.KeyDeleteAsync(key), async).ConfigureAwait(false);
            return true;
        }
        var added = await Store(writer, key, value, null, When.NotExists, async).ConfigureAwait(false);
        if (added) await On(writer, db => db.KeyDelete(key), db => db.KeyDeleteAsync(key), async).ConfigureAwait(false);
        return added;
    }

    /// <inheritdoc/>
    protected override ValueTask<bool> RemoveAsync(string key, bool async, CancellationToken cancellationToken) =>
        On(Writer, db => db.KeyDelete(key), db => db.KeyDeleteAsync(key), async);

    /// <inheritdoc/>
    protected override ValueTask<bool> ContainsAsync(string key, bool async, CancellationToken cancellationToken) =>
        On(Reader, db => db.KeyExists(key), db => db.KeyExistsAsync(key), async);

    /// <inheritdoc/>
    protected override async ValueTask<long?> IncrementAsync(string key, long delta, bool async, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [key];
        RedisValue[] values = [delta];
        try
        {
            var result = await On(Writer, db => db.ScriptEvaluate(IncrementScript, keys, values), db => db.ScriptEvaluateAsync(IncrementScript, keys, values), async).ConfigureAwait(false);
            return result.IsNull ? null : (long)result;
        }
        catch (RedisServerException e) when (e.Message.Contains("not an integer", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The cache entry '{key}' does not hold an integer: Incr and Decr work only on integers.", e);
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<Dictionary<string, byte[]>> ReadManyAsync(IReadOnlyList<string> keys, bool async, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (keys.Count == 0) return found;
        RedisKey[] redisKeys = [.. keys.Select(k => (RedisKey)k)];
        var values = await On(Reader, db => db.StringGet(redisKeys), db => db.StringGetAsync(redisKeys), async).ConfigureAwait(false);
        for (var i = 0; i < keys.Count; i++)
            if (!values[i].IsNull) found[keys[i]] = (byte[])values[i]!;
        return found;
    }

    /// <inheritdoc/>
    protected override async ValueTask WriteManyAsync(IReadOnlyList<(string Key, byte[] Value)> entries, TimeSpan? timeout, bool async, CancellationToken cancellationToken)
    {
        // MSET, then an EXPIRE per key (MSET takes no timeout): in one batch when async, as Django's pipeline
        KeyValuePair<RedisKey, RedisValue>[] pairs = [.. entries.Select(e => new KeyValuePair<RedisKey, RedisValue>(e.Key, e.Value))];
        await On(Writer, db =>
        {
            db.StringSet(pairs);
            if (timeout is { } t)
                foreach (var pair in pairs) db.KeyExpire(pair.Key, Seconds(t));
            return true;
        }, async db =>
        {
            var batch = db.CreateBatch();
            var tasks = new List<Task> { batch.StringSetAsync(pairs) };
            if (timeout is { } t) tasks.AddRange(pairs.Select(p => (Task)batch.KeyExpireAsync(p.Key, Seconds(t))));
            batch.Execute();
            await Task.WhenAll(tasks).ConfigureAwait(false);
            return true;
        }, async).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async ValueTask RemoveManyAsync(IReadOnlyList<string> keys, bool async, CancellationToken cancellationToken)
    {
        if (keys.Count == 0) return;
        RedisKey[] redisKeys = [.. keys.Select(k => (RedisKey)k)];
        await On(Writer, db => db.KeyDelete(redisKeys), db => db.KeyDeleteAsync(redisKeys), async).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async ValueTask ClearAllAsync(bool async, CancellationToken cancellationToken) =>
        await On<RedisResult>(Writer, db => db.Execute("FLUSHDB"), db => db.ExecuteAsync("FLUSHDB"), async).ConfigureAwait(false);

    /// <summary>Closes the connections opened.</summary>
    public override void Close()
    {
        foreach (var server in _servers) server.Close();
    }
}

/// <summary>A cache could not do what was asked: its server is down or unreachable. The message names the cache and the server.</summary>
public sealed class CacheError(string message, Exception? inner = null) : Exception(message, inner);
