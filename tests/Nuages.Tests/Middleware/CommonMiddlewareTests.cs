using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Middleware;

public class CommonMiddlewareTests
{
    public static HttpResponse Page(HttpRequest request) => new("page");

    public static async Task<HttpResponse> PageAsync(HttpRequest request)
    {
        await Task.Yield();
        return new HttpResponse("page");
    }

    [NoAppendSlash]
    public static HttpResponse NoSlash(HttpRequest request) => new("no slash");

    private static NuagesApp Site(Action<Nuages.Conf.Settings>? configure = null) => TestSite.Create(s =>
    {
        s.Debug = false;
        s.AllowedHosts = ["testserver", "www.testserver"];
        s.Middleware = [typeof(CommonMiddleware).FullName!];
        configure?.Invoke(s);
    }, Path("sync/dir/", Page), Path("async/dir/", PageAsync), Path("opt-out/dir/", NoSlash), Path("async-opt-out/dir/", ViewDecorators.NoAppendSlash(PageAsync)));

    [Fact]
    public async Task A_missing_slash_is_a_301_to_the_slashed_url_with_its_query()
    {
        foreach (var path in new[] { "/sync/dir", "/async/dir" })
        {
            var response = await new AsyncClient(Site()).GetAsync(path + "?a=1&b=caf%C3%A9");
            Assert.Equal(301, response.StatusCode);
            Assert.Equal(path + "/?a=1&b=caf%C3%A9", response["Location"]);
            Assert.Equal(301, new Client(Site()).Get(path).StatusCode);
        }
        Assert.Equal(404, (await new AsyncClient(Site()).GetAsync("/nowhere")).StatusCode);
        Assert.Equal(404, (await new AsyncClient(Site(s => s.AppendSlash = false)).GetAsync("/sync/dir")).StatusCode);
    }

    [Fact]
    public async Task Views_marked_no_append_slash_are_not_redirected_to() // as django/views/decorators/common.py does
    {
        Assert.Equal(404, (await new AsyncClient(Site()).GetAsync("/opt-out/dir")).StatusCode);
        Assert.Equal(404, (await new AsyncClient(Site()).GetAsync("/async-opt-out/dir")).StatusCode);
        var slashed = await new AsyncClient(Site()).GetAsync("/async-opt-out/dir/");
        Assert.Equal("page", slashed.Text); // the view itself is untouched
        Assert.True(Site().Handler.Resolver.Describe().Single(r => r.Route == "async-opt-out/dir/").IsAsync);
    }

    [Fact]
    public void In_debug_a_post_that_would_lose_its_body_is_an_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Client(Site(s => s.Debug = true)).Post("/sync/dir", new { a = 1 }));
        Assert.StartsWith("You called this URL via POST, but the URL doesn't end in a slash and you have AppendSlash set.", error.Message);
        Assert.Contains("testserver/sync/dir/", error.Message);
    }

    [Fact]
    public async Task Prepend_www_and_disallowed_user_agents()
    {
        var www = await new AsyncClient(Site(s => s.PrependWww = true)).GetAsync("/sync/dir?x=1");
        Assert.Equal(301, www.StatusCode);
        Assert.Equal("http://www.testserver/sync/dir/?x=1", www["Location"]);
        var agents = Site(s => s.DisallowedUserAgents = ["^EvilBot"]);
        var refused = await new AsyncClient(agents).GetAsync("/sync/dir/", headers: new Dictionary<string, string> { ["User-Agent"] = "EvilBot/1.0" });
        Assert.Equal(403, refused.StatusCode);
    }

    [Fact]
    public async Task Buffered_responses_get_content_length_and_the_middleware_never_switches()
    {
        var response = await new AsyncClient(Site()).GetAsync("/async/dir/");
        Assert.Equal("4", response["Content-Length"]);
        Assert.Equal(0, response.Request.AdapterSwitches);
    }
}
