using Nuages.Contrib.Auth;
using Nuages.Contrib.Sessions;
using Nuages.Http;
using Nuages.Templates;
using Nuages.Views;
using static Nuages.Shortcuts;
using static Nuages.Urls.Routes;

namespace Site;

/// <summary>The HTML pages of the sample site, rendered from templates/: sync and async views, a redirect and a 404.</summary>
public static class Pages
{
    public static HttpResponse Index(HttpRequest request) => Render(request, "index.html");

    /// <summary>Cached for five minutes per name (Django's cache_page): the second visit is answered from the cache, with an Age header.</summary>
    [Nuages.Views.Decorators.CachePage(300)]
    public static HttpResponse Hello(HttpRequest request, string name) => Render(request, "hello.html", new { name, rendered = DateTimeOffset.UtcNow });

    public static async Task<HttpResponse> Slow(HttpRequest request)
    {
        await Task.Delay(100, request.Aborted);
        return new HttpResponse("<p>Waited 100 ms without holding a thread.</p>");
    }

    /// <summary>
    /// An async view: the QuerySet and the count go to the template unevaluated, and RenderAsync reads them with async
    /// queries while it renders (each book's author too) — where Django would raise SynchronousOnlyOperation.
    /// </summary>
    public static async Task<HttpResponse> Books(HttpRequest request)
    {
        var query = request.Query.Get("q") ?? "";
        var books = Book.Objects.SelectRelated("author");
        if (query.Length > 0) books = books.Filter("title__icontains", query);
        // the visitor's last searches, kept in the session (SessionMiddleware, the django_session table) with async I/O
        var recent = await request.Session.GetAsync<List<string>>("recent_searches") ?? [];
        if (query.Length > 0 && !recent.Contains(query))
            await request.Session.SetAsync("recent_searches", recent.Prepend(query).Take(5).ToList());
        return await RenderAsync(request, "books.html", new { books, query, count = books.CountAsync(), recent });
    }

    /// <summary>Only for logged-in users (LoginRequired sends others to the login page with ?next=/private/); the user read with async I/O.</summary>
    public static async Task<HttpResponse> Private(HttpRequest request)
    {
        var user = (User)await request.GetUserAsync();
        return await RenderAsync(request, "site/private.html", new { joined = user.DateJoined, last_login = user.LastLogin });
    }

    public static HttpResponse OldHome(HttpRequest request) => new HttpResponsePermanentRedirect(Reverse("index"));

    public static HttpResponse Missing(HttpRequest request) => throw new Http404("There is nothing here, on purpose.");
}

/// <summary>The site's own template filters: <c>{% load site_tags %}</c>.</summary>
[TemplateLibrary("site_tags")]
public static class SiteTags
{
    /// <summary><c>{{ book.pages|reading_time }}</c>: "304 pages (about 8 hours)".</summary>
    [Filter]
    public static string ReadingTime(int pages) => $"{pages} pages (about {Math.Max(1, (int)Math.Round(pages / 40.0))} hours)";
}

/// <summary>A class-based view with an async GET.</summary>
public sealed class ClockView : View
{
    public Task<HttpResponse> Get(HttpRequest request) =>
        Task.FromResult<HttpResponse>(new JsonResponse(new { utc = DateTimeOffset.UtcNow.ToString("O") }));
}
