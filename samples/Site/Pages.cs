using Nuages.Http;
using Nuages.Views;
using static Nuages.Urls.Routes;

namespace Site;

/// <summary>The HTML pages of the sample site: a sync view, an async view, a redirect and a 404.</summary>
public static class Pages
{
    public static HttpResponse Index(HttpRequest request) => new(
        "<h1>Nuages sample site</h1><ul>" +
        $"<li><a href=\"{Reverse("hello", new { name = "world" })}\">a sync view with a route parameter</a></li>" +
        $"<li><a href=\"{Reverse("slow")}\">an async view that awaits 100 ms</a></li>" +
        $"<li><a href=\"{Reverse("clock")}\">a class-based view</a></li>" +
        $"<li><a href=\"{Reverse("api:author-list")}\">a JSON API</a></li>" +
        "<li><a href=\"/old-home/\">a redirect</a></li>" +
        "<li><a href=\"/missing/\">a 404</a></li></ul>");

    public static HttpResponse Hello(HttpRequest request, string name) =>
        new($"<p>Hello, {System.Net.WebUtility.HtmlEncode(name)}!</p>");

    public static async Task<HttpResponse> Slow(HttpRequest request)
    {
        await Task.Delay(100, request.Aborted);
        return new HttpResponse("<p>Waited 100 ms without holding a thread.</p>");
    }

    public static HttpResponse OldHome(HttpRequest request) => new HttpResponsePermanentRedirect(Reverse("index"));

    public static HttpResponse Missing(HttpRequest request) => throw new Http404("There is nothing here, on purpose.");
}

/// <summary>A class-based view with an async GET.</summary>
public sealed class ClockView : View
{
    public Task<HttpResponse> Get(HttpRequest request) =>
        Task.FromResult<HttpResponse>(new JsonResponse(new { utc = DateTimeOffset.UtcNow.ToString("O") }));
}
