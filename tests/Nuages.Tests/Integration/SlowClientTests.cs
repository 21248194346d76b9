using Nuages.Gateways;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>Views for slow clients: a sync view's long stream, a flood no client can keep up with, a sync view to probe with.</summary>
public static class SlowClientViews
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Ended = new();

    public static TaskCompletionSource EndOf(string id) => Ended.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private static int _streaming;

    /// <summary>How many long streams are being sent now.</summary>
    public static int Streaming => Volatile.Read(ref _streaming);

    public static HttpResponse Where(HttpRequest request) => new(Thread.CurrentThread.Name ?? "unnamed");

    /// <summary>A sync view whose body, an async iterator, lasts until the client leaves (a minute at most): 200 bytes every 100 ms.</summary>
    public static HttpResponse LongStream(HttpRequest request) => new StreamingHttpResponse(Ticks(request.Aborted));

    private static async IAsyncEnumerable<string> Ticks([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        Interlocked.Increment(ref _streaming);
        try
        {
            for (var i = 0; i < 600; i++)
            {
                yield return new string('x', 199) + "\n";
                await Task.Delay(100, token);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _streaming);
        }
    }

    /// <summary>64 KiB parts as fast as the client takes them, for ever: only a reader that stops makes it end.</summary>
    public static HttpResponse Flood(HttpRequest request) => new StreamingHttpResponse(Parts(request.Query.Get("id") ?? "", request.Aborted));

    private static async IAsyncEnumerable<byte[]> Parts(string id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        var part = new byte[65_536];
        try
        {
            while (!token.IsCancellationRequested)
            {
                yield return part;
                await Task.Yield();
            }
        }
        finally
        {
            EndOf(id).TrySetResult();
        }
    }

    /// <summary>The same flood from a sync iterator, for the sync gateway (which writes it part by part).</summary>
    public static HttpResponse SyncFlood(HttpRequest request) => new StreamingHttpResponse(SyncParts(request.Query.Get("id") ?? "", request.Aborted));

    private static IEnumerable<byte[]> SyncParts(string id, CancellationToken token)
    {
        var part = new byte[65_536];
        try
        {
            for (var i = 0; i < 100_000 && !token.IsCancellationRequested; i++) yield return part;
        }
        finally
        {
            EndOf(id).TrySetResult();
        }
    }

    public static HttpResponse BodyLength(HttpRequest request) => new(request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>Opens raw connections and keeps them as a misbehaving client would.</summary>
internal static class RawClient
{
    public static async Task<TcpClient> OpenAsync(int port, string head)
    {
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync("127.0.0.1", port);
        await client.GetStream().WriteAsync(Encoding.Latin1.GetBytes(head.Replace("\n", "\r\n")));
        return client;
    }

    /// <summary>Reads until <paramref name="marker"/> has arrived (or the connection ends); returns what was read.</summary>
    public static async Task<string> ReadUntilAsync(TcpClient client, string marker, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        var buffer = new byte[4096];
        var received = new StringBuilder();
        while (!received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var n = await client.GetStream().ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        return received.ToString();
    }

    /// <summary>Reads until the server closes the connection; returns everything.</summary>
    public static async Task<byte[]> ReadToEndAsync(TcpClient client, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        using var all = new MemoryStream();
        try
        {
            await client.GetStream().CopyToAsync(all, timeout.Token);
        }
        catch (IOException)
        {
            // reset by the server: what came before it is the answer
        }
        return all.ToArray();
    }
}

/// <summary>The async gateway with Nuages' default worker count and data rates, as a deployment runs it.</summary>
public sealed class SlowClientSite : IAsyncLifetime
{
    public NuagesServer Server { get; private set; } = null!;
    public LogCapture Logs { get; private set; } = null!;
    public int Port => Server.Address.Port;

    public async Task InitializeAsync()
    {
        var app = TestSite.Create(s => s.AllowedHosts = ["127.0.0.1"], out var logs,
            Path("where/", SlowClientViews.Where), Path("long-stream/", SlowClientViews.LongStream));
        Logs = logs;
        Server = await app.StartAsync("127.0.0.1:0");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public class SlowClientTests(SlowClientSite site) : IClassFixture<SlowClientSite>
{
    [Fact]
    public async Task Forty_stalled_readers_of_a_sync_views_stream_leave_the_sync_views_served()
    {
        // 40 clients (more than the 32 sync workers) ask a sync view for a long stream and stop reading it. Each view
        // has returned; sending its stream must hold no sync worker, or every sync view of the site waits behind them.
        var readers = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var reader = await RawClient.OpenAsync(site.Port, "GET /long-stream/ HTTP/1.1\nHost: 127.0.0.1\n\n");
                readers.Add(reader);
                Assert.Contains("xxxx", await RawClient.ReadUntilAsync(reader, "xxxx", TimeSpan.FromSeconds(30)));
            }
            Assert.Equal(40, SlowClientViews.Streaming);

            using var http = new HttpClient { BaseAddress = site.Server.Address, Timeout = TimeSpan.FromSeconds(20) };
            var answer = await http.GetAsync("/where/");
            Assert.Equal(200, (int)answer.StatusCode);
            // on a sync worker, or inline on the pool thread holding the request (docs/async.md): either way under the bound
            Assert.Matches("^(nuages-sync-[0-9]+|\\.NET TP Worker)$", await answer.Content.ReadAsStringAsync());
            Assert.Equal(40, SlowClientViews.Streaming); // the streams were still being sent while the sync view answered
        }
        finally
        {
            foreach (var reader in readers) reader.Dispose();
        }
        // Their clients gone, the streams end.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (SlowClientViews.Streaming > 0) await Task.Delay(20, bound.Token);
    }
}

/// <summary>The sync gateway on 4 threads, with no minimum upload rate: a stalled upload would wait for ever.</summary>
public sealed class SlowUploadSyncSite : IAsyncLifetime
{
    public NuagesServer Server { get; private set; } = null!;
    public int Port => Server.Address.Port;

    public async Task InitializeAsync()
    {
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.MinRequestBodyDataRate = null;
        }, Path("where/", SlowClientViews.Where), Path("length/", SlowClientViews.BodyLength));
        Server = await app.StartAsync("127.0.0.1:0", ServerGateway.Sync, threads: 4);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public class SlowUploadSyncGatewayTests(SlowUploadSyncSite site) : IClassFixture<SlowUploadSyncSite>
{
    [Fact]
    public async Task Stalled_uploads_hold_no_gateway_thread_and_are_served_once_complete()
    {
        // 20 uploads (five times the 4 gateway threads) send their headers and one byte of 1,000, then stall.
        var uploads = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 20; i++)
                uploads.Add(await RawClient.OpenAsync(site.Port, "POST /length/ HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/octet-stream\nContent-Length: 1000\n\nx"));

            // Meanwhile other requests are served on the gateway threads.
            using var http = new HttpClient { BaseAddress = site.Server.Address, Timeout = TimeSpan.FromSeconds(20) };
            for (var i = 0; i < 8; i++)
            {
                var answer = await http.GetAsync("/where/");
                Assert.Equal(200, (int)answer.StatusCode);
                Assert.StartsWith("nuages-gateway-", await answer.Content.ReadAsStringAsync());
            }

            // Each upload, completed, is served with its whole body.
            foreach (var upload in uploads) await upload.GetStream().WriteAsync(Encoding.ASCII.GetBytes(new string('y', 999)));
            foreach (var upload in uploads)
            {
                var reply = await RawClient.ReadUntilAsync(upload, "\r\n\r\n1000", TimeSpan.FromSeconds(20));
                Assert.StartsWith("HTTP/1.1 200 OK", reply);
                Assert.EndsWith("\r\n\r\n1000", reply);
            }
        }
        finally
        {
            foreach (var upload in uploads) upload.Dispose();
        }
    }
}

/// <summary>A site on each gateway with short data-rate grace periods, to see slow clients cut.</summary>
public sealed class DataRateSites : IAsyncLifetime
{
    public NuagesServer Async { get; private set; } = null!;
    public NuagesServer Sync { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Async = await Create().StartAsync("127.0.0.1:0");
        Sync = await Create().StartAsync("127.0.0.1:0", ServerGateway.Sync, threads: 2);
    }

    private static NuagesApp Create() => TestSite.Create(s =>
    {
        s.AllowedHosts = ["127.0.0.1"];
        s.MinDataRateGracePeriod = TimeSpan.FromSeconds(2);
        s.MinRequestBodyDataRate = 240;
        s.ResponseWriteTimeout = TimeSpan.FromSeconds(2);
    }, Path("flood/", SlowClientViews.Flood), Path("sync-flood/", SlowClientViews.SyncFlood), Path("length/", SlowClientViews.BodyLength));

    public async Task DisposeAsync()
    {
        await Async.DisposeAsync();
        await Sync.DisposeAsync();
    }
}

public class DataRateTests(DataRateSites sites) : IClassFixture<DataRateSites>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upload_slower_than_MinRequestBodyDataRate_is_answered_408(bool syncGateway)
    {
        var server = syncGateway ? sites.Sync : sites.Async;
        using var upload = await RawClient.OpenAsync(server.Address.Port, "POST /length/ HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 100000\n\nx");
        var reply = Encoding.Latin1.GetString(await RawClient.ReadToEndAsync(upload, TimeSpan.FromSeconds(30)));
        Assert.StartsWith("HTTP/1.1 408 Request Timeout", reply);
    }

    [Theory]
    [InlineData("flood", false)]
    [InlineData("sync-flood", true)]
    public async Task A_client_that_never_reads_a_stream_is_cut_after_ResponseWriteTimeout_and_the_stream_ends(string view, bool syncGateway)
    {
        var server = syncGateway ? sites.Sync : sites.Async;
        var id = Guid.NewGuid().ToString("N");
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync("127.0.0.1", server.Address.Port);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET /{view}/?id={id} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        try
        {
            // Never read: the socket buffers fill, a write waits, and after ResponseWriteTimeout (2 s) the connection is
            // closed, which ends the stream's iterator (its finally runs).
            await SlowClientViews.EndOf(id).Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            client.Dispose();
        }
    }
}
