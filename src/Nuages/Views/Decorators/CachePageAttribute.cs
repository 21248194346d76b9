using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nuages.Cache;
using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>cache_page(timeout)</c> (CacheMiddleware around one view): a GET or HEAD is answered from the
/// local-memory cache when a fresh copy exists; otherwise a 200 response is stored, keyed by its URL and the
/// request headers its <c>Vary</c> names, and given <c>Expires</c> and <c>Cache-Control: max-age</c>. Private,
/// cookie-leaking and streaming responses are not stored.
/// </summary>
public sealed class CachePageAttribute(int seconds) : ViewDecoratorAttribute
{
    private readonly string _prefix = "nuages.cache_page." + Guid.NewGuid().ToString("N");
    private readonly string _updateKey = "nuages.cache_page.update." + Guid.NewGuid().ToString("N");

    /// <summary>How long responses are cached, in seconds.</summary>
    public int Seconds { get; } = seconds;

    /// <summary>The cache used; the process-wide local-memory cache unless set.</summary>
    public LocalMemoryCache Cache { get; init; } = LocalMemoryCache.Default;

    /// <inheritdoc />
    public override HttpResponse? Before(HttpRequest request)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            request.Items[_updateKey] = false;
            return null;
        }
        if (Cache.TryGet<string[]>(HeaderListKey(request), out var headers) && Cache.TryGet<CachedResponse>(ResponseKey(request, headers), out var cached))
        {
            request.Items[_updateKey] = false;
            return cached.Restore();
        }
        request.Items[_updateKey] = true;
        return null;
    }

    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        if (!request.Items.TryGetValue(_updateKey, out var update) || update is not true) return response;
        if (response.Streaming || response.StatusCode != 200) return response;
        var vary = (response["Vary"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // A response that sets cookies and varies on them must not serve one visitor's cookies to another.
        if (request.Cookies.Count == 0 && response.Cookies.Count > 0 && vary.Contains("Cookie", StringComparer.OrdinalIgnoreCase)) return response;
        var cacheControl = response["Cache-Control"] ?? "";
        if (cacheControl.Split(',').Any(d => d.Trim().Equals("private", StringComparison.OrdinalIgnoreCase))) return response;
        var timeout = MaxAge(cacheControl) ?? Seconds;
        if (timeout <= 0) return response;
        response.Headers.SetDefault("Expires", ResponseCookie.HttpDate(DateTimeOffset.UtcNow.AddSeconds(timeout)));
        HttpHeaders.PatchCacheControl(response, [("max-age", timeout)]);
        var headers = vary.Where(h => h != "*").Select(h => h.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray();
        Cache.Set(HeaderListKey(request), headers, TimeSpan.FromSeconds(timeout));
        Cache.Set(ResponseKey(request, headers), CachedResponse.Of(response), TimeSpan.FromSeconds(timeout));
        return response;
    }

    private static int? MaxAge(string cacheControl)
    {
        foreach (var directive in cacheControl.Split(','))
        {
            var parts = directive.Trim().Split('=', 2);
            if (parts.Length == 2 && parts[0].Equals("max-age", StringComparison.OrdinalIgnoreCase) && int.TryParse(parts[1], out var age)) return age;
        }
        return null;
    }

    private string HeaderListKey(HttpRequest request) => $"{_prefix}.headers.{Hash(request.BuildAbsoluteUri())}";

    private string ResponseKey(HttpRequest request, string[] headers)
    {
        var values = new StringBuilder();
        foreach (var header in headers) values.Append(request.Headers.Get(header)).Append('\0');
        return $"{_prefix}.page.{Hash(request.BuildAbsoluteUri())}.{Hash(values.ToString())}";
    }

#pragma warning disable CA5351 // not security: Django's cache keys are md5 of the URL and headers, kept so they match
    private static string Hash(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    /// <summary>A stored copy: status, headers, cookies and body, rebuilt into a new response for each hit.</summary>
    private sealed record CachedResponse(int Status, KeyValuePair<string, string>[] Headers, ResponseCookie[] Cookies, byte[] Content)
    {
        public static CachedResponse Of(HttpResponse response) =>
            new(response.StatusCode, [.. response.Headers], [.. response.Cookies.Values], response.Content);

        public HttpResponse Restore()
        {
            var response = new HttpResponse(Content, status: Status);
            foreach (var (name, value) in Headers) response[name] = value;
            foreach (var cookie in Cookies)
                response.SetCookie(cookie.Name, cookie.Value, cookie.MaxAge, null, cookie.Path, cookie.Domain, cookie.Secure, cookie.HttpOnly, cookie.SameSite);
            return response;
        }
    }
}
