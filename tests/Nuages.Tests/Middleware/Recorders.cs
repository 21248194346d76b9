using Nuages.Core;
using Nuages.Http;
using Nuages.Middleware;
using MiddlewareBase = Nuages.Middleware.MiddlewareMixin;

namespace Nuages.Tests.Middleware;

/// <summary>Middleware and views that write down where they ran, for the chain tests.</summary>
public static class Trace
{
    public static List<string> Of(HttpRequest request)
    {
        if (!request.Items.TryGetValue("trace", out var list)) request.Items["trace"] = list = new List<string>();
        return (List<string>)list!;
    }

    public static void Add(HttpRequest request, string what)
    {
        var list = Of(request);
        lock (list) list.Add($"{what}@{Where()}");
    }

    /// <summary>"T&lt;id&gt;" for a sync thread of Nuages, "pool" for the thread pool, "other&lt;id&gt;" otherwise.</summary>
    public static string Where()
    {
        var thread = Thread.CurrentThread;
        return thread.IsThreadPoolThread ? "pool" : thread.Name?.StartsWith("nuages-sync", StringComparison.Ordinal) == true ? $"T{thread.ManagedThreadId}" : $"other{thread.ManagedThreadId}";
    }

    public static HttpResponse Text(HttpRequest request) => new(string.Join(" ", Of(request)));
}

public sealed class SyncOnlyA(Next next) : ISyncMiddleware
{
    public HttpResponse Invoke(HttpRequest request)
    {
        Trace.Add(request, "A");
        return next.Invoke(request);
    }
}

public sealed class SyncOnlyB(Next next) : ISyncMiddleware
{
    public HttpResponse Invoke(HttpRequest request)
    {
        Trace.Add(request, "B");
        var response = next.Invoke(request);
        Trace.Add(request, "B-out");
        return response;
    }
}

public sealed class AsyncOnly(Next next) : IAsyncMiddleware
{
    public async ValueTask<HttpResponse> InvokeAsync(HttpRequest request)
    {
        Trace.Add(request, "async");
        return await next.InvokeAsync(request);
    }
}

public sealed class Hybrid(Next next) : ISyncMiddleware, IAsyncMiddleware
{
    public HttpResponse Invoke(HttpRequest request)
    {
        Trace.Add(request, "hybrid-sync");
        return next.Invoke(request);
    }

    public async ValueTask<HttpResponse> InvokeAsync(HttpRequest request)
    {
        Trace.Add(request, "hybrid-async");
        return await next.InvokeAsync(request);
    }
}

[MiddlewareCapabilities(MiddlewareCapabilities.None)]
public sealed class Incapable(Next next) : ISyncMiddleware
{
    public HttpResponse Invoke(HttpRequest request) => next.Invoke(request);
}

public sealed class NotUsedQuietly : ISyncMiddleware
{
    public NotUsedQuietly(Next next) => throw new MiddlewareNotUsed();

    public HttpResponse Invoke(HttpRequest request) => throw new InvalidOperationException("never built");
}

public sealed class NotUsedLoudly : IAsyncMiddleware
{
    public NotUsedLoudly(Next next) => throw new MiddlewareNotUsed("switched off by settings");

    public ValueTask<HttpResponse> InvokeAsync(HttpRequest request) => throw new InvalidOperationException("never built");
}

public sealed class NullFactory : ISyncMiddleware
{
    public static object? Create(Next next) => null;

    public HttpResponse Invoke(HttpRequest request) => throw new InvalidOperationException("never built");
}

public sealed class Payment(Next next) : ISyncMiddleware
{
    public HttpResponse Invoke(HttpRequest request)
    {
        var response = next.Invoke(request);
        response.StatusCode = 402;
        return response;
    }
}

public sealed class StatusRecorder(Next next) : ISyncMiddleware
{
    public HttpResponse Invoke(HttpRequest request)
    {
        var response = next.Invoke(request);
        Trace.Add(request, $"saw{response.StatusCode}");
        return response;
    }
}

public sealed class Exploding(Next next) : ISyncMiddleware
{
    public HttpResponse Invoke(HttpRequest request) => request.Path == "/" ? next.Invoke(request) : throw new PermissionDenied();
}

public sealed class ViewHookFirst(Next next) : MiddlewareBase(next)
{
    protected internal override HttpResponse? ProcessView(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        Trace.Add(request, "view-hook-1");
        return null;
    }

    protected internal override HttpResponse? ProcessException(HttpRequest request, Exception exception)
    {
        Trace.Add(request, "exception-hook-1");
        return null;
    }
}

public sealed class ViewHookSecond(Next next) : MiddlewareBase(next)
{
    protected internal override HttpResponse? ProcessView(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        Trace.Add(request, "view-hook-2");
        return request.Query.Get("short") is { } text ? new HttpResponse($"short-circuit {text}") : null;
    }

    protected internal override HttpResponse? ProcessException(HttpRequest request, Exception exception)
    {
        Trace.Add(request, "exception-hook-2");
        return request.Query.ContainsKey("handle") ? new HttpResponse($"handled {exception.Message}", status: 503) : null;
    }
}

/// <summary>A sync view hook on a middleware that runs async: adapted, it runs on the request's sync thread.</summary>
[MiddlewareCapabilities(MiddlewareCapabilities.Async)]
public sealed class AsyncWithSyncViewHook(Next next) : MiddlewareBase(next)
{
    protected internal override HttpResponse? ProcessView(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        Trace.Add(request, "sync-view-hook");
        return null;
    }
}

public sealed class AsyncExceptionHook(Next next) : MiddlewareBase(next)
{
    protected internal override async ValueTask<HttpResponse?> ProcessExceptionAsync(HttpRequest request, Exception exception)
    {
        await Task.Yield();
        Trace.Add(request, "async-exception-hook");
        return new HttpResponse($"async handled {exception.Message}", status: 503);
    }
}

public sealed class MixinRecorder(Next next) : MiddlewareBase(next)
{
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        Trace.Add(request, "mixin-request");
        return null;
    }

    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        Trace.Add(request, "mixin-response");
        response["X-Mixin"] = "yes";
        return response;
    }
}

[NonBlocking]
public sealed class InlineMixin(Next next) : MiddlewareBase(next)
{
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        response["X-Inline"] = Trace.Where();
        return response;
    }
}

public sealed class TemplateHook(Next next) : MiddlewareBase(next)
{
    protected internal override HttpResponse ProcessTemplateResponse(HttpRequest request, HttpResponse response)
    {
        Trace.Add(request, "template-hook");
        if (request.Query.ContainsKey("null-template")) return null!;
        ((Deferred)response).Word = "hooked";
        return response;
    }
}

public sealed class AsyncTemplateHook(Next next) : MiddlewareBase(next)
{
    protected internal override async ValueTask<HttpResponse> ProcessTemplateResponseAsync(HttpRequest request, HttpResponse response)
    {
        await Task.Yield();
        Trace.Add(request, "async-template-hook");
        return request.Query.ContainsKey("null-template") ? null! : response;
    }
}

public sealed class ViewHookReturningDeferred(Next next) : MiddlewareBase(next)
{
    protected internal override HttpResponse? ProcessView(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs) =>
        request.Query.ContainsKey("deferred-from-hook") ? new Deferred(request, "from-hook") : null;
}

/// <summary>A response rendered late, recording where it rendered; it fails to render when asked to.</summary>
public class Deferred(HttpRequest request, string word) : RenderableResponse
{
    public string Word { get; set; } = word;

    protected override string RenderContent()
    {
        Trace.Add(request, "render");
        if (request.Query.ContainsKey("fail-render")) throw new InvalidOperationException("render failed");
        return $"rendered {Word}";
    }
}

public sealed class AsyncDeferred(HttpRequest request, string word) : Deferred(request, word)
{
    private readonly HttpRequest _request = request;

    protected override async ValueTask<string> RenderContentAsync()
    {
        await Task.Yield();
        Trace.Add(_request, "async-render");
        if (_request.Query.ContainsKey("fail-render")) throw new InvalidOperationException("async render failed");
        return $"async rendered {Word}";
    }
}
