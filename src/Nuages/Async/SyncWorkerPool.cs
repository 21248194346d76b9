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
    private int _inline;

    private readonly string _name;

    public SyncWorkerPool(int max, string name = "nuages-sync")
    {
        _max = max;
        _name = name;
        KeepPoolAbove(max);
    }

    /// <summary>
    /// Sync code may run inline on the thread-pool thread that holds its request (<see cref="TryEnterInline"/>), at most
    /// <see cref="Max"/> at once per pool: the thread pool keeps that many threads more than the cores, so even with
    /// every permit held by a blocking view, pool threads are free for the async side at once (no waiting for the
    /// pool's thread injection).
    /// </summary>
    private static void KeepPoolAbove(int permits)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = permits + 2 * Environment.ProcessorCount;
        if (workers < wanted) ThreadPool.SetMinThreads(wanted, io);
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
            KeepPoolAbove(value);
        }
    }

    public int Started => Volatile.Read(ref _started);

    /// <summary>A worker for exclusive use; completes synchronously unless every worker is taken.</summary>
    public ValueTask<SyncWorker> AcquireAsync()
    {
        lock (_lock)
        {
            if (Available > 0) return new ValueTask<SyncWorker>(TakeLocked());
            var waiter = new TaskCompletionSource<SyncWorker>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            return new ValueTask<SyncWorker>(waiter.Task);
        }
    }

    // What may still start blocking: the bound, less the workers in use and the inline runs.
    private int Available => _max - (_started - _idle.Count) - _inline;

    private SyncWorker TakeLocked()
    {
        if (_idle.TryPop(out var idle)) return idle;
        _started++;
        return new SyncWorker($"{_name}-{_started}");
    }

    /// <summary>
    /// A permit to run sync code inline on the calling thread, counted against <see cref="Max"/> as a worker would be;
    /// false when none is left (the caller then queues for a worker). Give it back with <see cref="ExitInline"/>.
    /// </summary>
    public bool TryEnterInline()
    {
        lock (_lock)
        {
            if (Available <= 0 || _waiting.Count > 0) return false; // those waiting go first
            _inline++;
            return true;
        }
    }

    /// <summary>Gives an inline permit back; the first caller waiting for a worker gets one now.</summary>
    public void ExitInline()
    {
        TaskCompletionSource<SyncWorker>? waiter = null;
        SyncWorker? worker = null;
        lock (_lock)
        {
            _inline--;
            if (Available > 0 && _waiting.TryDequeue(out waiter)) worker = TakeLocked();
        }
        waiter?.SetResult(worker!);
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
