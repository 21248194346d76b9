using Nuages.Cache;
using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// The request half of Django's two-part page cache (django/middleware/cache.py): answers a GET or HEAD with the page
/// <see cref="UpdateCacheMiddleware"/> stored for its URL and the request headers the page varied on, with an
/// <c>Age</c> header. List it last, so the middleware that change the key (sessions' Vary: Cookie) run before it.
/// Hybrid: an async request reads with async I/O.
/// </summary>
public sealed class FetchFromCacheMiddleware(Next next, Settings settings) : MiddlewareMixin(next)
{
    private readonly PageCache _pages = PageCache.FromSettings(settings);

    /// <inheritdoc/>
    protected override HttpResponse? ProcessRequest(HttpRequest request) =>
        Async.SyncMode.Result(_pages.Fetch(request, false, default), PageCache.SyncModeName);

    /// <inheritdoc/>
    protected override ValueTask<HttpResponse?> ProcessRequestAsync(HttpRequest request) =>
        _pages.Fetch(request, true, request.Aborted);
}
