using System.Security.Cryptography;
using System.Text;
using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Cache;

#pragma warning disable CA5351 // not security: Django's cache keys are md5 hex digests, kept so a key names the same page as Django's

/// <summary>
/// The keys of Django's page and fragment caches, spelled as Django spells them (django/utils/cache.py,
/// django/core/cache/utils.py): a page is found through the list of request headers its response varied on, kept
/// under <c>views.decorators.cache.cache_header.{prefix}.{md5(url)}</c>, and stored under
/// <c>views.decorators.cache.cache_page.{prefix}.{method}.{md5(url)}.{md5(header values)}</c>, both ending with the
/// language (with <see cref="Settings.UseI18N"/>) and the time zone.
/// </summary>
public static class CacheKeys
{
    private const string HeaderKeyPrefix = "views.decorators.cache.cache_header.";
    private const string PageKeyPrefix = "views.decorators.cache.cache_page.";
    private const string FragmentKeyPrefix = "template.cache.";

    /// <summary>
    /// The key of the page cached for this request's URL and the request headers its response varied on, or null
    /// when no response for the URL was learned (Django's <c>get_cache_key</c>). The cache defaults to
    /// <see cref="Settings.CacheMiddlewareAlias"/>'s and the prefix to <see cref="Settings.CacheMiddlewareKeyPrefix"/>.
    /// </summary>
    public static string? GetCacheKey(HttpRequest request, string? keyPrefix = null, string method = "GET", BaseCache? cache = null) =>
        Async.SyncMode.Result(GetCacheKey(request, keyPrefix, method, cache, false, default), PageCache.SyncModeName);

    /// <summary>The async form of <see cref="GetCacheKey(HttpRequest, string?, string, BaseCache?)"/>: the header list is read with async I/O.</summary>
    public static ValueTask<string?> GetCacheKeyAsync(HttpRequest request, string? keyPrefix = null, string method = "GET", BaseCache? cache = null, CancellationToken cancellationToken = default) =>
        GetCacheKey(request, keyPrefix, method, cache, true, cancellationToken);

    /// <summary>
    /// Remembers which request headers the response varies on (its <c>Vary</c>) for this URL, for
    /// <paramref name="cacheTimeout"/> seconds (<see cref="Settings.CacheMiddlewareSeconds"/> unless given), and
    /// returns the key to store the page under (Django's <c>learn_cache_key</c>).
    /// </summary>
    public static string LearnCacheKey(HttpRequest request, HttpResponse response, int? cacheTimeout = null, string? keyPrefix = null, BaseCache? cache = null) =>
        Async.SyncMode.Result(LearnCacheKey(request, response, cacheTimeout, keyPrefix, cache, false, default), PageCache.SyncModeName);

    /// <summary>The async form of <see cref="LearnCacheKey(HttpRequest, HttpResponse, int?, string?, BaseCache?)"/>.</summary>
    public static ValueTask<string> LearnCacheKeyAsync(HttpRequest request, HttpResponse response, int? cacheTimeout = null, string? keyPrefix = null, BaseCache? cache = null, CancellationToken cancellationToken = default) =>
        LearnCacheKey(request, response, cacheTimeout, keyPrefix, cache, true, cancellationToken);

    /// <summary>
    /// The key of a <c>{% cache %}</c> fragment: <c>template.cache.{name}.{md5 of each vary-on value and a colon}</c>
    /// (Django's <c>make_template_fragment_key</c>), to delete a fragment from a view.
    /// </summary>
    public static string MakeTemplateFragmentKey(string fragmentName, IEnumerable<object?>? varyOn = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var value in varyOn ?? [])
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Templates.TemplateValues.ToText(value)));
            hash.AppendData(":"u8);
        }
        return FragmentKeyPrefix + fragmentName + "." + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async ValueTask<string?> GetCacheKey(HttpRequest request, string? keyPrefix, string method, BaseCache? cache, bool async, CancellationToken cancellationToken)
    {
        var settings = Site.Current.Settings;
        keyPrefix ??= settings.CacheMiddlewareKeyPrefix;
        var headers = await HeaderList(request, keyPrefix, cache ?? Caches.Get(settings.CacheMiddlewareAlias), async, cancellationToken).ConfigureAwait(false);
        return headers is null ? null : PageKey(request, method, headers, keyPrefix, settings);
    }

    /// <summary>The request headers the URL's page varied on, as learned; null when none was learned.</summary>
    internal static async ValueTask<List<string>?> HeaderList(HttpRequest request, string keyPrefix, BaseCache cache, bool async, CancellationToken cancellationToken)
    {
        var headerKey = HeaderKey(request, keyPrefix, Site.Current.Settings);
        return async
            ? await cache.GetAsync<List<string>>(headerKey, cancellationToken: cancellationToken).ConfigureAwait(false)
            : cache.Get<List<string>>(headerKey);
    }

    /// <summary>The page key for <paramref name="method"/> from a header list already read.</summary>
    internal static string PageKey(HttpRequest request, string method, List<string> headers, string keyPrefix) =>
        PageKey(request, method, headers, keyPrefix, Site.Current.Settings);

    private static async ValueTask<string> LearnCacheKey(HttpRequest request, HttpResponse response, int? cacheTimeout, string? keyPrefix, BaseCache? cache, bool async, CancellationToken cancellationToken)
    {
        var settings = Site.Current.Settings;
        keyPrefix ??= settings.CacheMiddlewareKeyPrefix;
        var timeout = TimeSpan.FromSeconds(cacheTimeout ?? settings.CacheMiddlewareSeconds);
        cache ??= Caches.Get(settings.CacheMiddlewareAlias);
        var headers = new List<string>();
        foreach (var name in HttpHeaders.VaryNames(response))
        {
            var meta = name.ToUpperInvariant().Replace('-', '_');
            // With i18n the key ends with the language, so Accept-Language would only store one page many times over (Django's #18191).
            if (meta != "ACCEPT_LANGUAGE" || !settings.UseI18N) headers.Add("HTTP_" + meta);
        }
        headers.Sort(StringComparer.Ordinal);
        var headerKey = HeaderKey(request, keyPrefix, settings);
        if (async) await cache.SetAsync(headerKey, headers, timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        else cache.Set(headerKey, headers, timeout);
        return PageKey(request, request.Method, headers, keyPrefix, settings);
    }

    private static ReadOnlySpan<byte> AbsentMarker => "-,"u8;

    private static string HeaderKey(HttpRequest request, string keyPrefix, Settings settings) =>
        Suffixed($"{HeaderKeyPrefix}{keyPrefix}.{UrlHash(request)}", settings);

    private static string PageKey(HttpRequest request, string method, List<string> headers, string keyPrefix, Settings settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var header in headers)
        {
            // A header absent from the request must not share a key with the same header sent empty (RFC 9111 §4.1):
            // Django hashes the marker "-," for it, which no header value's bytes can be mistaken for here.
            if (request.Meta.Get(header) is { } value) hash.AppendData(Encoding.UTF8.GetBytes(value));
            else hash.AppendData(AbsentMarker);
        }
        return Suffixed($"{PageKeyPrefix}{keyPrefix}.{method}.{UrlHash(request)}.{Convert.ToHexStringLower(hash.GetHashAndReset())}", settings);
    }

    private static string UrlHash(HttpRequest request) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(request.BuildAbsoluteUri())));

    // As Django's _i18n_cache_key_suffix: the language when i18n is on; the time zone always (Nuages' datetimes are aware, as USE_TZ).
    private static string Suffixed(string key, Settings settings) =>
        settings.UseI18N ? $"{key}.{settings.LanguageCode}.{settings.TimeZone}" : $"{key}.{settings.TimeZone}";
}
