using System.Globalization;
using System.Net;
using System.Text;
using Nuages.Db.Models;
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

    public static async Task<HttpResponse> Fortunes(HttpRequest request)
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
