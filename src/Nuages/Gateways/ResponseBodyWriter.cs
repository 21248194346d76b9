using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Nuages.Gateways;

/// <summary>
/// Writes response bytes to Kestrel for both gateways, bounded by the <c>ResponseWriteTimeout</c> setting: a write
/// of at most 64 KiB that has waited that long on a client that reads nothing closes the connection. Kestrel's own
/// <c>MinResponseDataRate</c> measures the average rate since the response began, so a client that first took
/// megabytes into its socket buffers and then stopped reading could hold the connection for hours; this bound
/// is per write. Larger bodies go out in 64 KiB slices so each slice has the whole timeout.
/// </summary>
internal static class ResponseBodyWriter
{
    private const int Slice = 65_536;

    public static ValueTask WriteAsync(HttpContext context, ReadOnlyMemory<byte> data, TimeSpan? timeout, CancellationToken aborted) =>
        data.Length <= Slice ? WriteSliceAsync(context, data, timeout, aborted) : WriteSlicesAsync(context, data, timeout, aborted);

    /// <summary>The blocking form, for the sync gateway's threads (dedicated threads, never the pool's).</summary>
    public static void Write(HttpContext context, ReadOnlyMemory<byte> data, TimeSpan? timeout)
    {
        var pending = WriteAsync(context, data, timeout, context.RequestAborted);
        if (pending.IsCompletedSuccessfully) return;
        pending.AsTask().GetAwaiter().GetResult();
    }

    private static async ValueTask WriteSlicesAsync(HttpContext context, ReadOnlyMemory<byte> data, TimeSpan? timeout, CancellationToken aborted)
    {
        for (var offset = 0; offset < data.Length; offset += Slice)
            await WriteSliceAsync(context, data.Slice(offset, Math.Min(Slice, data.Length - offset)), timeout, aborted).ConfigureAwait(false);
    }

    private static ValueTask WriteSliceAsync(HttpContext context, ReadOnlyMemory<byte> data, TimeSpan? timeout, CancellationToken aborted)
    {
        // PERF: a write the socket takes at once completes synchronously — no timer for it.
        var pending = context.Response.Body.WriteAsync(data, aborted);
        if (pending.IsCompletedSuccessfully || timeout is not { } bound) return pending;
        return WaitAsync(context, pending.AsTask(), bound);
    }

    private static async ValueTask WaitAsync(HttpContext context, Task write, TimeSpan timeout)
    {
        try
        {
            await write.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The client read nothing for the whole timeout: the connection goes, which also cancels the request.
            _ = write.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            context.Abort();
            throw new ConnectionAbortedException($"The client read nothing for {timeout.TotalSeconds:0.###} s (ResponseWriteTimeout).");
        }
    }
}
