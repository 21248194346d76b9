using System.Runtime.CompilerServices;

namespace Nuages.Async;

/// <summary>
/// asgiref's <c>async_to_sync</c>: runs async code from sync code. The async function runs on the .NET
/// thread pool while the calling thread waits by pumping its own queue, so thread-sensitive
/// <see cref="SyncToAsync"/> calls the function makes run back on the calling thread (as asgiref/sync.py) and
/// nothing deadlocks. Values the caller set in <see cref="AsyncLocal{T}"/>s are seen inside; values an async
/// lambda sets are seen by the caller afterwards (as asgiref/sync.py). Calling it from async code is refused
/// (as asgiref/sync.py): await the function instead.
/// </summary>
public static class AsyncToSync
{
    internal const string CalledFromAsyncMessage =
        "You cannot use AsyncToSync in the same thread as an async event loop - just await the async function directly.";

    /// <summary>Runs an async lambda and returns its result; the lambda's context changes become the caller's.</summary>
    [OverloadResolutionPriority(1)]
    public static T Run<T>(Func<ContextTask<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        ContextTask<T> started = default;
        return RunCore(() =>
        {
            started = function();
            return started.AsTask();
        }, () => started.Final);
    }

    /// <summary>Runs an async lambda that returns nothing; its context changes become the caller's.</summary>
    [OverloadResolutionPriority(1)]
    public static void Run(Func<ContextTask> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        ContextTask started = default;
        RunCore(async () =>
        {
            started = function();
            await started.AsTask().ConfigureAwait(false);
            return true;
        }, () => started.Final);
    }

    /// <summary>Runs an async function (a method group, a task-returning delegate) and returns its result.</summary>
    public static T Run<T>(Func<Task<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return RunCore(function, static () => null);
    }

    /// <summary>Runs an async function that returns nothing.</summary>
    public static void Run(Func<Task> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        RunCore(async () =>
        {
            await function().ConfigureAwait(false);
            return true;
        }, static () => null);
    }

    /// <summary>Runs an async function returning a <see cref="ValueTask{T}"/>.</summary>
    public static T Run<T>(Func<ValueTask<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return RunCore(() => function().AsTask(), static () => null);
    }

    /// <summary>Wraps an async function into a sync one that runs it through <see cref="Run{T}(Func{Task{T}})"/>.</summary>
    public static Func<T> Wrap<T>(Func<Task<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return () => Run(function);
    }

    /// <summary>Wraps a one-argument async function.</summary>
    public static Func<TArg, T> Wrap<TArg, T>(Func<TArg, Task<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return arg => Run(() => function(arg));
    }

    private static T RunCore<T>(Func<Task<T>> start, Func<ExecutionContext?> final)
    {
        var caller = Flow.Raw;
        var state = caller ?? FlowState.Default;
        if (state.IsAsync) throw new InvalidOperationException(CalledFromAsyncMessage);
        AdapterMetrics.CountSwitch(state);
        var pump = new PumpExecutor(state.Executor);
        var item = state.RunningItem;
        item?.EnterAsyncToSync();
        Task<T> task;
        try
        {
            Flow.Raw = new FlowState(state.Request, isAsync: true, executor: pump, runningOn: null, runningItem: null);
            try
            {
                task = Task.Run(start);
            }
            finally
            {
                Flow.Raw = caller;
            }
            pump.RunUntil(task);
        }
        finally
        {
            item?.ExitAsyncToSync();
        }
        if (final() is { } context)
        {
            ExecutionContext.Restore(context);
            Flow.Raw = caller;
        }
        return task.GetAwaiter().GetResult();
    }
}
