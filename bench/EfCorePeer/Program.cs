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
app.MapGet("/books", async (BenchContext db) =>
{
    var start = Random.Shared.Next(1, 981);
    var books = await db.Books.AsNoTracking().Include(b => b.Author).Include(b => b.Tags)
        .Where(b => b.Id >= start).OrderBy(b => b.Id).Take(20).ToListAsync();
    return Results.Json(books.Select(b => new { id = b.Id, title = b.Title, author = b.Author.Name, tags = b.Tags.Select(t => t.Name) }));
});
app.MapGet("/order", async (BenchContext db) =>
{
    var bookId = Random.Shared.Next(1, 1001);
    await using var transaction = await db.Database.BeginTransactionAsync();
    var order = new Order { Quantity = 1, BookId = bookId };
    db.Orders.Add(order);
    await db.SaveChangesAsync();
    await db.Books.Where(b => b.Id == bookId).ExecuteUpdateAsync(s => s.SetProperty(b => b.Sold, b => b.Sold + 1));
    await transaction.CommitAsync();
    return Results.Json(new { order = order.Id, book = bookId });
});
app.Run();

internal sealed class Author
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
}

internal sealed class Tag
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
}

internal sealed class Book
{
    public long Id { get; set; }
    public string Title { get; set; } = "";
    public int Pages { get; set; }
    public int Sold { get; set; }
    public long AuthorId { get; set; }
    public Author Author { get; set; } = null!;
    public List<Tag> Tags { get; set; } = [];
}

internal sealed class Order
{
    public long Id { get; set; }
    public int Quantity { get; set; }
    public long BookId { get; set; }
}

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
    public DbSet<Book> Books => Set<Book>();
    public DbSet<Order> Orders => Set<Order>();

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
        model.Entity<Author>(e =>
        {
            e.ToTable("bench_author");
            e.Property(a => a.Id).HasColumnName("id");
            e.Property(a => a.Name).HasColumnName("name");
        });
        model.Entity<Tag>(e =>
        {
            e.ToTable("bench_tag");
            e.Property(t => t.Id).HasColumnName("id");
            e.Property(t => t.Name).HasColumnName("name");
        });
        model.Entity<Order>(e =>
        {
            e.ToTable("bench_order");
            e.Property(o => o.Id).HasColumnName("id");
            e.Property(o => o.Quantity).HasColumnName("quantity");
            e.Property(o => o.BookId).HasColumnName("book_id");
        });
        model.Entity<Book>(e =>
        {
            e.ToTable("bench_book");
            e.Property(b => b.Id).HasColumnName("id");
            e.Property(b => b.Title).HasColumnName("title");
            e.Property(b => b.Pages).HasColumnName("pages");
            e.Property(b => b.Sold).HasColumnName("sold");
            e.Property(b => b.AuthorId).HasColumnName("author_id");
            e.HasOne(b => b.Author).WithMany().HasForeignKey(b => b.AuthorId);
            e.HasMany(b => b.Tags).WithMany().UsingEntity<Dictionary<string, object>>("bench_book_tags",
                r => r.HasOne<Tag>().WithMany().HasForeignKey("bench_tag_id"),
                l => l.HasOne<Book>().WithMany().HasForeignKey("bench_book_id"),
                j =>
                {
                    j.ToTable("bench_book_tags");
                    j.Property<long>("id");
                    j.HasKey("id");
                });
        });
    }
}

internal static class Ef
{
    public static int RandomId() => Random.Shared.Next(1, 10001);

    public static int Count(string? queries) =>
        int.TryParse(queries, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 500) : 1;
}
