namespace Nuages.Async;

/// <summary>Somewhere sync work can be queued: a dedicated sync thread, or a thread pumping in AsyncToSync.</summary>
internal interface ISyncExecutor
{
    void Post(IWorkItem item);
}

/// <summary>A unit of sync work queued to a sync thread.</summary>
internal interface IWorkItem
{
    void Execute();
}

/// <summary>
/// A dedicated thread owned by Nuages that runs queued sync work, one item at a time, in order.
/// Never a thread-pool thread, so blocking here never starves the async side.
/// </summary>
internal sealed class SyncWorker : ISyncExecutor
{
    private readonly Queue<IWorkItem> _queue = new();
    private readonly object _lock = new();
    private bool _stopping;
    private bool _sleeping;
    private int _pending;

    public SyncWorker(string name)
    {
        new Thread(Loop) { IsBackground = true, Name = name }.Start();
    }

    public void Post(IWorkItem item)
    {
        Interlocked.Increment(ref _pending);
        lock (_lock)
        {
            _queue.Enqueue(item);
            if (_sleeping) Monitor.Pulse(_lock);
        }
    }

    /// <summary>Ends the thread once the queued work is done.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.Pulse(_lock);
        }
    }

    private void Loop()
    {
        while (true)
        {
            // Work often follows work within microseconds (a request's middleware, then its view):
            // spinning briefly saves a sleep and a wake-up, which cost more than the work itself.
            IdleSpin.Until(() => _queue.Count > 0);
            IWorkItem item;
            lock (_lock)
            {
                while (_queue.Count == 0)
                {
                    if (_stopping) return;
                    _sleeping = true;
                    Monitor.Wait(_lock);
                    _sleeping = false;
                }
                item = _queue.Dequeue();
            }
            item.Execute();
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>Whether work is queued or running (a worker with none can be handed back at once).</summary>
    public bool IsBusy => Volatile.Read(ref _pending) > 0;
}

/// <summary>A short, bounded spin before a thread goes to sleep waiting for work.</summary>
internal static class IdleSpin
{
    // About 20–50 µs on current hardware: less than a sleep/wake pair, small enough to waste little when idle.
    private const int Iterations = 100;

    // Only a few threads may spin at once, or idle workers would take the cores the busy ones need.
    private static readonly int MaxSpinners = Math.Max(1, Environment.ProcessorCount / 2);
    private static int _spinners;

    public static void Until(Func<bool> ready)
    {
        if (Interlocked.Increment(ref _spinners) > MaxSpinners)
        {
            Interlocked.Decrement(ref _spinners);
            return;
        }
        try
        {
            for (var i = 0; i < Iterations; i++)
            {
                if (ready()) return;
                Thread.SpinWait(15);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _spinners);
        }
    }
}

/// <summary>Runs an action on a sync thread: how a worker is handed back to its pool after the work queued before it.</summary>
internal sealed class ActionItem(Action action) : IWorkItem
{
    public void Execute() => action();
}

/// <summary>
/// Where an inline SyncToAsync call runs: the calling thread itself (<see cref="ThreadSensitiveContext.TryEnterInline"/>).
/// Nothing is ever queued to it: thread-sensitive work sent back from inside goes to the thread's AsyncToSync pump.
/// </summary>
internal sealed class InlineExecutor : ISyncExecutor
{
    public static InlineExecutor Instance { get; } = new();

    public void Post(IWorkItem item) => throw new InvalidOperationException("Work cannot be queued to an inline sync call.");
}
