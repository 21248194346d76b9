using Nuages;
using Nuages.Http;
using static Nuages.Urls.Routes;

// TechEmpower's /plaintext and /json on Nuages, and its database tests when NUAGES_BENCH_POSTGRES names a
// database (bench/run.sh sets it). Async views are what a site that cares about throughput writes; the -sync
// twins measure the hop of a sync view onto a sync worker.
var database = Environment.GetEnvironmentVariable("NUAGES_BENCH_POSTGRES");
var app = NuagesApp.Create(args, s =>
{
    s.SecretKey = "benchmark-only-secret-key-not-for-production-use-0123456789";
    s.AllowedHosts = ["*"];
    s.AccessLog = false;
    if (database is not null) s.Databases["default"] = Nuages.Db.Database.Postgres(database);
    s.Templates.Dirs.Add("templates");
});
app.LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
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
return await app.RunAsync();

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
