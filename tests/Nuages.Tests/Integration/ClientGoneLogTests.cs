using Nuages.Gateways;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>A site on each gateway whose logs are read after clients vanish in every way a probe found.</summary>
public sealed class ClientGoneSites : IAsyncLifetime
{
    public NuagesServer Async { get; private set; } = null!;
    public NuagesServer Sync { get; private set; } = null!;
    public LogCapture AsyncLogs { get; private set; } = null!;
    public LogCapture SyncLogs { get; private set; } = null!;

    public static HttpResponse Length(HttpRequest request) => new(request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Released each time a long poll has started.</summary>
    public static readonly SemaphoreSlim PollStarted = new(0);

    public static async Task<HttpResponse> Poll(HttpRequest request)
    {
        PollStarted.Release();
        await Task.Delay(Timeout.Infinite, request.Aborted);
        return new HttpResponse("unreachable");
    }

    public static HttpResponse Stream(HttpRequest request) => new StreamingHttpResponse(Parts(request.Aborted));

    private static async IAsyncEnumerable<string> Parts([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        while (true)
        {
            yield return "tick\n";
            await Task.Delay(20, token);
        }
    }

    public static HttpResponse SyncStream(HttpRequest request) => new StreamingHttpResponse(SyncParts(request.Aborted));

    private static IEnumerable<string> SyncParts(CancellationToken token)
    {
        for (var i = 0; i < 1500 && !token.IsCancellationRequested; i++)
        {
            yield return "tick\n";
            Thread.Sleep(20);
        }
    }

    public async Task InitializeAsync()
    {
        (var asyncApp, AsyncLogs) = Create();
        (var syncApp, SyncLogs) = Create();
        Async = await asyncApp.StartAsync("127.0.0.1:0");
        Sync = await syncApp.StartAsync("127.0.0.1:0", ServerGateway.Sync, threads: 4);
    }

    private static (NuagesApp, LogCapture) Create()
    {
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.DataUploadMaxMemorySize = 1000;
        }, out var logs, Path("length/", Length), Path("poll/", Poll), Path("stream/", Stream), Path("sync-stream/", SyncStream));
        return (app, logs);
    }

    public async Task DisposeAsync()
    {
        await Async.DisposeAsync();
        await Sync.DisposeAsync();
    }
}

public class ClientGoneLogTests(ClientGoneSites sites) : IClassFixture<ClientGoneSites>
{
    /// <summary>Opens a connection, sends <paramref name="sent"/>, waits for <paramref name="awaitReply"/> if given, then leaves: with a reset (RST) or a close (FIN).</summary>
    private static async Task LeaveAsync(int port, string sent, bool reset, string? awaitReply = null, SemaphoreSlim? awaitStarted = null)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        if (sent.Length > 0) await client.GetStream().WriteAsync(Encoding.Latin1.GetBytes(sent.Replace("\n", "\r\n")));
        if (awaitReply is not null) await RawClient.ReadUntilAsync(client, awaitReply, TimeSpan.FromSeconds(10));
        if (awaitStarted is not null) Assert.True(await awaitStarted.WaitAsync(TimeSpan.FromSeconds(10)));
        if (reset) client.Client.Linger(); else client.Client.Shutdown(SocketShutdown.Both);
        client.Dispose();
    }

    public static TheoryData<bool> Gateways => new() { false, true };

    [Theory]
    [MemberData(nameof(Gateways))]
    public async Task Clients_that_vanish_leave_no_warning_or_error_in_the_logs(bool syncGateway)
    {
        var server = syncGateway ? sites.Sync : sites.Async;
        var logs = syncGateway ? sites.SyncLogs : sites.AsyncLogs;
        var port = server.Address.Port;
        var connections = 0;
        foreach (var reset in new[] { true, false })
        {
            // Health checks and port scans: connected, closed before a byte.
            await LeaveAsync(port, "", reset);
            // Mid-upload, with a body still to come; with a length Nuages refuses (413 written to a gone client).
            await LeaveAsync(port, "POST /length/ HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 900\n\n" + new string('x', 400), reset);
            await LeaveAsync(port, "POST /length/ HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 100000\n\n" + new string('x', 70_000), reset);
            await LeaveAsync(port, "POST /length/ HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\n\n100\n" + new string('x', 100), reset);
            // A chunk size that overflows, then gone.
            await LeaveAsync(port, "POST /length/ HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\n\n10000000000000000\nabc\n", reset);
            // A long poll and a stream, left while in progress.
            // (the sync gateway buffers an async stream whole, so it is given a sync one)
            await LeaveAsync(port, $"GET /{(syncGateway ? "sync-stream" : "stream")}/ HTTP/1.1\nHost: 127.0.0.1\n\n", reset, awaitReply: "tick");
            connections += 6;
            if (!syncGateway) // the sync gateway holds a thread per poll: one is enough to show it
            {
                await LeaveAsync(port, "GET /poll/ HTTP/1.1\nHost: 127.0.0.1\n\n", reset, awaitStarted: ClientGoneSites.PollStarted);
                connections++;
            }
        }

        // Requests reset as soon as they are sent: the reset often reaches the server before it has looked at the
        // connection's first bytes (once the source of a TaskCanceledException that reached Kestrel unhandled).
        for (var i = 0; i < 30; i++)
        {
            await LeaveAsync(port, "POST /length/ HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 100000\n\n", reset: true);
            await LeaveAsync(port, "GET /length/ HTTP/1.1\nHost: 127.0.0.1\n\n", reset: true);
            connections += 2;
        }

        // Kestrel says when each connection has ended.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (logs.Entries.Count(e => e.Category == "Microsoft.AspNetCore.Server.Kestrel.Connections" && e.Message.EndsWith("stopped.", StringComparison.Ordinal)) < connections)
            await Task.Delay(20, bound.Token);

        var loud = logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name}").ToList();
        Assert.Empty(loud);
        // A long poll left by its client always ends in the view's cancellation: that one is logged, once, at Debug.
        if (!syncGateway)
            Assert.Contains(logs.Entries, e => e.Category == "Nuages.Request" && e.Level == LogLevel.Debug && e.Message == "Client disconnected before the response to /poll/ was sent.");
    }
}

internal static class SocketExtensions
{
    /// <summary>Makes the next close a reset (RST) rather than an orderly close.</summary>
    public static void Linger(this Socket socket) => socket.LingerState = new LingerOption(true, 0);
}
