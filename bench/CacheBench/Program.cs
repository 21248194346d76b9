using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Nuages;
using Nuages.Cache;
using Nuages.Conf;
using StackExchange.Redis;

// Cache Get/Set round trips on Redis: Nuages' RedisCache against StackExchange.Redis used directly (the same client
// underneath), sync one at a time and async with 64 in flight, interleaved rounds. Usage: CacheBench [redis-url] [seconds]
var url = args.Length > 0 ? args[0] : "redis://127.0.0.1:6379/9";
var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
var uri = new Uri(url);
var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
{
    s.SecretKey = "bench";
    s.Caches["default"] = new CacheSettings { Backend = CacheBackendNames.Redis, Location = url };
});
using var scope = app.Enter();
var cache = Caches.Default;
using var direct = ConnectionMultiplexer.Connect($"{uri.Host}:{uri.Port}");
var db = direct.GetDatabase(int.Parse(uri.AbsolutePath.Trim('/'), System.Globalization.CultureInfo.InvariantCulture));
var value = new { title = "Earthsea", pages = 183, tags = new[] { "fantasy", "classic" } };
var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value); // what the direct peer stores: the same JSON
cache.Set("bench", value, BaseCache.Forever);
db.StringSet(cache.MakeKey("bench") + ":direct", payload);

double Sync(Action op)
{
    var stop = Stopwatch.StartNew();
    long n = 0;
    while (stop.Elapsed.TotalSeconds < seconds) { op(); n++; }
    return n / stop.Elapsed.TotalSeconds;
}

async Task<double> Concurrent(Func<Task> op)
{
    var stop = Stopwatch.StartNew();
    long n = 0;
    await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
    {
        while (stop.Elapsed.TotalSeconds < seconds) { await op(); Interlocked.Increment(ref n); }
    }));
    return n / stop.Elapsed.TotalSeconds;
}

var directKey = (RedisKey)(cache.MakeKey("bench") + ":direct");
var cases = new (string Name, Func<Task<double>> Nuages, Func<Task<double>> Direct)[]
{
    ("Get, sync, 1 at a time", () => Task.FromResult(Sync(() => cache.Get<Dictionary<string, object>>("bench"))),
        () => Task.FromResult(Sync(() => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>((byte[])db.StringGet(directKey)!)))),
    ("Set, sync, 1 at a time", () => Task.FromResult(Sync(() => cache.Set("bench", value, BaseCache.Forever))),
        () => Task.FromResult(Sync(() => db.StringSet(directKey, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value))))),
    ("GetAsync, 64 in flight", () => Concurrent(async () => await cache.GetAsync<Dictionary<string, object>>("bench")),
        () => Concurrent(async () => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>((byte[])(await db.StringGetAsync(directKey))!))),
    ("SetAsync, 64 in flight", () => Concurrent(async () => await cache.SetAsync("bench", value, BaseCache.Forever)),
        () => Concurrent(async () => await db.StringSetAsync(directKey, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value)))),
};
Console.WriteLine("case                      round  nuages_ops  direct_ops  ratio");
foreach (var (name, nuages, peer) in cases)
{
    await nuages(); await peer(); // warm-up
    for (var round = 1; round <= 3; round++)
    {
        var a = await nuages();
        var b = await peer();
        Console.WriteLine($"{name,-25} {round,5} {a,11:F0} {b,11:F0} {a / b,6:F3}");
    }
}
cache.Delete("bench");
db.KeyDelete(directKey);
