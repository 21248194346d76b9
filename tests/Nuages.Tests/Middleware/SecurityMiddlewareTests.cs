using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Middleware;

public class SecurityMiddlewareTests
{
    public static HttpResponse Page(HttpRequest request) => new("page");

    public static HttpResponse OwnHeaders(HttpRequest request)
    {
        var response = new HttpResponse("own");
        response["Referrer-Policy"] = "no-referrer";
        response["Strict-Transport-Security"] = "max-age=1";
        return response;
    }

    private static NuagesApp Site(Action<Nuages.Conf.Settings>? configure = null) => TestSite.Create(s =>
    {
        s.Debug = true;
        s.Middleware = [typeof(SecurityMiddleware).FullName!];
        configure?.Invoke(s);
    }, Path("page/", Page), Path("own/", OwnHeaders), Path("health/", Page));

    [Fact]
    public async Task Default_headers_are_djangos()
    {
        var response = await new AsyncClient(Site()).GetAsync("/page/");
        Assert.Equal("nosniff", response["X-Content-Type-Options"]);
        Assert.Equal("same-origin", response["Referrer-Policy"]);
        Assert.Equal("same-origin", response["Cross-Origin-Opener-Policy"]);
        Assert.Null(response["Strict-Transport-Security"]);
        Assert.Equal(1, response.Request.AdapterSwitches); // the sync view's; the middleware adds none
    }

    [Fact]
    public async Task Hsts_on_https_only_with_subdomains_and_preload()
    {
        var app = Site(s =>
        {
            s.SecureHstsSeconds = 3600;
            s.SecureHstsIncludeSubdomains = true;
            s.SecureHstsPreload = true;
        });
        var client = new AsyncClient(app);
        Assert.Equal("max-age=3600; includeSubDomains; preload", (await client.GetAsync("/page/", secure: true))["Strict-Transport-Security"]);
        Assert.Null((await client.GetAsync("/page/"))["Strict-Transport-Security"]);
        var own = await client.GetAsync("/own/", secure: true);
        Assert.Equal("max-age=1", own["Strict-Transport-Security"]);
        Assert.Equal("no-referrer", own["Referrer-Policy"]);
    }

    [Fact]
    public async Task Ssl_redirect_with_exempt_paths_and_a_fixed_host()
    {
        var client = new AsyncClient(Site(s =>
        {
            s.SecureSslRedirect = true;
            s.SecureRedirectExempt = ["^health/"];
        }));
        var redirect = await client.GetAsync("/page/?q=1");
        Assert.Equal(301, redirect.StatusCode);
        Assert.Equal("https://testserver/page/?q=1", redirect["Location"]);
        Assert.Equal(200, (await client.GetAsync("/health/")).StatusCode);
        Assert.Equal(200, (await client.GetAsync("/page/", secure: true)).StatusCode);
        var fixedHost = new Client(Site(s =>
        {
            s.SecureSslRedirect = true;
            s.SecureSslHost = "secure.example.com";
        }));
        Assert.Equal("https://secure.example.com/page/", fixedHost.Get("/page/")["Location"]);
    }

    [Fact]
    public async Task Referrer_policy_fallbacks_are_joined_without_spaces()
    {
        var response = await new AsyncClient(Site(s => s.SecureReferrerPolicy = "no-referrer, strict-origin")).GetAsync("/page/");
        Assert.Equal("no-referrer,strict-origin", response["Referrer-Policy"]);
        Assert.Null((await new AsyncClient(Site(s => s.SecureReferrerPolicy = null)).GetAsync("/page/"))["Referrer-Policy"]);
    }
}
