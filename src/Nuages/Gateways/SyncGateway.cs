using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Nuages.Async;
using Nuages.Conf;
using Nuages.Handlers;
using Nuages.Http;
using HttpResponse = Nuages.Http.HttpResponse;

namespace Nuages.Gateways;

/// <summary>
/// The sync gateway, Django's <c>WSGIHandler</c>: each request is served on one of N blocking gateway
/// threads, with the chain built in sync mode (spec W-01). The body is read and the response written
/// with blocking I/O on that thread; async views and middleware run through <see cref="AsyncToSync"/>,
/// so the thread-sensitive sync code they call comes back to the gateway thread (spec W-13, W-14).
/// At most N requests are served at once: the rest wait for a thread.
/// </summary>
internal sealed class SyncGateway
{
    private const string AsyncStreamingWarning =
        "StreamingHttpResponse must consume asynchronous iterators in order to serve them synchronously. Use a synchronous iterator instead.";

    private readonly Handler _handler;
    private readonly Settings _settings;
    private readonly SyncWorkerPool _threads;
    private readonly ILogger _serverLogger;
    private readonly ILogger _requestLogger;

    public SyncGateway(Handler handler, int threads)
    {
        _handler = handler;
        _settings = handler.Settings;
        _threads = new SyncWorkerPool(threads, "nuages-gateway");
        _serverLogger = handler.LoggerFactory.CreateLogger("Nuages.Server");
        _requestLogger = handler.LoggerFactory.CreateLogger("Nuages.Request");
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var thread = await _threads.AcquireAsync().ConfigureAwait(false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        thread.Post(new ActionItem(() =>
        {
            try
            {
                Serve(context);
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
            finally
            {
                _threads.ReturnNow(thread);
            }
        }));
        await done.Task.ConfigureAwait(false);
    }

    private void Serve(HttpContext context)
    {
        context.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
        var aborted = context.RequestAborted;
        try
        {
            var (body, spool, tooBig) = ReadBody(context);
            var request = KestrelExchange.BuildRequest(_settings, context, body);
            request.Spool = spool;
            if (tooBig) request.BodyError = new RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.");
            try
            {
                var response = _handler.Serve(request, (_, r) => Write(context, r));
                if (_settings.AccessLog) GatewayLog.Access(_serverLogger, request.Method, request.GetFullPath(), context.Request.Protocol, response.StatusCode);
            }
            finally
            {
                request.Close();
            }
        }
        catch (Exception e) when (aborted.IsCancellationRequested && e is OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            GatewayLog.Disconnected(_requestLogger, context.Request.Path);
        }
    }

    /// <summary>Reads the whole body (spooling a large one); one over the limit is kept out of reach and flagged (spec W-12).</summary>
    private (byte[] Body, SpooledBody? Spool, bool TooBig) ReadBody(HttpContext context)
    {
        var kestrel = context.Request;
        if (kestrel.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return ([], null, false);
        var limit = KestrelExchange.IsMultipart(kestrel.ContentType) ? null : _settings.DataUploadMaxMemorySize;
        using var body = new BodyBuffer(_settings.FileUploadMaxMemorySize, limit);
        var chunk = new byte[65_536];
        int read;
        try
        {
            while ((read = kestrel.Body.Read(chunk, 0, chunk.Length)) > 0) body.Append(chunk.AsSpan(0, read));
        }
        catch (RequestDataTooBig)
        {
            while (kestrel.Body.Read(chunk, 0, chunk.Length) > 0)
            {
                // Drain, so the connection can carry the 400 and the next request.
            }
            return ([], null, true);
        }
        var (bytes, spool) = body.Finish();
        return (bytes, spool, false);
    }

    private void Write(HttpContext context, HttpResponse response)
    {
        var bodyless = KestrelExchange.WriteHead(context, response);
        var output = context.Response.Body;
        if (!response.Streaming)
        {
            if (bodyless) return;
            var content = response.Content;
            context.Response.ContentLength = content.Length;
            output.Write(content);
            return;
        }
        if (bodyless) return;
        var streaming = (StreamingHttpResponse)response;
        if (streaming.IsAsync)
        {
            // spec W-16: async content is drained through AsyncToSync before the first byte goes out.
            GatewayLog.StreamingWarning(_requestLogger, AsyncStreamingWarning);
            var parts = AsyncToSync.Run(async () =>
            {
                var all = new List<byte[]>();
                await foreach (var part in streaming.EnumeratePartsAsync(context.RequestAborted).ConfigureAwait(false)) all.Add(part);
                return all;
            });
            foreach (var part in parts) output.Write(part);
            return;
        }
        // spec W-17: sync content goes out part by part.
        foreach (var part in streaming.EnumerateParts())
        {
            if (part.Length == 0) continue;
            output.Write(part);
            output.Flush();
        }
    }
}
