namespace Nuages.Async;

/// <summary>
/// asgiref's <c>sync_to_async</c>: runs sync (blocking) code from async code on a sync thread, never on
/// the .NET thread pool. Thread-sensitive calls (the default, as asgiref/sync.py does) go, in this order, to the thread
/// blocked in the innermost <see cref="AsyncToSync"/> above (as asgiref/sync.py), to the current request's thread
/// (as asgiref/sync.py), or to one process-wide sync thread (as asgiref/sync.py); <c>threadSensitive: false</c> takes any
/// free sync worker (as asgiref/sync.py). <see cref="AsyncLocal{T}"/> values flow in, and the changes the function
/// makes flow back to the awaiting method (as asgiref/sync.py).
/// </summary>
public static class SyncToAsync
{
    private static readonly Lazy<SyncWorker> SharedThread = new(() => new SyncWorker("nuages-sync-shared"));

    /// <summary>
    /// Runs <paramref name="function"/> on a sync thread. When <paramref name="cancellationToken"/> (by default,
    /// inside a request, the request's <c>Aborted</c>) fires, the await ends with an
    /// <see cref="OperationCanceledException"/> while the function runs to completion on its thread (as asgiref/sync.py),
    /// unless the function is inside an <see cref="AsyncToSync"/> whose async code decides (as asgiref/sync.py).
    /// </summary>
    public static AdaptedTask<T> Run<T>(Func<T> function, bool threadSensitive = true, CancellationToken cancellationToken = default) =>
        RunCore(function, threadSensitive, ambient: true, cancellationToken);

    /// <summary>
    /// A thread-sensitive call the framework must see through even if the client leaves (middleware
    /// layers and hooks, request_finished): no cancellation, not even the request's.
    /// </summary>
    internal static AdaptedTask<T> RunShielded<T>(Func<T> function) => RunCore(function, true, ambient: false, CancellationToken.None);

    internal static AdaptedTask<bool> RunShielded(Action action) => RunShielded(() =>
    {
        action();
        return true;
    });

    private static AdaptedTask<T> RunCore<T>(Func<T> function, bool threadSensitive, bool ambient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (Awaitable<T>.Is) throw new ArgumentException("SyncToAsync can only be applied to sync functions.", nameof(function)); // as asgiref/sync.py does
        var caller = Flow.Raw;
        var state = caller ?? FlowState.Default;
        AdapterMetrics.CountSwitch(state);
        if (ambient && !cancellationToken.CanBeCanceled && state.Request is { } scope) cancellationToken = scope.Aborted;
        var context = ExecutionContext.Capture();
        Task<T> task;
        SyncCall<T> call;
        if (!threadSensitive)
        {
            var pool = state.Request?.Pool ?? SyncWorkerPool.Shared;
            var acquiring = pool.AcquireAsync();
            if (acquiring.IsCompletedSuccessfully)
            {
                var worker = acquiring.Result;
                call = new SyncCall<T>(function, context, state.Request, worker) { Then = () => pool.ReturnNow(worker) };
                worker.Post(call);
            }
            else
            {
                call = new SyncCall<T>(function, context, state.Request, null!);
                PostWhenAcquired(acquiring.AsTask(), call, pool);
            }
            task = call.Completion.Task;
        }
        else if (state.Executor is { } pump)
        {
            call = new SyncCall<T>(function, context, state.Request, pump);
            pump.Post(call);
            task = call.Completion.Task;
        }
        else if (state.Request?.Context is { } threadContext)
        {
            if (threadContext.TryEnterInline()) return RunInline(function, context, state.Request, threadContext, caller, cancellationToken);
            var acquiring = threadContext.GetWorkerAsync();
            if (acquiring.IsCompletedSuccessfully)
            {
                var worker = acquiring.Result;
                ThrowIfWouldDeadlock(state, worker);
                call = new SyncCall<T>(function, context, state.Request, worker);
                worker.Post(call);
            }
            else
            {
                call = new SyncCall<T>(function, context, state.Request, null!);
                PostWhenAcquired(acquiring, call, releaseTo: null);
            }
            task = call.Completion.Task;
        }
        else
        {
            var shared = SharedThread.Value;
            ThrowIfWouldDeadlock(state, shared);
            call = new SyncCall<T>(function, context, state.Request, shared);
            shared.Post(call);
            task = call.Completion.Task;
        }
        if (cancellationToken.CanBeCanceled) task = Cancellable(call, cancellationToken);
        return new AdaptedTask<T>(task, call, caller);
    }

    // PERF: the request's sync code runs here, on the thread that holds the request, under a permit of the sync-worker
    // bound: no hop to a worker and back (docs/async.md, "Inline sync code").
    private static AdaptedTask<T> RunInline<T>(Func<T> function, ExecutionContext? context, RequestScope request, ThreadSensitiveContext threadContext,
        FlowState? caller, CancellationToken cancellationToken)
    {
        var call = new SyncCall<T>(function, context, request, InlineExecutor.Instance);
        try
        {
            call.Execute();
        }
        finally
        {
            threadContext.ExitInline();
        }
        var task = call.Completion.Task;
        // The caller could not stop waiting while the function ran; a cancellation that came meanwhile is told now.
        if (cancellationToken.IsCancellationRequested && !call.LeavesCancellationToInnerCode) task = Task.FromCanceled<T>(cancellationToken);
        return new AdaptedTask<T>(task, call, caller);
    }

    /// <summary>Runs <paramref name="action"/> on a sync thread, as <see cref="Run{T}(Func{T}, bool, CancellationToken)"/>.</summary>
    public static AdaptedTask<bool> Run(Action action, bool threadSensitive = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Run(() =>
        {
            action();
            return true;
        }, threadSensitive, cancellationToken);
    }

    /// <summary>Wraps <paramref name="function"/> so that each call runs it through <see cref="Run{T}(Func{T}, bool, CancellationToken)"/>.</summary>
    public static Func<AdaptedTask<T>> Wrap<T>(Func<T> function, bool threadSensitive = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        return () => Run(function, threadSensitive);
    }

    /// <summary>Wraps a one-argument function.</summary>
    public static Func<TArg, AdaptedTask<T>> Wrap<TArg, T>(Func<TArg, T> function, bool threadSensitive = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        return arg => Run(() => function(arg), threadSensitive);
    }

    /// <summary>Whether <typeparamref name="T"/> is a task: a function returning one is async, whatever its delegate type says.</summary>
    private static class Awaitable<T>
    {
        public static readonly bool Is = typeof(Task).IsAssignableFrom(typeof(T)) || typeof(T) == typeof(ValueTask)
            || typeof(T).IsGenericType && (typeof(T).GetGenericTypeDefinition() == typeof(ValueTask<>)
                || typeof(T).GetGenericTypeDefinition() == typeof(AdaptedTask<>) || typeof(T).GetGenericTypeDefinition() == typeof(ContextTask<>))
            || typeof(T) == typeof(ContextTask);
    }

    // As asgiref/sync.py does: the flow is executing on the very thread it would queue to, without pumping it: it would wait forever.
    private static void ThrowIfWouldDeadlock(FlowState state, ISyncExecutor target)
    {
        if (ReferenceEquals(state.RunningOn, target))
            throw new InvalidOperationException("Single thread executor already being used, would deadlock");
    }

    private static void PostWhenAcquired<T>(Task<SyncWorker> acquiring, SyncCall<T> call, SyncWorkerPool? releaseTo)
    {
        acquiring.ContinueWith(t =>
        {
            var worker = t.Result;
            call.Retarget(worker);
            if (releaseTo is { } pool) call.Then = () => pool.ReturnNow(worker);
            worker.Post(call);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static Task<T> Cancellable<T>(SyncCall<T> call, CancellationToken token)
    {
        var work = call.Completion.Task;
        if (work.IsCompleted) return work;
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        call.Watched = token;
        var registration = token.Register(() =>
        {
            if (!call.LeavesCancellationToInnerCode) result.TrySetCanceled(token);
        });
        work.ContinueWith(t =>
        {
            registration.Dispose();
            if (t.IsCompletedSuccessfully) result.TrySetResult(t.Result);
            else if (t.IsCanceled) result.TrySetCanceled();
            else result.TrySetException(t.Exception!.InnerExceptions);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return result.Task;
    }
}
