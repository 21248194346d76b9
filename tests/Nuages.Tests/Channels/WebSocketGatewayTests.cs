using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Nuages.Channels;
using Nuages.Db;
using Nuages.Tests.Support;
using static Nuages.Channels.WebSocketRoutes;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Channels;

/// <summary>What a consumer saw, in order, for a test to read.</summary>
public sealed class Probe
{
    public ConcurrentQueue<string> Events { get; } = new();
    public TaskCompletionSource<int> Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public void Add(string what) => Events.Enqueue(what);
}

/// <summary>An async consumer that answers what it is sent, and tells where it ran.</summary>
public sealed class AsyncProbeConsumer(Probe probe) : AsyncWebsocketConsumer
{
    public override Task ConnectAsync()
    {
        probe.Add($"connect pool={Thread.CurrentThread.IsThreadPoolThread}");
        return AcceptAsync(Scope.Subprotocols.FirstOrDefault());
    }

    public override async Task ReceiveAsync(string? text = null, byte[]? bytes = null)
    {
        switch (text)
        {
            case "route":
                await SendAsync(text: string.Join(",", Scope.UrlRoute.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}:{p.Value?.GetType().Name}")) + "|" + Scope.QueryString);
                break;
            case "boom":
                throw new InvalidOperationException("a handler failed");
            case "sync-orm":
                try
                {
                    Database.Connection.Query("SELECT 1");
                    await SendAsync(text: "ran");
                }
                catch (Nuages.Core.SynchronousOnlyOperation e)
                {
                    await SendAsync(text: e.Message);
                }
                break;
            case "slow":
                probe.Add("slow begins");
                await Task.Delay(500);
                await SendAsync(text: "too late"); // the client has gone: dropped, no error
                probe.Add("slow ends");
                break;
            case "flood":
                var chunk = new string('x', 16 * 1024);
                for (var i = 0; i < 1500; i++) await SendAsync(text: chunk);
                probe.Add("flood sent");
                break;
            case "close":
                await CloseAsync(4001, "asked to");
                break;
            default:
                if (bytes is not null) await SendAsync(bytes: bytes);
                else await SendAsync(text: "echo " + text);
                break;
        }
    }

    public override Task DisconnectAsync(int code)
    {
        probe.Add($"disconnect {code}");
        probe.Disconnected.TrySetResult(code);
        return Task.CompletedTask;
    }
}

/// <summary>A sync consumer: every handler says which thread it ran on, and may use the sync ORM.</summary>
public sealed class SyncProbeConsumer(Probe probe) : WebsocketConsumer
{
    private string Where() => $"{Environment.CurrentManagedThreadId}:{Thread.CurrentThread.Name}:pool={Thread.CurrentThread.IsThreadPoolThread}";

    public override void Connect()
    {
        probe.Add("connect " + Where());
        Accept();
    }

    public override void Receive(string? text = null, byte[]? bytes = null)
    {
        if (text == "sync-orm")
        {
            Send(text: "rows " + Database.Connection.Query("SELECT 1").Count);
            return;
        }
        probe.Add("receive " + Where());
        Send(text: Where());
    }

    public override void Disconnect(int code)
    {
        probe.Add("disconnect " + Where());
        probe.Disconnected.TrySetResult(code);
    }
}

/// <summary>The sync JSON consumer: a JSON message answered with a JSON message.</summary>
public sealed class SumConsumer : JsonWebsocketConsumer
{
    public override void ReceiveJson(JsonNode? content) => SendJson(new JsonObject { ["sum"] = content!["a"]!.GetValue<int>() + content["b"]!.GetValue<int>() });
}

/// <summary>The async JSON consumer with Channels' default encoding: frames read and written as UTF-8 JSON by the server.</summary>
public sealed class AsyncSumConsumer : AsyncJsonWebsocketConsumer
{
    public override Task ReceiveJsonAsync(JsonNode? content) =>
        SendJsonAsync(new JsonObject { ["sum"] = content!["a"]!.GetValue<int>() + content["b"]!.GetValue<int>(), ["note"] = "<é>" });
}

/// <summary>An async JSON consumer with an encoding of its own (Channels' decode_json/encode_json overridden).</summary>
public sealed class ShoutingJsonConsumer : AsyncJsonWebsocketConsumer
{
    public override Task ReceiveJsonAsync(JsonNode? content) => SendJsonAsync(content);

    protected override JsonNode? DecodeJson(string text) => JsonNode.Parse(text.Replace("'", "\"", StringComparison.Ordinal));

    protected override string EncodeJson(JsonNode? content) => "SHOUT " + content?.ToJsonString().ToUpperInvariant();
}

/// <summary>A consumer that overrides dispatch, as one that logs every event would: it sees every frame as an event.</summary>
public sealed class DispatchLoggingConsumer(Probe probe) : AsyncWebsocketConsumer
{
    protected override Task DispatchAsync(JsonObject message)
    {
        probe.Add(message.ToJsonString());
        return base.DispatchAsync(message);
    }

    public override Task ReceiveAsync(string? text = null, byte[]? bytes = null) => SendAsync(text: text ?? $"{bytes!.Length} bytes");
}

/// <summary>Consumers served by Kestrel through the gateway: routing, origin checks, the consumers' threads, limits, failures, shutdown.</summary>
public class WebSocketGatewayTests
{
    private const string Origin = "http://127.0.0.1";

    private static async Task<(NuagesServer Server, LogCapture Logs)> Serve(Probe probe, Action<Nuages.Conf.Settings>? configure = null)
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-ws-{Guid.NewGuid():N}.sqlite3");
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.Databases["default"] = Database.Sqlite(database);
            s.ShutdownTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(s);
        }, out var logs, Path("page/", (Nuages.Http.HttpRequest _) => new Nuages.Http.HttpResponse("a page")));
        app.WebSocketPatterns(
            Path("ws/", Include([
                WebSocketPath("rooms/<int:id>/<slug:name>/", () => new AsyncProbeConsumer(probe)),
                WebSocketPath("async/", () => new AsyncProbeConsumer(probe)),
                WebSocketPath("sync/", () => new SyncProbeConsumer(probe)),
                WebSocketPath<SumConsumer>("sum/"),
                WebSocketPath<AsyncSumConsumer>("async-sum/"),
                WebSocketPath<ShoutingJsonConsumer>("shout/"),
                WebSocketPath("logged/", () => new DispatchLoggingConsumer(probe)),
            ])));
        return (await app.StartAsync("127.0.0.1:0"), logs);
    }

    private static async Task<ClientWebSocket> Open(NuagesServer server, string path, string? origin = Origin, params string[] subprotocols)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        foreach (var subprotocol in subprotocols) socket.Options.AddSubProtocol(subprotocol);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new Uri($"ws://{server.Address.Authority}{path}"), timeout.Token);
        return socket;
    }

    private static async Task<HttpStatusCode> Refused(NuagesServer server, string path, string? origin = Origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{server.Address.Authority}{path}"), CancellationToken.None));
        return socket.HttpStatusCode;
    }

    private static Task Send(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> Receive(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return result.MessageType == WebSocketMessageType.Close ? $"closed {(int?)result.CloseStatus} {result.CloseStatusDescription}" : Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    [Fact]
    public async Task A_path_is_routed_with_the_http_converters_and_an_unknown_one_refused_403()
    {
        var probe = new Probe();
        var (server, logs) = await Serve(probe);
        await using (server)
        {
            using var socket = await Open(server, "/ws/rooms/7/blue-room/?x=1", Origin, "chat.v2");
            Assert.Equal("chat.v2", socket.SubProtocol);
            await Send(socket, "route");
            Assert.Equal("id=7:Int32,name=blue-room:String|x=1", await Receive(socket));
            await Send(socket, "hello");
            Assert.Equal("echo hello", await Receive(socket));
            await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
            var buffer = new byte[16];
            var binary = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(WebSocketMessageType.Binary, binary.MessageType);
            Assert.Equal([1, 2, 3], buffer[..binary.Count]);

            Assert.Equal(HttpStatusCode.Forbidden, await Refused(server, "/ws/rooms/x/blue/"));
            Assert.Equal(HttpStatusCode.Forbidden, await Refused(server, "/ws/nowhere/"));
            Assert.Contains(logs.For("Nuages.Channels"), e => e.Message == "WebSocket refused: no route found for path '/ws/nowhere/'.");
            // plain HTTP still reaches the views
            using var http = new HttpClient { BaseAddress = server.Address };
            Assert.Equal("a page", await http.GetStringAsync("/page/"));

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            Assert.Equal(1000, await probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task The_origin_must_be_an_allowed_host_or_one_of_the_allowed_origins()
    {
        var probe = new Probe();
        var (server, logs) = await Serve(probe);
        await using (server)
        {
            Assert.Equal(HttpStatusCode.Forbidden, await Refused(server, "/ws/async/", "http://evil.example"));
            Assert.Equal(HttpStatusCode.Forbidden, await Refused(server, "/ws/async/", origin: null));
            Assert.Contains(logs.For("Nuages.Channels"), e => e.Message.StartsWith("WebSocket refused: the Origin 'http://evil.example' of /ws/async/ is not allowed", StringComparison.Ordinal));
            using var socket = await Open(server, "/ws/async/", "https://127.0.0.1:8443");
            Assert.Equal(WebSocketState.Open, socket.State);
        }
        (server, _) = await Serve(probe, s => s.WebSocketAllowedOrigins = ["https://app.example", ".partner.example"]);
        await using (server)
        {
            using var exact = await Open(server, "/ws/async/", "https://app.example:443");
            using var sub = await Open(server, "/ws/async/", "http://eu.partner.example:8080");
            Assert.Equal(HttpStatusCode.Forbidden, await Refused(server, "/ws/async/", "http://app.example"));
            Assert.Equal(HttpStatusCode.Forbidden, await Refused(server, "/ws/async/", Origin));
        }
    }

    [Theory]
    [InlineData("*", null, true)]
    [InlineData("example.com", null, false)]
    [InlineData("example.com", "http://example.com", true)]
    [InlineData("example.com", "https://example.com:8443", true)]
    [InlineData("example.com", "http://www.example.com", false)]
    [InlineData(".example.com", "http://www.example.com", true)]
    [InlineData(".example.com", "http://example.com", true)]
    [InlineData("http://example.com", "http://example.com:80", true)]
    [InlineData("http://example.com", "https://example.com", false)]
    [InlineData("http://example.com:8080", "http://example.com", false)]
    [InlineData("https://example.com", "https://example.com:443", true)]
    [InlineData("http://.example.com", "http://sub.example.com", true)]
    [InlineData("[::1]", "http://[::1]:8000", true)]
    [InlineData("example.com", "null", false)]
    public void Origins_match_as_channels_OriginValidator_matches_them(string pattern, string? origin, bool valid) =>
        Assert.Equal(valid, OriginValidator.IsValid(origin, [pattern]));

    [Fact]
    public async Task An_async_consumer_runs_with_no_sync_worker_and_refuses_the_sync_orm()
    {
        var probe = new Probe();
        var (server, _) = await Serve(probe);
        await using (server)
        {
            using var socket = await Open(server, "/ws/async/");
            await Send(socket, "sync-orm");
            Assert.Equal("You cannot call this from an async context - use a thread or SyncToAsync.", await Receive(socket));
            Assert.Equal("connect pool=True", probe.Events.First());
        }
    }

    [Fact]
    public async Task A_sync_consumer_runs_every_handler_of_a_connection_on_one_thread_of_its_own()
    {
        var probe = new Probe();
        var (server, _) = await Serve(probe);
        await using (server)
        {
            using var ann = await Open(server, "/ws/sync/");
            await Send(ann, "one");
            var first = await Receive(ann);
            await Send(ann, "two");
            Assert.Equal(first, await Receive(ann));
            Assert.StartsWith($"{first.Split(':')[0]}:nuages-consumer-", first, StringComparison.Ordinal);
            Assert.EndsWith(":pool=False", first, StringComparison.Ordinal);
            await Send(ann, "sync-orm");
            Assert.Equal("rows 1", await Receive(ann));

            using var bob = await Open(server, "/ws/sync/");
            await Send(bob, "three");
            Assert.NotEqual(first, await Receive(bob));

            await ann.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            await probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var annThread = first.Split(':')[0];
            Assert.Equal(["connect", "receive", "receive", "disconnect"], probe.Events.Where(e => e.Contains($" {annThread}:", StringComparison.Ordinal)).Select(e => e.Split(' ')[0]));
        }
    }

    [Fact]
    public async Task The_json_consumer_answers_json_and_a_binary_frame_closes_with_1011()
    {
        var (server, logs) = await Serve(new Probe());
        await using (server)
        {
            using var socket = await Open(server, "/ws/sum/");
            await Send(socket, """{"a": 2, "b": 40}""");
            Assert.Equal("""{"sum":42}""", await Receive(socket));
            await socket.SendAsync(new byte[] { 1 }, WebSocketMessageType.Binary, true, CancellationToken.None);
            Assert.Equal("closed 1011 ", await Receive(socket));
            Assert.Contains(logs.For("Nuages.Channels"), e => e.Message == "Exception inside application: No text section for incoming WebSocket frame! (WebSocket /ws/sum/)");
        }
    }

    [Fact]
    public async Task The_async_json_consumer_answers_as_channels_and_keeps_an_encoding_of_its_own()
    {
        var probe = new Probe();
        var (server, logs) = await Serve(probe);
        await using (server)
        {
            using (var socket = await Open(server, "/ws/async-sum/"))
            {
                await Send(socket, """{"a": 2, "b": 40}""");
                Assert.Equal("""{"sum":42,"note":"\u003C\u00E9\u003E"}""", await Receive(socket)); // ToJsonString's escaping
                await Send(socket, "{not json");
                Assert.Equal("closed 1011 ", await Receive(socket));
            }
            Assert.Contains(logs.For("Nuages.Channels"), e => e.Message.StartsWith("Exception inside application: 'n' is an invalid start of a property name.", StringComparison.Ordinal));

            using (var socket = await Open(server, "/ws/async-sum/"))
            {
                await socket.SendAsync(new byte[] { 1 }, WebSocketMessageType.Binary, true, CancellationToken.None);
                Assert.Equal("closed 1011 ", await Receive(socket));
            }
            Assert.Contains(logs.For("Nuages.Channels"), e => e.Message == "Exception inside application: No text section for incoming WebSocket frame! (WebSocket /ws/async-sum/)");

            using (var socket = await Open(server, "/ws/shout/"))
            {
                await Send(socket, "{'say': 'hi'}");
                Assert.Equal("""SHOUT {"SAY":"HI"}""", await Receive(socket));
            }

            using (var socket = await Open(server, "/ws/logged/"))
            {
                await Send(socket, "hello");
                Assert.Equal("hello", await Receive(socket));
                await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
                Assert.Equal("3 bytes", await Receive(socket));
            }
            Assert.Equal(["""{"type":"websocket.connect"}""", """{"type":"websocket.receive","text":"hello"}""", """{"type":"websocket.receive","bytes":"AQID"}"""],
                probe.Events.Take(3));
        }
    }

    [Fact]
    public async Task A_handler_exception_closes_its_socket_with_1011_and_the_server_serves_on()
    {
        var probe = new Probe();
        var (server, logs) = await Serve(probe);
        await using (server)
        {
            using var socket = await Open(server, "/ws/async/");
            await Send(socket, "boom");
            Assert.Equal("closed 1011 ", await Receive(socket));
            var error = Assert.Single(logs.For("Nuages.Channels"), e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
            Assert.Equal("Exception inside application: a handler failed (WebSocket /ws/async/)", error.Message);
            Assert.IsType<InvalidOperationException>(error.Exception);

            using var next = await Open(server, "/ws/async/");
            await Send(next, "still here?");
            Assert.Equal("echo still here?", await Receive(next));
        }
    }

    [Fact]
    public async Task A_consumer_closes_with_its_code_and_an_oversize_message_closes_with_1009()
    {
        var probe = new Probe();
        var (server, logs) = await Serve(probe, s => s.WebSocketMaxMessageSize = 1000);
        await using (server)
        {
            using var asked = await Open(server, "/ws/async/");
            await Send(asked, "close");
            Assert.Equal("closed 4001 asked to", await Receive(asked));

            using var socket = await Open(server, "/ws/async/");
            await Send(socket, new string('x', 1000));
            Assert.Equal("echo " + new string('x', 1000), await Receive(socket));
            await Send(socket, new string('x', 1001));
            Assert.Equal("closed 1009 Message too big", await Receive(socket));
            Assert.Contains(logs.For("Nuages.Channels"), e => e.Message == "WebSocket /ws/async/ closed (1009): a message is over 1000 bytes (Settings.WebSocketMaxMessageSize).");
        }
    }

    [Fact]
    public async Task A_disconnect_during_a_handler_is_delivered_after_it_and_its_late_send_is_dropped()
    {
        var probe = new Probe();
        var (server, logs) = await Serve(probe);
        await using (server)
        {
            var socket = await Open(server, "/ws/async/");
            await Send(socket, "slow");
            await Task.Delay(100);
            socket.Abort(); // gone without a close frame
            Assert.Equal(1006, await probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(["connect pool=True", "slow begins", "slow ends", "disconnect 1006"], probe.Events);
            Assert.DoesNotContain(logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        }
    }

    [Fact]
    public async Task A_client_that_never_reads_is_closed_with_1008_once_its_send_queue_is_full()
    {
        var probe = new Probe();
        var (server, logs) = await Serve(probe, s => s.WebSocketSendQueueLimit = 256 * 1024);
        await using (server)
        {
            using var socket = await Open(server, "/ws/async/");
            await Send(socket, "flood"); // 1,500 messages of 16 KiB (24 MiB, more than the kernel buffers hold); the client reads none of them
            Assert.Equal(1008, await probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("flood sent", probe.Events);
            var warning = Assert.Single(logs.For("Nuages.Channels"), e => e.Message.Contains("closed (1008)", StringComparison.Ordinal));
            Assert.EndsWith("Settings.WebSocketSendQueueLimit is 262144).", warning.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_refused_503()
    {
        var (server, logs) = await Serve(new Probe(), s => s.WebSocketMaxConnections = 2);
        await using (server)
        {
            using var one = await Open(server, "/ws/async/");
            using var two = await Open(server, "/ws/async/");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await Refused(server, "/ws/async/"));
            Assert.Contains(logs.For("Nuages.Channels"), e => e.Message == "WebSocket refused: 2 sockets are open (Settings.WebSocketMaxConnections).");
            await one.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            // the server counts the socket out once its close handshake is over: a place comes free soon after
            ClientWebSocket? three = null;
            for (var i = 0; i < 100 && three is null; i++)
            {
                try
                {
                    three = await Open(server, "/ws/async/");
                }
                catch (WebSocketException)
                {
                    await Task.Delay(50);
                }
            }
            Assert.Equal(WebSocketState.Open, three?.State);
            three?.Dispose();
        }
    }

    [Fact]
    public async Task A_socket_quiet_for_the_idle_timeout_is_closed_with_1000()
    {
        var probe = new Probe();
        var (server, _) = await Serve(probe, s => s.WebSocketIdleTimeout = TimeSpan.FromSeconds(2));
        await using (server)
        {
            using var socket = await Open(server, "/ws/async/");
            await Send(socket, "still here");
            Assert.Equal("echo still here", await Receive(socket));
            Assert.Equal("closed 1000 ", await Receive(socket)); // nothing sent for two seconds: closed by the server
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            Assert.Equal(1000, await probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task A_client_that_answers_no_ping_is_dropped_and_its_consumer_told_1006()
    {
        var probe = new Probe();
        var (server, _) = await Serve(probe, s =>
        {
            s.WebSocketPingInterval = TimeSpan.FromMilliseconds(500);
            s.WebSocketPingTimeout = TimeSpan.FromSeconds(1);
        });
        await using (server)
        {
            // a ClientWebSocket answers pings only while it reads: this one never reads
            using var socket = await Open(server, "/ws/async/");
            Assert.Equal(1006, await probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        }
    }

    [Fact]
    public async Task Shutdown_closes_open_sockets_with_1001()
    {
        var probe = new Probe();
        var (server, _) = await Serve(probe);
        using var socket = await Open(server, "/ws/async/");
        var stopping = server.DisposeAsync().AsTask();
        Assert.Equal("closed 1001 Server shutting down", await Receive(socket));
        await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, null, CancellationToken.None);
        Assert.Equal(1001, await probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
