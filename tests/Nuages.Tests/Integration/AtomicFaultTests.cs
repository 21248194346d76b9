using Npgsql;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Tests.Db;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

public sealed class FaultRow : Model<FaultRow>
{
    public string Name { get; set; } = "";
}

/// <summary>
/// Faults inside an atomic block, on a real server and PostgreSQL: a view that throws, a client that leaves. The
/// database is left as it was, no transaction stays open in the server, and the connections go back to the pool.
/// </summary>
public class AtomicFaultTests
{
    private const string Alias = "fault_pg";
    private const string ApplicationName = "nuages-fault-test";
    private static readonly TaskCompletionSource Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly TaskCompletionSource<string> Ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<HttpResponse> Hang(HttpRequest request)
    {
        try
        {
            await using var block = await Atomic.BeginAsync(Alias);
            await FaultRow.Objects.Using(Alias).CreateAsync(new FaultRow { Name = "written before the client left" });
            Entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, request.Aborted); // where the client leaves
            await block.CommitAsync();
            return new HttpResponse("committed");
        }
        catch (Exception e)
        {
            Ended.TrySetResult(e.GetType().Name);
            throw;
        }
    }

    public static HttpResponse Throw(HttpRequest request)
    {
        using var block = Atomic.Begin(Alias);
        FaultRow.Objects.Using(Alias).Create(new FaultRow { Name = "written before the view threw" });
        throw new InvalidOperationException("the view failed inside its block");
    }

    public static async Task<HttpResponse> Count(HttpRequest request) =>
        new((await FaultRow.Objects.Using(Alias).CountAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture));

    [PostgresFact]
    public async Task A_view_that_throws_or_a_client_that_leaves_inside_a_block_changes_nothing_and_keeps_the_pool()
    {
        var connectionString = Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!;
        OrmDatabase.Prepare("postgres", typeof(FaultRow));
        var site = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.Databases[Alias] = Database.Postgres(connectionString + $";Application Name={ApplicationName};Maximum Pool Size=5");
        }, Path("hang/", Hang), Path("throw/", Throw), Path("count/", Count));
        await using var server = await site.StartAsync("127.0.0.1:0");
        await using var watcher = new NpgsqlConnection(connectionString);
        await watcher.OpenAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Address.Port}") };

        using (await PgActivity.Send(server, "/hang/"))
        {
            await Entered.Task.WaitAsync(PgActivity.Bounded);
            Assert.Equal(1, await PgActivity.Count(watcher, ApplicationName, "state = 'idle in transaction'")); // the block is open in the server
        }
        Assert.Equal(nameof(TaskCanceledException), await Ended.Task.WaitAsync(PgActivity.Bounded));
        await PgActivity.WaitForCount(watcher, ApplicationName, "state = 'idle in transaction'", 0); // rolled back

        Assert.Equal(500, (int)(await http.GetAsync("/throw/")).StatusCode);
        for (var i = 0; i < 20; i++) Assert.Equal(500, (int)(await http.GetAsync("/throw/")).StatusCode); // more than the pool holds

        Assert.Equal("0", await http.GetStringAsync("/count/"));
        Assert.Equal(0, await FaultRow.Objects.Using(Alias).CountAsync()); // the current site is the serving one now: its alias, same database
        Assert.Equal(0, await PgActivity.Count(watcher, ApplicationName, "state <> 'idle'")); // every connection back in the pool, idle
        Assert.InRange(await PgActivity.Count(watcher, ApplicationName, "true"), 1, 5);
    }
}
