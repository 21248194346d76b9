using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Nuages;

// The ORM's cost per statement against raw Npgsql, one read at a time on one connection pool: the time and the bytes
// allocated per read of one World row by primary key — Nuages' World.Objects.GetAsync("pk", id) against the raw
// NpgsqlCommand of bench/AspNetPeer. Loopback PostgreSQL: NUAGES_BENCH_POSTGRES, else the local test database.
//   dotnet run -c Release --project bench/OrmBench [reads]
var reads = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
var database = Environment.GetEnvironmentVariable("NUAGES_BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=nuages_bench";
var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
{
    s.SecretKey = "benchmark-only-secret-key-not-for-production-use-0123456789";
    s.Databases["default"] = Nuages.Db.Database.Postgres(database);
});
await using var source = NpgsqlDataSource.Create(database + ";Max Auto Prepare=64");
using var entered = app.Enter();

async Task<long> Raw(int id)
{
    await using var connection = await source.OpenConnectionAsync();
    await using var command = new NpgsqlCommand("SELECT id, random_number FROM world WHERE id = $1", connection);
    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    return reader.GetInt32(1);
}

async Task<long> Orm(int id) => (await World.Objects.GetAsync("pk", id)).RandomNumber;

// The same read through Nuages' raw SQL: the executor's share (lease, statement, parameters) without the QuerySet's.
async Task<long> RawSql(int id) => (int)(await Nuages.Db.Database.Connection.QueryAsync("SELECT id, random_number FROM world WHERE id = %s", [id]))[0][1]!;

async Task<(double Microseconds, double Bytes)> Measure(Func<int, Task<long>> read)
{
    for (var i = 0; i < 2_000; i++) await read(1 + i % 10_000); // warm-up: pools filled, code tiered
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < reads; i++) await read(1 + i * 7 % 10_000);
    var elapsed = clock.Elapsed;
    return (elapsed.TotalMicroseconds / reads, (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)reads);
}

// ALLOC_TYPES=raw|sql|orm: which types one of the three reads allocates, by the runtime's allocation samples (one per
// ~100 KB allocated, so a type's count is proportional to its bytes) — where the bytes per read go.
if (Environment.GetEnvironmentVariable("ALLOC_TYPES") is { } which)
{
    Func<int, Task<long>> read = which == "raw" ? Raw : which == "sql" ? RawSql : Orm;
    for (var i = 0; i < 2_000; i++) await read(1 + i);
    var samples = new AllocationSamples();
    for (var i = 0; i < 40_000; i++) await read(1 + i * 7 % 10_000);
    samples.Dispose();
    foreach (var (type, count) in samples.Counts.OrderByDescending(kv => kv.Value).Take(40)) Console.WriteLine($"{count,6} {type}");
    return;
}

Console.WriteLine($"one World row by primary key, {reads:N0} reads one after the other (median of 5 rounds taking turns)");
var raw = new List<(double, double)>();
var orm = new List<(double, double)>();
var rawSql = new List<(double, double)>();
for (var round = 0; round < 5; round++)
{
    raw.Add(await Measure(Raw));
    orm.Add(await Measure(Orm));
    rawSql.Add(await Measure(RawSql));
}
static (double, double) Median(List<(double Us, double B)> rounds) => (rounds.Select(r => r.Us).Order().ElementAt(rounds.Count / 2), rounds.Select(r => r.B).Order().ElementAt(rounds.Count / 2));
var (rawUs, rawBytes) = Median(raw);
var (ormUs, ormBytes) = Median(orm);
var (sqlUs, sqlBytes) = Median(rawSql);
Console.WriteLine($"raw Npgsql                   {rawUs,8:F1} µs  {rawBytes,8:F0} B");
Console.WriteLine($"Nuages GetAsync(\"pk\", id)   {ormUs,8:F1} µs  {ormBytes,8:F0} B");
Console.WriteLine($"Nuages raw SQL (QueryAsync)  {sqlUs,8:F1} µs  {sqlBytes,8:F0} B");
Console.WriteLine($"ratio (Nuages / raw)         {ormUs / rawUs,8:F2}×  {ormBytes / rawBytes,8:F2}×");

/// <summary>The runtime's allocation samples (GCAllocationTick), counted by type.</summary>
sealed class AllocationSamples : System.Diagnostics.Tracing.EventListener
{
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Counts = new();

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1); // GC keyword: its verbose level has the samples
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null) return;
        var i = e.PayloadNames!.IndexOf("TypeName");
        Counts.AddOrUpdate((string)e.Payload[i]!, 1, (_, n) => n + 1);
    }
}
