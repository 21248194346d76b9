using System.Text.Json.Nodes;

namespace Nuages.Channels;

/// <summary>
/// Channels' <c>InMemoryChannelLayer</c>: channels and groups in this process only (for one server, and for tests).
/// Group memberships end after <see cref="ChannelLayer.GroupExpiry"/> (a day); a channel whose message expired unread leaves its groups.
/// </summary>
public sealed class InMemoryChannelLayer : ChannelLayer
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ChannelQueue<DateTime>> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, DateTime>> _groups = new(StringComparer.Ordinal);

    /// <summary>The clock (UTC); a test may stop it.</summary>
    public Func<DateTime> Now { get; init; } = () => DateTime.UtcNow;

    /// <inheritdoc/>
    public override Task SendAsync(string channel, JsonObject message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        RequireValidChannelName(channel);
        if (message.ContainsKey("__asgi_channel__")) throw new ArgumentException("A message may not carry '__asgi_channel__'.", nameof(message));
        var copy = (JsonObject)message.DeepClone();
        lock (_lock)
        {
            var queue = Queue(channel);
            // a receiver already waiting takes it at once (one that gave up is passed over)
            if (queue.Hand(copy)) return Task.CompletedTask;
            if (queue.Messages.Count >= queue.Capacity) throw new ChannelFull(channel);
            queue.Messages.Enqueue((Now() + Expiry, copy));
        }
        return Task.CompletedTask;
    }

    private ChannelQueue<DateTime> Queue(string channel)
    {
        if (!_channels.TryGetValue(channel, out var queue)) _channels[channel] = queue = new ChannelQueue<DateTime>(GetCapacity(channel));
        return queue;
    }

    /// <inheritdoc/>
    public override async Task<JsonObject> ReceiveAsync(string channel, CancellationToken cancellationToken = default)
    {
        RequireValidChannelName(channel);
        TaskCompletionSource<JsonObject> waiter;
        lock (_lock)
        {
            CleanExpired();
            var queue = Queue(channel);
            if (queue.Messages.TryDequeue(out var next))
            {
                if (queue.Messages.Count == 0 && !queue.HasWaiters) _channels.Remove(channel);
                return next.Message;
            }
            waiter = queue.Wait();
        }
        return await ChannelQueue<DateTime>.AwaitAsync(waiter, _lock, _channels, channel, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override Task<string> NewChannelAsync(string prefix = "specific.", CancellationToken cancellationToken = default) =>
        Task.FromResult($"{prefix}.inmemory!{RandomLetters()}");

    private DateTime _nextClean = DateTime.MinValue;

    /// <summary>
    /// Drops expired messages (their channels leave every group) and expired group memberships (Channels'
    /// <c>_clean_expired</c>). PERF: a full look at every channel and group, so at most once a second, not on every
    /// receive as Channels does — with 10,000 consumers that made each broadcast quadratic.
    /// </summary>
    private void CleanExpired()
    {
        var now = Now();
        if (now < _nextClean) return;
        _nextClean = now + TimeSpan.FromSeconds(1);
        foreach (var (channel, queue) in _channels.ToList())
        {
            while (queue.Messages.TryPeek(out var oldest) && oldest.Expires < now)
            {
                queue.Messages.Dequeue();
                foreach (var members in _groups.Values) members.Remove(channel);
                if (queue.Messages.Count == 0 && !queue.HasWaiters) _channels.Remove(channel);
            }
        }
        var joinedBefore = now - GroupExpiry;
        foreach (var members in _groups.Values)
            foreach (var (channel, joined) in members.ToList())
                if (joined < joinedBefore) members.Remove(channel);
    }

    /// <inheritdoc/>
    public override Task GroupAddAsync(string group, string channel, CancellationToken cancellationToken = default)
    {
        RequireValidGroupName(group);
        RequireValidChannelName(channel);
        lock (_lock)
        {
            if (!_groups.TryGetValue(group, out var members)) _groups[group] = members = new Dictionary<string, DateTime>(StringComparer.Ordinal);
            members[channel] = Now();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task GroupDiscardAsync(string group, string channel, CancellationToken cancellationToken = default)
    {
        RequireValidChannelName(channel);
        RequireValidGroupName(group);
        lock (_lock)
        {
            if (_groups.TryGetValue(group, out var members))
            {
                members.Remove(channel);
                if (members.Count == 0) _groups.Remove(group);
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override async Task GroupSendAsync(string group, JsonObject message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        RequireValidGroupName(group);
        List<string> channels;
        lock (_lock)
        {
            CleanExpired();
            channels = _groups.TryGetValue(group, out var members) ? [.. members.Keys] : [];
        }
        foreach (var channel in channels)
        {
            try
            {
                await SendAsync(channel, message, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelFull)
            {
                // a full member misses the message, as in Channels
            }
        }
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _channels.Clear();
            _groups.Clear();
        }
        return Task.CompletedTask;
    }
}
