using System.Runtime.CompilerServices;

namespace Nuages.Async;

/// <summary>
/// A task-like type for async lambdas given to <see cref="AsyncToSync"/>. Its builder keeps the execution
/// context as the function left it — something a plain <see cref="Task"/> cannot offer, since .NET scopes
/// <see cref="AsyncLocal{T}"/> writes to the async method that made them — so the sync caller sees the
/// values the async function set (as asgiref/sync.py). Write <c>AsyncToSync.Run(async () =&gt; …)</c> and the
/// compiler builds the lambda with it.
/// </summary>
[AsyncMethodBuilder(typeof(ContextTaskMethodBuilder<>))]
public readonly struct ContextTask<T>
{
    private readonly Task<T> _task;
    private readonly ContextBox _box;

    internal ContextTask(Task<T> task, ContextBox box)
    {
        _task = task;
        _box = box;
    }

    /// <summary>The underlying task.</summary>
    public Task<T> AsTask() => _task;

    /// <summary>Awaits the underlying task.</summary>
    public TaskAwaiter<T> GetAwaiter() => _task.GetAwaiter();

    internal ExecutionContext? Final => _box?.Final;
}

/// <summary>The non-generic <see cref="ContextTask{T}"/>, for async lambdas that return nothing.</summary>
[AsyncMethodBuilder(typeof(ContextTaskMethodBuilder))]
public readonly struct ContextTask
{
    private readonly Task _task;
    private readonly ContextBox _box;

    internal ContextTask(Task task, ContextBox box)
    {
        _task = task;
        _box = box;
    }

    /// <summary>The underlying task.</summary>
    public Task AsTask() => _task;

    /// <summary>Awaits the underlying task.</summary>
    public TaskAwaiter GetAwaiter() => _task.GetAwaiter();

    internal ExecutionContext? Final => _box?.Final;
}

/// <summary>Where a <see cref="ContextTask{T}"/>'s builder leaves the final execution context.</summary>
internal sealed class ContextBox
{
    public ExecutionContext? Final { get; set; }

    /// <summary>Runs the synchronous part of the method, then gives the caller its own context back, as every async method does.</summary>
    public static void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        var before = ExecutionContext.Capture();
        try
        {
            stateMachine.MoveNext();
        }
        finally
        {
            if (before is not null && !ReferenceEquals(ExecutionContext.Capture(), before)) ExecutionContext.Restore(before);
        }
    }
}

/// <summary>Builds <see cref="ContextTask{T}"/>: the standard builder, plus the context captured as the method returns.</summary>
public struct ContextTaskMethodBuilder<T>
{
    private AsyncTaskMethodBuilder<T> _inner;
    private ContextBox _box;

    /// <summary>Creates a builder.</summary>
    public static ContextTaskMethodBuilder<T> Create() => new() { _inner = AsyncTaskMethodBuilder<T>.Create(), _box = new ContextBox() };

    /// <summary>Starts the method.</summary>
#pragma warning disable CA1822 // the async method builder pattern calls Start on the builder instance
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine => ContextBox.Start(ref stateMachine);
#pragma warning restore CA1822

    /// <summary>Part of the builder pattern.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) => _inner.SetStateMachine(stateMachine);

    /// <summary>Completes the method, keeping its context.</summary>
    public void SetResult(T result)
    {
        _box.Final = ExecutionContext.Capture();
        _inner.SetResult(result);
    }

    /// <summary>Fails the method, keeping its context.</summary>
    public void SetException(Exception exception)
    {
        _box.Final = ExecutionContext.Capture();
        _inner.SetException(exception);
    }

    /// <summary>Part of the builder pattern.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        _inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Part of the builder pattern.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        _inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>The task being built.</summary>
    public ContextTask<T> Task => new(_inner.Task, _box);
}

/// <summary>Builds <see cref="ContextTask"/>.</summary>
public struct ContextTaskMethodBuilder
{
    private AsyncTaskMethodBuilder _inner;
    private ContextBox _box;

    /// <summary>Creates a builder.</summary>
    public static ContextTaskMethodBuilder Create() => new() { _inner = AsyncTaskMethodBuilder.Create(), _box = new ContextBox() };

    /// <summary>Starts the method.</summary>
#pragma warning disable CA1822 // the async method builder pattern calls Start on the builder instance
    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine => ContextBox.Start(ref stateMachine);
#pragma warning restore CA1822

    /// <summary>Part of the builder pattern.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) => _inner.SetStateMachine(stateMachine);

    /// <summary>Completes the method, keeping its context.</summary>
    public void SetResult()
    {
        _box.Final = ExecutionContext.Capture();
        _inner.SetResult();
    }

    /// <summary>Fails the method, keeping its context.</summary>
    public void SetException(Exception exception)
    {
        _box.Final = ExecutionContext.Capture();
        _inner.SetException(exception);
    }

    /// <summary>Part of the builder pattern.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        _inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Part of the builder pattern.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        _inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>The task being built.</summary>
    public ContextTask Task => new(_inner.Task, _box);
}
