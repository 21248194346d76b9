namespace Nuages.Async;

/// <summary>
/// Dedicated threads that run sync code (sync views, sync middleware) for the async side, so a
/// blocking view never occupies a .NET thread-pool thread (ARCHITECTURE rule 1). Threads start on
/// demand up to a bound; beyond it work queues. The caller's <see cref="ExecutionContext"/> flows
/// into the work, so <see cref="AsyncLocal{T}"/> values set before the call are seen inside.
/// </summary>
internal sealed class SyncWorkerPool : IDisposable
{
    private readonly Queue<WorkItem> _queue = new();
    private readonly object _lock = new();
    private readonly int _maxThreads;
    private readonly string _name;
    private int _threads;
    private int _idle;
    private bool _disposed;

    public SyncWorkerPool(int maxThreads, string name = "nuages-sync")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        _maxThreads = maxThreads;
        _name = name;
    }

    /// <summary>Threads started so far (they stay for the pool's lifetime).</summary>
    public int ThreadCount => Volatile.Read(ref _threads);

    /// <summary>Runs <paramref name="work"/> on a sync worker; the task completes (on the pool, never inline) with its result or exception.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var item = new WorkItem<T>(work, ExecutionContext.Capture());
        Enqueue(item);
        return item.Completion.Task;
    }

    private void Enqueue(WorkItem item)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _queue.Enqueue(item);
            if (_queue.Count > _idle && _threads < _maxThreads) StartThread();
            else Monitor.Pulse(_lock);
        }
    }

    private void StartThread()
    {
        var number = ++_threads;
        var thread = new Thread(Work) { IsBackground = true, Name = $"{_name}-{number}" };
        thread.Start();
    }

    private void Work()
    {
        while (true)
        {
            WorkItem item;
            lock (_lock)
            {
                while (_queue.Count == 0)
                {
                    if (_disposed) return;
                    _idle++;
                    Monitor.Wait(_lock);
                    _idle--;
                }
                item = _queue.Dequeue();
            }
            item.Execute();
        }
    }

    /// <summary>Lets the workers finish what is queued, then stop.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Monitor.PulseAll(_lock);
        }
    }

    private abstract class WorkItem
    {
        public abstract void Execute();
    }

    private sealed class WorkItem<T>(Func<T> work, ExecutionContext? context) : WorkItem
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Execute()
        {
            if (context is null) Run(this);
            else ExecutionContext.Run(context, static state => Run((WorkItem<T>)state!), this);
        }

        private static void Run(WorkItem<T> item)
        {
            try
            {
                item.Completion.SetResult(item.Invoke());
            }
            catch (Exception e)
            {
                item.Completion.SetException(e);
            }
        }

        private T Invoke() => work();
    }
}
