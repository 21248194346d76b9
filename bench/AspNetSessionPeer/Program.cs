using System.Globalization;
using System.Net;

// The peer of bench/sessions.sh: ASP.NET Core's session (AddSession) on its distributed cache in Redis
// (Microsoft.Extensions.Caching.StackExchangeRedis), the same view: read a counter, write it back one higher.
// Usage: AspNetSessionPeer addr:port redis-host:port
var address = args.Length > 0 ? args[0] : "127.0.0.1:8095";
var redis = args.Length > 1 ? args[1] : "127.0.0.1:6379";
var parts = address.Split(':');
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(parts[0]), int.Parse(parts[1], CultureInfo.InvariantCulture)));
builder.Services.AddStackExchangeRedisCache(o =>
{
    o.Configuration = redis + ",defaultDatabase=10";
    o.InstanceName = "aspnet-session:";
});
builder.Services.AddSession(o => o.IdleTimeout = TimeSpan.FromDays(14));
var app = builder.Build();
app.UseSession();
app.MapGet("/session", async (HttpContext context) =>
{
    // LoadAsync first: without it the session loads synchronously on first access
    await context.Session.LoadAsync(context.RequestAborted);
    var count = (context.Session.GetInt32("count") ?? 0) + 1;
    context.Session.SetInt32("count", count);
    return Results.Text(count.ToString(CultureInfo.InvariantCulture), "text/plain");
});
app.Run();
