using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

// The load client of bench/channels.sh: the websocket-shootout protocol over ClientWebSocket (Nuages, plain ASP.NET
// Core) or the SignalR client (the hub peer). Loopback only, bounded in count and time; it stops by itself.
//   echo      URL CLIENTS SECONDS [signalr]          round trips/s and latency percentiles
//   broadcast URL CLIENTS ROUNDS [signalr] [SENDER]  time until each client received a broadcast (SENDER: another server)
//   hold      URL CLIENTS SECONDS PID                sockets held open; the server's RSS per socket
//   listen    URL COUNT SECONDS                      prints COUNT messages a socket receives (the two-process demo)
//   rate      URL SENDER SECONDS                     messages/s one socket receives from a flood sent to another server
var mode = args[0];
var url = args[1];
var origin = new Uri(url.Replace("ws://", "http://", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority);
var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token; // nothing runs for longer, whatever it waits for
switch (mode)
{
    case "echo": await Echo(int.Parse(args[2]), int.Parse(args[3]), args.Length > 4 && args[4] == "signalr"); break;
    case "broadcast": await Broadcast(int.Parse(args[2]), int.Parse(args[3]), args.Length > 4 && args[4] == "signalr", args.Length > 5 ? args[5] : url); break;
    case "hold": await Hold(int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4])); break;
    case "listen": await Listen(int.Parse(args[2]), int.Parse(args[3])); break;
    case "rate": await Rate(args[2], int.Parse(args[3])); break;
    default: throw new ArgumentException("mode: echo, broadcast, hold, listen or rate");
}

async Task<ClientWebSocket> Open(string address)
{
    var socket = new ClientWebSocket();
    socket.Options.SetRequestHeader("Origin", origin);
    socket.Options.KeepAliveInterval = TimeSpan.Zero;
    await socket.ConnectAsync(new Uri(address), limit);
    return socket;
}

async Task<HubConnection> OpenHub(string address)
{
    var hub = new HubConnectionBuilder().WithUrl(address.Replace("ws://", "http://", StringComparison.Ordinal), o =>
    {
        o.SkipNegotiation = true;
        o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
    }).Build();
    hub.ServerTimeout = TimeSpan.FromMinutes(5);
    await hub.StartAsync(limit);
    return hub;
}

static async Task<string> Read(ClientWebSocket socket, byte[] buffer, CancellationToken token)
{
    var length = 0;
    ValueWebSocketReceiveResult result;
    do
    {
        result = await socket.ReceiveAsync(buffer.AsMemory(length), token);
        length += result.Count;
    }
    while (!result.EndOfMessage);
    if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed by the server");
    return Encoding.UTF8.GetString(buffer, 0, length);
}

static Task Write(ClientWebSocket socket, string text, CancellationToken token) =>
    socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, token);

static string Percentiles(List<double> ms)
{
    ms.Sort();
    double At(double p) => ms.Count == 0 ? double.NaN : ms[Math.Min(ms.Count - 1, (int)(p * ms.Count))];
    return $"p50 {At(0.50):F2} ms, p99 {At(0.99):F2} ms, max {(ms.Count == 0 ? double.NaN : ms[^1]):F2} ms";
}

async Task<List<T>> OpenAll<T>(int count, Func<Task<T>> open)
{
    var opened = new List<T>(count);
    for (var i = 0; i < count; i += 200)
        opened.AddRange(await Task.WhenAll(Enumerable.Range(0, Math.Min(200, count - i)).Select(_ => open())));
    return opened;
}

async Task Echo(int clients, int seconds, bool signalr)
{
    var latencies = new List<double>[clients];
    var errors = 0;
    var stop = DateTime.UtcNow.AddSeconds(seconds + 2);
    var measureFrom = DateTime.UtcNow.AddSeconds(2); // a 2 s warm-up
    if (signalr)
    {
        var hubs = await OpenAll(clients, () => OpenHub(url));
        await Task.WhenAll(hubs.Select(async (hub, i) =>
        {
            var mine = latencies[i] = [];
            var payload = JsonDocument.Parse("""{"sent":0}""").RootElement;
            while (DateTime.UtcNow < stop)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await hub.InvokeAsync<JsonElement>("Echo", payload, limit);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                    return;
                }
                if (DateTime.UtcNow >= measureFrom) mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        await Task.WhenAll(hubs.Select(h => h.DisposeAsync().AsTask()));
    }
    else
    {
        var sockets = await OpenAll(clients, () => Open(url));
        await Task.WhenAll(sockets.Select(async (socket, i) =>
        {
            var mine = latencies[i] = [];
            var buffer = new byte[4096];
            while (DateTime.UtcNow < stop)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await Write(socket, """{"type":"echo","payload":{"sent":0}}""", limit);
                    await Read(socket, buffer, limit);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                    return;
                }
                if (DateTime.UtcNow >= measureFrom) mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        foreach (var socket in sockets) socket.Abort();
    }
    var all = latencies.Where(l => l is not null).SelectMany(l => l).ToList();
    Console.WriteLine($"echo: {clients} clients, {seconds} s: {all.Count / (double)seconds:N0} round trips/s, {Percentiles(all)}, errors {errors}");
}

async Task Broadcast(int clients, int rounds, bool signalr, string senderUrl)
{
    var arrivals = new List<double>();
    var lasts = new List<double>();
    var errors = 0;
    long sentAt = 0;
    var received = 0;
    var done = new TaskCompletionSource();
    void Arrived()
    {
        var ms = Stopwatch.GetElapsedTime(Interlocked.Read(ref sentAt)).TotalMilliseconds;
        lock (arrivals) arrivals.Add(ms);
        if (Interlocked.Increment(ref received) == clients) done.TrySetResult();
    }
    var listeners = new List<Task>();
    List<HubConnection>? hubs = null;
    List<ClientWebSocket>? sockets = null;
    if (signalr)
    {
        hubs = await OpenAll(clients, () => OpenHub(url));
        foreach (var hub in hubs) hub.On<JsonElement>("broadcast", _ => Arrived());
    }
    else
    {
        sockets = await OpenAll(clients, () => Open(url));
        listeners.AddRange(sockets.Select(async socket =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                    if ((await Read(socket, buffer, limit)).Contains("\"broadcast\"", StringComparison.Ordinal)) Arrived();
            }
            catch (Exception) when (limit.IsCancellationRequested || socket.State != WebSocketState.Open)
            {
            }
        }));
    }
    Console.Error.WriteLine($"{clients} clients connected");
    var senderHub = signalr ? await OpenHub(senderUrl) : null;
    var senderSocket = signalr ? null : await Open(senderUrl);
    var buffer = new byte[4096];
    for (var round = 0; round < rounds + 1; round++) // the first round warms up
    {
        await Task.Delay(500);
        received = 0;
        done = new TaskCompletionSource();
        lock (arrivals) arrivals.Clear();
        Interlocked.Exchange(ref sentAt, Stopwatch.GetTimestamp());
        if (senderHub is not null) await senderHub.InvokeAsync("Broadcast", JsonDocument.Parse("""{"sent":0}""").RootElement, limit);
        else await Write(senderSocket!, """{"type":"broadcast","payload":{"sent":0}}""", limit);
        if (await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(30))) != done.Task) errors++;
        if (senderSocket is not null) while (!(await Read(senderSocket, buffer, limit)).Contains("broadcastResult", StringComparison.Ordinal)) { }
        if (round == 0) continue;
        lock (arrivals)
        {
            lasts.Add(arrivals.Count == 0 ? double.NaN : arrivals.Max());
            Console.WriteLine($"round {round}: {arrivals.Count}/{clients} received, {Percentiles([.. arrivals])}");
        }
    }
    Console.WriteLine($"broadcast to {clients}: time until the last client received it over {rounds} rounds: {Percentiles(lasts)}; rounds short of a client: {errors}");
    if (hubs is not null) await Task.WhenAll(hubs.Select(h => h.DisposeAsync().AsTask()));
    if (sockets is not null) foreach (var socket in sockets) socket.Abort();
    senderSocket?.Abort();
    if (senderHub is not null) await senderHub.DisposeAsync();
}

async Task Hold(int clients, int seconds, int pid)
{
    static long Rss(int pid) => long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    var before = Rss(pid);
    var errors = 0;
    var sockets = await OpenAll(clients, async () =>
    {
        try
        {
            return await Open(url);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref errors);
            return null;
        }
    });
    var open = sockets.Count(s => s is { State: WebSocketState.Open });
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    var after = Rss(pid);
    var still = sockets.Count(s => s is { State: WebSocketState.Open });
    Console.WriteLine($"hold: {open} of {clients} sockets opened ({errors} errors), {still} still open after {seconds} s; server RSS {before / 1024.0:N0} MB -> {after / 1024.0:N0} MB: {(after - before) / (double)Math.Max(1, open):N1} KB per socket");
    foreach (var socket in sockets) socket?.Abort();
}

async Task Listen(int count, int seconds)
{
    using var socket = await Open(url);
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(limit);
    stop.CancelAfter(TimeSpan.FromSeconds(seconds));
    var buffer = new byte[64 * 1024];
    Console.WriteLine($"listening on {url}");
    for (var i = 0; i < count; i++) Console.WriteLine("received: " + await Read(socket, buffer, stop.Token));
}

async Task Rate(string senderUrl, int seconds)
{
    using var listener = await Open(url);
    using var sender = await Open(senderUrl);
    await Task.Delay(300);
    var received = 0;
    var latencies = new List<double>();
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 3));
    var reading = Task.Run(async () =>
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var text = await Read(listener, buffer, stop.Token);
                if (!text.Contains("\"broadcast\"", StringComparison.Ordinal)) continue;
                var sent = JsonNode.Parse(text)!["payload"]!["sent"]!.GetValue<long>();
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                Interlocked.Increment(ref received);
            }
        }
        catch (OperationCanceledException)
        {
        }
    });
    var ending = DateTime.UtcNow.AddSeconds(seconds);
    var sentCount = 0;
    var buffer = new byte[4096];
    while (DateTime.UtcNow < ending)
    {
        await Write(sender, "{\"type\":\"broadcast\",\"payload\":{\"sent\":" + Stopwatch.GetTimestamp() + "}}", stop.Token);
        while (!(await Read(sender, buffer, stop.Token)).Contains("broadcastResult", StringComparison.Ordinal)) { }
        sentCount++;
    }
    await Task.Delay(1000);
    await stop.CancelAsync();
    await reading;
    lock (latencies)
        Console.WriteLine($"cross-process: {sentCount} sent through one server, {received} received through the other in {seconds} s: {received / (double)seconds:N0} messages/s, one hop {Percentiles(latencies)}");
}
