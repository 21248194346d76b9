using System.Net.Sockets;
using System.Text;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>One real Kestrel server on an ephemeral 127.0.0.1 port, shared by the gateway tests.</summary>
public sealed class KestrelSite : IAsyncLifetime
{
    public NuagesApp App { get; private set; } = null!;
    public LogCapture Logs { get; private set; } = null!;
    public NuagesServer Server { get; private set; } = null!;
    public int Port => Server.Address.Port;

    public static HttpResponse Meta(HttpRequest request) => new JsonResponse(new
    {
        method = request.Method,
        path = request.Path,
        path_info = request.PathInfo,
        script_name = request.ScriptName,
        query = request.QueryString,
        scheme = request.Scheme,
        referer = request.Meta.Get("HTTP_REFERER"),
        content_type = request.Meta.Get("CONTENT_TYPE"),
        content_length = request.Meta.Get("CONTENT_LENGTH"),
        remote_addr = request.Meta.Get("REMOTE_ADDR"),
        remote_port = request.Meta.Get("REMOTE_PORT"),
        server_name = request.Meta.Get("SERVER_NAME"),
        server_port = request.Meta.Get("SERVER_PORT"),
        protocol = request.Meta.Get("SERVER_PROTOCOL"),
        name = request.Query.Get("name"),
    });

    public static HttpResponse Echo(HttpRequest request) => new(request.Body, "application/octet-stream");

    public static async Task<HttpResponse> Stream(HttpRequest request) => new StreamingHttpResponse(Parts(request.Aborted));

    private static async IAsyncEnumerable<string> Parts([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        yield return "first\n";
        await Task.Delay(10, token);
        yield return "last\n";
    }

    public static HttpResponse SyncStream(HttpRequest request) => new StreamingHttpResponse(new[] { "one ", "two" });

    public static HttpResponse Cookie(HttpRequest request)
    {
        var response = new HttpResponse("", status: 204);
        response.SetCookie("a", "1", httpOnly: true);
        response.SetCookie("b", "2", sameSite: "Strict");
        return response;
    }

    public async Task InitializeAsync()
    {
        App = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1", "localhost"];
            s.DataUploadMaxMemorySize = 1000;
        }, out var logs,
            Path("meta/", Meta), Path("echo/", Echo), Path("stream/", Stream), Path("sync-stream/", SyncStream), Path("cookie/", Cookie));
        Logs = logs;
        Server = await App.StartAsync("127.0.0.1:0");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
    }

    /// <summary>Sends raw bytes on a fresh connection and reads until the server closes it.</summary>
    public async Task<(int Status, string Head, byte[] Body)> RawAsync(byte[] request)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(request);
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(received, timeout.Token);
        var all = received.ToArray();
        var split = all.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.Latin1.GetString(all, 0, split);
        var status = int.Parse(head.Split(' ')[1]);
        return (status, head, all[(split + 4)..]);
    }

    public static byte[] Request(string text) => Encoding.Latin1.GetBytes(text.Replace("\n", "\r\n"));
}
