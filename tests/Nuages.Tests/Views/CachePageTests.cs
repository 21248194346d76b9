using Nuages.Cache;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

public class CachePageTests
{
    private int _calls;

    private HttpResponse Counting(HttpRequest request)
    {
        var n = Interlocked.Increment(ref _calls);
        var response = new HttpResponse($"call {n}");
        if (request.Query.ContainsKey("private")) response["Cache-Control"] = "private";
        if (request.Query.ContainsKey("vary")) response["Vary"] = "Accept-Language";
        return response;
    }

    private async Task<HttpResponse> CountingAsync(HttpRequest request)
    {
        await Task.Yield();
        return Counting(request);
    }

    private NuagesApp Site(LocalMemoryCache cache) => TestSite.Create(s => s.Debug = true,
        Path("sync/", ViewDecorators.Decorate(new Func<HttpRequest, HttpResponse>(Counting), new CachePageAttribute(60) { Cache = cache })),
        Path("async/", ViewDecorators.Decorate(new Func<HttpRequest, Task<HttpResponse>>(CountingAsync), new CachePageAttribute(60) { Cache = cache })));

    [Fact]
    public async Task A_second_get_is_served_from_the_cache_on_sync_and_async_views() // as django/views/decorators/cache.py does
    {
        var app = Site(new LocalMemoryCache());
        Assert.False(app.Handler.Resolver.Describe().Single(r => r.Route == "sync/").IsAsync);
        Assert.True(app.Handler.Resolver.Describe().Single(r => r.Route == "async/").IsAsync);
        var client = new AsyncClient(app);
        foreach (var path in new[] { "/sync/", "/async/" })
        {
            var first = await client.GetAsync(path);
            var second = await client.GetAsync(path);
            Assert.Equal(first.Text, second.Text);
            Assert.Equal("max-age=60", first["Cache-Control"]);
            Assert.NotNull(first["Expires"]);
            Assert.Equal("max-age=60", second["Cache-Control"]);
        }
        Assert.Equal(2, _calls);
        Assert.NotEqual((await client.GetAsync("/sync/?other=1")).Text, (await client.GetAsync("/sync/")).Text);
    }

    [Fact]
    public async Task Posts_private_responses_and_vary_headers_are_respected()
    {
        var client = new AsyncClient(Site(new LocalMemoryCache()));
        await client.PostAsync("/sync/", new { a = 1 });
        await client.PostAsync("/sync/", new { a = 1 });
        Assert.Equal(2, _calls);
        await client.GetAsync("/sync/?private=1");
        await client.GetAsync("/sync/?private=1");
        Assert.Equal(4, _calls);
        var french = await client.GetAsync("/sync/?vary=1", headers: new Dictionary<string, string> { ["Accept-Language"] = "fr" });
        var german = await client.GetAsync("/sync/?vary=1", headers: new Dictionary<string, string> { ["Accept-Language"] = "de" });
        var frenchAgain = await client.GetAsync("/sync/?vary=1", headers: new Dictionary<string, string> { ["Accept-Language"] = "fr" });
        Assert.NotEqual(french.Text, german.Text);
        Assert.Equal(french.Text, frenchAgain.Text);
    }
}
