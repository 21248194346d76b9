namespace Nuages.Async;

/// <summary>
/// asgiref's <c>CurrentThreadExecutor</c>: the queue of a sync thread blocked in <see cref="AsyncToSync"/>.
/// While it waits for the async function, the thread runs the thread-sensitive sync work that function
/// sends back (as asgiref/sync.py), so sync code called from async code called from sync code lands on the
/// original thread and nothing deadlocks.
/// </summary>
internal sealed class PumpExecutor(PumpExecutor? outer) : ISyncExecutor
{
    private readonly Queue<IWorkItem> _queue = new();
    private readonly object _lock = new();
    private readonly Thread _thread = Thread.CurrentThread;
    private bool _done;

    /// <summary>Queues work for the pumping thread; work for an executor that has finished goes to the nearest live outer one (as asgiref/sync.py).</summary>
    public void Post(IWorkItem item)
    {
        if (Thread.CurrentThread == _thread)
            throw new InvalidOperationException("You cannot submit onto CurrentThreadExecutor from its own thread"); // as asgiref/sync.py does
        for (var executor = this; executor is not null; executor = executor.OuterExecutor)
        {
            lock (executor._lock)
            {
                if (executor._done) continue;
                executor._queue.Enqueue(item);
                Monitor.Pulse(executor._lock);
                return;
            }
        }
        throw new InvalidOperationException("CurrentThreadExecutor already quit or is broken");
    }

    private PumpExecutor? OuterExecutor => outer;

    /// <summary>Runs queued work on the calling thread until <paramref name="task"/> is done and the queue is empty (as asgiref/sync.py).</summary>
    public void RunUntil(Task task)
    {
        if (Thread.CurrentThread != _thread)
            throw new InvalidOperationException("You cannot run CurrentThreadExecutor from a different thread"); // as asgiref/sync.py does
        task.GetAwaiter().UnsafeOnCompleted(() =>
        {
            lock (_lock) Monitor.Pulse(_lock);
        });
        while (true)
        {
            IdleSpin.Until(() => _queue.Count > 0 || task.IsCompleted);
            IWorkItem item;
            lock (_lock)
            {
                while (_queue.Count == 0)
                {
                    if (task.IsCompleted)
                    {
                        _done = true;
                        return;
                    }
                    Monitor.Wait(_lock);
                }
                item = _queue.Dequeue();
            }
            item.Execute();
        }
    }
}
