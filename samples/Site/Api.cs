using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Urls;
using static Nuages.Shortcuts;
using static Nuages.Urls.Routes;

namespace Site;

/// <summary>An author, stored in SQLite (db.sqlite3 next to the site).</summary>
public sealed class Author : Model<Author>
{
    [System.ComponentModel.DataAnnotations.MaxLength(100)] public string Name { get; set; } = "";
}

/// <summary>A small JSON API over the authors table: a sync list view and an async detail view.</summary>
public static class Api
{
    public static readonly UrlPattern[] UrlPatterns =
    [
        Path("authors/", AuthorList, name: "author-list"),
        Path("authors/<int:id>/", AuthorDetail, name: "author-detail"),
    ];

    public static HttpResponse AuthorList(HttpRequest request) => request.Method switch
    {
        "GET" => new JsonResponse(new { authors = Author.Objects.OrderBy("name").ToList().Select(a => new { a.Id, a.Name, url = Reverse("api:author-detail", new { id = a.Id }) }) }),
        _ => new HttpResponseNotAllowed(["GET"]),
    };

    public static async Task<HttpResponse> AuthorDetail(HttpRequest request, int id)
    {
        var author = await GetObjectOr404Async(Author.Objects, a => a.Id == id);
        return new JsonResponse(new { author.Id, author.Name });
    }
}
