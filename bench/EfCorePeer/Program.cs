using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;

// What a .NET user would otherwise write: ASP.NET Core minimal APIs with EF Core (pooled DbContexts, no-tracking
// reads, change tracking for updates) on the same database, for TechEmpower's database tests.
var address = args.Length > 0 ? args[0] : "127.0.0.1:8092";
var parts = address.Split(':');
var database = Environment.GetEnvironmentVariable("NUAGES_BENCH_POSTGRES")
    ?? throw new InvalidOperationException("NUAGES_BENCH_POSTGRES must name the benchmark database.");
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(parts[0]), int.Parse(parts[1])));
builder.Services.AddDbContextPool<BenchContext>(o => o.UseNpgsql(database + ";Max Auto Prepare=64"));
var app = builder.Build();

app.MapGet("/plaintext", () => Results.Text("Hello, World!"));
app.MapGet("/db", async (BenchContext db) =>
{
    var id = Ef.RandomId();
    return Results.Json(await db.Worlds.AsNoTracking().FirstAsync(w => w.Id == id));
});
app.MapGet("/queries", async (BenchContext db, string? queries) =>
{
    var worlds = new World[Ef.Count(queries)];
    for (var i = 0; i < worlds.Length; i++)
    {
        var id = Ef.RandomId();
        worlds[i] = await db.Worlds.AsNoTracking().FirstAsync(w => w.Id == id);
    }
    return Results.Json(worlds);
});
app.MapGet("/fortunes", async (BenchContext db) =>
{
    var fortunes = await db.Fortunes.AsNoTracking().ToListAsync();
    fortunes.Add(new Fortune { Message = "Additional fortune added at request time." });
    fortunes.Sort((a, b) => string.CompareOrdinal(a.Message, b.Message));
    var html = new StringBuilder("<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>");
    foreach (var fortune in fortunes)
        html.Append("<tr><td>").Append(fortune.Id).Append("</td><td>").Append(WebUtility.HtmlEncode(fortune.Message)).Append("</td></tr>");
    html.Append("</table></body></html>");
    return Results.Content(html.ToString(), "text/html; charset=utf-8");
});
app.MapGet("/updates", async (BenchContext db, string? queries) =>
{
    var worlds = new World[Ef.Count(queries)];
    for (var i = 0; i < worlds.Length; i++)
    {
        var id = Ef.RandomId();
        worlds[i] = await db.Worlds.FirstAsync(w => w.Id == id);
        worlds[i].RandomNumber = Ef.RandomId();
    }
    await db.SaveChangesAsync();
    return Results.Json(worlds);
});
app.Run();

internal sealed class World
{
    public long Id { get; set; }
    public int RandomNumber { get; set; }
}

internal sealed class Fortune
{
    public long Id { get; set; }
    public string Message { get; set; } = "";
}

internal sealed class BenchContext(DbContextOptions<BenchContext> options) : DbContext(options)
{
    public DbSet<World> Worlds => Set<World>();
    public DbSet<Fortune> Fortunes => Set<Fortune>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<World>(e =>
        {
            e.ToTable("world");
            e.Property(w => w.Id).HasColumnName("id");
            e.Property(w => w.RandomNumber).HasColumnName("random_number");
        });
        model.Entity<Fortune>(e =>
        {
            e.ToTable("fortune");
            e.Property(f => f.Id).HasColumnName("id");
            e.Property(f => f.Message).HasColumnName("message");
        });
    }
}

internal static class Ef
{
    public static int RandomId() => Random.Shared.Next(1, 10001);

    public static int Count(string? queries) =>
        int.TryParse(queries, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 500) : 1;
}
