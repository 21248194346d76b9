using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Nuages;
using Nuages.Cache;
using Nuages.Conf;
using StackExchange.Redis;

// Cache Get/Set round trips on Redis: Nuages' RedisCache against StackExchange.Redis used directly (the same client
// underneath), sync one at a time and async with 64 in flight, interleaved rounds; each case ends with the ratio of
// the rounds' sums. Usage: CacheBench [redis-url] [seconds] [rounds]
var url = args.Length > 0 ? args[0] : "redis://127.0.0.1:6379/9";
var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
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

// Operations per second, and bytes allocated per operation in the whole process (the client's threads included).
(double Ops, double Bytes) Sync(Action op)
{
    var allocated = GC.GetTotalAllocatedBytes(true);
    var stop = Stopwatch.StartNew();
    long n = 0;
    while (stop.Elapsed.TotalSeconds < seconds) { op(); n++; }
    return (n / stop.Elapsed.TotalSeconds, (GC.GetTotalAllocatedBytes(true) - allocated) / (double)n);
}

async Task<(double Ops, double Bytes)> Concurrent(Func<Task> op)
{
    var allocated = GC.GetTotalAllocatedBytes(true);
    var stop = Stopwatch.StartNew();
    long n = 0;
    await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
    {
        while (stop.Elapsed.TotalSeconds < seconds) { await op(); Interlocked.Increment(ref n); }
    }));
    return (n / stop.Elapsed.TotalSeconds, (GC.GetTotalAllocatedBytes(true) - allocated) / (double)n);
}

var directKey = (RedisKey)(cache.MakeKey("bench") + ":direct");
var cases = new (string Name, Func<Task<(double Ops, double Bytes)>> Nuages, Func<Task<(double Ops, double Bytes)>> Direct)[]
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
Console.WriteLine("case                      round  nuages_ops  direct_ops  ratio  nuages_B/op  direct_B/op");
foreach (var (name, nuages, peer) in cases)
{
    await nuages(); await peer(); // warm-up
    double sumA = 0, sumB = 0;
    for (var round = 1; round <= rounds; round++)
    {
        // the order alternates: a round's first run pays for the GC debt of the one before it
        (double Ops, double Bytes) a, b;
        if (round % 2 == 1) { a = await nuages(); b = await peer(); }
        else { b = await peer(); a = await nuages(); }
        sumA += a.Ops;
        sumB += b.Ops;
        Console.WriteLine($"{name,-25} {round,5} {a.Ops,11:F0} {b.Ops,11:F0} {a.Ops / b.Ops,6:F3} {a.Bytes,12:F0} {b.Bytes,12:F0}");
    }
    Console.WriteLine($"{name,-25} {"all",5} {sumA / rounds,11:F0} {sumB / rounds,11:F0} {sumA / sumB,6:F3}");
}
cache.Delete("bench");
db.KeyDelete(directKey);
