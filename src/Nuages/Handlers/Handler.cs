using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Nuages.Async;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Gateways;
using Nuages.Http;
using Nuages.Urls;

namespace Nuages.Handlers;

/// <summary>
/// Turns a request into a response, Django's <c>BaseHandler</c>: checks the host, resolves the URL,
/// calls the view in the handler's mode and converts every exception into a response (as django/core/handlers/base.py).
/// Two entry points share everything but the call: <see cref="GetResponseAsync"/> (async mode, the
/// async gateway and <c>AsyncClient</c>: sync views run on a sync worker) and <see cref="GetResponse"/>
/// (sync mode, the sync test <c>Client</c>: sync views run on the calling thread).
/// </summary>
internal sealed partial class Handler
{
    private readonly Site _site;
    private readonly Settings _settings;
    private readonly UrlResolver _resolver;
    private readonly ErrorViews _errorViews;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _requestLogger;
    private readonly string[] _atomicRequests;
    private readonly Lazy<Chain> _asyncChain;
    private readonly Lazy<Chain> _syncChain;
    // The last Host header that passed validation: most requests repeat it, so the check is a string compare.
    private volatile string? _lastValidHost;

    public Handler(Site site, UrlResolver resolver, ErrorViews errorViews, RequestSignals signals, ILoggerFactory loggerFactory)
    {
        var settings = site.Settings;
        _site = site;
        site.Feature(_ => errorViews); // the site's error views, for what answers outside the handler (the CSRF 403)
        Signals = signals;
        _settings = settings;
        _resolver = resolver;
        _errorViews = errorViews;
        _loggerFactory = loggerFactory;
        _requestLogger = loggerFactory.CreateLogger("Nuages.Request");
        _atomicRequests = [.. settings.Databases.Where(d => d.Value.AtomicRequests).Select(d => d.Key)];
        Db.Connections.Of(site).Logger = loggerFactory.CreateLogger("Nuages.Db");
        Cache.CacheRegistry.Of(site).Logger = loggerFactory.CreateLogger("Nuages.Cache");
        // As django/db/backends/utils.py logs on django.db.backends: each statement with its time, in Debug only.
        var statements = loggerFactory.CreateLogger("Nuages.Db.Backends");
        if (settings.Debug && statements.IsEnabled(LogLevel.Debug)) Db.StatementLog.Enable(site, statements);
        _asyncChain = new(() => BuildChain(isAsync: true));
        _syncChain = new(() => BuildChain(isAsync: false));
    }

    public Settings Settings => _settings;

    public RequestSignals Signals { get; }

    public UrlResolver Resolver => _resolver;

    public ILoggerFactory LoggerFactory => _loggerFactory;

    /// <summary>Builds the chain of a mode now, so configuration errors show at startup rather than on the first request.</summary>
    public void Prebuild(bool isAsync) => _ = isAsync ? _asyncChain.Value : _syncChain.Value;

    /// <summary>Async mode (the async gateway, <c>AsyncClient</c>): never blocks the calling thread.</summary>
    public ValueTask<HttpResponse> GetResponseAsync(HttpRequest request) => ServeAsync(request, static (_, _) => default);

    /// <summary>
    /// Serves a request in async mode inside its own thread-sensitive context: request_started, the chain,
    /// then <paramref name="send"/> (the gateway writing the response), then request_finished — exactly once,
    /// whether the response was sent, failed, or abandoned by a disconnect (as django/core/handlers/asgi.py).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="send">Writes the response.</param>
    /// <param name="inlineSync">
    /// The caller is the server, serving this request in a work item of its own: the request's sync code may run inline
    /// on its thread (docs/async.md). A test client starting several requests from one thread passes false: a sync view
    /// that blocked inline would keep the next request from starting.
    /// </param>
    public async ValueTask<HttpResponse> ServeAsync(HttpRequest request, Func<HttpRequest, HttpResponse, ValueTask> send, bool inlineSync = false)
    {
        Prepare(request);
        using var context = ThreadSensitiveContext.EnterAsyncRequest(request.Aborted, _site);
        request.Scope = Flow.Current.Request;
        RequestSignal? signal = null; // made only for receivers
        var timing = RequestTiming.Start(request, _settings.Debug);
        HttpResponse? response = null;
        var chain = _asyncChain.Value;
        // Sync request signal receivers run apart from the view, with awaits between: they need the request's worker.
        context.InlineAllowed = inlineSync && chain.Inline != InlineSync.Never && !Signals.RequestStarted.HasSyncReceivers && !Signals.RequestFinished.HasSyncReceivers;
        try
        {
            if (Signals.RequestStarted.HasReceivers) await Signals.RequestStarted.SendAsync(signal = new RequestSignal(request, ServerGateway.Async)).ConfigureAwait(false);
            var pending = chain.Async!(request);
            response = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
            Finish(request, response);
            timing.Built(request, response);
            // The response is built: the request's connections go back to the pool before the (possibly slow) send,
            // so a pool serves more requests; a streaming body that queries takes connections of its own.
            request.Scope?.End();
            // Likewise the sync worker of the request's thread-sensitive context: the view and the sync middleware
            // have returned, and a sync iterator body is drained on a worker of its own, so sending holds none — a
            // slow reader of a long stream must not keep a worker from the other requests. Except when a sync
            // request_finished receiver will run: Django runs it on the thread request_started's ran on, so the
            // worker stays the request's until then (docs/async.md says to make such receivers async).
            if (!Signals.RequestFinished.HasSyncReceivers) context.ReleaseWorker();
            await send(request, response).ConfigureAwait(false);
            return response;
        }
        finally
        {
            timing.Stop(request, response);
            // Shielded from the request's cancellation: cleanup runs even when the client is gone.
            if (Signals.RequestFinished.HasReceivers) await Signals.RequestFinished.SendAsync(signal ?? new RequestSignal(request, ServerGateway.Async)).ConfigureAwait(false);
        }
    }

    /// <summary>Sync mode (<c>Client</c>): sync code runs on the calling thread.</summary>
    public HttpResponse GetResponse(HttpRequest request) => Serve(request, static (_, _) => { });

    /// <summary>Serves a request in sync mode on the calling thread, with the request signals around it (the sync gateway).</summary>
    public HttpResponse Serve(HttpRequest request, Action<HttpRequest, HttpResponse> send)
    {
        Prepare(request);
        using var context = ThreadSensitiveContext.EnterSyncRequest(request.Aborted, _site);
        request.Scope = Flow.Current.Request;
        RequestSignal? signal = null; // made only for receivers
        var timing = RequestTiming.Start(request, _settings.Debug);
        HttpResponse? response = null;
        try
        {
            if (Signals.RequestStarted.HasReceivers) Signals.RequestStarted.Send(signal = new RequestSignal(request, ServerGateway.Sync));
            response = _syncChain.Value.Sync!(request);
            Finish(request, response);
            timing.Built(request, response);
            request.Scope?.End(); // as in ServeAsync: connections back to the pool before the send
            send(request, response);
            return response;
        }
        finally
        {
            timing.Stop(request, response);
            if (Signals.RequestFinished.HasReceivers) Signals.RequestFinished.Send(signal ?? new RequestSignal(request, ServerGateway.Sync));
        }
    }

    /// <summary>request_finished for a request that could not be built (as django/core/handlers/asgi.py): sent once, off the thread pool.</summary>
    public ValueTask FinishUnbuiltAsync() =>
        Signals.RequestFinished.HasReceivers ? Signals.RequestFinished.SendAsync(new RequestSignal(null, ServerGateway.Async)) : default;

    private void Prepare(HttpRequest request)
    {
        request.RequestLogger = _requestLogger;
        request.LoggerFactory = _loggerFactory;
        if (request.ScriptName.Length > 0) ScriptPrefix.Set(request.ScriptName); // as django/core/handlers/asgi.py does
    }

    private ResolverMatch Resolve(HttpRequest request)
    {
        var host = request.Headers.Get("Host");
        if (host is null || !ReferenceEquals(host, _lastValidHost) && host != _lastValidHost)
        {
            request.GetHost();
            if (host is not null) _lastValidHost = host;
        }
        var match = _resolver.Resolve(request.PathInfo) ?? throw new Resolver404(request.PathInfo);
        request.ResolverMatch = match;
        return match;
    }

    /// <summary>As django/core/handlers/base.py does: a view must give a response; name it when it does not.</summary>
    internal static HttpResponse CheckResponse(object? result, string viewName) => result switch
    {
        HttpResponse response => response,
        null => throw new InvalidOperationException($"The view {viewName} didn't return an HttpResponse object. It returned null instead."),
        Task or ValueTask => throw new InvalidOperationException(
            $"The view {viewName} didn't return an HttpResponse object. It returned an unawaited coroutine instead. You may need to add an 'await' into your view."),
        _ when result.GetType().IsGenericType && result.GetType().GetGenericTypeDefinition() == typeof(ValueTask<>) => throw new InvalidOperationException(
            $"The view {viewName} didn't return an HttpResponse object. It returned an unawaited coroutine instead. You may need to add an 'await' into your view."),
        _ => throw new InvalidOperationException($"The view {viewName} didn't return an HttpResponse object. It returned an instance of {result.GetType().FullName} instead."),
    };

    /// <summary>As django/core/handlers/base.py does: Http404 → 404, PermissionDenied → 403, bad requests → 400, anything else → 500.</summary>
    internal HttpResponse ResponseForException(HttpRequest request, Exception exception)
    {
        try
        {
            return ConvertException(request, exception);
        }
        catch (Exception handlerFailure)
        {
            // An error view that fails falls back to the uncaught-exception path.
            request.UnhandledException ??= ExceptionDispatchInfo.Capture(handlerFailure);
            Log.ServerError(_requestLogger, request.Path, handlerFailure);
            var response = _settings.Debug ? ErrorPages.Technical500(request, handlerFailure, 500) : ErrorPages.PlainServerError();
            response.HasBeenLogged = true;
            return response;
        }
    }

    private HttpResponse ConvertException(HttpRequest request, Exception exception)
    {
        HttpResponse response;
        switch (exception)
        {
            case Http404:
                response = _settings.Debug ? ErrorPages.Technical404(request, exception, _resolver) : _errorViews.NotFound(request, exception);
                break;
            case PermissionDenied:
                response = _errorViews.PermissionDenied(request, exception);
                Log.Forbidden(_requestLogger, request.Path);
                response.HasBeenLogged = true;
                break;
            case MultiPartParserError:
                response = _errorViews.BadRequest(request, exception);
                Log.UnparsableBody(_requestLogger, request.Path);
                response.HasBeenLogged = true;
                break;
            case BadRequest:
                response = _settings.Debug ? ErrorPages.Technical500(request, exception, 400) : _errorViews.BadRequest(request, exception);
                Log.BadRequest(_requestLogger, exception.Message, request.Path);
                response.HasBeenLogged = true;
                break;
            case SuspiciousOperation:
                Log.Suspicious(_loggerFactory.CreateLogger("Nuages.Security." + exception.GetType().Name), exception.Message, exception);
                response = _settings.Debug ? ErrorPages.Technical500(request, exception, 400) : _errorViews.BadRequest(request, exception);
                break;
            default:
                request.UnhandledException = ExceptionDispatchInfo.Capture(exception);
                response = _settings.Debug ? ErrorPages.Technical500(request, exception, 500) : _errorViews.ServerError(request);
                Log.ServerError(_requestLogger, request.Path, exception);
                if (!_settings.Debug) LogErrorReport(request, exception);
                response.HasBeenLogged = true;
                break;
        }
        return response;
    }

    /// <summary>
    /// The error report of a 500 with Debug off, on <c>Nuages.Request.ErrorReport</c>: the request's POST
    /// fields and the view's arguments as the <see cref="Views.ExceptionReporterFilter"/> lets them show.
    /// </summary>
    private void LogErrorReport(HttpRequest request, Exception exception)
    {
        var filter = new Views.ExceptionReporterFilter(_settings);
        var post = string.Join(", ", ErrorPages.SafeForm(request, filter).Select(p => $"{p.Item1}={p.Item2}"));
        var arguments = request.ResolverMatch is { } match
            ? string.Join(", ", filter.CleanseVariables(match.Func, match.Kwargs).Select(v => $"{v.Key}={v.Value}"))
            : "";
        Log.ErrorReport(_loggerFactory.CreateLogger("Nuages.Request.ErrorReport"), request.Method, request.Path, post, arguments, exception);
    }

    /// <summary>As django/core/handlers/base.py does: every response ≥ 400 is logged once, 5xx as errors and 4xx as warnings.</summary>
    private void Finish(HttpRequest request, HttpResponse response)
    {
        if (response.StatusCode < 400 || response.HasBeenLogged) return;
        response.HasBeenLogged = true;
        if (response.StatusCode >= 500) Log.ResponseError(_requestLogger, response.ReasonPhrase, request.Path);
        else Log.ResponseWarning(_requestLogger, response.ReasonPhrase, request.Path);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, EventName = "ResponseWarning", Level = LogLevel.Warning, Message = "{Reason}: {Path}")]
        public static partial void ResponseWarning(ILogger logger, string reason, string path);

        [LoggerMessage(EventId = 1002, EventName = "ResponseError", Level = LogLevel.Error, Message = "{Reason}: {Path}")]
        public static partial void ResponseError(ILogger logger, string reason, string path);

        [LoggerMessage(EventId = 1003, EventName = "PermissionDenied", Level = LogLevel.Warning, Message = "Forbidden (Permission denied): {Path}")]
        public static partial void Forbidden(ILogger logger, string path);

        [LoggerMessage(EventId = 1004, EventName = "UnparsableBody", Level = LogLevel.Warning, Message = "Bad request (Unable to parse request body): {Path}")]
        public static partial void UnparsableBody(ILogger logger, string path);

        [LoggerMessage(EventId = 1005, EventName = "BadRequest", Level = LogLevel.Warning, Message = "{Message}: {Path}")]
        public static partial void BadRequest(ILogger logger, string message, string path);

        [LoggerMessage(EventId = 1006, EventName = "ServerError", Level = LogLevel.Error, Message = "Internal Server Error: {Path}")]
        public static partial void ServerError(ILogger logger, string path, Exception exception);

        [LoggerMessage(EventId = 1007, EventName = "SuspiciousOperation", Level = LogLevel.Error, Message = "{Message}")]
        public static partial void Suspicious(ILogger logger, string message, Exception exception);

        [LoggerMessage(EventId = 1008, EventName = "ErrorReport", Level = LogLevel.Error, Message = "{Method} {Path}; POST: {Post}; view arguments: {Arguments}")]
        public static partial void ErrorReport(ILogger logger, string method, string path, string post, string arguments, Exception exception);
    }
}
