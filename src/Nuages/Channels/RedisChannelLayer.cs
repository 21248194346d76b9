using System.Globalization;
using System.Text.Json.Nodes;
using Nuages.Core;
using StackExchange.Redis;

namespace Nuages.Channels;

/// <summary>
/// Channels' Redis layer (channels_redis' <c>RedisChannelLayer</c>) through StackExchange.Redis, for sites served by
/// several processes: a channel is a Redis list holding at most its capacity of messages (<see cref="ChannelFull"/>
/// beyond), each stamped with Redis' own clock and dropped unread after <see cref="ChannelLayer.Expiry"/>; a group is a
/// sorted set of channel names scored by when they joined, forgotten after <see cref="ChannelLayer.GroupExpiry"/>; a group send is
/// one Lua script that appends to every member's list. Process-specific channels (<c>specific.abc!xyz</c>) share one
/// list per process, as in channels_redis, emptied by one reader that hands each message to its channel here.
/// StackExchange.Redis has no blocking pops (one multiplexed connection serves every caller), so a reader waits on a
/// pub/sub wake-up the sender publishes with the message, and looks again every second should one be lost.
/// </summary>
public sealed class RedisChannelLayer : ChannelLayer, IAsyncDisposable
{
    // Drops the expired messages at the head of KEYS[1], then appends ARGV[1] unless the list holds ARGV[2] messages.
    private const string SendScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local woken = {}
        local sent = 0
        for i, key in ipairs(KEYS) do
          while true do
            local head = redis.call('LINDEX', key, 0)
            if not head then break end
            if tonumber(string.sub(head, 1, string.find(head, '|', 1, true) - 1)) >= now then break end
            redis.call('LPOP', key)
          end
          if redis.call('LLEN', key) < tonumber(ARGV[2 + i * 2]) then
            redis.call('RPUSH', key, (now + tonumber(ARGV[2])) .. '|' .. ARGV[1 + i * 2] .. '|' .. ARGV[1])
            redis.call('PEXPIRE', key, tonumber(ARGV[2]) + 1000)
            if not woken[key] then
              redis.call('PUBLISH', key .. ':wake', '1')
              woken[key] = true
            end
            sent = sent + 1
          end
        end
        return sent
        """;

    // Pops up to ARGV[1] messages of KEYS[1] that have not expired, in order.
    private const string ReceiveScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local out = {}
        while #out < tonumber(ARGV[1]) do
          local item = redis.call('LPOP', KEYS[1])
          if not item then break end
          if tonumber(string.sub(item, 1, string.find(item, '|', 1, true) - 1)) >= now then out[#out + 1] = item end
        end
        return out
        """;

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly string _alias;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly int _database;
    private readonly string _process = RandomLetters();
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _lock = new();
    private readonly LocalInbox _inbox;
    private readonly Dictionary<string, Wake> _wakes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _pumps = new(StringComparer.Ordinal);

    /// <summary>A layer on the Redis server <paramref name="url"/> (redis-py's <c>redis://host:port/db</c>), its keys under <see cref="Prefix"/>.</summary>
    public RedisChannelLayer(string alias, string url, IReadOnlyDictionary<string, string>? options = null)
    {
        _alias = alias;
        _inbox = new LocalInbox(GetCapacity);
        var configuration = RedisUrl.Options($"channel layer '{alias}'", "Hosts", url, options ?? new Dictionary<string, string>(), out _database);
        // connected asynchronously: a synchronous connect blocks thread-pool threads that the connection itself needs
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(configuration), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>What every key of the layer starts with (channels_redis' <c>prefix</c>: <c>asgi</c>).</summary>
    public string Prefix { get; init; } = "asgi";

    /// <summary>The largest message, as JSON, the layer carries (1 MiB); a larger one is refused before it is sent.</summary>
    public int MaxMessageSize { get; init; } = 1024 * 1024;

    private async Task<IDatabase> DbAsync() => (await _connection.Value.ConfigureAwait(false)).GetDatabase(_database);

    private string ListKey(string channel) => Prefix + ":" + NonLocalName(channel);

    private string GroupKey(string group) => Prefix + ":group:" + group;

    /// <summary>A pub/sub wake-up: set by the subscription, awaited by a reader.</summary>
    private sealed class Wake
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>How long a subscription waits for its connection to Redis before it fails.</summary>
    private static readonly TimeSpan SubscribeWait = TimeSpan.FromSeconds(5);

    private async Task<Wake> WakeAsync(string key)
    {
        Wake? wake;
        lock (_lock)
            if (_wakes.TryGetValue(key, out wake)) return wake;
        wake = new Wake();
        var subscriber = (await _connection.Value.ConfigureAwait(false)).GetSubscriber();
        // The subscription has a connection of its own, opened beside the one for commands: it may still be opening
        // when the first connect returns, which fails fast ("No connection is active/available"). Wait for it, as long
        // as a connect may take, rather than fail the caller's first NewChannelAsync or ReceiveAsync.
        var giveUp = DateTime.UtcNow + SubscribeWait;
        while (true)
        {
            try
            {
                await subscriber.SubscribeAsync(RedisChannel.Literal(key + ":wake"), (_, _) => wake.Set()).ConfigureAwait(false);
                break;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < giveUp)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
        lock (_lock)
        {
            if (_wakes.TryGetValue(key, out var raced)) return raced;
            _wakes[key] = wake;
        }
        return wake;
    }

    private string Serialize(JsonObject message) => ToJson(message, MaxMessageSize, $"the Redis channel layer '{_alias}'");

    private async Task<RedisResult> Append(string json, IReadOnlyList<string> channels)
    {
        var keys = new RedisKey[channels.Count];
        var values = new RedisValue[2 + channels.Count * 2];
        values[0] = json;
        values[1] = (long)Expiry.TotalMilliseconds;
        for (var i = 0; i < channels.Count; i++)
        {
            keys[i] = ListKey(channels[i]);
            values[2 + i * 2] = channels[i];
            // A process's channels share one list: their capacities are kept by that process's inbox, one channel at a
            // time; the list itself only drops what expired.
            values[3 + i * 2] = channels[i].Contains('!', StringComparison.Ordinal) ? int.MaxValue : GetCapacity(channels[i]);
        }
        return await (await DbAsync().ConfigureAwait(false)).ScriptEvaluateAsync(SendScript, keys, values).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task SendAsync(string channel, JsonObject message, CancellationToken cancellationToken = default)
    {
        RequireValidChannelName(channel);
        if ((long)await Append(Serialize(message), [channel]).WaitAsync(cancellationToken).ConfigureAwait(false) == 0) throw new ChannelFull(channel);
    }

    /// <inheritdoc/>
    public override async Task<JsonObject> ReceiveAsync(string channel, CancellationToken cancellationToken = default)
    {
        RequireValidChannelName(channel);
        if (channel.Contains('!', StringComparison.Ordinal)) return await ReceiveLocalAsync(channel, cancellationToken).ConfigureAwait(false);
        var key = ListKey(channel);
        var wake = await WakeAsync(key).ConfigureAwait(false);
        while (true)
        {
            var woken = wake.Next;
            var popped = (RedisResult[])(await (await DbAsync().ConfigureAwait(false)).ScriptEvaluateAsync(ReceiveScript, [key], [1]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
            if (popped.Length > 0) return Parse((string)popped[0]!).Message;
            await Task.WhenAny(woken, Task.Delay(Poll, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static (string Channel, JsonObject Message, long Expires) Parse(string item)
    {
        var first = item.IndexOf('|', StringComparison.Ordinal);
        var second = item.IndexOf('|', first + 1);
        return (item[(first + 1)..second], (JsonObject)JsonNode.Parse(item.AsSpan(second + 1).ToString())!, long.Parse(item.AsSpan(0, first), CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public override async Task<string> NewChannelAsync(string prefix = "specific.", CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}.{_process}!{RandomLetters()}";
        RequireValidChannelName(name);
        await EnsurePumpAsync(ListKey(name)).ConfigureAwait(false);
        return name;
    }

    // ---- this process's channels: one list, one reader ----

    /// <summary>Starts the reader of one of this process's lists (one per prefix given to <see cref="NewChannelAsync"/>), subscribed before it returns.</summary>
    private async Task EnsurePumpAsync(string key)
    {
        lock (_lock)
            if (_pumps.ContainsKey(key)) return;
        var wake = await WakeAsync(key).ConfigureAwait(false);
        lock (_lock)
            if (!_pumps.ContainsKey(key)) _pumps[key] = Task.Run(() => PumpAsync(key, wake));
    }

    private async Task PumpAsync(string key, Wake wake)
    {
        var closing = _closing.Token;
        while (!closing.IsCancellationRequested)
        {
            var woken = wake.Next;
            try
            {
                var popped = (RedisResult[])(await (await DbAsync().ConfigureAwait(false)).ScriptEvaluateAsync(ReceiveScript, [key], [256]).ConfigureAwait(false))!;
                foreach (var item in popped) Deliver(Parse((string)item!));
                if (popped.Length == 256) continue;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // the server is away: try again at the next poll
            }
            try
            {
                await Task.WhenAny(woken, Task.Delay(Poll, closing)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Deliver((string Channel, JsonObject Message, long Expires) item) => _inbox.Deliver(item.Channel, item.Message, item.Expires);

    private async Task<JsonObject> ReceiveLocalAsync(string channel, CancellationToken cancellationToken)
    {
        // as channels_redis asserts: another process's channel is not this one's to read
        if (!NonLocalName(channel).EndsWith("." + _process + "!", StringComparison.Ordinal))
            throw new ArgumentException($"Wrong client prefix: '{channel}' is a channel of another process.", nameof(channel));
        await EnsurePumpAsync(ListKey(channel)).ConfigureAwait(false);
        return await _inbox.ReceiveAsync(channel, cancellationToken).ConfigureAwait(false);
    }

    // ---- groups ----

    /// <inheritdoc/>
    public override async Task GroupAddAsync(string group, string channel, CancellationToken cancellationToken = default)
    {
        RequireValidGroupName(group);
        RequireValidChannelName(channel);
        var key = GroupKey(group);
        var batch = (await DbAsync().ConfigureAwait(false)).CreateBatch();
        var added = batch.SortedSetAddAsync(key, channel, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        var expiry = batch.KeyExpireAsync(key, GroupExpiry);
        batch.Execute();
        await Task.WhenAll(added, expiry).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task GroupDiscardAsync(string group, string channel, CancellationToken cancellationToken = default)
    {
        RequireValidChannelName(channel);
        RequireValidGroupName(group);
        await (await DbAsync().ConfigureAwait(false)).SortedSetRemoveAsync(GroupKey(group), channel).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task GroupSendAsync(string group, JsonObject message, CancellationToken cancellationToken = default)
    {
        RequireValidGroupName(group);
        var json = Serialize(message);
        var key = GroupKey(group);
        var joinedSince = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - GroupExpiry.TotalSeconds;
        var db = await DbAsync().ConfigureAwait(false);
        await db.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, joinedSince, Exclude.Stop).WaitAsync(cancellationToken).ConfigureAwait(false);
        var members = await db.SortedSetRangeByRankAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (members.Length == 0) return;
        // a full member misses the message, as in Channels
        await Append(json, [.. members.Select(m => (string)m!)]).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _connection.Value.ConfigureAwait(false);
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (server.IsReplica) continue;
            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(_database, Prefix + ":*").WithCancellation(cancellationToken).ConfigureAwait(false)) keys.Add(key);
            if (keys.Count > 0) await connection.GetDatabase(_database).KeyDeleteAsync([.. keys]).ConfigureAwait(false);
        }
        _inbox.Clear();
    }

    /// <summary>Stops this process's reader and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        Task[] pumps;
        lock (_lock) pumps = [.. _pumps.Values];
        await Task.WhenAll(pumps).ConfigureAwait(false);
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully) await _connection.Value.Result.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }
}
