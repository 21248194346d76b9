using Nuages.Cache;
using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>cache_page(timeout, cache=, key_prefix=)</c>: <c>CacheMiddleware</c> around one view, with the page's
/// own timeout before any max-age (django/views/decorators/cache.py). A GET or HEAD is answered from the cache named
/// by <see cref="Cache"/> when a fresh copy exists; otherwise a cacheable 200 is stored, keyed by its URL and the request
/// headers its <c>Vary</c> names (<see cref="CacheKeys"/>), with <c>Expires</c> and <c>Cache-Control: max-age</c>. A
/// template response is stored once rendered, as Django's post-render callback does. An async view reads and stores
/// with async I/O — where Django's decorator calls its cache synchronously.
/// </summary>
public sealed class CachePageAttribute(int seconds) : ViewDecoratorAttribute
{
    private PageCache? _pages;

    /// <summary>How long responses are cached, in seconds.</summary>
    public int Seconds { get; } = seconds;

    /// <summary>The alias of the cache to use (Django's <c>cache=</c>); <c>default</c> unless set.</summary>
    public string? Cache { get; init; }

    /// <summary>A prefix for this page's keys (Django's <c>key_prefix=</c>); none unless set.</summary>
    public string? KeyPrefix { get; init; }

    private PageCache Pages => _pages ??= new PageCache(Cache ?? Caches.DefaultAlias, KeyPrefix ?? "", Seconds, Seconds);

    /// <inheritdoc />
    public override HttpResponse? Before(HttpRequest request) =>
        Async.SyncMode.Result(Pages.Fetch(request, false, default), PageCache.SyncModeName);

    /// <inheritdoc />
    public override ValueTask<HttpResponse?> BeforeAsync(HttpRequest request) => Pages.Fetch(request, true, request.Aborted);

    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response) =>
        Async.SyncMode.Result(Pages.Update(request, response, false, default), PageCache.SyncModeName);

    /// <inheritdoc />
    public override ValueTask<HttpResponse> AfterAsync(HttpRequest request, HttpResponse response) => Pages.Update(request, response, true, request.Aborted);

    /// <inheritdoc />
    protected override bool AfterRendering => true; // a template response is stored once rendered
}
