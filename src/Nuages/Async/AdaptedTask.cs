using System.Runtime.CompilerServices;

namespace Nuages.Async;

/// <summary>
/// The result of <see cref="SyncToAsync.Run{T}(Func{T}, bool, CancellationToken)"/>: await it to get the sync
/// function's result, with the <see cref="AsyncLocal{T}"/> values it set now visible to the awaiting method
/// (as asgiref/sync.py). <see cref="AsTask"/> gives a plain task (without that copy-back) for combinators.
/// </summary>
public readonly struct AdaptedTask<T>
{
    private readonly Task<T> _task;
    private readonly SyncCall? _call;
    private readonly FlowState? _caller;

    internal AdaptedTask(Task<T> task, SyncCall? call, FlowState? caller)
    {
        _task = task;
        _call = call;
        _caller = caller;
    }

    /// <summary>The underlying task.</summary>
    public Task<T> AsTask() => _task;

    /// <summary>Awaits the call.</summary>
    public Awaiter GetAwaiter() => new(this);

    /// <summary>Awaits the call and then takes back the context changes the sync function made.</summary>
    public readonly struct Awaiter(AdaptedTask<T> adapted) : ICriticalNotifyCompletion
    {
        /// <summary>Whether the call has finished.</summary>
        public bool IsCompleted => adapted._task.IsCompleted;

        /// <inheritdoc />
        public void OnCompleted(Action continuation) => adapted._task.GetAwaiter().OnCompleted(continuation);

        /// <inheritdoc />
        public void UnsafeOnCompleted(Action continuation) => adapted._task.GetAwaiter().UnsafeOnCompleted(continuation);

        /// <summary>The result; the sync function's context changes become the caller's.</summary>
        public T GetResult()
        {
            try
            {
                return adapted._task.GetAwaiter().GetResult();
            }
            finally
            {
                if (adapted._call?.Final is { } final && adapted._task.IsCompleted && !adapted._task.IsCanceled)
                {
                    ExecutionContext.Restore(final);
                    Flow.Raw = adapted._caller;
                }
            }
        }
    }
}
