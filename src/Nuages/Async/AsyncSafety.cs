using Nuages.Core;

namespace Nuages.Async;

/// <summary>
/// Django's <c>async_unsafe</c>: sync-only operations (the sync ORM, sync connection access) call
/// <see cref="ThrowIfAsync(string)"/>, which refuses to run on the async side of a request, where a
/// blocking call would hold a thread-pool thread (ARCHITECTURE rule 6). Setting the environment variable
/// <c>NUAGES_ALLOW_ASYNC_UNSAFE</c> to a non-empty value turns the check off (as django/utils/asyncio.py).
/// </summary>
public static class AsyncSafety
{
    /// <summary>The variable that disables the check when it is non-empty.</summary>
    public const string AllowUnsafeVariable = "NUAGES_ALLOW_ASYNC_UNSAFE";

    /// <summary>Whether the current flow is on the async side (the async gateway, inside an AsyncToSync call).</summary>
    public static bool IsAsyncContext => Flow.Current.IsAsync;

    /// <summary>Whether the check is disabled by <see cref="AllowUnsafeVariable"/>.</summary>
    public static bool UnsafeAllowed => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AllowUnsafeVariable));

    /// <summary>Throws <see cref="SynchronousOnlyOperation"/> when called from async code (as django/utils/asyncio.py).</summary>
    public static void ThrowIfAsync(string operation)
    {
        if (Flow.Current.IsAsync && !UnsafeAllowed) throw new SynchronousOnlyOperation(operation);
    }

    /// <summary>The same, with a message of your own.</summary>
    public static void ThrowIfAsync(string operation, string message)
    {
        if (Flow.Current.IsAsync && !UnsafeAllowed) throw new SynchronousOnlyOperation(operation, message);
    }
}
