using System.Globalization;
using System.Net;
using System.Text;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Http;

/// <summary>TechEmpower's World table: 10,000 rows of random numbers.</summary>
[DbTable("world")]
public sealed class World : Model<World>
{
    public int RandomNumber { get; set; }
}

/// <summary>TechEmpower's Fortune table.</summary>
[DbTable("fortune")]
public sealed class Fortune : Model<Fortune>
{
    [System.ComponentModel.DataAnnotations.MaxLength(2048)] public string Message { get; set; } = "";
}

/// <summary>TechEmpower's database tests on the Nuages ORM, written as a Nuages user would: async views, QuerySets.</summary>
internal static class DbBench
{
    private static int RandomId() => Random.Shared.Next(1, 10001);

    private static int Count(HttpRequest request) =>
        int.TryParse(request.Query.Get("queries"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 500) : 1;

    private static object Json(World world) => new { id = world.Id, randomNumber = world.RandomNumber };

    public static async Task<HttpResponse> Single(HttpRequest request) =>
        new JsonResponse(Json(await World.Objects.GetAsync("pk", RandomId())));

    public static async Task<HttpResponse> Queries(HttpRequest request)
    {
        var worlds = new object[Count(request)];
        for (var i = 0; i < worlds.Length; i++) worlds[i] = Json(await World.Objects.GetAsync("pk", RandomId()));
        return new JsonResponse(worlds, safe: false);
    }

    /// <summary>TechEmpower's fortunes as a Django developer writes it: the rows, then the template (templates/fortunes.html).</summary>
    public static async Task<HttpResponse> Fortunes(HttpRequest request)
    {
        var fortunes = await Fortune.Objects.ToListAsync();
        fortunes.Add(new Fortune { Message = "Additional fortune added at request time." });
        fortunes.Sort((a, b) => string.CompareOrdinal(a.Message, b.Message));
        return Nuages.Shortcuts.Render(request, "fortunes.html", new { fortunes }, "text/html; charset=utf-8");
    }

    /// <summary>The same page built by hand: the peer the template is measured against.</summary>
    public static async Task<HttpResponse> FortunesHandBuilt(HttpRequest request)
    {
        var fortunes = await Fortune.Objects.ToListAsync();
        fortunes.Add(new Fortune { Message = "Additional fortune added at request time." });
        fortunes.Sort((a, b) => string.CompareOrdinal(a.Message, b.Message));
        var html = new StringBuilder("<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>");
        foreach (var fortune in fortunes)
            html.Append("<tr><td>").Append(fortune.Id).Append("</td><td>").Append(WebUtility.HtmlEncode(fortune.Message)).Append("</td></tr>");
        html.Append("</table></body></html>");
        return new HttpResponse(html.ToString(), "text/html; charset=utf-8");
    }

    public static async Task<HttpResponse> Updates(HttpRequest request)
    {
        var worlds = new World[Count(request)];
        for (var i = 0; i < worlds.Length; i++)
        {
            worlds[i] = await World.Objects.GetAsync("pk", RandomId());
            worlds[i].RandomNumber = RandomId();
        }
        Array.Sort(worlds, (a, b) => a.Id.CompareTo(b.Id)); // concurrent updates lock rows in one order: no deadlocks
        await World.Objects.BulkUpdateAsync(worlds, ["random_number"]);
        return new JsonResponse(worlds.Select(Json).ToArray(), safe: false);
    }
}

/// <summary>Relations for the books endpoint: not TechEmpower's, the "relations-heavy" test.</summary>
[DbTable("bench_author")]
public sealed class BenchAuthor : Model<BenchAuthor>
{
    [System.ComponentModel.DataAnnotations.MaxLength(100)] public string Name { get; set; } = "";
}

[DbTable("bench_tag")]
public sealed class BenchTag : Model<BenchTag>
{
    [System.ComponentModel.DataAnnotations.MaxLength(50)] public string Name { get; set; } = "";
}

[DbTable("bench_book")]
public sealed class BenchBook : Model<BenchBook>
{
    [System.ComponentModel.DataAnnotations.MaxLength(200)] public string Title { get; set; } = "";
    public int Pages { get; set; }
    public int Sold { get; set; }
    [OnDelete(OnDelete.Cascade)] public ForeignKey<BenchAuthor> Author { get; set; } = new();
    public ManyToMany<BenchTag> Tags => ManyToMany<BenchTag>();
}

[DbTable("bench_order")]
public sealed class BenchOrder : Model<BenchOrder>
{
    public int Quantity { get; set; }
    [OnDelete(OnDelete.Cascade)] public ForeignKey<BenchBook> Book { get; set; } = new();
}

internal static class RelationsBench
{
    private static int RandomStart() => Random.Shared.Next(1, 981);

    /// <summary>20 books from a random place, each with its author (a join) and its tags (one more query).</summary>
    public static async Task<HttpResponse> Books(HttpRequest request)
    {
        var books = await BenchBook.Objects.SelectRelated("author").PrefetchRelated("tags")
            .Filter("id__gte", RandomStart()).OrderBy("id").Slice(0, 20).ToListAsync();
        return new JsonResponse(books.Select(b => new
        {
            id = b.Id,
            title = b.Title,
            author = b.Author.Value!.Name,
            tags = b.Tags.ToList().Select(t => t.Name),
        }).ToArray(), safe: false);
    }

    /// <summary>A write transaction: an order row and the book's sold count, all or nothing.</summary>
    public static async Task<HttpResponse> Order(HttpRequest request)
    {
        var bookId = Random.Shared.Next(1, 1001);
        await using var atomic = await Atomic.BeginAsync();
        var order = await BenchOrder.Objects.CreateAsync(new BenchOrder { Quantity = 1, Book = new(bookId) });
        await BenchBook.Objects.Filter("pk", bookId).UpdateAsync(new { Sold = new F("sold") + 1 });
        await atomic.CommitAsync();
        return new JsonResponse(new { order = order.Id, book = bookId });
    }
}
