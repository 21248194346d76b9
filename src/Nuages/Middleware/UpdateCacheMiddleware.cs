using Nuages.Cache;
using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// The response half of Django's two-part page cache (django/middleware/cache.py): stores each cacheable response
/// that <see cref="FetchFromCacheMiddleware"/> did not find, in <see cref="Settings.CacheMiddlewareAlias"/>'s cache, for
/// the response's max-age or <see cref="Settings.CacheMiddlewareSeconds"/>, and gives it Expires and max-age. List it
/// first, so it runs last on the way out. Hybrid: an async request stores with async I/O.
/// </summary>
public sealed class UpdateCacheMiddleware(Next next, Settings settings) : MiddlewareMixin(next)
{
    private readonly PageCache _pages = PageCache.FromSettings(settings);

    /// <inheritdoc/>
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response) =>
        Async.SyncMode.Result(_pages.Update(request, response, false, default), PageCache.SyncModeName);

    /// <inheritdoc/>
    protected override ValueTask<HttpResponse> ProcessResponseAsync(HttpRequest request, HttpResponse response) =>
        _pages.Update(request, response, true, request.Aborted);
}
