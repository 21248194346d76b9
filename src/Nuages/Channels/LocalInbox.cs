using System.Text.Json.Nodes;

namespace Nuages.Channels;

/// <summary>
/// The messages of this process's specific channels (<c>specific.abc!xyz</c>) once a cross-process layer has read them
/// from its server: each waits here for its channel's receiver, at most the channel's capacity of them, until it expires.
/// </summary>
internal sealed class LocalInbox(Func<string, int> capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Box> _channels = new(StringComparer.Ordinal);

    private sealed class Box
    {
        public readonly Queue<(long Expires, JsonObject Message)> Messages = new();
        public readonly Queue<TaskCompletionSource<JsonObject>> Waiters = new();
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Hands <paramref name="message"/> to a waiting receiver, or keeps it; a full channel misses it.</summary>
    public void Deliver(string channel, JsonObject message, long expiresMs)
    {
        lock (_lock)
        {
            if (!_channels.TryGetValue(channel, out var box)) _channels[channel] = box = new Box();
            while (box.Waiters.TryDequeue(out var waiter))
                if (waiter.TrySetResult(message)) return;
            while (box.Messages.TryPeek(out var oldest) && oldest.Expires < Now) box.Messages.Dequeue();
            if (box.Messages.Count < capacity(channel)) box.Messages.Enqueue((expiresMs, message));
        }
    }

    /// <summary>The next message of <paramref name="channel"/>, waiting for one.</summary>
    public async Task<JsonObject> ReceiveAsync(string channel, CancellationToken cancellationToken)
    {
        TaskCompletionSource<JsonObject> waiter;
        lock (_lock)
        {
            if (!_channels.TryGetValue(channel, out var box)) _channels[channel] = box = new Box();
            while (box.Messages.TryDequeue(out var next))
                if (next.Expires >= Now) return next.Message;
            waiter = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            box.Waiters.Enqueue(waiter);
        }
        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            try
            {
                return await waiter.Task.ConfigureAwait(false);
            }
            finally
            {
                lock (_lock)
                    if (_channels.TryGetValue(channel, out var box) && box.Messages.Count == 0 && box.Waiters.All(w => w.Task.IsCompleted))
                        _channels.Remove(channel);
            }
        }
    }

    /// <summary>Forgets every message (a layer's flush).</summary>
    public void Clear()
    {
        lock (_lock) _channels.Clear();
    }
}
