using Microsoft.AspNetCore.Builder;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Nuages.Handlers;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>A real Kestrel whose views report, through completion sources, what happened when the client left.</summary>
public sealed class DisconnectSite : IAsyncLifetime
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> Events = new();
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Signals = new();

    public NuagesServer Server { get; private set; } = null!;

    /// <summary>Released once per request_finished of a request that could not be built.</summary>
    public static readonly SemaphoreSlim UnbuiltFinished = new(0);

    /// <summary>Released when a request to /dc/sync/ without an id is over, signals and all.</summary>
    public static readonly SemaphoreSlim Unbuilt = new(0);

    public static TaskCompletionSource<string> Event(string name) =>
        Events.GetOrAdd(name, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    private static string Key(HttpRequest request) => request.Query.Get("id") ?? "";

    public static async Task<HttpResponse> AwaitForever(HttpRequest request)
    {
        try
        {
            Event("started-" + Key(request)).TrySetResult("started");
            await Task.Delay(Timeout.Infinite, request.Aborted);
            return new HttpResponse("unreachable");
        }
        catch (OperationCanceledException)
        {
            Event("cancelled-" + Key(request)).TrySetResult("cancelled");
            throw;
        }
    }

    public static HttpResponse SyncSlow(HttpRequest request)
    {
        Event("started-" + Key(request)).TrySetResult("started");
        Event("release-" + Key(request)).Task.Wait(TimeSpan.FromSeconds(10));
        Event("completed-" + Key(request)).TrySetResult(Encoding.UTF8.GetString(request.Body));
        return new HttpResponse("too late");
    }

    public static HttpResponse Stream(HttpRequest request) => new StreamingHttpResponse(Parts(Key(request), request.Aborted));

    private static async IAsyncEnumerable<string> Parts(string id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        try
        {
            yield return "first\n";
            Event("streamed-" + id).TrySetResult("first sent");
            await Task.Delay(Timeout.Infinite, token);
            yield return "last\n";
        }
        finally
        {
            Event("finally-" + id).TrySetResult("iterator closed");
        }
    }

    public async Task InitializeAsync()
    {
        var app = TestSite.Create(s =>
            {
                s.AllowedHosts = ["127.0.0.1"];
                s.DataUploadMaxMemorySize = 1000;
            },
            Path("dc/forever/", AwaitForever), Path("dc/sync/", SyncSlow), Path("dc/stream/", Stream));
        // In front of Nuages: says when the whole request is over, after which no signal of it can come any more.
        app.AspNetCore(web => web.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                Event("over-" + context.Request.Query["id"]).TrySetResult("over");
                if (context.Request.Path == "/dc/sync/" && context.Request.Query["id"].Count == 0) Unbuilt.Release();
            }
        }));
        app.Signals.RequestStarted.Connect(Record("started"));
        app.Signals.RequestFinished.Connect(Record("finished"));
        app.Signals.RequestFinished.Connect(signal =>
        {
            if (signal.Request is null) UnbuiltFinished.Release();
        });
        Server = await app.StartAsync("127.0.0.1:0");
    }

    private static Action<RequestSignal> Record(string what) => signal =>
    {
        if (signal.Request is not { } request || !request.Path.StartsWith("/dc/", StringComparison.Ordinal)) return;
        Signals.GetOrAdd(Key(request), _ => new()).Enqueue($"{what}@{Environment.CurrentManagedThreadId}@{Thread.CurrentThread.IsThreadPoolThread}");
        if (what == "finished") Event("finished-" + Key(request)).TrySetResult("finished");
    };

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Sends a request and returns the open socket: the test decides when the client leaves.</summary>
    public async Task<TcpClient> SendAsync(string target, string? body = null, bool completeBody = true)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Server.Address.Port);
        var head = body is null
            ? $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            : $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {Encoding.UTF8.GetByteCount(body) + (completeBody ? 0 : 100)}\r\n\r\n{body}";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        return client;
    }
}

public class DisconnectTests(DisconnectSite site) : IClassFixture<DisconnectSite>
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private static Task<string> Wait(string name) => DisconnectSite.Event(name).Task.WaitAsync(Bounded);

    [Fact]
    public async Task An_async_view_is_cancelled_and_request_finished_fires_once_off_the_pool() // as django/core/handlers/asgi.py does
    {
        var id = Guid.NewGuid().ToString("N");
        using (var client = await site.SendAsync($"/dc/forever/?id={id}"))
        {
            await Wait("started-" + id);
        }
        Assert.Equal("cancelled", await Wait("cancelled-" + id));
        await Wait("finished-" + id);
        await Wait("over-" + id); // the request is over: a second request_finished can no longer come
        var signals = DisconnectSite.Signals[id].ToList();
        Assert.Equal(2, signals.Count);
        Assert.StartsWith("started@", signals[0]);
        Assert.StartsWith("finished@", signals[1]);
        Assert.All(signals, s => Assert.EndsWith("@False", s)); // never on the thread pool
        Assert.Equal(signals[0].Split('@')[1], signals[1].Split('@')[1]); // both on the request's thread
    }

    [Fact]
    public async Task A_sync_view_runs_to_completion_with_its_body_and_its_response_is_dropped() // as django/core/handlers/asgi.py does
    {
        var id = Guid.NewGuid().ToString("N");
        using (var client = await site.SendAsync($"/dc/sync/?id={id}", "Body data!"))
        {
            await Wait("started-" + id);
        }
        // The view cannot be interrupted: it runs on, reads the body it was given, and its answer goes nowhere;
        // request_finished's sync receivers queue behind it on the request's thread.
        DisconnectSite.Event("release-" + id).TrySetResult("go");
        Assert.Equal("Body data!", await Wait("completed-" + id));
        await Wait("finished-" + id);
        Assert.Equal(2, DisconnectSite.Signals[id].Count);
    }

    [Fact]
    public async Task A_disconnect_mid_stream_closes_the_iterator_and_writes_nothing_more() // as django/core/handlers/asgi.py does
    {
        var id = Guid.NewGuid().ToString("N");
        using (var client = await site.SendAsync($"/dc/stream/?id={id}"))
        {
            await Wait("streamed-" + id);
            var buffer = new byte[4096];
            var read = await client.GetStream().ReadAsync(buffer).AsTask().WaitAsync(Bounded);
            Assert.Contains("first\n", Encoding.ASCII.GetString(buffer, 0, read));
            Assert.DoesNotContain("last", Encoding.ASCII.GetString(buffer, 0, read));
        }
        Assert.Equal("iterator closed", await Wait("finally-" + id));
        await Wait("finished-" + id);
    }

    [Fact]
    public async Task A_disconnect_while_the_body_is_read_ends_the_request_silently() // as django/core/handlers/asgi.py does
    {
        var id = Guid.NewGuid().ToString("N");
        using (var client = await site.SendAsync($"/dc/sync/?id={id}", "partial", completeBody: false))
        {
            // the server has the headers and part of the body; the client leaves before the rest
        }
        await Wait("over-" + id); // the request is over, with nothing started
        Assert.False(DisconnectSite.Events.ContainsKey("started-" + id));
        Assert.False(DisconnectSite.Signals.ContainsKey(id)); // no request_started, no request_finished
    }

    [Fact]
    public async Task A_request_that_cannot_be_built_still_finishes_once() // as django/core/handlers/asgi.py does
    {
        using var http = new HttpClient { BaseAddress = site.Server.Address };
        var response = await http.PostAsync("/dc/sync/", new ByteArrayContent(new byte[5000]));
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(await DisconnectSite.UnbuiltFinished.WaitAsync(Bounded));
        Assert.True(await DisconnectSite.Unbuilt.WaitAsync(Bounded)); // the request is over…
        Assert.Equal(0, DisconnectSite.UnbuiltFinished.CurrentCount); // …and request_finished came once, not twice
    }

    [Fact]
    public async Task RequestAborted_fires_on_every_disconnect() // aspnetcore#62385: the token must not miss a closed connection
    {
        for (var i = 0; i < 30; i++)
        {
            var id = Guid.NewGuid().ToString("N");
            using (var client = await site.SendAsync($"/dc/forever/?id={id}"))
            {
                await Wait("started-" + id);
            }
            Assert.Equal("cancelled", await Wait("cancelled-" + id));
        }
    }
}
