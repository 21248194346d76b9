using System.Globalization;
using Microsoft.Extensions.Logging;
using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

public class DecoratorTests
{
    public static HttpResponse Plain(HttpRequest request) => new("sync");

    public static async Task<HttpResponse> PlainAsync(HttpRequest request)
    {
        await Task.Yield();
        return new HttpResponse("async");
    }

    public static HttpResponse WithHeaders(HttpRequest request)
    {
        var response = new HttpResponse("preset");
        response["Cache-Control"] = "max-age=100, public, no-cache=Set-Cookie";
        response["Vary"] = "accept-encoding";
        response["X-Frame-Options"] = "ALLOW-FROM x";
        response["Expires"] = "tomorrow";
        return response;
    }

    [NeverCache]
    public static HttpResponse NeverCached(HttpRequest request) => new("never");

    [CacheControl(MaxAge = 3600, Public = true)]
    public static async Task<HttpResponse> CachedAsync(HttpRequest request)
    {
        await Task.Yield();
        return new HttpResponse("cached");
    }

    [RequireSafe]
    public static HttpResponse Safe(HttpRequest request) => new("safe");

    private static (NuagesApp App, LogCapture Logs) Site(Func<Delegate, Delegate> decorate, params string[] middleware)
    {
        var app = TestSite.Create(s =>
        {
            s.Debug = true;
            s.Middleware = [.. middleware];
        }, out var logs,
            Path("sync/", decorate(Plain)), Path("async/", decorate(PlainAsync)), Path("preset/", decorate(WithHeaders)),
            Path("never/", NeverCached), Path("cached/", CachedAsync), Path("safe/", Safe));
        return (app, logs);
    }

    private static async Task<List<TestResponse>> Both(NuagesApp app, string method = "GET")
    {
        var client = new AsyncClient(app);
        return [await client.RequestAsync(method, "/sync/"), await client.RequestAsync(method, "/async/")];
    }

    [Fact]
    public void Decorated_views_keep_their_mode() // as django/utils/decorators.py does (the view keeps its name)
    {
        var (app, _) = Site(v => ViewDecorators.NeverCache(ViewDecorators.RequireGet(v)));
        var modes = app.Handler.Resolver.Describe().ToDictionary(r => r.Route, r => (r.IsAsync, r.View));
        Assert.False(modes["sync/"].IsAsync);
        Assert.True(modes["async/"].IsAsync);
        Assert.True(modes["cached/"].IsAsync);
        Assert.Equal("Nuages.Tests.Views.DecoratorTests.Plain", modes["sync/"].View); // the view keeps its name
    }

    [Fact]
    public async Task Cache_control_renders_directives_and_no_arguments_give_an_empty_header() // as django/views/decorators/cache.py does
    {
        var (app, _) = Site(v => ViewDecorators.CacheControl(v, ("max_age", 10), ("no_cache", true), ("s_maxage", 5), ("stale_while_revalidate", 1), ("must_revalidate", true)));
        Assert.All(await Both(app), r => Assert.Equal("max-age=10, no-cache, s-maxage=5, stale-while-revalidate=1, must-revalidate", r["Cache-Control"]));
        var (empty, _) = Site(v => ViewDecorators.CacheControl(v));
        Assert.All(await Both(empty), r => Assert.Equal("", r["Cache-Control"]));
        Assert.Equal("max-age=3600, public", (await new AsyncClient(app).GetAsync("/cached/"))["Cache-Control"]);
        var (unvalidated, _) = Site(v => ViewDecorators.CacheControl(v, ("max_age", "abc")));
        Assert.Equal("max-age=abc", (await Both(unvalidated))[0]["Cache-Control"]);
    }

    [Fact]
    public async Task Cache_control_merges_with_the_views_header() // as django/views/decorators/cache.py does
    {
        var (app, _) = Site(v => ViewDecorators.CacheControl(v, ("max_age", 3600), ("private", true), ("no_cache", "X-Foo")));
        var response = await new AsyncClient(app).GetAsync("/preset/");
        Assert.Equal("max-age=100, no-cache=Set-Cookie, no-cache=X-Foo, private", response["Cache-Control"]);
    }

    [Fact]
    public async Task Never_cache_sets_expires_now_and_forbids_caching() // as django/views/decorators/cache.py does
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (app, _) = Site(ViewDecorators.NeverCache);
        foreach (var response in await Both(app))
        {
            Assert.Equal("max-age=0, no-cache, no-store, must-revalidate, private", response["Cache-Control"]);
            var expires = DateTimeOffset.ParseExact(response["Expires"]!, "ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.InRange(expires, before, DateTimeOffset.UtcNow.AddSeconds(1));
        }
        var preset = await new AsyncClient(app).GetAsync("/preset/");
        Assert.Equal("tomorrow", preset["Expires"]);
        Assert.Equal("max-age=0, no-cache, no-store, must-revalidate, private", preset["Cache-Control"]);
        Assert.Equal("max-age=0, no-cache, no-store, must-revalidate, private", (await new AsyncClient(app).GetAsync("/never/"))["Cache-Control"]);
    }

    [Fact]
    public async Task Vary_on_headers_appends_what_is_missing() // as django/views/decorators/vary.py does
    {
        var (app, _) = Site(v => ViewDecorators.VaryOnHeaders(v, "Header", "Another-header"));
        Assert.All(await Both(app), r => Assert.Equal("Header, Another-header", r["Vary"]));
        var (cookie, _) = Site(ViewDecorators.VaryOnCookie);
        Assert.All(await Both(cookie), r => Assert.Equal("Cookie", r["Vary"]));
        var (merge, _) = Site(v => ViewDecorators.VaryOnHeaders(v, "Accept-Encoding", "Cookie"));
        Assert.Equal("accept-encoding, Cookie", (await new AsyncClient(merge).GetAsync("/preset/"))["Vary"]);
        var (star, _) = Site(v => ViewDecorators.VaryOnHeaders(v, "*", "Cookie"));
        Assert.Equal("*", (await new AsyncClient(star).GetAsync("/preset/"))["Vary"]);
        var (none, _) = Site(v => ViewDecorators.VaryOnHeaders(v));
        Assert.All(await Both(none), r => Assert.Equal("", r["Vary"]));
    }

    [Fact]
    public async Task X_frame_options_decorators_set_their_value_unless_present() // as django/views/decorators/clickjacking.py does
    {
        var (deny, _) = Site(ViewDecorators.XFrameOptionsDeny);
        Assert.All(await Both(deny), r => Assert.Equal("DENY", r["X-Frame-Options"]));
        Assert.Equal("ALLOW-FROM x", (await new AsyncClient(deny).GetAsync("/preset/"))["X-Frame-Options"]);
        var (same, _) = Site(ViewDecorators.XFrameOptionsSameOrigin);
        Assert.All(await Both(same), r => Assert.Equal("SAMEORIGIN", r["X-Frame-Options"]));
    }

    [Fact]
    public async Task The_middleware_sets_the_setting_upper_cased_except_for_exempt_views() // as django/views/decorators/clickjacking.py does
    {
        var middleware = typeof(XFrameOptionsMiddleware).FullName!;
        var (app, _) = Site(v => v, middleware);
        Assert.All(await Both(app), r => Assert.Equal("DENY", r["X-Frame-Options"]));
        Assert.Equal("ALLOW-FROM x", (await new AsyncClient(app).GetAsync("/preset/"))["X-Frame-Options"]);
        var (exempt, _) = Site(ViewDecorators.XFrameOptionsExempt, middleware);
        Assert.All(await Both(exempt), r => Assert.Null(r["X-Frame-Options"]));
        var sameOrigin = TestSite.Create(s =>
        {
            s.Debug = true;
            s.XFrameOptions = "sameorigin";
            s.Middleware = [middleware];
        }, Path("sync/", Plain));
        Assert.Equal("SAMEORIGIN", new Client(sameOrigin).Get("/sync/")["X-Frame-Options"]);
        Assert.Equal(0, (await new AsyncClient(app).GetAsync("/async/")).Request.AdapterSwitches); // inline in async mode
    }

    [Fact]
    public async Task Require_http_methods_answers_405_without_calling_the_view() // as django/views/decorators/http.py does
    {
        var (app, logs) = Site(v => ViewDecorators.RequireHttpMethods(v, "GET", "PUT"));
        Assert.All(await Both(app, "PUT"), r => Assert.Equal(200, r.StatusCode));
        foreach (var method in new[] { "HEAD", "POST", "DELETE" })
        {
            foreach (var response in await Both(app, method))
            {
                Assert.Equal(405, response.StatusCode);
                Assert.Equal("GET, PUT", response["Allow"]);
                Assert.Empty(response.Response.Content);
            }
        }
        Assert.Contains(logs.For("Nuages.Request"), e => e.Level == LogLevel.Warning && e.Message == "Method Not Allowed (POST): /sync/");
        var (lower, _) = Site(v => ViewDecorators.RequireHttpMethods(v, "get"));
        Assert.All(await Both(lower), r => Assert.Equal(405, r.StatusCode));
    }

    [Fact]
    public async Task Require_get_post_and_safe() // as django/views/decorators/http.py does
    {
        var (get, _) = Site(ViewDecorators.RequireGet);
        Assert.All(await Both(get), r => Assert.Equal(200, r.StatusCode));
        Assert.All(await Both(get, "POST"), r => Assert.Equal("GET", r["Allow"]));
        var (post, _) = Site(ViewDecorators.RequirePost);
        Assert.All(await Both(post, "POST"), r => Assert.Equal(200, r.StatusCode));
        Assert.All(await Both(post), r => Assert.Equal("POST", r["Allow"]));
        var (safe, _) = Site(ViewDecorators.RequireSafe);
        Assert.All(await Both(safe, "HEAD"), r => Assert.Equal(200, r.StatusCode));
        Assert.All(await Both(safe, "POST"), r => Assert.Equal("GET, HEAD", r["Allow"]));
        var attribute = new Client(safe);
        Assert.Equal(405, attribute.Post("/safe/").StatusCode);
        Assert.Equal(200, attribute.Get("/safe/").StatusCode);
    }
}

public class ClassBasedViewDecoratorTests
{
    public sealed class Decorated : Nuages.Views.View
    {
        [NeverCache]
        [VaryOnCookie]
        public HttpResponse Get(HttpRequest request) => new("get");

        [RequireHttpMethods("PUT")]
        public HttpResponse Post(HttpRequest request) => new("never");
    }

    public sealed class DecoratedAsync : Nuages.Views.View
    {
        [CacheControl(MaxAge = 60)]
        public async Task<HttpResponse> Get(HttpRequest request)
        {
            await Task.Yield();
            return new HttpResponse("get");
        }
    }

    [Fact]
    public async Task Decorators_on_handlers_apply_to_that_method_only_and_keep_the_mode() // as django/utils/decorators.py and django/views/decorators/cache.py does (attributes on handler methods are the .NET method_decorator)
    {
        var app = TestSite.Create(s => s.Debug = true,
            Path("sync/", Nuages.Views.View.AsView<Decorated>()), Path("async/", Nuages.Views.View.AsView<DecoratedAsync>()));
        var client = new AsyncClient(app);
        var get = await client.GetAsync("/sync/");
        Assert.Equal("max-age=0, no-cache, no-store, must-revalidate, private", get["Cache-Control"]);
        Assert.Equal("Cookie", get["Vary"]);
        var post = await client.PostAsync("/sync/", "x", "text/plain");
        Assert.Equal(405, post.StatusCode);
        Assert.Equal("PUT", post["Allow"]);
        Assert.Null(post["Vary"]);
        Assert.Equal("max-age=60", (await client.GetAsync("/async/"))["Cache-Control"]);
        var modes = app.Handler.Resolver.Describe().ToDictionary(r => r.Route, r => r.IsAsync);
        Assert.False(modes["sync/"]);
        Assert.True(modes["async/"]);
    }
}
