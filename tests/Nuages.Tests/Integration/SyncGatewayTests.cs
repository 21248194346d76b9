using Nuages.Gateways;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Nuages.Async;
using Nuages.Http;
using Nuages.Tests.Middleware;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>A real Kestrel serving through the sync gateway on 3 threads, with one async-only middleware.</summary>
public sealed class SyncGatewaySite : IAsyncLifetime
{
    public NuagesApp App { get; private set; } = null!;
    public LogCapture Logs { get; private set; } = null!;
    public NuagesServer Server { get; private set; } = null!;

    public static HttpResponse Where(HttpRequest request) => new(Thread.CurrentThread.Name ?? "unnamed");

    public static async Task<HttpResponse> AsyncWhere(HttpRequest request)
    {
        await Task.Yield();
        var viewOnPool = Thread.CurrentThread.IsThreadPoolThread;
        var callback = await SyncToAsync.Run(() => Thread.CurrentThread.Name);
        return new HttpResponse($"{(viewOnPool ? "pool" : "not pool")} {callback}");
    }

    public static HttpResponse Form(HttpRequest request) => new(request.Form.Count.ToString());

    public static HttpResponse AsyncStream(HttpRequest request) => new StreamingHttpResponse(Parts());

    private static async IAsyncEnumerable<string> Parts()
    {
        yield return "first ";
        await Task.Yield();
        yield return "last";
    }

    public static HttpResponse SyncStream(HttpRequest request) => new StreamingHttpResponse(new[] { "one ", "two" });

    public static readonly System.Collections.Concurrent.ConcurrentQueue<string> Order = new();

    public static HttpResponse TrackedStream(HttpRequest request) => new StreamingHttpResponse(Tracked());

    private static IEnumerable<string> Tracked()
    {
        try
        {
            yield return "a";
            yield return "b";
        }
        finally
        {
            Order.Enqueue("iterated");
        }
    }

    public async Task InitializeAsync()
    {
        App = TestSite.Create(s =>
        {
            s.Debug = true;
            s.AllowedHosts = ["127.0.0.1"];
            s.DataUploadMaxMemorySize = 100;
            s.DataUploadMaxNumberFields = 3;
            s.Middleware = [typeof(AsyncOnly).FullName!];
        }, out var logs,
            Path("where/", Where), Path("async-where/", AsyncWhere), Path("form/", Form), Path("async-stream/", AsyncStream), Path("sync-stream/", SyncStream),
            Path("tracked/", TrackedStream));
        App.Signals.RequestStarted.Connect(signal =>
        {
            if (signal.Request?.Path == "/tracked/") Order.Enqueue($"started {signal.Gateway}");
        });
        App.Signals.RequestFinished.Connect(signal =>
        {
            if (signal.Request?.Path == "/tracked/") Order.Enqueue("finished");
        });
        Logs = logs;
        Server = await App.StartAsync("127.0.0.1:0", ServerGateway.Sync, threads: 3);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public class SyncGatewayTests(SyncGatewaySite site) : IClassFixture<SyncGatewaySite>
{
    private HttpClient Http() => new() { BaseAddress = site.Server.Address };

    [Fact]
    public async Task Sync_views_run_on_gateway_threads() // as django/core/handlers/wsgi.py does
    {
        using var http = Http();
        Assert.Matches("^nuages-gateway-[1-3]$", await http.GetStringAsync("/where/"));
    }

    [Fact]
    public async Task Async_views_run_through_AsyncToSync_and_call_back_to_the_gateway_thread() // as django/core/handlers/wsgi.py does
    {
        using var http = Http();
        var response = await http.GetAsync("/async-where/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^pool nuages-gateway-[1-3]$", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Async_only_middleware_works_and_its_adaptation_is_logged() // as django/core/handlers/wsgi.py does
    {
        using var http = Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/where/")).StatusCode);
        Assert.Contains(site.Logs.For("Nuages.Request"), e => e.Level == LogLevel.Debug &&
            e.Message == $"Synchronous handler adapted for middleware {typeof(AsyncOnly).FullName}.");
    }

    [Fact]
    public async Task Upload_limit_violations_and_malformed_bodies_are_400s() // as django/core/handlers/wsgi.py does
    {
        using var http = Http();
        var tooBig = await http.PostAsync("/form/", new StringContent("a=" + new string('x', 200), Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        var tooMany = await http.PostAsync("/form/", new StringContent("a=1&b=2&c=3&d=4", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var malformed = new StringContent("garbage");
        malformed.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=zzz");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/form/", malformed)).StatusCode);
        var fine = await http.PostAsync("/form/", new StringContent("a=1", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal("1", await fine.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Async_streaming_content_is_buffered_with_djangos_warning() // as django/core/handlers/wsgi.py does
    {
        using var http = Http();
        Assert.Equal("first last", await http.GetStringAsync("/async-stream/"));
        Assert.Contains(site.Logs.For("Nuages.Request"), e => e.Message ==
            "StreamingHttpResponse must consume asynchronous iterators in order to serve them synchronously. Use a synchronous iterator instead.");
    }

    [Fact]
    public async Task Sync_streaming_content_goes_out_part_by_part() // as django/core/handlers/wsgi.py does
    {
        using var http = Http();
        Assert.Equal("one two", await http.GetStringAsync("/sync-stream/"));
    }

    [Fact]
    public async Task Request_finished_comes_after_the_streamed_body_was_iterated() // as django/core/handlers/wsgi.py does
    {
        using var http = Http();
        Assert.Equal("ab", await http.GetStringAsync("/tracked/"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (SyncGatewaySite.Order.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(["started Sync", "iterated", "finished"], SyncGatewaySite.Order.ToArray());
    }

    [Fact]
    public async Task Concurrent_requests_beyond_the_thread_count_queue_and_all_succeed()
    {
        using var http = Http();
        var all = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => http.GetStringAsync("/where/")));
        Assert.All(all, name => Assert.Matches("^nuages-gateway-[1-3]$", name));
    }
}
