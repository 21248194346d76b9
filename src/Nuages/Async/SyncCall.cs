namespace Nuages.Async;

/// <summary>
/// One SyncToAsync call queued to a sync thread: runs the function in the caller's execution context
/// (so <see cref="AsyncLocal{T}"/> values flow in) marked as sync, and keeps the context as the
/// function left it (so the caller can take its changes back, as asgiref/sync.py does).
/// </summary>
internal abstract class SyncCall : IWorkItem
{
    private int _innerAsync;

    /// <summary>The execution context as the sync function left it.</summary>
    public ExecutionContext? Final { get; protected set; }

    /// <summary>Whether the function is blocked in an AsyncToSync right now (its async code decides about cancellation, as asgiref/sync.py does).</summary>
    public bool InAsyncToSync => Volatile.Read(ref _innerAsync) > 0;

    private volatile bool _absorbed;

    /// <summary>The token the caller stops waiting on, if any.</summary>
    public CancellationToken Watched { get; set; }

    /// <summary>
    /// Whether the cancellation reached the async code the function was waiting on, which finished anyway:
    /// the function goes on and its result counts (as asgiref/sync.py).
    /// </summary>
    public bool LeavesCancellationToInnerCode => InAsyncToSync || _absorbed;

    public void EnterAsyncToSync() => Interlocked.Increment(ref _innerAsync);

    public void ExitAsyncToSync()
    {
        // Recorded before leaving, so a cancellation callback that sees us gone also sees this.
        if (Watched.IsCancellationRequested) _absorbed = true;
        Interlocked.Decrement(ref _innerAsync);
    }

    public abstract void Execute();
}

internal sealed class SyncCall<T>(Func<T> function, ExecutionContext? context, RequestScope? request, ISyncExecutor target) : SyncCall
{
    private ISyncExecutor _target = target;

    /// <summary>Runs on the sync thread after the function and before the caller resumes (a worker gives itself back here).</summary>
    public Action? Then { get; set; }

    /// <summary>Sets the thread once a worker is acquired (it was not known when the call was made).</summary>
    public void Retarget(ISyncExecutor worker) => _target = worker;

    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Execute()
    {
        if (context is null) Run();
        else ExecutionContext.Run(context, static state => ((SyncCall<T>)state!).Run(), this);
    }

    private void Run()
    {
        Flow.Raw = new FlowState(request, isAsync: false, executor: null, runningOn: _target, runningItem: this);
        T result;
        try
        {
            result = function();
        }
        catch (Exception e)
        {
            Final = ExecutionContext.Capture();
            Then?.Invoke();
            Completion.SetException(e);
            return;
        }
        Final = ExecutionContext.Capture();
        Then?.Invoke();
        Completion.SetResult(result);
    }
}
