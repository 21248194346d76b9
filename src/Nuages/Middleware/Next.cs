using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// The rest of the chain, as a middleware receives it (Django's <c>get_response</c>). It is already in
/// the middleware's own mode: a sync middleware calls <see cref="Invoke"/>, an async one awaits
/// <see cref="InvokeAsync"/>, a hybrid one checks <see cref="IsAsync"/>.
/// </summary>
public sealed class Next
{
    private readonly Func<HttpRequest, HttpResponse>? _sync;
    private readonly Func<HttpRequest, ValueTask<HttpResponse>>? _async;

    internal Next(Func<HttpRequest, HttpResponse> sync) => _sync = sync;

    internal Next(Func<HttpRequest, ValueTask<HttpResponse>> async) => _async = async;

    /// <summary>Whether the rest of the chain is async.</summary>
    public bool IsAsync => _async is not null;

    /// <summary>Calls the rest of the chain (sync mode).</summary>
    public HttpResponse Invoke(HttpRequest request) => _sync is { } sync
        ? sync(request)
        : throw new InvalidOperationException("This middleware runs in async mode: await next.InvokeAsync(request).");

    /// <summary>Calls the rest of the chain (async mode).</summary>
    public ValueTask<HttpResponse> InvokeAsync(HttpRequest request) => _async is { } async
        ? async(request)
        : throw new InvalidOperationException("This middleware runs in sync mode: call next.Invoke(request).");
}

/// <summary>A middleware that runs in sync mode.</summary>
public interface ISyncMiddleware
{
    /// <summary>Handles the request, usually by calling the <see cref="Next"/> it was built with.</summary>
    HttpResponse Invoke(HttpRequest request);
}

/// <summary>A middleware that runs in async mode.</summary>
public interface IAsyncMiddleware
{
    /// <summary>Handles the request, usually by awaiting the <see cref="Next"/> it was built with.</summary>
    ValueTask<HttpResponse> InvokeAsync(HttpRequest request);
}

/// <summary>Which modes a middleware can run in (Django's <c>sync_capable</c> / <c>async_capable</c>).</summary>
[Flags]
public enum MiddlewareCapabilities
{
    /// <summary>Neither: refused when the chain is built (as django/core/handlers/base.py).</summary>
    None = 0,

    /// <summary>Sync mode.</summary>
    Sync = 1,

    /// <summary>Async mode.</summary>
    Async = 2,

    /// <summary>Either mode: the middleware takes the mode of the layer beneath it, with no adapter (as django/core/handlers/base.py).</summary>
    Both = Sync | Async,
}

/// <summary>
/// Declares a middleware's capabilities. Without it they follow the interfaces the type implements:
/// <see cref="ISyncMiddleware"/> → sync, <see cref="IAsyncMiddleware"/> → async, both → either, none →
/// sync (Django's default, as django/core/handlers/base.py does).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class MiddlewareCapabilitiesAttribute(MiddlewareCapabilities capabilities) : Attribute
{
    /// <summary>The declared capabilities.</summary>
    public MiddlewareCapabilities Capabilities { get; } = capabilities;
}

/// <summary>
/// Marks a hook-style <see cref="Middleware"/> whose sync hooks never block (they only look at the
/// request and headers): in async mode they run inline, with no switch to a sync thread.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NonBlockingAttribute : Attribute;
