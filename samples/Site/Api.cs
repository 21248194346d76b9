using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Nuages.Cache;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Http;
using Nuages.Urls;
using static Nuages.Shortcuts;
using static Nuages.Urls.Routes;

namespace Site;

/// <summary>The sample's app: its models below, their migrations in Migrations/ (made by <c>makemigrations</c>).</summary>
public sealed class SiteConfig : Nuages.Apps.AppConfig
{
    /// <summary>Django's label for the app: its tables are site_author and site_book.</summary>
    public override string Label => "site";
}

/// <summary>An author, stored in SQLite (db.sqlite3 next to the site).</summary>
[Ordering("name")]
public sealed class Author : Model<Author>
{
    [MaxLength(100), Unique] public string Name { get; set; } = "";

    /// <summary>The author's books: the other side of <see cref="Book.Author"/>.</summary>
    public RelatedManager<Book> Books => Related<Book>();
}

/// <summary>A book of an author; deleting the author deletes their books.</summary>
[Ordering("-published", "title")]
public sealed class Book : Model<Book>
{
    [MaxLength(200)] public string Title { get; set; } = "";
    [OnDelete(OnDelete.Cascade), RelatedName("books")] public ForeignKey<Author> Author { get; set; } = new();
    public int Pages { get; set; }
    public DateOnly? Published { get; set; }
}

/// <summary>A small JSON API: a sync list view, async detail, create and statistics views.</summary>
public static class Api
{
    public static readonly UrlPattern[] UrlPatterns =
    [
        Path("authors/", AuthorList, name: "author-list"),
        Path("authors/<int:id>/", AuthorDetail, name: "author-detail"),
        Path("stats/", Stats, name: "stats"),
    ];

    /// <summary>
    /// GET lists the authors with their book counts; POST {"name": …} validates and creates one. Exempt from the CSRF
    /// check: scripts call it with JSON and no cookies, so a forged cross-site form could do nothing a script cannot.
    /// </summary>
    [Nuages.Views.Decorators.CsrfExempt]
    public static async Task<HttpResponse> AuthorList(HttpRequest request)
    {
        if (request.Method == "POST") return await CreateAuthor(request);
        if (request.Method != "GET") return new HttpResponseNotAllowed(["GET", "POST"]);
        var authors = await Author.Objects.Annotate(new { Books = new Count("books") }).ToListAsync();
        return new JsonResponse(new
        {
            authors = authors.Select(a => new { a.Id, a.Name, books = a.Annotations["books"], url = Reverse("api:author-detail", new { id = a.Id }) }),
        });
    }

    private static async Task<HttpResponse> CreateAuthor(HttpRequest request)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, string>>(request.Body) ?? [];
        var author = new Author { Name = body.GetValueOrDefault("name", "") };
        try
        {
            await author.FullCleanAsync(); // "This field cannot be blank.", "Author with this Name already exists.", …
        }
        catch (ValidationError e)
        {
            return new JsonResponse(new { errors = e.ErrorDict }, status: 400);
        }
        await author.SaveAsync();
        await Caches.Default.DeleteAsync(StatsKey); // the statistics count authors
        return new JsonResponse(new { author.Id, author.Name }, status: 201);
    }

    /// <summary>GET shows an author and their books; POST [{"title": …, "pages": …}, …] adds books, all or none.</summary>
    public static async Task<HttpResponse> AuthorDetail(HttpRequest request, int id)
    {
        var author = await GetObjectOr404Async(Author.Objects, a => a.Id == id);
        if (request.Method == "POST") return await AddBooks(request, author);
        var books = await author.Books.Values("title", "pages", "published").ToListAsync();
        return new JsonResponse(new { author.Id, author.Name, books });
    }

    /// <summary>
    /// The books are saved in one atomic block: if the third is invalid, the first two are rolled back with it, and
    /// nothing is written.
    /// </summary>
    private static async Task<HttpResponse> AddBooks(HttpRequest request, Author author)
    {
        var books = JsonSerializer.Deserialize<List<BookInput>>(request.Body, JsonSerializerOptions.Web) ?? [];
        await using var atomic = await Atomic.BeginAsync();
        for (var i = 0; i < books.Count; i++)
        {
            var book = new Book { Title = books[i].Title ?? "", Pages = books[i].Pages, Author = author };
            try
            {
                await book.FullCleanAsync();
            }
            catch (ValidationError e)
            {
                return new JsonResponse(new { book = i, errors = e.ErrorDict }, status: 400); // the block ends uncommitted: rolled back
            }
            await book.SaveAsync();
        }
        await atomic.CommitAsync();
        await Caches.Default.DeleteAsync(StatsKey); // the statistics count books
        return new JsonResponse(new { added = books.Count }, status: 201);
    }

    private sealed record BookInput(string? Title, int Pages);

    /// <summary>
    /// Aggregates over all books, per author with Values + Annotate (GROUP BY), per year with a database function, and
    /// a count across the author→books relation filtered on the same join (Django's conditional aggregation).
    /// </summary>
    public static async Task<HttpResponse> Stats(HttpRequest request)
    {
        // Aggregates over every book: computed at most every 10 seconds, kept in the site's cache (Settings.Caches).
        var stats = await Caches.Default.GetOrSetAsync(StatsKey, async token =>
        {
            var totals = await Book.Objects.AggregateAsync(new { Books = new Count(), TotalPages = new Sum("pages", @default: 0), Longest = new Max("pages"), Since = new Min("published") }, token);
            var perAuthor = await Book.Objects.Values("author").Annotate(new { Books = new Count(), TotalPages = new Sum("pages") }).OrderBy("-total_pages").ToListAsync(token);
            var perYear = await Book.Objects.Filter("published__isnull", false).Annotate(new { Year = new Nuages.Db.Functions.ExtractYear("published") })
                .Values("year").Annotate(new { Books = new Count("id") }).OrderBy("year").ToListAsync(token);
            var longBooks = await Author.Objects.Annotate(new { Long = new Count("books", filter: new Q("books__pages__gt", 300)) })
                .OrderBy(new Nuages.Db.Functions.Lower("name")).Values("name", "long").ToListAsync(token);
            return JsonSerializer.SerializeToNode(new { totals, perAuthor, perYear, longBooks });
        }, TimeSpan.FromSeconds(10));
        return new JsonResponse(stats);
    }

    /// <summary>The cache key of <see cref="Stats"/>; a new author drops it.</summary>
    private const string StatsKey = "api:stats";
}
