using Nuages;
using Nuages.Cache;
using Nuages.Conf;
using Nuages.Contrib.Sessions;
using Nuages.Http;
using static Nuages.Urls.Routes;

// A view that reads and writes its session, behind SessionMiddleware alone: /session (async) and /session-sync.
// SESSION_ENGINE picks the store: "db" on the PostgreSQL database NUAGES_BENCH_POSTGRES names (run `migrate` first),
// "cache" on the Redis server NUAGES_BENCH_REDIS names. bench/sessions.sh runs it against Django and ASP.NET Core.
var engine = Environment.GetEnvironmentVariable("SESSION_ENGINE") ?? "db";
var app = NuagesApp.Create(args, s =>
{
    s.SecretKey = "benchmark-only-secret-key-not-for-production-use-0123456789";
    s.AllowedHosts = ["*"];
    s.AccessLog = false;
    s.InstalledApps.Add<SessionsConfig>();
    s.Middleware.Add<SessionMiddleware>();
    s.SessionEngine = engine;
    if (Environment.GetEnvironmentVariable("NUAGES_BENCH_POSTGRES") is { } database) s.Databases["default"] = Nuages.Db.Database.Postgres(database);
    if (Environment.GetEnvironmentVariable("NUAGES_BENCH_REDIS") is { } redis)
        s.Caches["default"] = new CacheSettings { Backend = CacheBackendNames.Redis, Location = redis };
});
app.LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
app.UrlPatterns(
    Path("session", Views.Count),
    Path("session-sync", Views.CountSync));
return await app.RunAsync();

internal static class Views
{
    /// <summary>Reads the visitor's counter and writes it back one higher: one load and one save of the session.</summary>
    public static async Task<HttpResponse> Count(HttpRequest request)
    {
        var count = await request.Session.GetAsync<int>("count") + 1;
        await request.Session.SetAsync("count", count);
        return new HttpResponse(count.ToString(System.Globalization.CultureInfo.InvariantCulture), "text/plain");
    }

    /// <summary>The same as a sync view.</summary>
    public static HttpResponse CountSync(HttpRequest request)
    {
        var count = request.Session.Get<int>("count") + 1;
        request.Session["count"] = count;
        return new HttpResponse(count.ToString(System.Globalization.CultureInfo.InvariantCulture), "text/plain");
    }
}
