using Nuages.Async;
using Nuages.Http;
using MiddlewareBase = Nuages.Middleware.MiddlewareMixin;
using HookKind = Nuages.Middleware.MiddlewareMixin.HookKind;

namespace Nuages.Handlers;

/// <summary>
/// The innermost layer (Django's <c>_get_response</c> / <c>_get_response_async</c>): resolve the URL, run
/// the view hooks, call the view, offer its exception to the exception hooks, then run the template hooks
/// and render. It exists in both modes, each calling same-mode code directly and adapting the other.
/// </summary>
internal sealed partial class Handler
{
    private HttpResponse CoreSync(Chain chain, HttpRequest request)
    {
        var match = Resolve(request);
        HttpResponse? response = null;
        foreach (var middleware in chain.ViewHooks)
        {
            response = middleware.HookKinds.View.HasFlag(HookKind.Sync)
                ? middleware.ProcessView(request, match.Func, match.Args, match.Kwargs)
                : AsyncToSync.Run(() => middleware.ProcessViewAsync(request, match.Func, match.Args, match.Kwargs));
            if (response is not null) break; // as django/core/handlers/base.py does
        }
        if (response is null)
        {
            var view = match.View;
            var timing = Diagnostics.SpanTiming.View(view.Descriptor.Name);
            try
            {
                var result = Atomically(AtomicAliases(view), 0, view.Sync is { } invoke
                    ? () => invoke(request, match.Values)
                    : () => AsyncToSync.Run(() => view.Async!(request, match.Values)));
                response = CheckResponse(result, view.Descriptor.Name);
            }
            catch (Exception exception) when (!IsDisconnect(request, exception))
            {
                response = ExceptionHooks(chain, request, exception);
                if (response is null) throw;
            }
            finally
            {
                timing.StopView(request.Scope?.Timings);
            }
        }
        if (response is RenderableResponse { IsRendered: false })
        {
            foreach (var middleware in chain.TemplateHooks)
            {
                var current = response;
                response = CheckTemplateHook(middleware, middleware.HookKinds.TemplateResponse.HasFlag(HookKind.Sync)
                    ? middleware.ProcessTemplateResponse(request, current)
                    : AsyncToSync.Run(() => middleware.ProcessTemplateResponseAsync(request, current)));
            }
            if (response is RenderableResponse { IsRendered: false } deferred)
            {
                try
                {
                    response = deferred.RendersAsync ? AsyncToSync.Run(() => deferred.RenderAsync().AsTask()) : deferred.Render();
                }
                catch (Exception exception) when (!IsDisconnect(request, exception))
                {
                    response = ExceptionHooks(chain, request, exception); // as django/core/handlers/base.py does
                    if (response is null) throw;
                }
            }
        }
        return response;
    }

    /// <summary>
    /// The core in async mode. Unlike the middleware layers it converts its own exceptions to responses (Django wraps
    /// the core with <c>convert_exception_to_response</c> like every layer): in this method, which spares every
    /// request that waits an async layer.
    /// </summary>
    private async ValueTask<HttpResponse> CoreAsync(Chain chain, HttpRequest request)
    {
        try
        {
            var match = Resolve(request);
            // An async view between the view hooks and the render could wait between them: no inline sync code then.
            if (chain.Inline == InlineSync.IfSyncView && match.View.Sync is null && request.Scope is { } scope) scope.Context.InlineAllowed = false;
            HttpResponse? response = null;
            foreach (var middleware in chain.ViewHooks)
            {
                var kinds = middleware.HookKinds;
                response = kinds.View.HasFlag(HookKind.Async)
                    ? await middleware.ProcessViewAsync(request, match.Func, match.Args, match.Kwargs).ConfigureAwait(false)
                    : kinds.NonBlocking
                        ? middleware.ProcessView(request, match.Func, match.Args, match.Kwargs)
                        : await ProcessViewOnWorker(middleware, request, match); // as django/core/handlers/base.py does
                if (response is not null) break;
            }
            if (response is null)
            {
                var view = match.View;
                var timing = Diagnostics.SpanTiming.View(view.Descriptor.Name);
                try
                {
                    object? result;
                    var atomic = AtomicAliases(view);
                    if (atomic.Length == 0 && view.AsyncResponse is { } respond)
                    {
                        // PERF: a view declared to return Task<HttpResponse> is awaited here, with no adapter of its own between
                        var responding = respond(request, match.Values);
                        result = responding.IsCompletedSuccessfully ? responding.Result : await responding.ConfigureAwait(false);
                    }
                    else if (view.Async is not null)
                    {
                        var pending = atomic.Length > 0 ? new ValueTask<object?>(AtomicallyAsync(atomic, request, match)) : view.Async(request, match.Values);
                        result = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
                    }
                    else
                    {
                        result = await SyncToAsync.Run(Atomically(atomic, request, match), true, request.Aborted);
                    }
                    response = CheckResponse(result, view.Descriptor.Name);
                }
                catch (Exception exception) when (!IsDisconnect(request, exception))
                {
                    response = await ExceptionHooksAsync(chain, request, exception).ConfigureAwait(false);
                    if (response is null) throw;
                }
                finally
                {
                    timing.StopView(request.Scope?.Timings);
                }
            }
            if (response is RenderableResponse { IsRendered: false })
            {
                foreach (var middleware in chain.TemplateHooks)
                {
                    var current = response;
                    var kinds = middleware.HookKinds;
                    response = CheckTemplateHook(middleware, kinds.TemplateResponse.HasFlag(HookKind.Async)
                        ? await middleware.ProcessTemplateResponseAsync(request, current).ConfigureAwait(false)
                        : kinds.NonBlocking
                            ? middleware.ProcessTemplateResponse(request, current)
                            : await ProcessTemplateResponseOnWorker(middleware, request, current));
                }
                if (response is RenderableResponse { IsRendered: false } deferred)
                {
                    try
                    {
                        // As django/core/handlers/base.py does: an async render is awaited, a sync one runs on the request's sync thread.
                        response = deferred.RendersAsync ? await deferred.RenderAsync().ConfigureAwait(false) : await SyncToAsync.RunShielded(deferred.Render);
                    }
                    catch (Exception exception) when (!IsDisconnect(request, exception))
                    {
                        response = await ExceptionHooksAsync(chain, request, exception).ConfigureAwait(false); // as django/core/handlers/base.py does
                        if (response is null) throw;
                    }
                }
            }
            return response;
        }
        catch (Exception exception) when (!IsDisconnect(request, exception))
        {
            return ResponseForException(request, exception); // the core's own convert_exception_to_response
        }
    }

    /// <summary>The aliases whose <c>AtomicRequests</c> wrap this view: all of them but those it opts out of with [NonAtomicRequests].</summary>
    private string[] AtomicAliases(Views.BoundView view) => _atomicRequests.Length == 0
        ? []
        : [.. _atomicRequests.Except(view.Descriptor.Decorators.OfType<Views.Decorators.NonAtomicRequestsAttribute>().SelectMany(a => a.Aliases))];

    /// <summary>
    /// Django's <c>make_view_atomic</c>: the view's call in one atomic block per alias, committed when it returns a
    /// response, rolled back when it throws — for sync views and, beyond Django (as django/db/transaction.py), async ones.
    /// </summary>
    private static object? Atomically(string[] aliases, int index, Func<object?> call) =>
        index == aliases.Length ? call() : Db.Atomic.Run(() => Atomically(aliases, index + 1, call), aliases[index]);

    private static Task<object?> AtomicallyAsync(string[] aliases, int index, Func<Task<object?>> call) =>
        index == aliases.Length ? call() : Db.Atomic.RunAsync(() => AtomicallyAsync(aliases, index + 1, call), aliases[index]);

    // The async core's calls that need a closure are made here, so the core allocates none for a request that makes none.

    private static Task<object?> AtomicallyAsync(string[] aliases, HttpRequest request, Urls.ResolverMatch match) =>
        AtomicallyAsync(aliases, 0, () => match.View.Async!(request, match.Values).AsTask());

    private static Func<object?> Atomically(string[] aliases, HttpRequest request, Urls.ResolverMatch match) =>
        () => Atomically(aliases, 0, () => match.View.Sync!(request, match.Values));

    private static AdaptedTask<HttpResponse?> ProcessViewOnWorker(MiddlewareBase middleware, HttpRequest request, Urls.ResolverMatch match) =>
        SyncToAsync.RunShielded(() => middleware.ProcessView(request, match.Func, match.Args, match.Kwargs));

    private static AdaptedTask<HttpResponse?> ProcessTemplateResponseOnWorker(MiddlewareBase middleware, HttpRequest request, HttpResponse response) =>
        SyncToAsync.RunShielded<HttpResponse?>(() => middleware.ProcessTemplateResponse(request, response));

    /// <summary>As django/core/handlers/base.py does: the exception hooks, innermost middleware first; the first response wins, else the exception goes on.</summary>
    private static HttpResponse? ExceptionHooks(Chain chain, HttpRequest request, Exception exception)
    {
        foreach (var middleware in chain.ExceptionHooks)
        {
            var response = middleware.HookKinds.Exception.HasFlag(HookKind.Sync)
                ? middleware.ProcessException(request, exception)
                : AsyncToSync.Run(() => middleware.ProcessExceptionAsync(request, exception));
            if (response is not null) return response;
        }
        return null;
    }

    private static async ValueTask<HttpResponse?> ExceptionHooksAsync(Chain chain, HttpRequest request, Exception exception)
    {
        foreach (var middleware in chain.ExceptionHooks)
        {
            var kinds = middleware.HookKinds;
            var response = kinds.Exception.HasFlag(HookKind.Async)
                ? await middleware.ProcessExceptionAsync(request, exception).ConfigureAwait(false) // as django/core/handlers/base.py does
                : kinds.NonBlocking
                    ? middleware.ProcessException(request, exception)
                    : await SyncToAsync.RunShielded(() => middleware.ProcessException(request, exception));
            if (response is not null) return response;
        }
        return null;
    }

    /// <summary>As django/core/handlers/base.py does: a template hook must give a response.</summary>
    private static HttpResponse CheckTemplateHook(MiddlewareBase middleware, HttpResponse? response) => response
        ?? throw new InvalidOperationException($"{middleware.GetType().Name}.ProcessTemplateResponse didn't return an HttpResponse object. It returned null instead.");
}
