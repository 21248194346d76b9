using Nuages.Gateways;
using Conformance;
using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;

namespace Nuages.Tests.Samples;

/// <summary>The conformance site's table answers as described, for sync and async views, in both modes.</summary>
public class ConformanceSiteTests
{
    private static NuagesApp Site() => TestSite.Create(s =>
    {
        s.Debug = false;
        s.AllowedHosts = ["*"];
        s.Middleware = [typeof(SecurityMiddleware).FullName!, typeof(CommonMiddleware).FullName!, typeof(CsrfViewMiddleware).FullName!, typeof(XFrameOptionsMiddleware).FullName!];
    }, [.. DecoratorTable.UrlPatterns()]);

    [Theory]
    [InlineData("sync")]
    [InlineData("async")]
    public async Task Every_entry_answers_with_its_name_mode_and_method(string mode)
    {
        var app = Site();
        var client = new AsyncClient(app);
        foreach (var name in new[] { "none", "cache_control", "never_cache", "csrf_exempt", "ensure_csrf_cookie", "gzip_page", "condition", "conditional_page", "etag", "last_modified", "require_GET", "require_safe", "vary_on_cookie", "xframe_options_exempt", "cache_page" })
        {
            var json = (await client.GetAsync($"/deco/{name}/{mode}")).Json();
            Assert.Equal(name, json.GetProperty("decorator").GetString());
            Assert.Equal(mode, json.GetProperty("mode").GetString());
            Assert.Equal("GET", json.GetProperty("method").GetString());
        }
        var expectedAsync = mode == "async";
        Assert.All(app.Handler.Resolver.Describe().Where(r => r.Route.EndsWith("/" + mode)), r => Assert.Equal(expectedAsync, r.IsAsync));
    }

    [Fact]
    public async Task Extras_and_headers()
    {
        var client = new AsyncClient(Site());
        var frame = (await client.GetAsync("/deco/sensitive_variables/async")).Json().GetProperty("frame_vars");
        Assert.Equal("alice", frame.GetProperty("user").GetString());
        Assert.Equal("********************", frame.GetProperty("password").GetString());
        var post = (await client.PostAsync("/deco/sensitive_post_parameters/sync", new { password = "x", b = "2", a = "1" })).Json().GetProperty("post");
        Assert.Equal(["a", "b", "password"], post.EnumerateObject().Select(p => p.Name));
        Assert.Equal("********************", post.GetProperty("password").GetString());
        Assert.True((await client.GetAsync("/deco/requires_csrf_token/sync")).Json().GetProperty("csrf_input").GetBoolean());
        var none = await client.GetAsync("/deco/none/async");
        Assert.Equal("DENY", none["X-Frame-Options"]);
        Assert.Equal("nosniff", none["X-Content-Type-Options"]);
        Assert.Equal(301, (await client.GetAsync("/deco/append_slash_control/sync/dir")).StatusCode);
        Assert.Equal(404, (await client.GetAsync("/deco/no_append_slash/async/dir")).StatusCode);
        Assert.Equal(0, none.Request.AdapterSwitches); // all four middleware and an async view: no switch
    }
}

/// <summary>A representative subset of the decorator table over a real Kestrel, on both gateways.</summary>
public class ConformanceOverKestrelTests
{
    [Theory]
    [InlineData(ServerGateway.Async)]
    [InlineData(ServerGateway.Sync)]
    public async Task Headers_and_statuses_match_through_each_gateway(ServerGateway gateway)
    {
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["*"];
            s.Middleware = [typeof(SecurityMiddleware).FullName!, typeof(CommonMiddleware).FullName!, typeof(CsrfViewMiddleware).FullName!, typeof(XFrameOptionsMiddleware).FullName!];
        }, [.. DecoratorTable.UrlPatterns()]);
        await using var server = await app.StartAsync("127.0.0.1:0", gateway, threads: 4);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.Address };
        foreach (var mode in new[] { "sync", "async" })
        {
            var cached = await http.GetAsync($"/deco/cache_control/{mode}");
            Assert.Equal("max-age=3600, public", cached.Headers.NonValidated["Cache-Control"].ToString());
            Assert.Equal("DENY", cached.Headers.GetValues("X-Frame-Options").Single());

            var gzipRequest = new HttpRequestMessage(HttpMethod.Get, $"/deco/gzip_page/{mode}");
            gzipRequest.Headers.Add("Accept-Encoding", "gzip");
            var gzip = await http.SendAsync(gzipRequest);
            Assert.Equal("gzip", gzip.Content.Headers.ContentEncoding.Single());
            Assert.Equal("Accept-Encoding", gzip.Headers.Vary.Single());

            var conditional = new HttpRequestMessage(HttpMethod.Get, $"/deco/condition/{mode}");
            conditional.Headers.TryAddWithoutValidation("If-None-Match", "\"cond-v1\"");
            Assert.Equal(System.Net.HttpStatusCode.NotModified, (await http.SendAsync(conditional)).StatusCode);

            var notAllowed = await http.GetAsync($"/deco/require_POST/{mode}");
            Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, notAllowed.StatusCode);
            Assert.Equal("POST", string.Join(", ", notAllowed.Content.Headers.Allow));

            var forbidden = await http.PostAsync($"/deco/csrf_protect/{mode}", new FormUrlEncodedContent([new("a", "1")]));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, forbidden.StatusCode);

            var redirect = await http.GetAsync($"/deco/append_slash_control/{mode}/dir?x=1");
            Assert.Equal(System.Net.HttpStatusCode.MovedPermanently, redirect.StatusCode);
            Assert.Equal($"/deco/append_slash_control/{mode}/dir/?x=1", redirect.Headers.Location?.OriginalString);

            var ensure = await http.GetAsync($"/deco/ensure_csrf_cookie/{mode}");
            Assert.Matches("^csrftoken=[A-Za-z0-9]{32}; expires=.+; Max-Age=31449600; Path=/; SameSite=Lax$", ensure.Headers.GetValues("Set-Cookie").Single());
        }
    }
}

public class AllBuiltInMiddlewareTests
{
    public static async Task<HttpResponse> Page(HttpRequest request)
    {
        await Task.Yield();
        return new HttpResponse(new string('x', 500));
    }

    [Fact]
    public async Task An_async_view_behind_every_built_in_middleware_makes_no_switch()
    {
        var app = TestSite.Create(s =>
        {
            s.Middleware =
            [
                typeof(SecurityMiddleware).FullName!, typeof(GZipMiddleware).FullName!, typeof(ConditionalGetMiddleware).FullName!,
                typeof(CommonMiddleware).FullName!, typeof(CsrfViewMiddleware).FullName!, typeof(XFrameOptionsMiddleware).FullName!,
                typeof(ContentSecurityPolicyMiddleware).FullName!,
            ];
            s.SecureCsp = new() { ["default-src"] = Csp.Self };
        }, Nuages.Urls.Routes.Path("page/", Page));
        var response = await new AsyncClient(app).GetAsync("/page/", headers: new Dictionary<string, string> { ["Accept-Encoding"] = "gzip" });
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("gzip", response["Content-Encoding"]);
        Assert.Equal("default-src 'self'", response["Content-Security-Policy"]);
        Assert.NotNull(response["ETag"]);
        Assert.Equal(0, response.Request.AdapterSwitches);
    }
}
