using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;

// The peer: plain ASP.NET Core minimal APIs on the same Kestrel, serving TechEmpower's /plaintext and /json, and
// its database tests on raw Npgsql (an NpgsqlDataSource, positional parameters) when NUAGES_BENCH_POSTGRES is set.
AllocationSamples.FromEnvironment();
var address = args.Length > 0 ? args[0] : "127.0.0.1:8081";
var parts = address.Split(':');
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(parts[0]), int.Parse(parts[1])));
// WebSocket peers (bench/channels.sh): SignalR, with its Redis backplane when NUAGES_BENCH_REDIS names a server
var signalR = builder.Services.AddSignalR();
if (Environment.GetEnvironmentVariable("NUAGES_BENCH_REDIS") is { Length: > 0 } redis) signalR.AddStackExchangeRedis(redis.Replace("redis://", "", StringComparison.Ordinal).Split('/')[0]);
var app = builder.Build();
app.UseWebSockets();
// a plain ASP.NET Core WebSocket handler of the websocket-shootout echo: a message read, the same message written
app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = 400;
        return;
    }
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = new byte[64 * 1024];
    while (true)
    {
        var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
        {
            await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            return;
        }
        var length = result.Count;
        while (!result.EndOfMessage)
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            length += result.Count;
        }
        var message = System.Text.Json.JsonDocument.Parse(buffer.AsMemory(0, length));
        if (message.RootElement.GetProperty("type").GetString() == "echo")
            await socket.SendAsync(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message.RootElement), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
    }
});
app.MapHub<ShootoutHub>("/hub");
var hello = "Hello, World!"u8.ToArray();
app.MapGet("/plaintext", () => Results.Bytes(hello, "text/plain"));
app.MapGet("/json", () => Results.Json(new Message("Hello, World!")));
app.MapGet("/asleep", async (int? ms, CancellationToken aborted) =>
{
    await Task.Delay(ms ?? 1000, aborted);
    return Results.Text("slept");
});
if (Environment.GetEnvironmentVariable("NUAGES_BENCH_POSTGRES") is { } database)
{
    var source = NpgsqlDataSource.Create(database + ";Max Auto Prepare=64");
    app.MapGet("/db", async () =>
    {
        await using var connection = await source.OpenConnectionAsync();
        return Results.Json(await Raw.ReadWorld(connection, Raw.RandomId()));
    });
    app.MapGet("/queries", async (string? queries) =>
    {
        await using var connection = await source.OpenConnectionAsync();
        var worlds = new World[Raw.Count(queries)];
        for (var i = 0; i < worlds.Length; i++) worlds[i] = await Raw.ReadWorld(connection, Raw.RandomId());
        return Results.Json(worlds);
    });
    app.MapGet("/fortunes", async () =>
    {
        var fortunes = new List<(long Id, string Message)>();
        await using (var connection = await source.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand("SELECT id, message FROM fortune", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) fortunes.Add((reader.GetInt64(0), reader.GetString(1)));
        fortunes.Add((0, "Additional fortune added at request time."));
        fortunes.Sort((a, b) => string.CompareOrdinal(a.Message, b.Message));
        var html = new StringBuilder("<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>");
        foreach (var (id, message) in fortunes)
            html.Append("<tr><td>").Append(id).Append("</td><td>").Append(WebUtility.HtmlEncode(message)).Append("</td></tr>");
        html.Append("</table></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    });
    app.MapGet("/updates", async (string? queries) =>
    {
        await using var connection = await source.OpenConnectionAsync();
        var worlds = new World[Raw.Count(queries)];
        for (var i = 0; i < worlds.Length; i++) worlds[i] = (await Raw.ReadWorld(connection, Raw.RandomId())) with { randomNumber = Raw.RandomId() };
        Array.Sort(worlds, (a, b) => a.id.CompareTo(b.id));
        var sql = new StringBuilder("UPDATE world SET random_number = v.r FROM (VALUES ");
        await using var update = new NpgsqlCommand { Connection = connection };
        for (var i = 0; i < worlds.Length; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append($"(${2 * i + 1}::bigint, ${2 * i + 2}::integer)");
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = worlds[i].id });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = worlds[i].randomNumber });
        }
        update.CommandText = sql.Append(") AS v(id, r) WHERE world.id = v.id").ToString();
        await update.ExecuteNonQueryAsync();
        return Results.Json(worlds);
    });
}
app.Run();

internal sealed record Message(string message);

/// <summary>The websocket-shootout protocol as a SignalR hub: Echo answers the caller; Broadcast goes to every client.</summary>
internal sealed class ShootoutHub : Microsoft.AspNetCore.SignalR.Hub
{
    public System.Text.Json.JsonElement Echo(System.Text.Json.JsonElement payload) => payload;

    public Task Broadcast(System.Text.Json.JsonElement payload) => Microsoft.AspNetCore.SignalR.ClientProxyExtensions.SendAsync(Clients.All, "broadcast", payload);
}

internal sealed record World(long id, int randomNumber);

internal static class Raw
{
    public static int RandomId() => Random.Shared.Next(1, 10001);

    public static int Count(string? queries) =>
        int.TryParse(queries, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 500) : 1;

    public static async Task<World> ReadWorld(NpgsqlConnection connection, int id)
    {
        await using var command = new NpgsqlCommand("SELECT id, random_number FROM world WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new World(reader.GetInt64(0), reader.GetInt32(1));
    }
}
