using System.IO.Compression;
using System.Text;
using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

/// <summary>Django's GZipMiddlewareTest scenarios through the decorator and the middleware, on sync and async views.</summary>
public class GzipTests
{
    private static readonly string Compressible = new('a', 500);

    public static HttpResponse Shaped(HttpRequest request)
    {
        var q = request.Query;
        HttpResponse response = q.Get("kind") switch
        {
            "stream" => new StreamingHttpResponse(new[] { new string('a', 500), new string('b', 200), new string('a', 300) }),
            "astream" => new StreamingHttpResponse(Parts()),
            "short" => new HttpResponse("short"),
            "random" => new HttpResponse(RandomBytes()),
            "unicode" => new StreamingHttpResponse(new[] { "café " + Compressible }),
            _ => new HttpResponse(Compressible, status: int.Parse(q.Get("status", "200")!)),
        };
        if (q.Get("encoding") is { } encoding) response["Content-Encoding"] = encoding;
        if (q.Get("etag") is { } etag) response["ETag"] = etag;
        return response;
    }

    private static byte[] RandomBytes()
    {
        var bytes = new byte[500];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static async IAsyncEnumerable<string> Parts()
    {
        foreach (var part in new[] { new string('a', 500), new string('b', 200), new string('a', 300) })
        {
            await Task.Yield();
            yield return part;
        }
    }

    public static async Task<HttpResponse> ShapedAsync(HttpRequest request)
    {
        await Task.Yield();
        return Shaped(request);
    }

    private static readonly NuagesApp Decorated = TestSite.Create(s => s.Debug = true,
        Path("sync/", ViewDecorators.GzipPage(Shaped)), Path("async/", ViewDecorators.GzipPage(ShapedAsync)));

    private static readonly NuagesApp WithMiddleware = TestSite.Create(s =>
    {
        s.Debug = true;
        s.Middleware = [typeof(GZipMiddleware).FullName!];
    }, Path("sync/", Shaped), Path("async/", ShapedAsync));

    private static async Task<List<TestResponse>> Send(string query, string acceptEncoding = "gzip, deflate")
    {
        var headers = new Dictionary<string, string> { ["Accept-Encoding"] = acceptEncoding };
        var responses = new List<TestResponse>();
        foreach (var app in new[] { Decorated, WithMiddleware })
        {
            var client = new AsyncClient(app);
            responses.Add(await client.GetAsync("/sync/?" + query, headers: headers));
            responses.Add(await client.GetAsync("/async/?" + query, headers: headers));
            responses.Add(new Client(app).Get("/sync/?" + query, headers: headers));
        }
        return responses;
    }

    private static string Gunzip(byte[] body)
    {
        using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task Buffered_bodies_are_compressed_with_their_length() // as django/views/decorators/gzip.py does
    {
        foreach (var response in await Send(""))
        {
            Assert.Equal("gzip", response["Content-Encoding"]);
            Assert.Equal(response.Content.Length.ToString(), response["Content-Length"]);
            Assert.Equal("Accept-Encoding", response["Vary"]);
            Assert.Equal(Compressible, Gunzip(response.Content));
            var body = response.Content;
            Assert.Equal([0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0, 0xff], body[..10]); // FNAME, mtime 0, OS 255
            var nul = Array.IndexOf(body, (byte)0, 10);
            Assert.InRange(nul - 10, 0, 99);
            Assert.All(body[10..nul], b => Assert.Equal((byte)'a', b));
        }
    }

    [Fact]
    public async Task Streaming_bodies_are_compressed_as_they_stream_without_a_length() // as django/views/decorators/gzip.py does
    {
        foreach (var query in new[] { "kind=stream", "kind=astream" })
        {
            foreach (var response in await Send(query))
            {
                Assert.Equal("gzip", response["Content-Encoding"]);
                Assert.Null(response["Content-Length"]);
                Assert.Equal(new string('a', 500) + new string('b', 200) + new string('a', 300), Gunzip(response.Content));
            }
        }
        Assert.All(await Send("kind=unicode"), r => Assert.StartsWith("café ", Gunzip(r.Content)));
    }

    [Fact]
    public async Task Short_bodies_and_encoded_bodies_are_left_alone() // as django/views/decorators/gzip.py does
    {
        foreach (var response in await Send("kind=short"))
        {
            Assert.Null(response["Content-Encoding"]);
            Assert.Null(response["Vary"]);
            Assert.Equal("short", response.Text);
        }
        foreach (var response in await Send("encoding=deflate"))
        {
            Assert.Equal("deflate", response["Content-Encoding"]);
            Assert.Null(response["Vary"]);
        }
    }

    [Fact]
    public async Task Vary_comes_before_the_accept_check_which_is_case_sensitive() // as django/views/decorators/gzip.py does
    {
        foreach (var encoding in new[] { "GZIP", "deflate", "" })
        {
            foreach (var response in await Send("", encoding))
            {
                Assert.Null(response["Content-Encoding"]);
                Assert.Equal("Accept-Encoding", response["Vary"]);
            }
        }
        foreach (var encoding in new[] { "gzip;q=0", "x-gzip", "br, gzip" })
            Assert.All(await Send("", encoding), r => Assert.Equal("gzip", r["Content-Encoding"]));
    }

    [Fact]
    public async Task Incompressible_bodies_stay_as_they_are() // as django/views/decorators/gzip.py does
    {
        foreach (var response in await Send("kind=random"))
        {
            Assert.Null(response["Content-Encoding"]);
            Assert.Equal("Accept-Encoding", response["Vary"]);
            Assert.Equal(500, response.Content.Length);
        }
    }

    [Fact]
    public async Task Strong_etags_become_weak() // as django/views/decorators/gzip.py does
    {
        Assert.All(await Send("etag=\"eggs\""), r => Assert.Equal("W/\"eggs\"", r["ETag"]));
        Assert.All(await Send("etag=W/\"eggs\""), r => Assert.Equal("W/\"eggs\"", r["ETag"]));
    }

    [Fact]
    public async Task Status_does_not_matter() // as django/views/decorators/gzip.py does
    {
        Assert.All(await Send("status=404"), r =>
        {
            Assert.Equal(404, r.StatusCode);
            Assert.Equal("gzip", r["Content-Encoding"]);
        });
    }

    [Fact]
    public async Task Middleware_based_decorators_run_inline_for_async_views() // as django/utils/decorators.py does
    {
        var response = await new AsyncClient(Decorated).GetAsync("/async/", headers: new Dictionary<string, string> { ["Accept-Encoding"] = "gzip" });
        Assert.Equal("gzip", response["Content-Encoding"]);
        Assert.Equal(0, response.Request.AdapterSwitches);
    }

    [Fact]
    public void Without_padding_the_output_is_deterministic() // as django/views/decorators/gzip.py does
    {
        var data = Encoding.ASCII.GetBytes(Compressible);
        var first = Gzip.Compress(data, maxRandomBytes: 0);
        Assert.Equal(first, Gzip.Compress(data, maxRandomBytes: 0));
        Assert.Equal([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff], first[..10]);
        Assert.Equal(Compressible, Gunzip(first));
    }
}
