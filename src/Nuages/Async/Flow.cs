namespace Nuages.Async;

/// <summary>
/// What the current logical flow knows about sync/async execution, in one <see cref="AsyncLocal{T}"/>
/// so that a request costs one context write and a switch one more: whether the flow is on the async
/// side, the request it belongs to, the pumping thread of the innermost <see cref="AsyncToSync"/>
/// above it, and the sync thread (and work item) it is executing on.
/// </summary>
internal sealed class FlowState(RequestScope? request, bool isAsync, PumpExecutor? executor, ISyncExecutor? runningOn, SyncCall? runningItem)
{
    public RequestScope? Request { get; } = request;

    /// <summary>On the async side: sync-only operations must refuse to run (ARCHITECTURE rule 6).</summary>
    public bool IsAsync { get; } = isAsync;

    /// <summary>The thread blocked in the innermost AsyncToSync above this flow, pumping its queue.</summary>
    public PumpExecutor? Executor { get; } = executor;

    /// <summary>The sync thread this flow is executing on, for the deadlock guard asgiref/sync.py has too.</summary>
    public ISyncExecutor? RunningOn { get; } = runningOn;

    /// <summary>The SyncToAsync call this flow is executing, so an AsyncToSync inside can tell it (as asgiref/sync.py).</summary>
    public SyncCall? RunningItem { get; } = runningItem;

    public static FlowState Default { get; } = new(null, false, null, null, null);
}

/// <summary>The ambient flow state.</summary>
internal static class Flow
{
    private static readonly AsyncLocal<FlowState?> State = new();

    public static FlowState Current
    {
        get => State.Value ?? FlowState.Default;
        set => State.Value = value;
    }

    /// <summary>The raw value, to put back exactly what was there.</summary>
    public static FlowState? Raw
    {
        get => State.Value;
        set => State.Value = value;
    }
}

/// <summary>
/// One request's share of the async machinery: its thread-sensitive context, its cancellation token
/// and the count of sync/async switches made for it.
/// </summary>
internal sealed class RequestScope(ThreadSensitiveContext context, CancellationToken aborted, Conf.Site? site = null)
{
    private int _switches;

    public ThreadSensitiveContext Context { get; } = context;

    /// <summary>The site serving the request; null for a context opened outside any request.</summary>
    public Conf.Site? Site { get; } = site;

    /// <summary>Where the request's sync work runs: its site's workers, or the process's for a context of its own.</summary>
    public SyncWorkerPool Pool { get; } = SyncWorkerPool.For(site);

    public CancellationToken Aborted { get; } = aborted;

    public int Switches => Volatile.Read(ref _switches);

    /// <summary>Where the request's time went, kept in Debug for its <c>Server-Timing</c> header; null otherwise.</summary>
    public Diagnostics.RequestTimings? Timings { get; set; }

    public void CountSwitch() => Interlocked.Increment(ref _switches);

    // What the request holds until it ends (its database connections), one per kind.
    // PERF: guarded by the scope's own monitor (an internal object nothing else locks), which spares a Lock per request;
    // the first resource in a field (most requests hold one kind: the connection scope), a list only for more.
    private IDisposable? _first;
    private List<IDisposable>? _more;
    private bool _ended;

    /// <summary>The request's resource of type <typeparamref name="T"/>, made on first use; null once the request has ended.</summary>
    public T? Resource<T>(Func<T> create) where T : class, IDisposable
    {
        lock (this)
        {
            if (_ended) return null;
            if (_first is T first) return first;
            if (_more is not null)
                foreach (var resource in _more) if (resource is T found) return found;
            var made = create();
            if (_first is null) _first = made;
            else (_more ??= []).Add(made);
            return made;
        }
    }

    /// <summary>Releases what the scope holds now, and goes on: the next use makes anew (a consumer's event done).</summary>
    public void Release() => Dispose(end: false);

    /// <summary>Ends the request: its resources are released (connections go back to the driver's pool).</summary>
    public void End() => Dispose(end: true);

    private void Dispose(bool end)
    {
        IDisposable? first;
        List<IDisposable>? more;
        lock (this)
        {
            if (end) _ended = true;
            (first, more) = (_first, _more);
            (_first, _more) = (null, null);
        }
        first?.Dispose();
        if (more is null) return;
        foreach (var resource in more) resource.Dispose();
    }
}
