using Nuages;
using Nuages.Http;
using static Nuages.Urls.Routes;

// TechEmpower's /plaintext and /json on Nuages, and its database tests when NUAGES_BENCH_POSTGRES names a
// database (bench/run.sh sets it). Async views are what a site that cares about throughput writes; the -sync
// twins measure the hop of a sync view onto a sync worker.
AllocationSamples.FromEnvironment();
var database = Environment.GetEnvironmentVariable("NUAGES_BENCH_POSTGRES");
var app = NuagesApp.Create(args, s =>
{
    s.SecretKey = "benchmark-only-secret-key-not-for-production-use-0123456789";
    s.AllowedHosts = ["*"];
    s.AccessLog = false;
    if (database is not null) s.Databases["default"] = Nuages.Db.Database.Postgres(database);
    s.Templates.Dirs.Add("templates");
    // WebSockets (bench/channels.sh): the shootout consumer's group goes through this layer
    s.ChannelLayers["default"] = Environment.GetEnvironmentVariable("NUAGES_BENCH_REDIS") is { Length: > 0 } redis
        ? new Nuages.Conf.ChannelLayerSettings { Backend = "redis", Hosts = [redis], Capacity = 1000 }
        : new Nuages.Conf.ChannelLayerSettings { Backend = "inmemory", Capacity = 1000 };
    s.WebSocketPingInterval = TimeSpan.Zero;
    s.WebSocketSendQueueLimit = 16 * 1024 * 1024;
});
if (Environment.GetEnvironmentVariable("NUAGES_BENCH_LOG") is null) app.LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
app.UrlPatterns(
    Path("plaintext", Bench.Plaintext),
    Path("json", Bench.Json),
    Path("plaintext-sync", Bench.PlaintextSync),
    Path("json-sync", Bench.JsonSync),
    Path("sleep", Bench.Sleep),
    Path("ping", Bench.Ping),
    Path("asleep", Bench.AsyncSleep),
    Path("db", DbBench.Single),
    Path("queries", DbBench.Queries),
    Path("fortunes", DbBench.Fortunes),
    Path("fortunes-html", DbBench.FortunesHandBuilt),
    Path("updates", DbBench.Updates),
    Path("books", RelationsBench.Books),
    Path("order", RelationsBench.Order));
app.WebSocketPatterns(Nuages.Channels.WebSocketRoutes.WebSocketPath<Shootout>("ws"), Nuages.Channels.WebSocketRoutes.WebSocketPath<TextEcho>("ws-text"));
return await app.RunAsync();

/// <summary>The websocket-shootout protocol: echo answers the sender; broadcast goes to every socket through the layer, then a result to the sender.</summary>
internal sealed class Shootout : Nuages.Channels.AsyncJsonWebsocketConsumer
{
    protected override IReadOnlyList<string> Groups => ["all"];

    public override async Task ReceiveJsonAsync(System.Text.Json.Nodes.JsonNode? content)
    {
        var type = (string?)content?["type"];
        if (type == "echo")
        {
            await SendJsonAsync(content);
            return;
        }
        if (type != "broadcast") return;
        await ChannelLayer!.GroupSendAsync("all", new System.Text.Json.Nodes.JsonObject { ["type"] = "shootout.broadcast", ["payload"] = content!["payload"]?.DeepClone() });
        await SendJsonAsync(new System.Text.Json.Nodes.JsonObject { ["type"] = "broadcastResult", ["payload"] = content["payload"]?.DeepClone() });
    }

    /// <summary>shootout.broadcast from the group: to this socket.</summary>
    public Task ShootoutBroadcast(System.Text.Json.Nodes.JsonObject message) =>
        SendJsonAsync(new System.Text.Json.Nodes.JsonObject { ["type"] = "broadcast", ["payload"] = message["payload"]?.DeepClone() });
}

internal static class Bench
{
    private static readonly byte[] Hello = "Hello, World!"u8.ToArray();

    public static ValueTask<HttpResponse> Plaintext(HttpRequest request) => new(new HttpResponse(Hello, "text/plain"));

    public static ValueTask<HttpResponse> Json(HttpRequest request) => new(new JsonResponse(new { message = "Hello, World!" }));

    public static HttpResponse PlaintextSync(HttpRequest request) => new(Hello, "text/plain");

    public static HttpResponse JsonSync(HttpRequest request) => new JsonResponse(new { message = "Hello, World!" });

    /// <summary>A sync view that blocks its thread: what a slow legacy call looks like.</summary>
    public static HttpResponse Sleep(HttpRequest request)
    {
        Thread.Sleep(int.TryParse(request.Query.Get("ms"), out var ms) ? ms : 100);
        return new HttpResponse("slept");
    }

    public static ValueTask<HttpResponse> Ping(HttpRequest request) => new(new HttpResponse("pong"));

    /// <summary>A long-poll: an async view that waits without holding a thread.</summary>
    public static async Task<HttpResponse> AsyncSleep(HttpRequest request)
    {
        await Task.Delay(int.TryParse(request.Query.Get("ms"), out var ms) ? ms : 1000, request.Aborted);
        return new HttpResponse("slept");
    }
}

/// <summary>Echo without JSON: what the consumer machinery costs by itself.</summary>
internal sealed class TextEcho : Nuages.Channels.AsyncWebsocketConsumer
{
    public override Task ReceiveAsync(string? text = null, byte[]? bytes = null) => SendAsync(text: text);
}
