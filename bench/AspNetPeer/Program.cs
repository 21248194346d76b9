using System.Net;

// The peer: plain ASP.NET Core minimal APIs on the same Kestrel, serving TechEmpower's /plaintext and /json.
var address = args.Length > 0 ? args[0] : "127.0.0.1:8081";
var parts = address.Split(':');
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(parts[0]), int.Parse(parts[1])));
var app = builder.Build();
var hello = "Hello, World!"u8.ToArray();
app.MapGet("/plaintext", () => Results.Bytes(hello, "text/plain"));
app.MapGet("/json", () => Results.Json(new Message("Hello, World!")));
app.MapGet("/asleep", async (int? ms, CancellationToken aborted) =>
{
    await Task.Delay(ms ?? 1000, aborted);
    return Results.Text("slept");
});
app.Run();

internal sealed record Message(string message);
