using Nuages.Cache;
using Nuages.Conf;
using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Middleware;

/// <summary>The site-wide page cache: UpdateCacheMiddleware and FetchFromCacheMiddleware, or CacheMiddleware, as django/middleware/cache.py.</summary>
public class CacheMiddlewareTests
{
    private int _calls;

    private HttpResponse Page(HttpRequest request)
    {
        var response = new HttpResponse($"page {Interlocked.Increment(ref _calls)}");
        if (request.Query.Get("max_age") is { } maxAge) response["Cache-Control"] = "max-age=" + maxAge;
        return response;
    }

    private async Task<HttpResponse> PageAsync(HttpRequest request)
    {
        await Task.Yield();
        return Page(request);
    }

    private NuagesApp Site(Action<Settings> configure) => TestSite.Create(s =>
        {
            s.AllowedHosts = ["testserver"];
            configure(s);
        },
        Path("page/", new Func<HttpRequest, HttpResponse>(Page)),
        Path("async/", new Func<HttpRequest, Task<HttpResponse>>(PageAsync)));

    [Fact]
    public async Task The_two_parts_store_for_cache_middleware_seconds_and_answer_with_age()
    {
        var app = Site(s =>
        {
            s.Middleware.Add<UpdateCacheMiddleware>();
            s.Middleware.Add<CommonMiddleware>();
            s.Middleware.Add<FetchFromCacheMiddleware>();
        });
        var client = new AsyncClient(app);
        var first = await client.GetAsync("/page/");
        var second = await client.GetAsync("/page/");
        Assert.Equal("page 1", second.Text);
        Assert.Equal("max-age=600", first["Cache-Control"]); // CacheMiddlewareSeconds, Django's 600
        Assert.Equal("max-age=600", second["Cache-Control"]);
        Assert.NotNull(second["Age"]);
        // the response's own max-age is the timeout; 0 is not stored
        Assert.Equal("page 2", (await client.GetAsync("/page/?max_age=0")).Text);
        Assert.Equal("page 3", (await client.GetAsync("/page/?max_age=0")).Text);
        Assert.Equal("max-age=5", (await client.GetAsync("/page/?max_age=5"))["Cache-Control"]);
        Assert.Equal("page 4", (await client.GetAsync("/page/?max_age=5")).Text);
        // other methods pass through
        Assert.Equal("page 5", (await client.PostAsync("/page/", new { a = 1 })).Text);
    }

    [Fact]
    public async Task Cache_middleware_uses_the_settings_alias_prefix_and_seconds()
    {
        var app = Site(s =>
        {
            s.Caches["pages"] = new CacheSettings { Backend = "locmem", Location = "pages" };
            s.CacheMiddlewareAlias = "pages";
            s.CacheMiddlewareKeyPrefix = "site1";
            s.CacheMiddlewareSeconds = 120;
            s.Middleware.Add<CacheMiddleware>();
        });
        var client = new Client(app);
        Assert.Equal("max-age=120", client.Get("/page/")["Cache-Control"]);
        Assert.Equal("page 1", client.Get("/page/").Text);
        using var entered = app.Enter();
        var request = new RequestFactory(app).Get("/page/");
        var key = CacheKeys.GetCacheKey(request);
        Assert.NotNull(key);
        Assert.StartsWith("views.decorators.cache.cache_page.site1.GET.", key);
        Assert.True(Caches.Get("pages").Has(key!));
        Assert.False(Caches.Default.Has(key!));
    }

    [Fact]
    public async Task An_async_view_behind_the_cache_middleware_switches_nothing()
    {
        var app = Site(s => s.Middleware.Add<CacheMiddleware>());
        var client = new AsyncClient(app);
        var first = await client.GetAsync("/async/");
        var second = await client.GetAsync("/async/");
        Assert.Equal("page 1", second.Text);
        Assert.Equal(0, first.Request.AdapterSwitches);
        Assert.Equal(0, second.Request.AdapterSwitches);
    }
}
