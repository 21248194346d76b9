using Nuages.Gateways;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>The WSGI items in their .NET sense, through the sync gateway on a real Kestrel.</summary>
public class SyncGatewayWsgiTests
{
    public static HttpResponse Paths(HttpRequest request) => new($"{request.ScriptName}|{request.PathInfo}|{request.Path}|{request.Query.Get("want")}");

    public static HttpResponse Headers(HttpRequest request)
    {
        var response = new HttpResponse("h");
        response["X-First"] = "1";
        response["X-Second"] = "2";
        response.SetCookie("a", "1");
        response.SetCookie("b", "2");
        return response;
    }

    private static async Task<(NuagesServer Server, int Port)> Start(Action<Nuages.Conf.Settings>? configure = null)
    {
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            configure?.Invoke(s);
        }, Path("paths/", Paths), Path("headers/", Headers),
            Path("file/", (HttpRequest _) => new FileResponse(new MemoryStream(Encoding.ASCII.GetBytes(new string('f', 10_000))), filename: "f.txt")));
        var server = await app.StartAsync("127.0.0.1:0", ServerGateway.Sync, threads: 2);
        return (server, server.Address.Port);
    }

    private static async Task<string> Raw(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.Latin1.GetString(received.ToArray());
    }

    [Fact]
    public async Task Script_name_comes_from_ForceScriptName_and_path_info_is_the_rest() // as django/core/handlers/wsgi.py does
    {
        var (server, _) = await Start(s => s.ForceScriptName = "/mounted");
        await using var _server = server;
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.Equal("/mounted|/paths/|/mounted/paths/|", await http.GetStringAsync("/mounted/paths/"));
    }

    [Fact]
    public async Task Query_strings_decode_as_django_does_and_raw_bytes_are_refused() // as django/core/handlers/wsgi.py does
    {
        var (server, port) = await Start();
        await using var _server = server;
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.EndsWith("|café", await http.GetStringAsync("/paths/?want=caf%C3%A9"));
        Assert.EndsWith("|caf\uFFFD", await http.GetStringAsync("/paths/?want=caf%E9"));
        // Raw non-ASCII bytes in the target never reach a view: Kestrel answers 400 itself.
        Assert.StartsWith("HTTP/1.1 400", await Raw(port, "GET /\xed HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 404", await Raw(port, "GET /%ED HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    }

    [Fact]
    public async Task The_status_line_carries_the_reason_and_headers_keep_their_order_then_cookies() // as django/core/handlers/wsgi.py does
    {
        var (server, port) = await Start();
        await using var _server = server;
        var response = await Raw(port, "GET /headers/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.True(response.IndexOf("X-First: 1", StringComparison.Ordinal) < response.IndexOf("X-Second: 2", StringComparison.Ordinal));
        Assert.Contains("Set-Cookie: a=1; Path=/\r\n", response);
        Assert.Contains("Set-Cookie: b=2; Path=/\r\n", response);
    }

    [Fact]
    public async Task Body_reads_stop_at_content_length() // as django/core/handlers/wsgi.py does
    {
        var (server, port) = await Start();
        await using var _server = server;
        // Five bytes of body, then bytes that belong to no request: the view sees exactly five.
        var response = await Raw(port, "POST /paths/?want=x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nHelloEXTRA");
        Assert.StartsWith("HTTP/1.1 200 OK", response);
    }

    [Fact]
    public async Task File_responses_stream_through_the_sync_gateway() // as django/core/handlers/wsgi.py does (64 KiB blocks on both gateways)
    {
        var (server, _) = await Start();
        await using var _server = server;
        using var http = new HttpClient { BaseAddress = server.Address };
        var response = await http.GetAsync("/file/");
        Assert.Equal("10000", response.Content.Headers.ContentLength?.ToString());
        Assert.Equal("inline; filename=\"f.txt\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(new string('f', 10_000), await response.Content.ReadAsStringAsync());
    }
}
