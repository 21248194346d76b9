using System.ComponentModel.DataAnnotations;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Db;

public sealed class RequestRow : Model<RequestRow>
{
    [Unique, MaxLength(50)] public string Name { get; set; } = "";
    public int Counter { get; set; }
}

/// <summary>
/// AtomicRequests wraps every view in a block per alias — sync views and, where Django refuses (as django/db/transaction.py), async
/// ones — committed when the view returns and rolled back when it throws; [NonAtomicRequests] opts a view out.
/// </summary>
public class AtomicRequestsTests
{
    private static readonly AsyncLocal<string> Alias = new();

    // The site's alias is the test database under a name of its own, with AtomicRequests on.
    private static NuagesApp Site(string engine)
    {
        OrmDatabase.Prepare(engine, typeof(RequestRow));
        var alias = "atomic_" + engine;
        Alias.Value = alias;
        var database = OrmDatabase.Settings(engine);
        // 50 requests at once: a small pool, so they also wait for connections, not only for the row lock.
        if (engine == "postgres") database = database with { ConnectionString = database.ConnectionString + ";Maximum Pool Size=10" };
        return TestSite.Create(s => s.Databases[alias] = database with { AtomicRequests = true },
            Path("sync/", AddSync), Path("async/", AddAsync), Path("non-atomic/", NonAtomic), Path("non-atomic-async/", NonAtomicAsync),
            Path("increment/", Increment), Path("increment-sync/", IncrementSync));
    }

    private static string Name(HttpRequest request) => request.Query.Get("name") ?? "";

    private static HttpResponse Result(HttpRequest request, bool inBlock) => request.Query.Get("fail") == "1"
        ? throw new InvalidOperationException("the view failed after its write")
        : new HttpResponse($"in a block: {inBlock}");

    public static HttpResponse AddSync(HttpRequest request)
    {
        RequestRow.Objects.Using(Alias.Value!).Create(new RequestRow { Name = Name(request) });
        return Result(request, Atomic.InAtomicBlock(Alias.Value!));
    }

    public static async Task<HttpResponse> AddAsync(HttpRequest request)
    {
        await RequestRow.Objects.Using(Alias.Value!).CreateAsync(new RequestRow { Name = Name(request) });
        return Result(request, Atomic.InAtomicBlock(Alias.Value!));
    }

    [NonAtomicRequests("atomic_sqlite", "atomic_postgres")]
    public static HttpResponse NonAtomic(HttpRequest request) => AddSync(request);

    [NonAtomicRequests("atomic_sqlite", "atomic_postgres")]
    public static Task<HttpResponse> NonAtomicAsync(HttpRequest request) => AddAsync(request);

    /// <summary>A read-modify-write that only the request's block and the row lock keep from losing updates.</summary>
    public static async Task<HttpResponse> Increment(HttpRequest request)
    {
        var row = await RequestRow.Objects.Using(Alias.Value!).SelectForUpdate().GetAsync("name", "counter");
        await Task.Delay(1); // let the others try in between
        row.Counter++;
        await row.SaveAsync(Alias.Value!, ["counter"]);
        return new HttpResponse(row.Counter.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static HttpResponse IncrementSync(HttpRequest request)
    {
        var row = RequestRow.Objects.Using(Alias.Value!).SelectForUpdate().Get("name", "counter");
        Thread.Sleep(1);
        row.Counter++;
        row.Save(Alias.Value!, ["counter"]);
        return new HttpResponse(row.Counter.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public Task Views_run_in_a_block_committed_on_return_and_rolled_back_on_throw_on_sqlite() => CommitOrRollback("sqlite"); // as django/db/transaction.py does (Nuages allows it)

    [PostgresFact]
    public Task Views_run_in_a_block_committed_on_return_and_rolled_back_on_throw_on_postgres() => CommitOrRollback("postgres"); // as django/db/transaction.py does (Nuages allows it)

    private static async Task CommitOrRollback(string engine)
    {
        var site = Site(engine);
        var alias = Alias.Value!;
        var asyncClient = new AsyncClient(site, raiseRequestException: false);
        var syncClient = new Client(site, raiseRequestException: false);
        Assert.Equal("in a block: True", (await asyncClient.GetAsync("/async/?name=async-kept")).Text);
        Assert.Equal("in a block: True", (await asyncClient.GetAsync("/sync/?name=sync-kept")).Text);
        Assert.Equal("in a block: True", syncClient.Get("/sync/?name=sync-gateway-kept").Text);
        Assert.Equal("in a block: True", syncClient.Get("/async/?name=async-gateway-kept").Text);
        Assert.Equal(500, (await asyncClient.GetAsync("/async/?name=async-lost&fail=1")).StatusCode);
        Assert.Equal(500, (await asyncClient.GetAsync("/sync/?name=sync-lost&fail=1")).StatusCode);
        Assert.Equal(500, syncClient.Get("/sync/?name=sync-gateway-lost&fail=1").StatusCode);
        Assert.Equal(500, syncClient.Get("/async/?name=async-gateway-lost&fail=1").StatusCode);
        // opted out: autocommit, so the write before the exception stays
        Assert.Equal("in a block: False", (await asyncClient.GetAsync("/non-atomic/?name=non-atomic")).Text);
        Assert.Equal(500, (await asyncClient.GetAsync("/non-atomic-async/?name=non-atomic-failed&fail=1")).StatusCode);
        Assert.Equal(
            ["async-gateway-kept", "async-kept", "non-atomic", "non-atomic-failed", "sync-gateway-kept", "sync-kept"],
            await RequestRow.Objects.Using(alias).OrderBy("name").ValuesList<string>("name").ToListAsync());
    }

    [PostgresFact]
    public async Task Fifty_parallel_read_modify_writes_with_select_for_update_lose_no_update_on_postgres()
    {
        var site = Site("postgres");
        var alias = Alias.Value!;
        await RequestRow.Objects.Using(alias).CreateAsync(new RequestRow { Name = "counter" });
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => new AsyncClient(site).GetAsync(i % 5 == 4 ? "/increment-sync/" : "/increment/")));
        Assert.All(responses, r => Assert.Equal(200, r.StatusCode));
        // each request saw the counter as the previous one left it: 1 … 50, each once
        Assert.Equal(Enumerable.Range(1, 50), responses.Select(r => int.Parse(r.Text, System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.Equal(50, (await RequestRow.Objects.Using(alias).GetAsync("name", "counter")).Counter);
    }
}
