using System.Net;
using Nuages.Async;
using Nuages.Http;
using Nuages.Tests.Middleware;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>Views for the inline tests: each says where it ran; some wait, count, or go async and back.</summary>
public static class InlineViews
{
    [ThreadStatic]
    internal static string? Mark;

    private static int _running;
    private static int _most;

    public static int Most => Volatile.Read(ref _most);

    public static void ResetMost() => Volatile.Write(ref _most, 0);

    private static string Here() => $"{Environment.CurrentManagedThreadId}:{(Thread.CurrentThread.IsThreadPoolThread ? "pool" : Thread.CurrentThread.Name)}";

    public static HttpResponse Where(HttpRequest request) => new(Here() + "|" + (Mark ?? "-"));

    /// <summary>Goes async and back: the async code's thread-sensitive call lands on this very thread, which pumps meanwhile.</summary>
    public static HttpResponse RoundTrip(HttpRequest request)
    {
        var here = Environment.CurrentManagedThreadId;
        var back = AsyncToSync.Run(async () =>
        {
            await Task.Delay(10);
            return await SyncToAsync.Run(() => Environment.CurrentManagedThreadId);
        });
        return new HttpResponse($"{here}={back}");
    }

    /// <summary>Blocks, counting how many block at once.</summary>
    public static HttpResponse Busy(HttpRequest request)
    {
        var now = Interlocked.Increment(ref _running);
        int most;
        while ((most = Volatile.Read(ref _most)) < now && Interlocked.CompareExchange(ref _most, now, most) != most)
        {
        }
        Thread.Sleep(int.Parse(request.Query.Get("ms") ?? "200", System.Globalization.CultureInfo.InvariantCulture));
        Interlocked.Decrement(ref _running);
        return new HttpResponse("done");
    }

    public static ValueTask<HttpResponse> Ping(HttpRequest request) => new(new HttpResponse("pong"));

    public static HttpResponse Fails(HttpRequest request) => throw new InvalidOperationException("the view failed inline");

}

/// <summary>A sync-only middleware that leaves a [ThreadStatic] mark for the view.</summary>
public sealed class InlineMarking(Nuages.Middleware.Next next) : Nuages.Middleware.ISyncMiddleware
{
    public HttpResponse Invoke(HttpRequest request)
    {
        InlineViews.Mark = $"set on {Environment.CurrentManagedThreadId}";
        try
        {
            return next.Invoke(request);
        }
        finally
        {
            InlineViews.Mark = null;
        }
    }
}

/// <summary>
/// The server runs a request's sync code inline on the thread that holds the request when that code is one stretch,
/// under the SyncWorkers bound, and keeps every guarantee of sync workers: one thread per request, AsyncToSync without
/// deadlock, the bound, and an async side that is never starved.
/// </summary>
public class InlineSyncTests
{
    private static async Task<NuagesServer> Serve(Action<Nuages.Conf.Settings>? configure = null) =>
        await TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            configure?.Invoke(s);
        }, Path("where/", InlineViews.Where), Path("round-trip/", InlineViews.RoundTrip), Path("busy/", InlineViews.Busy),
            Path("ping/", InlineViews.Ping), Path("fails/", InlineViews.Fails)).StartAsync("127.0.0.1:0");

    private static HttpClient Client(NuagesServer server) => new() { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task A_sync_view_with_nothing_async_around_it_runs_on_the_pool_thread_holding_its_request()
    {
        await using var server = await Serve();
        using var http = Client(server);
        Assert.Matches("^[0-9]+:pool\\|-$", await http.GetStringAsync("/where/"));
    }

    [Fact]
    public async Task A_user_async_middleware_could_wait_between_sync_parts_so_the_view_goes_to_a_sync_worker()
    {
        await using var server = await Serve(s => s.Middleware = [typeof(AsyncOnly).FullName!]);
        using var http = Client(server);
        Assert.Matches("^[0-9]+:nuages-sync-[0-9]+\\|-$", await http.GetStringAsync("/where/"));
    }

    [Fact]
    public async Task A_sync_middleware_and_the_view_share_one_thread_inline()
    {
        await using var server = await Serve(s => s.Middleware = [typeof(InlineMarking).FullName!]);
        using var http = Client(server);
        var answer = await http.GetStringAsync("/where/");
        var thread = answer.Split(':')[0];
        Assert.Equal($"{thread}:pool|set on {thread}", answer);
    }

    [Fact]
    public async Task AsyncToSync_in_an_inline_view_pumps_its_thread_and_the_inner_sync_call_comes_back_to_it()
    {
        await using var server = await Serve();
        using var http = Client(server);
        var answer = (await http.GetStringAsync("/round-trip/")).Split('=');
        Assert.Equal(answer[0], answer[1]);
    }

    [Fact]
    public async Task A_view_failing_inline_answers_500_and_gives_its_permit_back()
    {
        await using var server = await Serve(s => s.SyncWorkers = 1);
        using var http = Client(server);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("/fails/")).StatusCode);
        // With one permit, a permit kept by a failed call would send this view to a worker that never comes.
        Assert.Matches("^[0-9]+:pool\\|-$", await http.GetStringAsync("/where/"));
    }

    [Fact]
    public async Task No_more_sync_views_block_at_once_than_SyncWorkers_inline_or_not()
    {
        await using var server = await Serve(s => s.SyncWorkers = 3);
        using var http = Client(server);
        InlineViews.ResetMost();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => http.GetAsync("/busy/?ms=150")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.InRange(InlineViews.Most, 1, 3);
    }

    [Fact]
    public async Task Async_views_are_served_while_every_permit_is_held_by_a_blocking_sync_view()
    {
        // Starvation check, with generous bounds: 64 clients in a 2 s sync sleep against 8 permits; /ping must still
        // answer, and well before the sleepers are through (they need 16 s at 8 at a time).
        await using var server = await Serve(s => s.SyncWorkers = 8);
        using var http = Client(server);
        var sleepers = Enumerable.Range(0, 64).Select(_ => http.GetAsync("/busy/?ms=2000")).ToList();
        await Task.Delay(300);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 5; i++) Assert.Equal("pong", await http.GetStringAsync("/ping/"));
        Assert.True(sleepers.Count(t => t.IsCompleted) < 64, "the sleepers were still running while /ping answered");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"/ping took {watch.Elapsed} for 5 requests");
        await Task.WhenAll(sleepers);
    }
}
