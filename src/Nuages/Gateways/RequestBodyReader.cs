using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Gateways;

/// <summary>
/// Reads a request body before the request is served, asynchronously, for both gateways: the async one
/// (Django's ASGI handler reads the whole body first) and the sync one, so a slow upload waits on no
/// thread — Kestrel's minimum body data rate cuts it with a 408. Small bodies of known length land in one
/// array; others are collected in memory up to <c>FileUploadMaxMemorySize</c>, then spooled to a file.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>The outcome of reading a body.</summary>
    public readonly record struct Result(byte[] Body, SpooledBody? Spool, bool TooBig);

    /// <summary>
    /// Reads the whole body. Past <c>DataUploadMaxMemorySize</c> (non-multipart bodies) it throws
    /// <see cref="RequestDataTooBig"/>, or, with <paramref name="drainWhenTooBig"/>, reads the rest into nothing and
    /// returns <see cref="Result.TooBig"/> (the sync gateway keeps serving the connection, as WSGI servers do).
    /// A client that stops sending or leaves ends in an exception <see cref="IsClientGone"/> recognises.
    /// </summary>
    public static async ValueTask<Result> ReadAsync(HttpContext context, Settings settings, bool drainWhenTooBig, CancellationToken aborted)
    {
        var kestrel = context.Request;
        var length = kestrel.ContentLength;
        if (length == 0) return new([], null, false);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return new([], null, false);
        // Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count files: multipart bodies are checked field by field.
        var limit = KestrelExchange.IsMultipart(kestrel.ContentType) ? null : settings.DataUploadMaxMemorySize;
        if (length is { } declared && limit is { } max && declared > max)
        {
            if (!drainWhenTooBig) throw TooBig();
            await DrainAsync(kestrel.Body, aborted).ConfigureAwait(false);
            return new([], null, true);
        }
        if (length is { } known && known <= settings.FileUploadMaxMemorySize)
        {
            var buffer = new byte[known];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await kestrel.Body.ReadAsync(buffer.AsMemory(read), aborted).ConfigureAwait(false);
                if (n == 0) throw new ConnectionAbortedException("The client stopped sending before the declared Content-Length.");
                read += n;
            }
            return new(buffer, null, false);
        }
        using var body = new BodyBuffer(settings.FileUploadMaxMemorySize, limit);
        var chunk = ArrayPool<byte>.Shared.Rent(65_536);
        try
        {
            int n;
            while ((n = await kestrel.Body.ReadAsync(chunk, aborted).ConfigureAwait(false)) > 0)
            {
                try
                {
                    body.Append(chunk.AsSpan(0, n));
                }
                catch (RequestDataTooBig) when (drainWhenTooBig)
                {
                    await DrainAsync(kestrel.Body, aborted).ConfigureAwait(false);
                    return new([], null, true);
                }
            }
            var (bytes, spool) = body.Finish();
            if (length is { } expected && (spool?.Length ?? bytes.Length) < expected)
            {
                spool?.Dispose();
                throw new ConnectionAbortedException("The client stopped sending before the declared Content-Length.");
            }
            return new(bytes, spool, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The error both gateways give for a body over <c>DataUploadMaxMemorySize</c>.</summary>
    public static RequestDataTooBig TooBig() => new(Nuages.Http.RequestLimitMessages.RequestDataTooBig);

    /// <summary>
    /// Whether <paramref name="exception"/>, met while reading a request or writing its response, means the client
    /// went away (it reset or closed the connection, or Kestrel cut it as too slow): one event, logged at Debug
    /// by the gateway, never an error. Kestrel signals it in several forms, and its abort token may be signalled
    /// a moment after the exception, so the exception's own type counts as well as the token.
    /// </summary>
    public static bool IsClientGone(Exception exception, CancellationToken aborted) => exception switch
    {
        ConnectionAbortedException or ConnectionResetException => true,
        OperationCanceledException => aborted.IsCancellationRequested,
        Microsoft.AspNetCore.Http.BadHttpRequestException => aborted.IsCancellationRequested,
        IOException io => aborted.IsCancellationRequested || io.InnerException is ConnectionResetException or ConnectionAbortedException,
        _ => false,
    };

    /// <summary>
    /// The status to answer for a body Kestrel could not read although the client is still there: its own
    /// verdict (400 malformed chunking, 408 too slow, 413 too large), and 400 for a chunk size that overflows
    /// (Kestrel reports that as a plain <see cref="IOException"/>); null for anything else.
    /// </summary>
    public static int? RefusedStatus(Exception exception, CancellationToken aborted) => IsClientGone(exception, aborted) ? null : exception switch
    {
        Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
        IOException { InnerException: OverflowException } => 400,
        _ => null,
    };

    private static async ValueTask DrainAsync(Stream body, CancellationToken aborted)
    {
        var sink = ArrayPool<byte>.Shared.Rent(65_536);
        try
        {
            while (await body.ReadAsync(sink, aborted).ConfigureAwait(false) > 0)
            {
                // Read and dropped, so the connection can carry the answer and the next request.
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sink);
        }
    }
}
