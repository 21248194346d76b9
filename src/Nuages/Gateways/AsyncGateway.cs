using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Nuages.Async;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Handlers;
using Nuages.Http;
using HttpRequest = Nuages.Http.HttpRequest;
using HttpResponse = Nuages.Http.HttpResponse;

namespace Nuages.Gateways;

/// <summary>
/// The async gateway, Django's <c>ASGIHandler</c> as a Kestrel <see cref="RequestDelegate"/>: reads the
/// whole body first (as django/core/handlers/asgi.py), builds the request as a lazy view over Kestrel's own data, runs the
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
        _send = (request, response) =>
        {
            var context = KestrelExchange.ContextOf(request);
            return WriteAsync(context, response, context.RequestAborted);
        };
    }

    /// <summary>Writes a response to the exchange its request came from: one delegate for every request, no closure each.</summary>
    private readonly Func<HttpRequest, HttpResponse, ValueTask> _send;

    /// <summary>Serves one request; a client that went away ends it quietly (<see cref="KestrelExchange.ClientGone"/>).</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        try
        {
            HttpRequest request;
            try
            {
                var body = await RequestBodyReader.ReadAsync(context, _settings, drainWhenTooBig: false, aborted).ConfigureAwait(false);
                request = KestrelExchange.BuildRequest(_settings, context, body.Body);
                request.Spool = body.Spool;
            }
            catch (RequestDataTooBig)
            {
                // Django's ASGI handler answers a body over DataUploadMaxMemorySize with this 413 before any view runs.
                await WriteAsync(context, new HttpResponse("413 Payload too large", "text/plain; charset=utf-8", 413), aborted).ConfigureAwait(false);
                await _handler.FinishUnbuiltAsync().ConfigureAwait(false); // request_finished once, as django/core/handlers/asgi.py sends it
                return;
            }
            catch (Exception e) when (RequestBodyReader.RefusedStatus(e, aborted) is { } status)
            {
                await KestrelExchange.RefuseAsync(context, status).ConfigureAwait(false); // malformed chunking, too slow…
                return;
            }

            try
            {
                var response = await _handler.ServeAsync(request, _send, inlineSync: true).ConfigureAwait(false);
                if (_settings.AccessLog) GatewayLog.Access(_serverLogger, request, context.Request.Protocol, response.StatusCode);
            }
            finally
            {
                request.Close(); // temporary upload files go now, as django/core/handlers/asgi.py closes the body
            }
        }
        catch (Exception e) when (KestrelExchange.ClientGone(context, e, _requestLogger))
        {
            // the client is gone: nothing more to send, and the filter has logged it
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
            if (content.Length > 0) await ResponseBodyWriter.WriteAsync(context, content, _settings.ResponseWriteTimeout, aborted).ConfigureAwait(false);
            return;
        }
        var streaming = (StreamingHttpResponse)response;
        if (bodyless) return;
        if (!streaming.IsAsync)
        {
            // As django/core/handlers/asgi.py does: a sync iterator is drained on a sync worker before anything is sent.
            GatewayLog.StreamingWarning(_requestLogger, SyncStreamingWarning);
            var parts = await SyncToAsync.Run(() => streaming.EnumerateParts().ToList(), threadSensitive: false, aborted);
            foreach (var part in parts) await ResponseBodyWriter.WriteAsync(context, part, _settings.ResponseWriteTimeout, aborted).ConfigureAwait(false);
            return;
        }
        await kestrel.StartAsync(aborted).ConfigureAwait(false);
        await foreach (var part in streaming.EnumeratePartsAsync(aborted).ConfigureAwait(false))
        {
            if (part.Length == 0) continue;
            // As django/core/handlers/asgi.py does: each part is flushed as it comes (Kestrel's WriteAsync flushes).
            await ResponseBodyWriter.WriteAsync(context, part, _settings.ResponseWriteTimeout, aborted).ConfigureAwait(false);
        }
    }
}
