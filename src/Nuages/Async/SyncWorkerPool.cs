namespace Nuages.Async;

/// <summary>
/// The bounded set of sync workers (setting <c>SyncWorkers</c>, default 32). A request's thread-sensitive
/// context holds one worker from its first sync call to its end; a non-thread-sensitive call holds one
/// for the call. When every worker is taken, callers wait in order (asynchronously: the async side never
/// blocks). Workers are started on demand and live for the process.
/// </summary>
internal sealed class SyncWorkerPool
{
    private readonly Lock _lock = new();
    private readonly Stack<SyncWorker> _idle = new();
    private readonly Queue<TaskCompletionSource<SyncWorker>> _waiting = new();
    private int _started;
    private int _max;

    private readonly string _name;

    public SyncWorkerPool(int max, string name = "nuages-sync")
    {
        _max = max;
        _name = name;
    }

    /// <summary>The process's pool, for sync work outside any site's request (32 workers).</summary>
    public static SyncWorkerPool Shared { get; } = new(32);

    /// <summary>The pool of <paramref name="site"/> (its <c>SyncWorkers</c> setting), or <see cref="Shared"/> without one.</summary>
    public static SyncWorkerPool For(Conf.Site? site) =>
        site is null ? Shared : site.Feature(static s => new SyncWorkerPool(s.Settings.SyncWorkers));

    public int Max
    {
        get => Volatile.Read(ref _max);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (_lock) _max = value;
        }
    }

    public int Started => Volatile.Read(ref _started);

    /// <summary>A worker for exclusive use; completes synchronously unless every worker is taken.</summary>
    public ValueTask<SyncWorker> AcquireAsync()
    {
        lock (_lock)
        {
            if (_idle.TryPop(out var idle)) return new ValueTask<SyncWorker>(idle);
            if (_started < _max)
            {
                _started++;
                return new ValueTask<SyncWorker>(new SyncWorker($"{_name}-{_started}"));
            }
            var waiter = new TaskCompletionSource<SyncWorker>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            return new ValueTask<SyncWorker>(waiter.Task);
        }
    }

    /// <summary>Gives the worker back once the work already queued on it is done (never blocks the caller).</summary>
    public void Release(SyncWorker worker)
    {
        // Only its own context posts to a worker, and that context is ending: an idle worker stays idle.
        if (!worker.IsBusy) ReturnNow(worker);
        else worker.Post(new ActionItem(() => ReturnNow(worker)));
    }

    /// <summary>
    /// Stops the idle workers once their queued work is done (graceful shutdown); workers still held by a
    /// request stop serving only when given back. Later calls start new workers as needed.
    /// </summary>
    public void StopIdle()
    {
        lock (_lock)
        {
            while (_idle.TryPop(out var worker))
            {
                worker.Stop();
                _started--;
            }
        }
    }

    /// <summary>Gives the worker back now: called on the worker itself, once its work is done.</summary>
    public void ReturnNow(SyncWorker worker)
    {
        TaskCompletionSource<SyncWorker>? waiter;
        lock (_lock)
        {
            if (!_waiting.TryDequeue(out waiter))
            {
                _idle.Push(worker);
                return;
            }
        }
        waiter.SetResult(worker);
    }
}
