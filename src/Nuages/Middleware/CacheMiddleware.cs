using Nuages.Cache;
using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// Django's one-part page cache for simple sites (django/middleware/cache.py): <see cref="FetchFromCacheMiddleware"/>
/// and <see cref="UpdateCacheMiddleware"/> in one place of the list. Use the two parts instead when other middleware
/// between them must shape the key. <c>CachePage</c> is this middleware around one view.
/// </summary>
public sealed class CacheMiddleware(Next next, Settings settings) : MiddlewareMixin(next)
{
    private readonly PageCache _pages = PageCache.FromSettings(settings);

    /// <inheritdoc/>
    protected override HttpResponse? ProcessRequest(HttpRequest request) =>
        Async.SyncMode.Result(_pages.Fetch(request, false, default), PageCache.SyncModeName);

    /// <inheritdoc/>
    protected override ValueTask<HttpResponse?> ProcessRequestAsync(HttpRequest request) =>
        _pages.Fetch(request, true, request.Aborted);

    /// <inheritdoc/>
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response) =>
        Async.SyncMode.Result(_pages.Update(request, response, false, default), PageCache.SyncModeName);

    /// <inheritdoc/>
    protected override ValueTask<HttpResponse> ProcessResponseAsync(HttpRequest request, HttpResponse response) =>
        _pages.Update(request, response, true, request.Aborted);
}
