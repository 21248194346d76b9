using Microsoft.Extensions.Logging;
using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Middleware;

public class CsrfTests
{
    private const string Secret = "lcccccccX2kcccccccY2jcccccccssIC"; // 32 alphanumerics

    public static HttpResponse Done(HttpRequest request) => new(request.CsrfProcessingDone ? "done" : "not done");

    public static async Task<HttpResponse> DoneAsync(HttpRequest request)
    {
        await Task.Yield();
        return Done(request);
    }

    public static HttpResponse UsesToken(HttpRequest request) => new(Csrf.GetToken(request));

    [CsrfExempt]
    public static HttpResponse Exempt(HttpRequest request) => new("exempt");

    private static (NuagesApp App, LogCapture Logs) Site(Action<Nuages.Conf.Settings>? configure = null)
    {
        var app = TestSite.Create(s =>
        {
            s.Debug = true;
            s.AllowedHosts = ["testserver", "www.example.com"];
            s.Middleware = [typeof(CsrfViewMiddleware).FullName!];
            configure?.Invoke(s);
        }, out var logs,
            Path("done/", Done), Path("done-async/", DoneAsync), Path("token/", UsesToken), Path("exempt/", Exempt),
            Path("protect/", ViewDecorators.CsrfProtect(DoneAsync)), Path("requires/", ViewDecorators.RequiresCsrfToken(Done)),
            Path("ensure/", ViewDecorators.EnsureCsrfCookie(DoneAsync)), Path("both/", ViewDecorators.EnsureCsrfCookie(ViewDecorators.CsrfProtect(Done))));
        return (app, logs);
    }

    private static Dictionary<string, string> Headers(string? cookie = Secret, params (string, string)[] more)
    {
        var headers = more.ToDictionary(h => h.Item1, h => h.Item2);
        if (cookie is not null) headers["Cookie"] = $"csrftoken={cookie}";
        return headers;
    }

    private static string Reason(LogCapture logs) => logs.For("Nuages.Security.Csrf").Single().Message;

    [Fact]
    public async Task Safe_methods_pass_and_a_valid_token_is_accepted() // as django/views/decorators/csrf.py does
    {
        var (app, _) = Site();
        var client = new AsyncClient(app, enforceCsrfChecks: true);
        foreach (var method in new[] { "GET", "HEAD", "OPTIONS", "TRACE" })
            Assert.Equal(200, (await client.RequestAsync(method, "/done/", headers: Headers(cookie: null))).StatusCode);
        // Masked and unmasked cookies with masked and unmasked tokens, in the form and in the header.
        foreach (var cookie in new[] { Secret, MaskedFor(Secret) })
        {
            foreach (var token in new[] { Secret, MaskedFor(Secret) })
            {
                var form = await client.PostAsync("/done-async/", new { csrfmiddlewaretoken = token }, headers: Headers(cookie));
                Assert.Equal("done", form.Text);
                var header = await client.PostAsync("/done/", "x", "text/plain", headers: Headers(cookie, ("X-CSRFToken", token)));
                Assert.Equal("done", header.Text);
            }
        }
        Assert.Equal(64, MaskedFor(Secret).Length);
    }

    /// <summary>A 64-character masked token for <paramref name="secret"/>, as GetToken hands out.</summary>
    private static string MaskedFor(string secret)
    {
        var request = new RequestFactory().Get("/");
        Nuages.Middleware.Csrf.State(request).Secret = secret;
        return Csrf.GetToken(request);
    }

    [Fact]
    public async Task Rejections_name_the_reason_and_are_logged() // as django/views/decorators/csrf.py does
    {
        var cases = new (string? Cookie, object? Form, (string, string)[] Headers, string Reason)[]
        {
            (null, new { a = 1 }, [], "CSRF cookie not set."),
            (Secret, new { a = 1 }, [], "CSRF token missing."),
            (Secret, new { csrfmiddlewaretoken = new string('a', 16) }, [], "CSRF token from POST has incorrect length."),
            (Secret, new { csrfmiddlewaretoken = new string('*', 64) }, [], "CSRF token from POST has invalid characters."),
            (Secret, new { csrfmiddlewaretoken = new string('a', 64) }, [], "CSRF token from POST incorrect."),
            (Secret, new { a = 1 }, [("X-CSRFToken", new string('a', 16))], "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length."),
            (Secret, new { a = 1 }, [("X-CSRFToken", new string('*', 64))], "CSRF token from the 'X-Csrftoken' HTTP header has invalid characters."),
            (Secret, new { a = 1 }, [("X-CSRFToken", new string('a', 64))], "CSRF token from the 'X-Csrftoken' HTTP header incorrect."),
            (new string('*', 64), new { csrfmiddlewaretoken = Secret }, [], "CSRF cookie has invalid characters."),
            (new string('a', 16), new { csrfmiddlewaretoken = Secret }, [], "CSRF cookie has incorrect length."),
        };
        foreach (var (cookie, form, headers, reason) in cases)
        {
            var (app, logs) = Site();
            var response = await new AsyncClient(app, enforceCsrfChecks: true).PostAsync("/done/", form, headers: Headers(cookie, headers));
            Assert.Equal(403, response.StatusCode);
            Assert.Contains("CSRF verification failed. Request aborted.", response.Text);
            Assert.Equal($"Forbidden ({reason}): /done/", Reason(logs));
            Assert.Equal(LogLevel.Warning, logs.For("Nuages.Security.Csrf").Single().Level);
        }
        var (custom, customLogs) = Site(s => s.CsrfHeaderName = "HTTP_X_CSRFTOKEN_CUSTOMIZED");
        await new AsyncClient(custom, enforceCsrfChecks: true).PostAsync("/done/", "x", "text/plain", headers: Headers(Secret, ("X-CSRFToken-Customized", new string('a', 16))));
        Assert.Equal("Forbidden (CSRF token from the 'X-Csrftoken-Customized' HTTP header has incorrect length.): /done/", Reason(customLogs));
    }

    [Fact]
    public async Task Put_and_delete_use_the_header()
    {
        var (app, _) = Site();
        var client = new AsyncClient(app, enforceCsrfChecks: true);
        Assert.Equal(403, (await client.PutAsync("/done/", "x")).StatusCode);
        Assert.Equal(200, (await client.DeleteAsync("/done/", headers: Headers(Secret, ("X-CSRFToken", Secret)))).StatusCode);
    }

    [Fact]
    public async Task Origins_must_match_the_host_or_a_trusted_origin() // as django/views/decorators/csrf.py does
    {
        async Task<(int, string?)> Post(string origin, bool secure, params string[] trusted)
        {
            var (app, logs) = Site(s => s.CsrfTrustedOrigins = [.. trusted]);
            var response = await new AsyncClient(app, enforceCsrfChecks: true).PostAsync("/done/", new { csrfmiddlewaretoken = Secret },
                headers: Headers(Secret, ("Origin", origin), ("Host", "www.example.com")), secure: secure);
            return (response.StatusCode, logs.For("Nuages.Security.Csrf").SingleOrDefault()?.Message);
        }
        Assert.Equal((403, "Forbidden (Origin checking failed - https://www.evil.org does not match any trusted origins.): /done/"), await Post("https://www.evil.org", true));
        Assert.Equal(403, (await Post("null", true)).Item1);
        Assert.Equal(403, (await Post("https://[", true)).Item1);
        Assert.Equal(403, (await Post("http://www.example.com", true)).Item1); // scheme mismatch
        Assert.Equal(200, (await Post("http://www.example.com", false)).Item1);
        Assert.Equal(200, (await Post("https://foo.example.com", true, "https://*.example.com")).Item1);
        Assert.Equal(403, (await Post("http://foo.example.com", true, "https://*.example.com")).Item1);
        Assert.Equal(200, (await Post("https://trusted.test", true, "https://trusted.test")).Item1);
    }

    [Fact]
    public async Task Secure_requests_without_origin_need_a_good_referer() // as django/views/decorators/csrf.py does
    {
        async Task<string?> Post(string? referer, params string[] trusted)
        {
            var (app, logs) = Site(s => s.CsrfTrustedOrigins = [.. trusted]);
            var more = referer is null ? new[] { ("Host", "www.example.com") } : [("Host", "www.example.com"), ("Referer", referer)];
            var response = await new AsyncClient(app, enforceCsrfChecks: true).PostAsync("/done/", new { csrfmiddlewaretoken = Secret }, headers: Headers(Secret, more), secure: true);
            return response.StatusCode == 200 ? null : logs.For("Nuages.Security.Csrf").Single().Message;
        }
        Assert.Equal("Forbidden (Referer checking failed - no Referer.): /done/", await Post(null));
        Assert.Equal("Forbidden (Referer checking failed - https://www.evil.org/somepage does not match any trusted origins.): /done/", await Post("https://www.evil.org/somepage"));
        Assert.Equal("Forbidden (Referer checking failed - Referer is insecure while host is secure.): /done/", await Post("http://http://www.example.com/"));
        foreach (var malformed in new[] { "", "ØBöIß", "//example.com/", "https://", "https://[" })
            Assert.Equal("Forbidden (Referer checking failed - Referer is malformed.): /done/", await Post(malformed));
        Assert.Null(await Post("https://www.example.com"));
        Assert.Null(await Post("https://www.example.com/somepage"));
        Assert.Null(await Post("https://dashboard.example.com", "https://dashboard.example.com"));
        Assert.Null(await Post("https://foo.example.com/", "https://*.example.com"));
    }

    [Fact]
    public async Task Decorators_protect_require_and_ensure() // as django/views/decorators/csrf.py does
    {
        var (app, logs) = TestSiteWithoutMiddleware();
        var client = new AsyncClient(app, enforceCsrfChecks: true);
        Assert.Equal(403, (await client.PostAsync("/protect/", new { a = 1 })).StatusCode);
        Assert.Equal("done", (await client.PostAsync("/protect/", new { csrfmiddlewaretoken = Secret }, headers: Headers(Secret))).Text);
        Assert.Equal("not done", (await client.PostAsync("/requires/", new { a = 1 })).Text);
        Assert.Equal(200, (await client.PostAsync("/ensure/", new { a = 1 })).StatusCode);
        Assert.Single(logs.For("Nuages.Security.Csrf")); // only the csrf_protect rejection
        var ensured = await new AsyncClient(app).GetAsync("/ensure/");
        var cookie = ensured.Cookies["csrftoken"];
        Assert.Equal(32, cookie.Value.Length);
        Assert.Matches(@"^csrftoken=[A-Za-z0-9]{32}; expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; Max-Age=31449600; Path=/; SameSite=Lax$", cookie.ToString());
        Assert.Equal("Cookie", ensured["Vary"]);
        var both = await new AsyncClient(app).GetAsync("/both/");
        Assert.Single(both.Cookies);
        Assert.Equal("Cookie", both["Vary"]);
        var (withMiddleware, _) = Site();
        Assert.Equal("exempt", (await new AsyncClient(withMiddleware, enforceCsrfChecks: true).PostAsync("/exempt/", new { a = 1 })).Text);
        Assert.True(withMiddleware.Handler.Resolver.Describe().Single(r => r.Route == "ensure/").IsAsync); // as django/utils/decorators.py does
    }

    private static (NuagesApp, LogCapture) TestSiteWithoutMiddleware()
    {
        var app = TestSite.Create(s => s.Debug = true, out var logs,
            Path("protect/", ViewDecorators.CsrfProtect(DoneAsync)), Path("requires/", ViewDecorators.RequiresCsrfToken(Done)),
            Path("ensure/", ViewDecorators.EnsureCsrfCookie(DoneAsync)), Path("both/", ViewDecorators.EnsureCsrfCookie(ViewDecorators.CsrfProtect(Done))));
        return (app, logs);
    }

    [Fact]
    public async Task Malformed_cookies_are_replaced_and_valid_ones_not_resent() // as django/views/decorators/csrf.py does
    {
        var (app, _) = Site();
        var client = new AsyncClient(app);
        var replaced = await client.GetAsync("/token/", headers: Headers(new string('x', 100)));
        Assert.Equal(32, replaced.Cookies["csrftoken"].Value.Length);
        var kept = await new AsyncClient(app).GetAsync("/done/", headers: Headers(Secret));
        Assert.Empty(kept.Cookies);
        var used = await new AsyncClient(app).GetAsync("/token/", headers: Headers(MaskedFor(Secret)));
        Assert.Equal(Secret, used.Cookies["csrftoken"].Value); // re-sent unmasked
        var session = await new AsyncClient(Site(s =>
        {
            s.CsrfCookieAge = null;
            s.CsrfCookieSameSite = "Strict";
        }).App).GetAsync("/token/");
        Assert.Equal($"csrftoken={session.Cookies["csrftoken"].Value}; Path=/; SameSite=Strict", session.Cookies["csrftoken"].ToString());
    }
}
