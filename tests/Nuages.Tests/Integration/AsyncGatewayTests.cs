using System.Net;
using System.Text;
using System.Text.Json;

namespace Nuages.Tests.Integration;

public class AsyncGatewayTests(KestrelSite site) : IClassFixture<KestrelSite>
{
    private HttpClient Http(Version? version = null) => new()
    {
        BaseAddress = site.Server.Address,
        DefaultRequestVersion = version ?? HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private async Task<JsonElement> MetaAsync(HttpRequestMessage message, Version? version = null)
    {
        using var http = Http(version);
        var response = await http.SendAsync(message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Serves_http11_and_h2c_on_one_port()
    {
        var h1 = await MetaAsync(new HttpRequestMessage(HttpMethod.Get, "/meta/?name=Andrew"));
        Assert.Equal("HTTP/1.1", h1.GetProperty("protocol").GetString());
        Assert.Equal("Andrew", h1.GetProperty("name").GetString());
        var h2 = await MetaAsync(new HttpRequestMessage(HttpMethod.Get, "/meta/?name=Andrew") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact }, HttpVersion.Version20);
        Assert.Equal("HTTP/2", h2.GetProperty("protocol").GetString());
        Assert.Equal("http", h2.GetProperty("scheme").GetString()); // as django/core/handlers/asgi.py does holds for h2c too
    }

    [Fact]
    public async Task The_whole_body_reaches_the_view_even_when_sent_in_pieces() // as django/core/handlers/asgi.py does
    {
        var raw = KestrelSite.Request("POST /echo/ HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\nConnection: close\n\n5\nHello\n6\n World\n0\n\n");
        var (status, _, body) = await site.RawAsync(raw);
        Assert.Equal(200, status);
        Assert.Equal("Hello World", Encoding.ASCII.GetString(body));
    }

    [Fact]
    public async Task A_query_string_that_is_not_utf8_is_a_400_with_an_empty_body() // as django/core/handlers/asgi.py does
    {
        var raw = Encoding.Latin1.GetBytes("GET /meta/?\xff HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        var (status, head, body) = await site.RawAsync(raw);
        Assert.Equal(400, status);
        Assert.Contains("Content-Length: 0", head);
        Assert.Empty(body);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413() // as django/core/handlers/asgi.py does
    {
        using var http = Http();
        var response = await http.PostAsync("/echo/", new ByteArrayContent(new byte[5000]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("413 Payload too large", await response.Content.ReadAsStringAsync());
        var chunked = KestrelSite.Request("POST /echo/ HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\nConnection: close\n\n" +
                                          string.Concat(Enumerable.Repeat("1F4\n" + new string('x', 500) + "\n", 3)) + "0\n\n");
        var (status, _, body) = await site.RawAsync(chunked);
        Assert.Equal(413, status);
        Assert.Equal("413 Payload too large", Encoding.ASCII.GetString(body));
    }

    [Fact]
    public async Task Method_is_upper_cased_and_the_query_string_kept() // as django/core/handlers/asgi.py does
    {
        var (status, _, body) = await site.RawAsync(KestrelSite.Request("get /meta/?name=Andrew&x=%C3%A9 HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n"));
        Assert.Equal(200, status);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("GET", json.GetProperty("method").GetString());
        Assert.Equal("name=Andrew&x=%C3%A9", json.GetProperty("query").GetString());
    }

    [Fact]
    public async Task Connection_facts_come_from_the_socket() // as django/core/handlers/asgi.py does
    {
        var json = await MetaAsync(new HttpRequestMessage(HttpMethod.Get, "/meta/"));
        Assert.Equal("127.0.0.1", json.GetProperty("remote_addr").GetString());
        Assert.True(int.Parse(json.GetProperty("remote_port").GetString()!) > 0);
        Assert.Equal("127.0.0.1", json.GetProperty("server_name").GetString());
        Assert.Equal(site.Port.ToString(), json.GetProperty("server_port").GetString());
    }

    [Fact]
    public async Task Content_headers_map_to_their_meta_keys() // as django/core/handlers/asgi.py does
    {
        var (status, _, body) = await site.RawAsync(KestrelSite.Request(
            "POST /meta/ HTTP/1.1\nHost: 127.0.0.1\nContent-Type: text/plain; charset=utf-8\nContent-Length: 5\nConnection: close\n\nhello"));
        Assert.Equal(200, status);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("text/plain; charset=utf-8", json.GetProperty("content_type").GetString());
        Assert.Equal("5", json.GetProperty("content_length").GetString());
    }

    [Fact]
    public async Task Repeated_headers_are_joined_with_a_bare_comma() // as django/core/handlers/asgi.py does
    {
        var (status, _, body) = await site.RawAsync(KestrelSite.Request(
            "GET /meta/ HTTP/1.1\nHost: 127.0.0.1\nReferer: Scotland\nReferer: Wales\nConnection: close\n\n"));
        Assert.Equal(200, status);
        Assert.Equal("Scotland,Wales", JsonDocument.Parse(body).RootElement.GetProperty("referer").GetString());
    }

    [Fact]
    public async Task Scheme_is_http_on_a_plain_connection() // as django/core/handlers/asgi.py does
    {
        var json = await MetaAsync(new HttpRequestMessage(HttpMethod.Get, "/meta/"));
        Assert.Equal("http", json.GetProperty("scheme").GetString());
        Assert.Equal("", json.GetProperty("script_name").GetString());
        Assert.Equal("/meta/", json.GetProperty("path_info").GetString());
    }

    [Fact]
    public async Task Buffered_responses_carry_content_length_and_cookies()
    {
        var (status, head, body) = await site.RawAsync(KestrelSite.Request("GET /cookie/ HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n"));
        Assert.Equal(204, status);
        Assert.Contains("Set-Cookie: a=1; HttpOnly; Path=/", head);
        Assert.Contains("Set-Cookie: b=2; Path=/; SameSite=Strict", head);
        Assert.Empty(body);
        var (okStatus, okHead, _) = await site.RawAsync(KestrelSite.Request("GET /meta/ HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n"));
        Assert.Equal(200, okStatus);
        Assert.Contains("Content-Length:", okHead);
        Assert.Contains("Content-Type: application/json", okHead);
    }

    [Fact]
    public async Task Streaming_responses_are_chunked()
    {
        var (status, head, body) = await site.RawAsync(KestrelSite.Request("GET /stream/ HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n"));
        Assert.Equal(200, status);
        Assert.Contains("Transfer-Encoding: chunked", head);
        Assert.Equal("6\r\nfirst\n\r\n5\r\nlast\n\r\n0\r\n\r\n", Encoding.ASCII.GetString(body));
    }

    [Fact]
    public async Task A_sync_iterator_is_drained_with_djangos_warning() // as django/core/handlers/asgi.py does
    {
        using var http = Http();
        Assert.Equal("one two", await http.GetStringAsync("/sync-stream/"));
        Assert.Contains(site.Logs.For("Nuages.Request"), e => e.Message ==
            "StreamingHttpResponse must consume synchronous iterators in order to serve them asynchronously. Use an asynchronous iterator instead.");
    }

    [Fact]
    public async Task Buffered_bodies_carry_content_length_and_head_answers_without_a_body() // as django/core/handlers/asgi.py does (deliberately differs: Content-Length is sent)
    {
        var (status, head, body) = await site.RawAsync(KestrelSite.Request("HEAD /meta/ HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n"));
        Assert.Equal(200, status);
        Assert.Contains("Content-Length:", head);
        Assert.Empty(body);
    }

    [Fact]
    public async Task A_disallowed_host_is_a_400()
    {
        var (status, _, _) = await site.RawAsync(KestrelSite.Request("GET /meta/ HTTP/1.1\nHost: evil.example\nConnection: close\n\n"));
        Assert.Equal(400, status);
    }
}
