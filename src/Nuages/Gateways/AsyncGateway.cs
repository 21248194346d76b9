using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Nuages.Async;
using Nuages.Conf;
using Nuages.Handlers;
using Nuages.Http;
using HttpRequest = Nuages.Http.HttpRequest;
using HttpResponse = Nuages.Http.HttpResponse;

namespace Nuages.Gateways;

/// <summary>
/// The async gateway, Django's <c>ASGIHandler</c> as a Kestrel <see cref="RequestDelegate"/>: reads the
/// whole body first (spec A-04), builds the request as a lazy view over Kestrel's own data, runs the
/// handler in async mode and writes the response — buffered with Content-Length, or streamed and
/// flushed part by part.
/// </summary>
internal sealed class AsyncGateway
{
    private const string SyncStreamingWarning =
        "StreamingHttpResponse must consume synchronous iterators in order to serve them asynchronously. Use an asynchronous iterator instead.";

    private readonly Handler _handler;
    private readonly Settings _settings;
    private readonly ILogger _serverLogger;
    private readonly ILogger _requestLogger;

    public AsyncGateway(Handler handler)
    {
        _handler = handler;
        _settings = handler.Settings;
        _serverLogger = handler.LoggerFactory.CreateLogger("Nuages.Server");
        _requestLogger = handler.LoggerFactory.CreateLogger("Nuages.Request");
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        HttpRequest request;
        try
        {
            var (body, spool) = await ReadBodyAsync(context, aborted).ConfigureAwait(false);
            request = KestrelExchange.BuildRequest(_settings, context, body);
            request.Spool = spool;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return; // spec A-06: the client left while sending its body; nothing to answer.
        }
        catch (RequestDataTooBig)
        {
            // spec A-09
            await WriteAsync(context, new HttpResponse("413 Payload too large", "text/plain; charset=utf-8", 413), aborted).ConfigureAwait(false);
            await _handler.FinishUnbuiltAsync().ConfigureAwait(false); // spec A-10
            return;
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            // Kestrel refused the body itself (malformed chunking, over its own size limit).
            await WriteAsync(context, new HttpResponse("", null, e.StatusCode), aborted).ConfigureAwait(false);
            return;
        }

        try
        {
            var response = await _handler.ServeAsync(request, (_, r) => WriteAsync(context, r, aborted)).ConfigureAwait(false);
            if (_settings.AccessLog) GatewayLog.Access(_serverLogger, request.Method, request.GetFullPath(), context.Request.Protocol, response.StatusCode);
        }
        catch (Exception e) when (aborted.IsCancellationRequested && e is OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // spec: the client is gone; nothing more is sent, and request_finished has fired.
            GatewayLog.Disconnected(_requestLogger, request.Path);
        }
        finally
        {
            request.Close(); // spec A-35
        }
    }

    private async ValueTask<(byte[] Body, SpooledBody? Spool)> ReadBodyAsync(HttpContext context, CancellationToken aborted)
    {
        var kestrel = context.Request;
        var length = kestrel.ContentLength;
        if (length == 0) return ([], null);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return ([], null);
        // Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count files: multipart bodies are checked field by field.
        var limit = KestrelExchange.IsMultipart(kestrel.ContentType) ? null : _settings.DataUploadMaxMemorySize;
        if (length is { } declared && limit is { } max && declared > max)
            throw new RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.");
        if (length is { } known && known <= _settings.FileUploadMaxMemorySize)
        {
            var buffer = new byte[known];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await kestrel.Body.ReadAsync(buffer.AsMemory(read), aborted).ConfigureAwait(false);
                if (n == 0) throw new OperationCanceledException(aborted);
                read += n;
            }
            return (buffer, null);
        }
        using var body = new BodyBuffer(_settings.FileUploadMaxMemorySize, limit);
        var chunk = ArrayPool<byte>.Shared.Rent(65_536);
        try
        {
            int n;
            while ((n = await kestrel.Body.ReadAsync(chunk, aborted).ConfigureAwait(false)) > 0) body.Append(chunk.AsSpan(0, n));
            var (bytes, spool) = body.Finish();
            if (length is { } expected && (spool?.Length ?? bytes.Length) < expected)
            {
                spool?.Dispose();
                throw new OperationCanceledException(aborted); // the client stopped sending
            }
            return (bytes, spool);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private async ValueTask WriteAsync(HttpContext context, HttpResponse response, CancellationToken aborted)
    {
        var kestrel = context.Response;
        var bodyless = KestrelExchange.WriteHead(context, response);
        if (!response.Streaming)
        {
            if (bodyless) return;
            var content = response.Content;
            kestrel.ContentLength = content.Length;
            if (content.Length > 0) await kestrel.Body.WriteAsync(content, aborted).ConfigureAwait(false);
            return;
        }
        var streaming = (StreamingHttpResponse)response;
        if (bodyless) return;
        if (!streaming.IsAsync)
        {
            // spec A-31: a sync iterator is drained on a sync worker before anything is sent.
            GatewayLog.StreamingWarning(_requestLogger, SyncStreamingWarning);
            var parts = await SyncToAsync.Run(() => streaming.EnumerateParts().ToList(), threadSensitive: false, aborted);
            foreach (var part in parts) await kestrel.Body.WriteAsync(part, aborted).ConfigureAwait(false);
            return;
        }
        await kestrel.StartAsync(aborted).ConfigureAwait(false);
        await foreach (var part in streaming.EnumeratePartsAsync(aborted).ConfigureAwait(false))
        {
            if (part.Length == 0) continue;
            await kestrel.Body.WriteAsync(part, aborted).ConfigureAwait(false);
            await kestrel.Body.FlushAsync(aborted).ConfigureAwait(false); // spec A-32
        }
    }
}
