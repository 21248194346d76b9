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
/// The sync gateway, Django's <c>WSGIHandler</c>: each request is served on one of N blocking gateway
/// threads, with the chain built in sync mode (as django/core/handlers/wsgi.py). The body is read and the response written
/// with blocking I/O on that thread; async views and middleware run through <see cref="AsyncToSync"/>,
/// so the thread-sensitive sync code they call comes back to the gateway thread (as django/core/handlers/wsgi.py).
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
        _send = (request, response) => Write(KestrelExchange.ContextOf(request), response);
    }

    /// <summary>Writes a response to the exchange its request came from: one delegate for every request, no closure each.</summary>
    private readonly Action<HttpRequest, HttpResponse> _send;

    /// <summary>Serves one request; a client that went away ends it quietly (<see cref="KestrelExchange.ClientGone"/>).</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        try
        {
            // The body is read before the request takes a gateway thread, asynchronously: a slow upload holds no thread
            // (a WSGI server's worker would block on it), and Kestrel's minimum data rate cuts it with a 408.
            RequestBodyReader.Result body;
            try
            {
                body = await RequestBodyReader.ReadAsync(context, _settings, drainWhenTooBig: true, aborted).ConfigureAwait(false);
            }
            catch (Exception e) when (RequestBodyReader.RefusedStatus(e, aborted) is { } status)
            {
                await KestrelExchange.RefuseAsync(context, status).ConfigureAwait(false); // malformed chunking, too slow…
                return;
            }
            SyncWorker thread;
            try
            {
                thread = await _threads.AcquireAsync().ConfigureAwait(false);
            }
            catch
            {
                body.Spool?.Dispose();
                throw;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            thread.Post(new ActionItem(() =>
            {
                try
                {
                    Serve(context, body);
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
        catch (Exception e) when (KestrelExchange.ClientGone(context, e, _requestLogger))
        {
            // the client is gone: nothing more to send, and the filter has logged it
        }
    }

    private void Serve(HttpContext context, RequestBodyReader.Result body)
    {
        context.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
        var request = KestrelExchange.BuildRequest(_settings, context, body.Body);
        request.Spool = body.Spool;
        if (body.TooBig) request.BodyError = RequestBodyReader.TooBig(); // As django/core/handlers/wsgi.py does: raised when the view reads the body
        try
        {
            var response = _handler.Serve(request, _send);
            if (_settings.AccessLog) GatewayLog.Access(_serverLogger, request, context.Request.Protocol, response.StatusCode);
        }
        finally
        {
            request.Close();
        }
    }

    private void Write(HttpContext context, HttpResponse response)
    {
        var bodyless = KestrelExchange.WriteHead(context, response);
        if (!response.Streaming)
        {
            if (bodyless) return;
            var content = response.Content;
            context.Response.ContentLength = content.Length;
            ResponseBodyWriter.Write(context, content, _settings.ResponseWriteTimeout);
            return;
        }
        if (bodyless) return;
        var streaming = (StreamingHttpResponse)response;
        if (streaming.IsAsync)
        {
            // As django/core/handlers/wsgi.py does: async content is drained through AsyncToSync before the first byte goes out.
            GatewayLog.StreamingWarning(_requestLogger, AsyncStreamingWarning);
            var parts = AsyncToSync.Run(async () =>
            {
                var all = new List<byte[]>();
                await foreach (var part in streaming.EnumeratePartsAsync(context.RequestAborted).ConfigureAwait(false)) all.Add(part);
                return all;
            });
            foreach (var part in parts) ResponseBodyWriter.Write(context, part, _settings.ResponseWriteTimeout);
            return;
        }
        // As django/core/handlers/wsgi.py does: sync content goes out part by part.
        foreach (var part in streaming.EnumerateParts())
        {
            if (part.Length == 0) continue;
            ResponseBodyWriter.Write(context, part, _settings.ResponseWriteTimeout); // written and flushed
        }
    }
}
