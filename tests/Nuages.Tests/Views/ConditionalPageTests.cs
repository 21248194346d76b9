using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

/// <summary>Django's ConditionalGetMiddlewareTest scenarios, through the decorator and the middleware.</summary>
public class ConditionalPageTests
{
    /// <summary>A view whose response is described by the query string: content, status, headers.</summary>
    public static HttpResponse Shaped(HttpRequest request)
    {
        var q = request.Query;
        var response = q.ContainsKey("stream")
            ? new StreamingHttpResponse(new[] { "streamed" })
            : new HttpResponse(q.Get("content", "test")!, status: int.Parse(q.Get("status", "200")!));
        foreach (var header in new[] { "ETag", "Last-Modified", "Cache-Control", "Date", "Expires", "Vary", "Content-Location", "Content-Language" })
            if (q.Get(header) is { } value) response[header] = value;
        if (q.ContainsKey("cookie")) response.SetCookie("key", "value");
        return response;
    }

    public static async Task<HttpResponse> ShapedAsync(HttpRequest request)
    {
        await Task.Yield();
        return Shaped(request);
    }

    private static readonly NuagesApp Decorated = TestSite.Create(s => s.Debug = true,
        Path("sync/", ViewDecorators.ConditionalPage(Shaped)), Path("async/", ViewDecorators.ConditionalPage(ShapedAsync)));

    private static readonly NuagesApp WithMiddleware = TestSite.Create(s =>
    {
        s.Debug = true;
        s.Middleware = [typeof(ConditionalGetMiddleware).FullName!];
    }, Path("sync/", Shaped), Path("async/", ShapedAsync));

    private static async Task<List<TestResponse>> Send(string query, string method = "GET", params (string, string)[] headers)
    {
        var all = headers.ToDictionary(h => h.Item1, h => h.Item2);
        var responses = new List<TestResponse>();
        foreach (var app in new[] { Decorated, WithMiddleware })
        {
            var client = new AsyncClient(app);
            responses.Add(await client.RequestAsync(method, "/sync/?" + query, headers: all));
            responses.Add(await client.RequestAsync(method, "/async/?" + query, headers: all));
        }
        return responses;
    }

    private const string TestEtag = "\"098f6bcd4621d373cade4e832627b4f6\""; // md5("test")

    [Fact]
    public async Task An_md5_etag_is_added_when_missing_and_allowed() // as django/views/decorators/http.py does
    {
        Assert.All(await Send("Cache-Control=public"), r => Assert.Equal(TestEtag, r["ETag"]));
        Assert.All(await Send("ETag=eggs"), r => Assert.Equal("eggs", r["ETag"]));
        Assert.All(await Send("stream=1"), r => Assert.Null(r["ETag"]));
        Assert.All(await Send("content="), r => Assert.Null(r["ETag"]));
        Assert.All(await Send("Cache-Control=No-Cache, No-Store, Max-age=0"), r => Assert.Null(r["ETag"]));
        Assert.All(await Send("Cache-Control=my-directive=\"my-no-store\""), r => Assert.Equal(TestEtag, r["ETag"]));
    }

    [Fact]
    public async Task Etags_and_dates_of_the_response_answer_preconditions()
    {
        Assert.All(await Send("", "GET", ("If-None-Match", "spam")), r => Assert.Equal(200, r.StatusCode));
        Assert.All(await Send("ETag=\"spam\"", "GET", ("If-None-Match", "\"spam\"")), r => Assert.Equal(304, r.StatusCode));
        Assert.All(await Send("ETag=\"eggs\"", "GET", ("If-None-Match", "\"spam\"")), r => Assert.Equal(200, r.StatusCode));
        Assert.All(await Send("", "GET", ("If-None-Match", TestEtag)), r => Assert.Equal(304, r.StatusCode));
        const string lm = "Sat, 12 Feb 2011 17:38:44 GMT";
        Assert.All(await Send("", "GET", ("If-Modified-Since", lm)), r => Assert.Equal(200, r.StatusCode)); // computed ETag, no INM: IMS without Last-Modified
        Assert.All(await Send("Last-Modified=" + lm + "&Cache-Control=no-store", "GET", ("If-Modified-Since", lm)), r => Assert.Equal(304, r.StatusCode));
        Assert.All(await Send("Last-Modified=Sat, 12 Feb 2011 17:41:44 GMT&Cache-Control=no-store", "GET", ("If-Modified-Since", lm)), r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task Non_2xx_responses_are_left_alone() // as django/views/decorators/http.py does
    {
        Assert.All(await Send("status=301&ETag=\"spam\"", "GET", ("If-None-Match", "\"spam\"")), r => Assert.Equal(301, r.StatusCode));
        Assert.All(await Send("status=400&ETag=\"spam\"", "GET", ("If-None-Match", "\"spam\"")), r => Assert.Equal(400, r.StatusCode));
    }

    [Fact]
    public async Task A_304_keeps_only_caching_headers_and_cookies() // as django/views/decorators/http.py does
    {
        var query = "ETag=\"spam\"&Date=Sat, 12 Feb 2011 17:35:44 GMT&Last-Modified=Sat, 12 Feb 2011 17:35:44 GMT&Expires=Sun, 13 Feb 2011 17:35:44 GMT" +
                    "&Vary=Cookie&Cache-Control=public&Content-Location=/alt&Content-Language=en&cookie=1";
        foreach (var response in await Send(query, "GET", ("If-None-Match", "\"spam\"")))
        {
            Assert.Equal(304, response.StatusCode);
            Assert.Equal("\"spam\"", response["ETag"]);
            Assert.Equal("Sat, 12 Feb 2011 17:35:44 GMT", response["Date"]);
            Assert.Equal("Sun, 13 Feb 2011 17:35:44 GMT", response["Expires"]);
            Assert.Equal("Cookie", response["Vary"]);
            Assert.Equal("public", response["Cache-Control"]);
            Assert.Equal("/alt", response["Content-Location"]);
            Assert.Null(response["Content-Language"]);
            Assert.Null(response["Content-Type"]);
            Assert.Equal("value", response.Cookies["key"].Value);
        }
    }

    [Fact]
    public async Task Only_get_is_touched() // as django/views/decorators/http.py does
    {
        Assert.All(await Send("", "PUT", ("If-Match", "\"other\"")), r => Assert.Equal(200, r.StatusCode));
        Assert.All(await Send("", "HEAD"), r => Assert.Null(r["ETag"]));
        Assert.All(await Send("", "POST", ("If-None-Match", "*")), r => Assert.Equal(200, r.StatusCode));
    }
}
