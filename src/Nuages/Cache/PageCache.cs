using System.Globalization;
using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Cache;

/// <summary>
/// Django's cache middleware written once for both modes (django/middleware/cache.py): <see cref="Fetch"/> is
/// <c>FetchFromCacheMiddleware.process_request</c>, <see cref="Update"/> is <c>UpdateCacheMiddleware.process_response</c>.
/// The three middleware classes and <c>CachePage</c> are built from it, as Django builds <c>cache_page</c> from
/// <c>CacheMiddleware</c>.
/// </summary>
internal sealed class PageCache(string alias, string keyPrefix, int cacheTimeout, int? pageTimeout)
{
    /// <summary>Django's <c>request._cache_update_cache</c>: one flag per request, shared by every page cache on it as in Django.</summary>
    private const string UpdateFlag = "_cache_update_cache";

    public const string SyncModeName = "The page cache";

    /// <summary>The cache middleware's page cache: Django's <c>CACHE_MIDDLEWARE_*</c> settings.</summary>
    public static PageCache FromSettings(Settings settings) =>
        new(settings.CacheMiddlewareAlias, settings.CacheMiddlewareKeyPrefix, settings.CacheMiddlewareSeconds, null);

    /// <summary>The cached page for a GET or HEAD, with its <c>Age</c>; or null, marking whether the response should be stored.</summary>
    public async ValueTask<HttpResponse?> Fetch(HttpRequest request, bool async, CancellationToken cancellationToken)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            request.Items[UpdateFlag] = false;
            return null;
        }
        var cache = Caches.Get(alias);
        // the header list is read once, for the GET copy and, for a HEAD, the HEAD one
        var headers = await CacheKeys.HeaderList(request, keyPrefix, cache, async, cancellationToken).ConfigureAwait(false);
        CachedPage? page = null;
        if (headers is not null)
        {
            page = await Lookup(CacheKeys.PageKey(request, "GET", headers, keyPrefix), cache, async, cancellationToken).ConfigureAwait(false);
            if (page is null && request.Method == "HEAD") page = await Lookup(CacheKeys.PageKey(request, "HEAD", headers, keyPrefix), cache, async, cancellationToken).ConfigureAwait(false);
        }
        if (page is null)
        {
            request.Items[UpdateFlag] = true;
            return null;
        }
        var response = page.Restore();
        // How long the copy has been kept: its max-age less what its Expires leaves; 0 if the clock went back.
        if (HttpHeaders.GetMaxAge(response) is { } maxAge && response["Expires"] is { Length: > 0 } expires
            && ConditionalRequests.ParseHttpDate(expires) is { } expiresAt)
        {
            var remaining = expiresAt - cache.Time.GetUtcNow().ToUnixTimeSeconds();
            response["Age"] = Math.Max(0, maxAge - remaining).ToString(CultureInfo.InvariantCulture);
        }
        request.Items[UpdateFlag] = false;
        return response;
    }

    /// <summary>Stores a cacheable response (200; not streaming, not private, not setting cookies for a cookie-less request) and gives it Expires and max-age.</summary>
    public async ValueTask<HttpResponse> Update(HttpRequest request, HttpResponse response, bool async, CancellationToken cancellationToken)
    {
        if (!request.Items.TryGetValue(UpdateFlag, out var update) || update is not true) return response;
        if (response.Streaming || response.StatusCode is not (200 or 304)) return response;
        // A response that sets a cookie while varying on cookies is one visitor's, whatever cookies the request carried
        // (Django's 2026 fix: unrelated cookies on the request once let it be stored and served to others).
        if (response.Cookies.Count > 0 && HttpHeaders.HasVaryHeader(response, "Cookie")) return response;
        // A response varying on everything (Vary: *) can never be matched to a later request (RFC 9110 §12.5.5).
        if (HttpHeaders.HasVaryHeader(response, "*")) return response;
        // As Django tests it: "private" anywhere in Cache-Control.
        if (response["Cache-Control"] is { } cacheControl && cacheControl.Contains("private", StringComparison.Ordinal)) return response;
        // The page's own timeout first, then the response's max-age (0: not cached), then the default.
        var timeout = pageTimeout;
        if (timeout is null)
        {
            timeout = HttpHeaders.GetMaxAge(response);
            if (timeout is null) timeout = cacheTimeout;
            else if (timeout == 0) return response;
        }
        var seconds = timeout.Value;
        var cache = Caches.Get(alias);
        HttpHeaders.PatchResponseHeaders(response, seconds, cache.Time.GetUtcNow());
        // A negative timeout stores nothing, as Django's backends expire such an entry at once.
        if (seconds <= 0 || response.StatusCode != 200) return response;
        var key = async
            ? await CacheKeys.LearnCacheKeyAsync(request, response, seconds, keyPrefix, cache, cancellationToken).ConfigureAwait(false)
            : CacheKeys.LearnCacheKey(request, response, seconds, keyPrefix, cache);
        var page = CachedPage.Of(response);
        if (async) await cache.SetAsync(key, page, TimeSpan.FromSeconds(seconds), cancellationToken: cancellationToken).ConfigureAwait(false);
        else cache.Set(key, page, TimeSpan.FromSeconds(seconds));
        return response;
    }

    private static async ValueTask<CachedPage?> Lookup(string key, BaseCache cache, bool async, CancellationToken cancellationToken) =>
        async ? await cache.GetAsync<CachedPage>(key, cancellationToken: cancellationToken).ConfigureAwait(false) : cache.Get<CachedPage>(key);
}

/// <summary>A page as the cache keeps it — what Django's pickle of the response holds: status, reason, headers in order, cookies and body.</summary>
internal sealed record CachedPage(int Status, string? Reason, List<string[]> Headers, List<CachedPage.Cookie> Cookies, byte[] Content)
{
    public static CachedPage Of(HttpResponse response) => new(
        response.StatusCode,
        response.HasCustomReasonPhrase ? response.ReasonPhrase : null,
        [.. response.Headers.Select(h => new[] { h.Key, h.Value })],
        [.. response.Cookies.Values.Select(c => new Cookie(c.Name, c.Value, c.Expires, c.MaxAge, c.Path, c.Domain, c.Secure, c.HttpOnly, c.SameSite))],
        response.Content);

    /// <summary>A new response for each hit, so one visitor's changes to it never reach the next.</summary>
    public HttpResponse Restore()
    {
        var contentType = Headers.FirstOrDefault(h => h[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase))?[1];
        var response = new HttpResponse(Content, contentType, Status, Reason);
        if (contentType is null) response.Headers.Remove("Content-Type");
        foreach (var header in Headers) response[header[0]] = header[1];
        foreach (var c in Cookies) response.Store(c.Name, c.Value, c.MaxAge, c.Expires, c.Path, c.Domain, c.Secure, c.HttpOnly, c.SameSite);
        return response;
    }

    /// <summary>One Set-Cookie, with its attributes as sent.</summary>
    public sealed record Cookie(string Name, string Value, string? Expires, long? MaxAge, string? Path, string? Domain, bool Secure, bool HttpOnly, string? SameSite);
}
