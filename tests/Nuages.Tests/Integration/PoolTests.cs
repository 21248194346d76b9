using Npgsql;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Db;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

public sealed class PoolRow : Model<PoolRow>
{
    public int Hits { get; set; }
}

/// <summary>Request-scoped connections give every connection back, whatever the views do (issue 7's pool test).</summary>
public class PoolTests
{
    private const string Alias = "pool_pg";
    private const string ApplicationName = "nuages-pool-test";

    public static HttpResponse Sync(HttpRequest request)
    {
        var rows = PoolRow.Objects.Using(Alias);
        return new HttpResponse($"{rows.Count()} {rows.First()!.Hits}");
    }

    public static async Task<HttpResponse> Async(HttpRequest request)
    {
        var rows = PoolRow.Objects.Using(Alias);
        return new HttpResponse($"{await rows.CountAsync()} {(await rows.FirstAsync())!.Hits}");
    }

    public static async Task<HttpResponse> Write(HttpRequest request)
    {
        await using var atomic = await Atomic.BeginAsync(Alias);
        await PoolRow.Objects.Using(Alias).UpdateAsync(new { Hits = new Nuages.Db.Query.F("hits") + 1 });
        await atomic.CommitAsync();
        return new HttpResponse("written");
    }

    public static HttpResponse Fail(HttpRequest request)
    {
        _ = PoolRow.Objects.Using(Alias).Count();
        throw new InvalidOperationException("the view failed after a query");
    }

    [PostgresFact]
    public async Task Ten_thousand_sync_and_async_requests_leave_the_pool_as_they_found_it()
    {
        var connectionString = Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!;
        OrmDatabase.Prepare("postgres", typeof(PoolRow));
        await PoolRow.Objects.Using("orm_postgres").CreateAsync(new PoolRow());
        var site = TestSite.Create(s => s.Databases[Alias] = Database.Postgres(connectionString + $";Application Name={ApplicationName};Maximum Pool Size=8"),
            Path("sync/", Sync), Path("async/", Async), Path("write/", Write), Path("fail/", Fail));
        await using var watcher = new NpgsqlConnection(connectionString);
        await watcher.OpenAsync();
        var before = await PgActivity.Count(watcher, ApplicationName, "true");

        string[] paths = ["/sync/", "/async/", "/write/", "/fail/"];
        var statuses = new int[10_000];
        await Parallel.ForEachAsync(Enumerable.Range(0, statuses.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            statuses[i] = (await new AsyncClient(site, raiseRequestException: false).GetAsync(paths[i % 4])).StatusCode);

        Assert.Equal(7_500, statuses.Count(s => s == 200));
        Assert.Equal(2_500, statuses.Count(s => s == 500));
        Assert.Equal(2_500, (await PoolRow.Objects.Using(Alias).GetAsync()).Hits); // every write committed once
        Assert.Equal(0, before);
        Assert.Equal(0, await PgActivity.Count(watcher, ApplicationName, "state <> 'idle'")); // nothing running, no transaction left open
        Assert.InRange(await PgActivity.Count(watcher, ApplicationName, "true"), 1, 8); // the pool, within its bound
        Connections.For(Alias).ClearPool();
        await PgActivity.WaitForCount(watcher, ApplicationName, "true", 0); // and every one of them was back in it, idle
    }
}
