namespace Nuages.Async;

/// <summary>
/// For control flow written once with the mode as a flag (<c>Read(bool async)</c>, as Dapper and Npgsql write it): in
/// sync mode every step completes without waiting, so the sync twin takes the finished task's result here. A task
/// still running means a step awaited in sync mode — a bug in that step, named by <c>what</c>.
/// </summary>
internal static class SyncMode
{
    /// <summary>The result of a flow run with <c>async: false</c>.</summary>
    public static T Result<T>(ValueTask<T> task, string what) =>
        task.IsCompleted ? task.GetAwaiter().GetResult() : throw NotCompleted(what);

    /// <summary>Ends a flow run with <c>async: false</c>, rethrowing what it threw.</summary>
    public static void Wait(ValueTask task, string what)
    {
        if (!task.IsCompleted) throw NotCompleted(what);
        task.GetAwaiter().GetResult();
    }

    private static InvalidOperationException NotCompleted(string what) =>
        new($"{what} waited in sync mode: its operations must complete synchronously when async is false.");
}
