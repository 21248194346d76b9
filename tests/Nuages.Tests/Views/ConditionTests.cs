using Microsoft.Extensions.Logging;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

/// <summary>Django's tests/conditional_processing table, on sync and async views.</summary>
public class ConditionTests
{
    private const string Etag = "\"b4246ffc4f62314ca13147c9d4f76974\"";
    private const string Weak = "W/\"b4246ffc4f62314ca13147c9d4f76974\"";
    private const string OldEtag = "\"7fae4cd4b0f81e7d2914700043aa8ed6\"";
    private const string Lm = "Sun, 21 Oct 2007 23:21:47 GMT";
    private const string Newer = "Mon, 18 Oct 2010 16:56:23 GMT";
    private const string Older = "Sat, 20 Oct 2007 23:21:47 GMT";
    private const string Bad = "Mon, 32 Oct 2010 16:56:23 GMT";
    private static readonly DateTime LmDate = new(2007, 10, 21, 23, 21, 47, DateTimeKind.Utc);

    public static HttpResponse Sync(HttpRequest request) => new("FULL CONTENT");

    public static async Task<HttpResponse> Async(HttpRequest request)
    {
        await Task.Yield();
        return new HttpResponse("FULL CONTENT");
    }

    private static readonly (string Name, Func<Delegate, Delegate> Decorate)[] Kinds =
    [
        ("both", v => ViewDecorators.Condition(v, _ => Etag, _ => LmDate)),
        ("lm", v => ViewDecorators.LastModified(v, _ => LmDate)),
        ("et", v => ViewDecorators.ETag(v, _ => Etag)),
        ("weak", v => ViewDecorators.ETag(v, _ => Weak)),
        ("unq", v => ViewDecorators.ETag(v, _ => Etag.Trim('"'))),
        ("none", v => ViewDecorators.ETag(v, _ => null)),
        ("asyncfuncs", v => ViewDecorators.Condition(v, async _ => { await Task.Yield(); return Etag; }, async _ => { await Task.Yield(); return (DateTime?)LmDate; })),
    ];

    private static NuagesApp Site(out LogCapture logs) => TestSite.Create(s => s.Debug = true, out logs,
        Kinds.SelectMany(k => new[] { Path($"{k.Name}/sync/", k.Decorate(Sync)), Path($"{k.Name}/async/", k.Decorate(Async)) }).ToArray());

    private static readonly NuagesApp App = Site(out _);

    private static async Task<List<TestResponse>> Send(string kind, string method, params (string Header, string Value)[] headers)
    {
        var all = headers.ToDictionary(h => h.Header, h => h.Value);
        var client = new AsyncClient(App);
        return
        [
            await client.RequestAsync(method, $"/{kind}/sync/", headers: all),
            await client.RequestAsync(method, $"/{kind}/async/", headers: all),
            new Client(App).Request(method, $"/{kind}/sync/", headers: all),
        ];
    }

    [Theory] // as django/views/decorators/http.py does
    [InlineData("both", "GET", 200)]
    [InlineData("both", "GET", 304, "If-Modified-Since", Lm)]
    [InlineData("both", "PUT", 200, "If-Modified-Since", Lm)]
    [InlineData("both", "GET", 304, "If-Modified-Since", Newer)]
    [InlineData("both", "PUT", 200, "If-Modified-Since", Newer)]
    [InlineData("both", "GET", 200, "If-Modified-Since", Bad)]
    [InlineData("both", "GET", 200, "If-Modified-Since", Older)]
    [InlineData("both", "GET", 200, "If-Unmodified-Since", Lm)]
    [InlineData("both", "GET", 200, "If-Unmodified-Since", Newer)]
    [InlineData("both", "GET", 200, "If-Unmodified-Since", Bad)]
    [InlineData("both", "GET", 412, "If-Unmodified-Since", Older)]
    [InlineData("both", "GET", 304, "If-None-Match", Etag)]
    [InlineData("both", "PUT", 412, "If-None-Match", Etag)]
    [InlineData("both", "GET", 200, "If-None-Match", OldEtag)]
    [InlineData("both", "GET", 304, "If-None-Match", Etag + ", " + OldEtag)]
    [InlineData("weak", "GET", 304, "If-None-Match", Etag)]
    [InlineData("weak", "PUT", 412, "If-None-Match", Etag)]
    [InlineData("weak", "GET", 304, "If-None-Match", Weak)]
    [InlineData("both", "GET", 304, "If-None-Match", Weak)]
    [InlineData("both", "PUT", 412, "If-None-Match", Weak)]
    [InlineData("both", "GET", 304, "If-None-Match", "*")]
    [InlineData("both", "PUT", 412, "If-None-Match", "*")]
    [InlineData("both", "POST", 412, "If-None-Match", "*")]
    [InlineData("none", "GET", 200, "If-None-Match", "*")]
    [InlineData("both", "HEAD", 304, "If-None-Match", Weak)]
    [InlineData("both", "HEAD", 304, "If-Modified-Since", Lm)]
    [InlineData("both", "POST", 200, "If-Modified-Since", Lm)]
    [InlineData("et", "GET", 200, "If-None-Match", "\"\"\"")]
    [InlineData("lm", "GET", 304, "If-Modified-Since", Lm)]
    [InlineData("et", "GET", 200, "If-Modified-Since", Lm)]
    [InlineData("et", "GET", 304, "If-None-Match", Etag)]
    [InlineData("lm", "GET", 200, "If-None-Match", Etag)]
    [InlineData("lm", "GET", 200, "If-Modified-Since", Older)]
    [InlineData("et", "GET", 200, "If-None-Match", OldEtag)]
    [InlineData("lm", "GET", 412, "If-Unmodified-Since", Older)]
    [InlineData("et", "GET", 412, "If-Unmodified-Since", Older)]
    [InlineData("lm", "GET", 200, "If-Unmodified-Since", Lm)]
    [InlineData("unq", "GET", 304, "If-None-Match", Etag)]
    [InlineData("unq", "PUT", 412, "If-None-Match", Etag)]
    [InlineData("unq", "GET", 200, "If-None-Match", OldEtag)]
    [InlineData("asyncfuncs", "GET", 304, "If-None-Match", Etag)]
    [InlineData("asyncfuncs", "GET", 304, "If-Modified-Since", Lm)]
    public async Task Single_preconditions(string kind, string method, int status, string? header = null, string? value = null)
    {
        var headers = header is null ? [] : new[] { (header, value!) };
        foreach (var response in await Send(kind, method, headers))
        {
            Assert.Equal(status, response.StatusCode);
            if (status == 200 && method == "GET") Assert.Equal("FULL CONTENT", response.Text);
            if (status == 304) Assert.Null(response["Content-Type"]); // as django/views/decorators/http.py does
            if (status is 304 or 412) Assert.Empty(response.Content);
        }
    }

    [Theory] // as django/views/decorators/http.py does
    [InlineData("both", "PUT", 200, "If-Match", Etag)]
    [InlineData("both", "PUT", 412, "If-Match", OldEtag)]
    [InlineData("weak", "GET", 412, "If-Match", Etag)]
    [InlineData("weak", "GET", 412, "If-Match", Weak)]
    [InlineData("both", "GET", 412, "If-Match", Weak)]
    [InlineData("both", "GET", 200, "If-Match", "*")]
    [InlineData("none", "GET", 412, "If-Match", "*")]
    [InlineData("both", "GET", 304, "If-Modified-Since", Lm, "If-None-Match", Etag)]
    [InlineData("both", "GET", 304, "If-Modified-Since", Older, "If-None-Match", Etag)]
    [InlineData("both", "GET", 200, "If-Modified-Since", Lm, "If-None-Match", OldEtag)]
    [InlineData("both", "GET", 200, "If-Modified-Since", Older, "If-None-Match", OldEtag)]
    [InlineData("both", "GET", 200, "If-Unmodified-Since", Lm, "If-Match", Etag)]
    [InlineData("both", "GET", 200, "If-Unmodified-Since", Older, "If-Match", Etag)]
    [InlineData("both", "GET", 412, "If-Unmodified-Since", Older, "If-Match", OldEtag)]
    [InlineData("both", "GET", 412, "If-Unmodified-Since", Lm, "If-Match", OldEtag)]
    public async Task Combined_preconditions(string kind, string method, int status, string h1, string v1, string? h2 = null, string? v2 = null)
    {
        var headers = h2 is null ? new[] { (h1, v1) } : new[] { (h1, v1), (h2, v2!) };
        Assert.All(await Send(kind, method, headers), r => Assert.Equal(status, r.StatusCode));
    }

    [Fact]
    public async Task Etag_and_last_modified_headers_are_added_for_get_and_head_only() // as django/views/decorators/http.py does
    {
        foreach (var response in await Send("both", "GET"))
        {
            Assert.Equal(Etag, response["ETag"]);
            Assert.Equal(Lm, response["Last-Modified"]);
        }
        Assert.All(await Send("unq", "GET"), r => Assert.Equal(Etag, r["ETag"]));
        Assert.All(await Send("weak", "GET"), r => Assert.Equal(Weak, r["ETag"]));
        Assert.All(await Send("both", "PUT"), r =>
        {
            Assert.Null(r["ETag"]);
            Assert.Null(r["Last-Modified"]);
        });
        var notModified = (await Send("both", "GET", ("If-None-Match", Etag)))[0];
        Assert.Equal(Etag, notModified["ETag"]);
        Assert.Equal(Lm, notModified["Last-Modified"]);
        var failed = (await Send("both", "GET", ("If-Match", OldEtag)))[0];
        Assert.Equal(Etag, failed["ETag"]);
        Assert.Equal("text/html; charset=utf-8", failed["Content-Type"]);
        var failedPut = (await Send("both", "PUT", ("If-Match", OldEtag)))[0];
        Assert.Null(failedPut["ETag"]);
        var none = (await Send("none", "GET", ("If-None-Match", "*")))[0];
        Assert.Null(none["ETag"]);
    }

    [Fact]
    public async Task Naive_dates_are_utc_and_whole_seconds() // as django/views/decorators/http.py does
    {
        var app = TestSite.Create(s => s.Debug = true,
            Path("x/", ViewDecorators.Condition((Delegate)Sync, _ => Etag, _ => new DateTime(2023, 1, 2, 23, 21, 47, 999))));
        var response = await new AsyncClient(app).GetAsync("/x/");
        Assert.Equal("Mon, 02 Jan 2023 23:21:47 GMT", response["Last-Modified"]);
    }

    [Fact]
    public async Task A_412_is_logged_once_as_precondition_failed() // as django/views/decorators/http.py does
    {
        var app = Site(out var logs);
        await new AsyncClient(app).GetAsync("/both/async/", headers: new Dictionary<string, string> { ["If-Match"] = OldEtag });
        var entry = Assert.Single(logs.For("Nuages.Request"));
        Assert.Equal((LogLevel.Warning, "Precondition Failed: /both/async/"), (entry.Level, entry.Message));
    }
}
