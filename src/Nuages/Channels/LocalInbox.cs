using System.Text.Json.Nodes;

namespace Nuages.Channels;

/// <summary>
/// The messages of this process's specific channels (<c>specific.abc!xyz</c>) once a cross-process layer has read them
/// from its server: each waits here for its channel's receiver, at most the channel's capacity of them, until it expires.
/// </summary>
internal sealed class LocalInbox(Func<string, int> capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ChannelQueue<long>> _channels = new(StringComparer.Ordinal);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Hands <paramref name="message"/> to a waiting receiver, or keeps it; a full channel misses it.</summary>
    public void Deliver(string channel, JsonObject message, long expiresMs)
    {
        lock (_lock)
        {
            var box = Box(channel);
            if (box.Hand(message)) return;
            while (box.Messages.TryPeek(out var oldest) && oldest.Expires < Now) box.Messages.Dequeue();
            if (box.Messages.Count < box.Capacity) box.Messages.Enqueue((expiresMs, message));
        }
    }

    private ChannelQueue<long> Box(string channel)
    {
        if (!_channels.TryGetValue(channel, out var box)) _channels[channel] = box = new ChannelQueue<long>(capacity(channel));
        return box;
    }

    /// <summary>The next message of <paramref name="channel"/>, waiting for one.</summary>
    public async Task<JsonObject> ReceiveAsync(string channel, CancellationToken cancellationToken)
    {
        TaskCompletionSource<JsonObject> waiter;
        lock (_lock)
        {
            var box = Box(channel);
            while (box.Messages.TryDequeue(out var next))
                if (next.Expires >= Now) return next.Message;
            waiter = box.Wait();
        }
        return await ChannelQueue<long>.AwaitAsync(waiter, _lock, _channels, channel, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets every message (a layer's flush).</summary>
    public void Clear()
    {
        lock (_lock) _channels.Clear();
    }
}
