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

// /updates' write: 20 rows' random_number in one UPDATE … FROM (VALUES …), as bench/AspNetPeer writes it by hand.
var batch = Enumerable.Range(0, 20).Select(i => new World { Id = 1 + i * 37, RandomNumber = 1 }).ToArray();

async Task<long> RawUpdate(int seed)
{
    await using var connection = await source.OpenConnectionAsync();
    var sql = new System.Text.StringBuilder("UPDATE world SET random_number = v.r FROM (VALUES ");
    await using var update = new NpgsqlCommand { Connection = connection };
    for (var i = 0; i < batch.Length; i++)
    {
        sql.Append(i == 0 ? "" : ", ").Append($"(${2 * i + 1}::bigint, ${2 * i + 2}::integer)");
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch[i].Id });
        update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = seed });
    }
    update.CommandText = sql.Append(") AS v(id, r) WHERE world.id = v.id").ToString();
    return await update.ExecuteNonQueryAsync();
}

async Task<long> OrmUpdate(int seed)
{
    foreach (var world in batch) world.RandomNumber = seed;
    return await World.Objects.BulkUpdateAsync(batch, ["random_number"]);
}

async Task<(double Microseconds, double Bytes)> Measure(Func<int, Task<long>> read)
{
    for (var i = 0; i < 2_000; i++) await read(1 + i % 10_000); // warm-up: pools filled, code tiered
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < reads; i++) await read(1 + i * 7 % 10_000);
    var elapsed = clock.Elapsed;
    return (elapsed.TotalMicroseconds / reads, (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)reads);
}

// ALLOC_TYPES=raw|sql|orm|raw-update|orm-update: which types one of the reads (or writes) allocates, by the runtime's allocation samples (one per
// ~100 KB allocated, so a type's count is proportional to its bytes) — where the bytes per read go.
if (Environment.GetEnvironmentVariable("ALLOC_TYPES") is { } which)
{
    Func<int, Task<long>> read = which switch { "raw" => Raw, "sql" => RawSql, "raw-update" => RawUpdate, "orm-update" => OrmUpdate, _ => Orm };
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

Console.WriteLine();
Console.WriteLine($"20 World rows' random_number in one UPDATE, {reads / 10:N0} writes (median of 5 rounds taking turns)");
reads /= 10;
var rawWrites = new List<(double, double)>();
var ormWrites = new List<(double, double)>();
for (var round = 0; round < 5; round++)
{
    rawWrites.Add(await Measure(RawUpdate));
    ormWrites.Add(await Measure(OrmUpdate));
}
var (rawWriteUs, rawWriteBytes) = Median(rawWrites);
var (ormWriteUs, ormWriteBytes) = Median(ormWrites);
Console.WriteLine($"raw Npgsql                   {rawWriteUs,8:F1} µs  {rawWriteBytes,8:F0} B");
Console.WriteLine($"Nuages BulkUpdateAsync       {ormWriteUs,8:F1} µs  {ormWriteBytes,8:F0} B");
Console.WriteLine($"ratio (Nuages / raw)         {ormWriteUs / rawWriteUs,8:F2}×  {ormWriteBytes / rawWriteBytes,8:F2}×");
