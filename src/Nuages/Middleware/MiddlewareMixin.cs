using System.Collections.Concurrent;
using System.Reflection;
using Nuages.Async;
using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// Hook-style middleware, Django's <c>MiddlewareMixin</c>: override any of <c>ProcessRequest</c>,
/// <c>ProcessView</c>, <c>ProcessTemplateResponse</c>, <c>ProcessException</c> and <c>ProcessResponse</c>,
/// each in its sync form or its <c>…Async</c> form. It runs in either mode (it takes the mode of the
/// layer beneath it); a hook whose form differs from the mode is adapted — a sync hook in async mode runs
/// on the request's sync thread (as django/core/handlers/base.py), or inline when the class is marked <see cref="NonBlockingAttribute"/>.
/// </summary>
public abstract class MiddlewareMixin : ISyncMiddleware, IAsyncMiddleware
{
    private static readonly ConcurrentDictionary<Type, HookSet> Hooks = new();
    private readonly HookSet _hooks;

    /// <summary>Builds the middleware around the rest of the chain.</summary>
    protected MiddlewareMixin(Next next)
    {
        // as django/core/handlers/base.py does
        Next = next ?? throw new ArgumentNullException(nameof(next), "get_response must be provided.");
        _hooks = Hooks.GetOrAdd(GetType(), HookSet.For);
    }

    /// <summary>The rest of the chain.</summary>
    protected Next Next { get; }

    /// <summary>Whether this instance runs in async mode: it does when the chain beneath it is async (as django/core/handlers/base.py).</summary>
    public bool IsAsync => Next.IsAsync;

    internal HookSet HookKinds => _hooks;

    /// <summary>Before the view: return a response to answer without going further.</summary>
    protected virtual HttpResponse? ProcessRequest(HttpRequest request) => null;

    /// <summary>The async form of <see cref="ProcessRequest"/>.</summary>
    protected virtual ValueTask<HttpResponse?> ProcessRequestAsync(HttpRequest request) => new((HttpResponse?)null);

    /// <summary>Once the view is known, before it runs: return a response to skip the remaining hooks and the view (as django/core/handlers/base.py).</summary>
    protected internal virtual HttpResponse? ProcessView(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs) => null;

    /// <summary>The async form of <see cref="ProcessView"/>.</summary>
    protected internal virtual ValueTask<HttpResponse?> ProcessViewAsync(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs) =>
        new((HttpResponse?)null);

    /// <summary>For a response rendered later (a template response), before it renders: return it, or another one.</summary>
    protected internal virtual HttpResponse ProcessTemplateResponse(HttpRequest request, HttpResponse response) => response;

    /// <summary>The async form of <see cref="ProcessTemplateResponse"/>.</summary>
    protected internal virtual ValueTask<HttpResponse> ProcessTemplateResponseAsync(HttpRequest request, HttpResponse response) => new(response);

    /// <summary>When the view raised: return a response to answer with it, or null to let the exception go on (as django/core/handlers/base.py).</summary>
    protected internal virtual HttpResponse? ProcessException(HttpRequest request, Exception exception) => null;

    /// <summary>The async form of <see cref="ProcessException"/>.</summary>
    protected internal virtual ValueTask<HttpResponse?> ProcessExceptionAsync(HttpRequest request, Exception exception) => new((HttpResponse?)null);

    /// <summary>After the view: return the response, changed or replaced.</summary>
    protected virtual HttpResponse ProcessResponse(HttpRequest request, HttpResponse response) => response;

    /// <summary>The async form of <see cref="ProcessResponse"/>.</summary>
    protected virtual ValueTask<HttpResponse> ProcessResponseAsync(HttpRequest request, HttpResponse response) => new(response);

    /// <inheritdoc />
    public HttpResponse Invoke(HttpRequest request)
    {
        HttpResponse? response = null;
        if (_hooks.Request != HookKind.None)
            response = _hooks.Request.HasFlag(HookKind.Sync) ? ProcessRequest(request) : AsyncToSync.Run(() => ProcessRequestAsync(request));
        response ??= Next.Invoke(request);
        if (_hooks.Response != HookKind.None)
            response = _hooks.Response.HasFlag(HookKind.Sync) ? ProcessResponse(request, response) : AsyncToSync.Run(() => ProcessResponseAsync(request, response));
        return response;
    }

    /// <inheritdoc />
    public async ValueTask<HttpResponse> InvokeAsync(HttpRequest request)
    {
        HttpResponse? response = null;
        if (_hooks.Request != HookKind.None)
        {
            response = _hooks.Request.HasFlag(HookKind.Async) ? await ProcessRequestAsync(request).ConfigureAwait(false)
                : _hooks.NonBlocking ? ProcessRequest(request)
                : await SyncToAsync.RunShielded(() => ProcessRequest(request));
        }
        response ??= await Next.InvokeAsync(request).ConfigureAwait(false);
        if (_hooks.Response != HookKind.None)
        {
            var current = response;
            response = _hooks.Response.HasFlag(HookKind.Async) ? await ProcessResponseAsync(request, current).ConfigureAwait(false)
                : _hooks.NonBlocking ? ProcessResponse(request, current)
                : await SyncToAsync.RunShielded(() => ProcessResponse(request, current));
        }
        return response;
    }

    /// <summary>Which hooks a middleware class overrides, and in which forms; read once per class.</summary>
    internal sealed record HookSet(HookKind Request, HookKind View, HookKind TemplateResponse, HookKind Exception, HookKind Response, bool NonBlocking)
    {
        public static HookSet For(Type type) => new(
            Kind(type, nameof(ProcessRequest)), Kind(type, nameof(ProcessView)), Kind(type, nameof(ProcessTemplateResponse)),
            Kind(type, nameof(ProcessException)), Kind(type, nameof(ProcessResponse)), type.IsDefined(typeof(NonBlockingAttribute), false));

        private static HookKind Kind(Type type, string name) =>
            (Overrides(type, name) ? HookKind.Sync : HookKind.None) | (Overrides(type, name + "Async") ? HookKind.Async : HookKind.None);

        private static bool Overrides(Type type, string name) =>
            type.GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public) is { } method
            && method.DeclaringType != typeof(MiddlewareMixin);
    }

    /// <summary>The forms in which a hook is defined.</summary>
    [Flags]
    internal enum HookKind
    {
        None = 0,
        Sync = 1,
        Async = 2,
    }
}
