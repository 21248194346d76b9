using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Middleware;

public class CspTests
{
    public static HttpResponse Plain(HttpRequest request) => new("plain");

    public static async Task<HttpResponse> UsesNonce(HttpRequest request)
    {
        await Task.Yield();
        return new HttpResponse($"<script nonce=\"{Csp.GetNonce(request)}\"></script>");
    }

    private static NuagesApp Site(bool debug = false) => TestSite.Create(s =>
    {
        s.Debug = debug;
        s.Middleware = [typeof(ContentSecurityPolicyMiddleware).FullName!];
        s.SecureCsp = new() { ["default-src"] = new[] { Csp.Self }, ["script-src"] = new[] { Csp.Self, Csp.Nonce }, ["upgrade-insecure-requests"] = true, ["img-src"] = false };
        s.SecureCspReportOnly = new() { ["default-src"] = new HashSet<string> { "https:", Csp.Self } };
    }, Path("plain/", Plain), Path("nonce/", UsesNonce),
        Path("override/", ViewDecorators.CspOverride(Plain, new Dictionary<string, object?> { ["default-src"] = Csp.None })),
        Path("off/", ViewDecorators.CspOverride(ViewDecorators.CspReportOnlyOverride(Plain, new Dictionary<string, object?>()), new Dictionary<string, object?>())));

    [Fact]
    public async Task Policies_come_from_settings_and_the_nonce_only_when_used()
    {
        var client = new AsyncClient(Site());
        var plain = await client.GetAsync("/plain/");
        Assert.Equal("default-src 'self'; script-src 'self'; upgrade-insecure-requests", plain["Content-Security-Policy"]);
        Assert.Equal("default-src 'self' https:", plain["Content-Security-Policy-Report-Only"]);
        var withNonce = await client.GetAsync("/nonce/");
        var nonce = withNonce.Request.CspNonce!;
        Assert.Contains($"nonce=\"{nonce}\"", withNonce.Text);
        Assert.Equal($"default-src 'self'; script-src 'self' 'nonce-{nonce}'; upgrade-insecure-requests", withNonce["Content-Security-Policy"]);
        var other = await client.GetAsync("/nonce/");
        Assert.NotEqual(nonce, other.Request.CspNonce); // one per request
    }

    [Fact]
    public async Task Views_override_or_switch_off_the_policy()
    {
        var client = new AsyncClient(Site());
        Assert.Equal("default-src 'none'", (await client.GetAsync("/override/"))["Content-Security-Policy"]);
        var off = await client.GetAsync("/off/");
        Assert.Null(off["Content-Security-Policy"]);
        Assert.Null(off["Content-Security-Policy-Report-Only"]);
    }

    [Fact]
    public async Task Debug_error_pages_are_left_alone()
    {
        Assert.Null((await new AsyncClient(Site(debug: true)).GetAsync("/missing/"))["Content-Security-Policy"]);
        Assert.NotNull((await new AsyncClient(Site(debug: false)).GetAsync("/missing/"))["Content-Security-Policy"]);
    }
}
