using Nuages.Http;
using Nuages.Urls;
using static Nuages.Urls.Routes;

namespace Site;

/// <summary>A small JSON API over an in-memory list (the ORM comes with a later release of the sample).</summary>
public static class Api
{
    private static readonly List<Author> Authors = [new(1, "Ursula K. Le Guin"), new(2, "Octavia E. Butler")];

    public static readonly UrlPattern[] UrlPatterns =
    [
        Path("authors/", AuthorList, name: "author-list"),
        Path("authors/<int:id>/", AuthorDetail, name: "author-detail"),
    ];

    public record Author(int Id, string Name);

    public static HttpResponse AuthorList(HttpRequest request) => request.Method switch
    {
        "GET" => new JsonResponse(new { authors = Authors.Select(a => new { a.Id, a.Name, url = Reverse("api:author-detail", new { id = a.Id }) }) }),
        _ => new HttpResponseNotAllowed(["GET"]),
    };

    public static async Task<HttpResponse> AuthorDetail(HttpRequest request, int id)
    {
        await Task.Yield();
        var author = Authors.FirstOrDefault(a => a.Id == id) ?? throw new Http404($"No author with id {id}.");
        return new JsonResponse(author);
    }
}
