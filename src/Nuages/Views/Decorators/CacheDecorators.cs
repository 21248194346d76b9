using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>cache_control</c>: merges directives into Cache-Control after the view. Set the ones to add;
/// underscores of Django's keywords are hyphens here (<c>MaxAge</c> → <c>max-age</c>).
/// </summary>
public sealed class CacheControlAttribute : ViewDecoratorAttribute
{
    private readonly List<(string Name, object Value)> _directives = [];

    /// <summary>No directive: the header is set to the empty string (as django/views/decorators/cache.py).</summary>
    public CacheControlAttribute()
    {
    }

    internal CacheControlAttribute(IEnumerable<(string Name, object Value)> directives) => _directives.AddRange(directives);

    private int _maxAge;
    private bool _public, _private, _noCache, _noStore, _mustRevalidate;

    /// <summary>max-age, in seconds.</summary>
    public int MaxAge { get => _maxAge; set => Add("max-age", _maxAge = value); }

    /// <summary>public.</summary>
    public bool Public { get => _public; set => Add("public", _public = value); }

    /// <summary>private.</summary>
    public bool Private { get => _private; set => Add("private", _private = value); }

    /// <summary>no-cache.</summary>
    public bool NoCache { get => _noCache; set => Add("no-cache", _noCache = value); }

    /// <summary>no-store.</summary>
    public bool NoStore { get => _noStore; set => Add("no-store", _noStore = value); }

    /// <summary>must-revalidate.</summary>
    public bool MustRevalidate { get => _mustRevalidate; set => Add("must-revalidate", _mustRevalidate = value); }

    private void Add(string name, object value)
    {
        _directives.RemoveAll(d => d.Name == name);
        _directives.Add((name, value));
    }

    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        HttpHeaders.PatchCacheControl(response, _directives);
        return response;
    }
}

/// <summary>Django's <c>never_cache</c>: <c>Expires</c> now (unless set) and <c>Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private</c>.</summary>
public sealed class NeverCacheAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        // As django/views/decorators/cache.py does: patch_response_headers with a timeout of -1, clamped to 0.
        HttpHeaders.PatchResponseHeaders(response, -1, DateTimeOffset.UtcNow);
        HttpHeaders.PatchCacheControl(response, [("no-cache", true), ("no-store", true), ("must-revalidate", true), ("private", true)]); // as django/views/decorators/cache.py does
        return response;
    }
}

/// <summary>Django's <c>vary_on_headers</c>: adds header names to Vary.</summary>
public class VaryOnHeadersAttribute(params string[] headers) : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        HttpHeaders.PatchVary(response, headers);
        return response;
    }
}

/// <summary>Django's <c>vary_on_cookie</c>: adds Cookie to Vary (as django/views/decorators/vary.py).</summary>
public sealed class VaryOnCookieAttribute() : VaryOnHeadersAttribute("Cookie");
