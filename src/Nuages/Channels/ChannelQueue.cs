using System.Text.Json.Nodes;

namespace Nuages.Channels;

/// <summary>
/// One channel in this process: its messages waiting for a receiver, and its receivers waiting for a message — what
/// the in-memory layer keeps for every channel and the cross-process layers' <see cref="LocalInbox"/> for this
/// process's own. Used under its owner's lock.
/// </summary>
internal sealed class ChannelQueue<TExpiry>(int capacity)
{
    private readonly Queue<TaskCompletionSource<JsonObject>> _waiters = new();

    /// <summary>The messages, oldest first, each with when it expires.</summary>
    public Queue<(TExpiry Expires, JsonObject Message)> Messages { get; } = new();

    /// <summary>How many messages may wait (Channels' capacity).</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Whether a receiver waits.</summary>
    public bool HasWaiters => _waiters.Count > 0;

    /// <summary>Hands <paramref name="message"/> to a waiting receiver (one that gave up is passed over); false when none waits.</summary>
    public bool Hand(JsonObject message)
    {
        while (_waiters.TryDequeue(out var waiter))
            if (waiter.TrySetResult(message)) return true;
        return false;
    }

    /// <summary>A receiver's place in line, for <see cref="AwaitAsync"/>.</summary>
    public TaskCompletionSource<JsonObject> Wait()
    {
        var waiter = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue(waiter);
        return waiter;
    }

    /// <summary>
    /// The message <paramref name="waiter"/> is handed, or its cancellation; then, under <paramref name="gate"/>, the
    /// channel is forgotten if nothing waits in it either way.
    /// </summary>
    public static async Task<JsonObject> AwaitAsync(TaskCompletionSource<JsonObject> waiter, Lock gate, Dictionary<string, ChannelQueue<TExpiry>> channels,
        string channel, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            try
            {
                return await waiter.Task.ConfigureAwait(false);
            }
            finally
            {
                lock (gate)
                    if (channels.TryGetValue(channel, out var queue) && queue.Messages.Count == 0 && queue._waiters.All(w => w.Task.IsCompleted))
                        channels.Remove(channel);
            }
        }
    }
}
