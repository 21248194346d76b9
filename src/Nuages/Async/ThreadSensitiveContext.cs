namespace Nuages.Async;

/// <summary>
/// asgiref's <c>ThreadSensitiveContext</c>: inside it, every thread-sensitive sync call runs on one sync
/// worker, taken from the pool on first use and given back when the context ends (as asgiref/sync.py). The async
/// gateway opens one per request, so the sync middleware and the sync view of a request share a thread
/// and its <c>[ThreadStatic]</c> state, while concurrent requests use different threads (as django/core/handlers/asgi.py).
/// Re-entrant: inside another context, <see cref="Enter"/> changes nothing (as asgiref/sync.py).
/// </summary>
public sealed class ThreadSensitiveContext : IDisposable
{
    // PERF: made on first use — most async requests never take a worker, and never lock
    private Lock? _lock;
    private readonly FlowState? _previous;
    private readonly bool _owner;
    private RequestScope? _scope;
    private Task<SyncWorker>? _worker;
    private bool _pinned;
    private Thread? _inlineThread;

    private ThreadSensitiveContext(FlowState? previous, bool owner)
    {
        _previous = previous;
        _owner = owner;
    }

    /// <summary>Opens a context for the current flow; dispose it to end it (never blocks).</summary>
    public static ThreadSensitiveContext Enter()
    {
        var previous = Flow.Raw;
        if (previous?.Request is not null) return new ThreadSensitiveContext(previous, owner: false);
        var context = new ThreadSensitiveContext(previous, owner: true);
        var state = previous ?? FlowState.Default;
        Flow.Raw = new FlowState(context._scope = new RequestScope(context, CancellationToken.None), state.IsAsync, state.Executor, state.RunningOn, state.RunningItem);
        return context;
    }

    /// <summary>Opens a context for a request served by the async side: marks the flow async (ARCHITECTURE rule 6).</summary>
    internal static ThreadSensitiveContext EnterAsyncRequest(CancellationToken aborted, Conf.Site? site = null)
    {
        var previous = Flow.Raw;
        var context = new ThreadSensitiveContext(previous, owner: true);
        Flow.Raw = new FlowState(context._scope = new RequestScope(context, aborted, site), isAsync: true, executor: null, runningOn: null, runningItem: null);
        return context;
    }

    /// <summary>
    /// Opens a context for a WebSocket or HTTP consumer, served by the async side. With <paramref name="pinned"/>,
    /// thread-sensitive calls run on that worker — the connection's own thread, so every sync handler of one connection
    /// runs on one thread, as Channels' sync consumers do — and it is not handed to any pool. After each event the
    /// consumer calls <see cref="EndConsumerEvent"/>: its database connections go, as Channels closes them around each handler.
    /// </summary>
    internal static ThreadSensitiveContext EnterConsumer(Conf.Site? site, SyncWorker? pinned, CancellationToken aborted)
    {
        var context = EnterAsyncRequest(aborted, site);
        if (pinned is not null)
        {
            context._worker = Task.FromResult(pinned);
            context._pinned = true;
        }
        return context;
    }

    /// <summary>A consumer's event is done: what it held (database connections, a pool worker) goes back.</summary>
    internal void EndConsumerEvent()
    {
        _scope?.Release();
        ReleaseWorker();
    }

    /// <summary>Opens a context for a request served on the calling sync thread (sync gateway, sync test client).</summary>
    internal static ThreadSensitiveContext EnterSyncRequest(CancellationToken aborted, Conf.Site? site = null)
    {
        var previous = Flow.Raw;
        var context = new ThreadSensitiveContext(previous, owner: true);
        var state = previous ?? FlowState.Default;
        Flow.Raw = new FlowState(context._scope = new RequestScope(context, aborted, site), isAsync: false, state.Executor, state.RunningOn, state.RunningItem);
        return context;
    }

    /// <summary>
    /// Whether the request's thread-sensitive sync code may run inline on the thread that holds the request, instead of
    /// on a sync worker: set by the handler for a request whose sync code all runs in one stretch, with no await that
    /// waits between two parts of it (so every part is on that one thread). Off for every other context.
    /// </summary>
    internal bool InlineAllowed { get; set; }

    /// <summary>
    /// Takes an inline permit for a thread-sensitive call on the calling thread: the request may run inline, has no
    /// worker, has run its earlier sync parts (if any) on this same thread, and the pool has a permit left.
    /// </summary>
    internal bool TryEnterInline()
    {
        if (!InlineAllowed || Volatile.Read(ref _worker) is not null) return false;
        var thread = Thread.CurrentThread;
        if (_inlineThread is { } earlier && earlier != thread) return false;
        if (!Pool.TryEnterInline()) return false;
        _inlineThread = thread;
        return true;
    }

    /// <summary>The inline call is over: its permit goes back.</summary>
    internal void ExitInline() => Pool.ExitInline();

    private Lock Gate => Volatile.Read(ref _lock) ?? Interlocked.CompareExchange(ref _lock, new Lock(), null) ?? _lock!;

    /// <summary>The context's worker, taken from the pool on first use; concurrent first uses get the same one.</summary>
    internal Task<SyncWorker> GetWorkerAsync()
    {
        if (_worker is { } existing) return existing;
        lock (Gate)
        {
            return _worker ??= Pool.AcquireAsync().AsTask();
        }
    }

    /// <summary>
    /// Gives the context's worker back to the pool now, before the context ends. The async gateway calls it once the
    /// view and the sync middleware have returned, so sending a response — a long stream to a slow client included —
    /// holds no sync worker. A thread-sensitive call made later in the context (a sync <c>request_finished</c>
    /// receiver) takes a worker again, kept until the context ends.
    /// </summary>
    internal void ReleaseWorker()
    {
        // PERF: most async requests never take a worker; a worker taken concurrently with this read goes at Dispose.
        if (_pinned || Volatile.Read(ref _worker) is null) return;
        Task<SyncWorker>? worker;
        lock (Gate)
        {
            worker = _worker;
            _worker = null;
        }
        if (worker is null) return;
        if (worker.IsCompletedSuccessfully) Pool.Release(worker.Result);
        else ReleaseWhenTaken(Pool, worker);
    }

    // Apart, so that the closure is made only for a worker still being taken (not on every call, as it would be in ReleaseWorker).
    private static void ReleaseWhenTaken(SyncWorkerPool pool, Task<SyncWorker> worker) =>
        worker.ContinueWith(t => pool.Release(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Where the context's worker comes from: its request's site's pool, else the process's.</summary>
    private SyncWorkerPool Pool => _scope?.Pool ?? SyncWorkerPool.Shared;

    /// <summary>
    /// Ends the context: the request's resources (database connections) are released, and its worker goes back to the
    /// pool once the work queued on it is done (asgiref's ThreadSensitiveContext.__aexit__).
    /// </summary>
    public void Dispose()
    {
        if (!_owner) return;
        Flow.Raw = _previous;
        _scope?.End();
        ReleaseWorker();
    }
}
