using Nuages.Cache;
using Nuages.Conf;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Cache;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

/// <summary>
/// <c>CachePage</c> as django/views/decorators/cache.py's cache_page (CacheMiddleware around one view), on the site's
/// caches with Django's keys; the cases of Django's tests/cache/tests.py CacheMiddlewareTest and CacheUtils.
/// </summary>
public class CachePageTests
{
    private int _calls;

    private HttpResponse Counting(HttpRequest request)
    {
        var n = Interlocked.Increment(ref _calls);
        var response = new HttpResponse($"call {n}");
        if (request.Query.ContainsKey("private")) response["Cache-Control"] = "private";
        if (request.Query.Get("vary") is { } vary) response["Vary"] = vary;
        if (request.Query.Get("max_age") is { } maxAge) response["Cache-Control"] = "max-age=" + maxAge;
        if (request.Query.ContainsKey("cookie")) response.SetCookie("flavour", "oat");
        if (request.Query.ContainsKey("missing")) response.StatusCode = 404;
        return response;
    }

    private async Task<HttpResponse> CountingAsync(HttpRequest request)
    {
        await Task.Yield();
        return Counting(request);
    }

    /// <summary>A response rendered after the view, as a template response is.</summary>
    private sealed class Deferred(Func<string> render) : RenderableResponse
    {
        protected override string RenderContent() => render();
    }

    private NuagesApp Site(Action<Settings>? configure = null) => TestSite.Create(s =>
        {
            s.Debug = true;
            s.AllowedHosts = ["testserver"];
            s.Caches["other"] = new CacheSettings { Backend = "locmem", Location = "other" };
            configure?.Invoke(s);
        },
        Path("sync/", ViewDecorators.CachePage(new Func<HttpRequest, HttpResponse>(Counting), 60)),
        Path("async/", ViewDecorators.CachePage(new Func<HttpRequest, Task<HttpResponse>>(CountingAsync), 60)),
        Path("other/", ViewDecorators.CachePage(new Func<HttpRequest, HttpResponse>(Counting), 30, cache: "other", keyPrefix: "p1")),
        Path("zero/", ViewDecorators.CachePage(new Func<HttpRequest, HttpResponse>(Counting), 0)),
        Path("deferred/", ViewDecorators.CachePage(new Func<HttpRequest, HttpResponse>(_ => new Deferred(() => $"rendered {Interlocked.Increment(ref _calls)}")), 60)),
        Path("deferred-async/", ViewDecorators.CachePage(new Func<HttpRequest, Task<HttpResponse>>(async _ =>
        {
            await Task.Yield();
            return new Deferred(() => $"rendered {Interlocked.Increment(ref _calls)}");
        }), 60)));

    [Fact]
    public async Task A_second_get_is_served_from_the_cache_on_sync_and_async_views()
    {
        var app = Site();
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
            Assert.Null(first["Age"]);
            Assert.Equal("max-age=60", second["Cache-Control"]);
            Assert.Equal(first["Expires"], second["Expires"]);
            // Age: the max-age less what Expires leaves, within the test's second or two
            Assert.InRange(int.Parse(second["Age"]!, System.Globalization.CultureInfo.InvariantCulture), 0, 2);
        }
        Assert.Equal(2, _calls);
        Assert.NotEqual((await client.GetAsync("/sync/?other=1")).Text, (await client.GetAsync("/sync/")).Text);
        Assert.Equal(3, _calls);
    }

    [Fact]
    public void Pages_live_in_the_sites_cache_under_djangos_keys()
    {
        var app = Site();
        var client = new Client(app);
        var first = client.Get("/other/");
        Assert.Equal("call 1", client.Get("/other/").Text);
        Assert.Equal("max-age=30", first["Cache-Control"]);
        using var entered = app.Enter();
        var request = new RequestFactory(app).Get("/other/");
        // the named cache and the prefix, not the default cache
        Assert.Null(CacheKeys.GetCacheKey(request, "p1", cache: Caches.Default));
        var key = CacheKeys.GetCacheKey(request, "p1", cache: Caches.Get("other"))!;
#pragma warning disable CA5351 // Django's keys are md5 hex digests
        var url = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("http://testserver/other/"u8));
#pragma warning restore CA5351
        // the md5 of no header values ends it, then the language and time zone
        Assert.Equal($"views.decorators.cache.cache_page.p1.GET.{url}.d41d8cd98f00b204e9800998ecf8427e.en-us.UTC", key);
        Assert.True(Caches.Get("other").Has(key));
        // deleting the page makes the view run again
        Caches.Get("other").Delete(key);
        Assert.Equal("call 2", client.Get("/other/").Text);
    }

    [Fact]
    public async Task Posts_errors_private_and_cookie_setting_responses_are_not_stored()
    {
        var client = new AsyncClient(Site());
        await client.PostAsync("/sync/", new { a = 1 });
        await client.PostAsync("/sync/", new { a = 1 });
        Assert.Equal(2, _calls);
        await client.GetAsync("/sync/?private=1");
        await client.GetAsync("/sync/?private=1");
        Assert.Equal(4, _calls);
        var missing = await client.GetAsync("/sync/?missing=1");
        await client.GetAsync("/sync/?missing=1");
        Assert.Equal(6, _calls);
        Assert.Null(missing["Expires"]);
        // a cookie set on a response that varies on cookies is that visitor's alone, even when the request carried
        // unrelated cookies (Django's 2026 fix)
        var cookieClient = new Client(Site());
        cookieClient.Cookies["unrelated"] = "1";
        var withCookie = cookieClient.Get("/sync/?cookie=1&vary=Cookie");
        Assert.NotEqual(withCookie.Text, cookieClient.Get("/sync/?cookie=1&vary=Cookie").Text);
        // a response varying on everything, with or without spaces around the star
        Assert.NotEqual((await client.GetAsync("/sync/?vary=*")).Text, (await client.GetAsync("/sync/?vary=*")).Text);
        Assert.NotEqual((await client.GetAsync("/sync/?vary=%2A%20")).Text, (await client.GetAsync("/sync/?vary=%2A%20")).Text);
    }

    [Fact]
    public async Task Vary_headers_split_the_cache_and_accept_language_follows_use_i18n()
    {
        var client = new AsyncClient(Site());
        var a = await client.GetAsync("/sync/?vary=X-Variant", headers: new Dictionary<string, string> { ["X-Variant"] = "a" });
        var b = await client.GetAsync("/sync/?vary=X-Variant", headers: new Dictionary<string, string> { ["X-Variant"] = "b" });
        var aAgain = await client.GetAsync("/sync/?vary=X-Variant", headers: new Dictionary<string, string> { ["X-Variant"] = "a" });
        Assert.NotEqual(a.Text, b.Text);
        Assert.Equal(a.Text, aAgain.Text);
        // absent and empty are two different requests (RFC 9111 §4.1)
        var empty = await client.GetAsync("/sync/?vary=X-Variant", headers: new Dictionary<string, string> { ["X-Variant"] = "" });
        var absent = await client.GetAsync("/sync/?vary=X-Variant");
        Assert.NotEqual(empty.Text, absent.Text);
        Assert.Equal(empty.Text, (await client.GetAsync("/sync/?vary=X-Variant", headers: new Dictionary<string, string> { ["X-Variant"] = "" })).Text);
        // With UseI18N (Django's default) the key ends with the site's language, so Accept-Language adds nothing to it.
        var french = await client.GetAsync("/sync/?vary=Accept-Language", headers: new Dictionary<string, string> { ["Accept-Language"] = "fr" });
        var german = await client.GetAsync("/sync/?vary=Accept-Language", headers: new Dictionary<string, string> { ["Accept-Language"] = "de" });
        Assert.Equal(french.Text, german.Text);
        var noI18N = new AsyncClient(Site(s => s.UseI18N = false));
        french = await noI18N.GetAsync("/sync/?vary=Accept-Language", headers: new Dictionary<string, string> { ["Accept-Language"] = "fr" });
        german = await noI18N.GetAsync("/sync/?vary=Accept-Language", headers: new Dictionary<string, string> { ["Accept-Language"] = "de" });
        Assert.NotEqual(french.Text, german.Text);
    }

    [Fact]
    public async Task The_page_timeout_wins_over_max_age_and_zero_stores_nothing()
    {
        var client = new AsyncClient(Site());
        // the view says max-age=5; the page keeps its 60 seconds, and patch_cache_control keeps the smaller max-age in the header
        var first = await client.GetAsync("/sync/?max_age=5");
        Assert.Equal("max-age=5", first["Cache-Control"]);
        Assert.Equal(first.Text, (await client.GetAsync("/sync/?max_age=5")).Text);
        var zero = await client.GetAsync("/zero/");
        Assert.Equal("max-age=0", zero["Cache-Control"]);
        Assert.NotEqual(zero.Text, (await client.GetAsync("/zero/")).Text);
    }

    [Fact]
    public async Task A_deferred_response_is_stored_once_rendered_in_either_mode()
    {
        var client = new AsyncClient(Site());
        foreach (var path in new[] { "/deferred/", "/deferred-async/" })
        {
            var first = await client.GetAsync(path);
            var second = await client.GetAsync(path);
            Assert.StartsWith("rendered ", first.Text);
            Assert.Equal(first.Text, second.Text);
            Assert.Equal("max-age=60", second["Cache-Control"]);
        }
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task A_head_is_answered_from_the_get_copy()
    {
        var client = new AsyncClient(Site());
        await client.GetAsync("/sync/");
        var head = await client.HeadAsync("/sync/");
        Assert.Equal(200, head.StatusCode);
        Assert.NotNull(head["Age"]);
        Assert.Equal(1, _calls);
    }

    [RedisFact]
    public async Task On_redis_an_async_view_reads_and_stores_its_page_with_no_switch()
    {
        var app = Site(s => s.Caches["default"] = new CacheSettings
        {
            Backend = "redis",
            Location = CacheTests.RedisAt(0),
            KeyPrefix = "cp" + Guid.NewGuid().ToString("N")[..8],
        });
        var client = new AsyncClient(app);
        var first = await client.GetAsync("/async/");
        var second = await client.GetAsync("/async/");
        Assert.Equal("call 1", second.Text);
        Assert.Equal(0, first.Request.AdapterSwitches);
        Assert.Equal(0, second.Request.AdapterSwitches);
        Assert.Equal(first["Expires"], second["Expires"]);
    }
}
