using Nuages.Core;
using Nuages.Http;

namespace Nuages.Handlers;

/// <summary>
/// The views that answer errors, Django's <c>handler400</c>/<c>handler403</c>/<c>handler404</c>/<c>handler500</c>.
/// Each is Django's default view (django/views/defaults.py): the site's template <c>400.html</c>, <c>403.html</c>,
/// <c>404.html</c> or <c>500.html</c> when there is one, else Django's plain page. Set one on the app to replace it.
/// </summary>
public sealed class ErrorViews
{
    /// <summary>Answers <see cref="BadRequest"/>, <see cref="SuspiciousOperation"/> and malformed bodies: <c>400.html</c>, rendered without context.</summary>
    public Func<HttpRequest, Exception, HttpResponse> BadRequest { get; set; } =
        (_, _) => new HttpResponseBadRequest(FromTemplate("400.html", null, null) ?? ErrorPages.Page("Bad Request (400)", ""));

    /// <summary>Answers <see cref="PermissionDenied"/>: <c>403.html</c>, with <c>exception</c> and the request's context processors.</summary>
    public Func<HttpRequest, Exception, HttpResponse> PermissionDenied { get; set; } =
        (request, exception) => new HttpResponseForbidden(FromTemplate("403.html", new Dictionary<string, object?> { ["exception"] = exception.Message }, request)
            ?? ErrorPages.Page("403 Forbidden", ""));

    /// <summary>Answers <see cref="Http404"/> and paths no pattern matches: <c>404.html</c>, with <c>request_path</c> and <c>exception</c>.</summary>
    public Func<HttpRequest, Exception, HttpResponse> NotFound { get; set; } =
        (request, exception) => new HttpResponseNotFound(FromTemplate("404.html", new Dictionary<string, object?>
        {
            ["request_path"] = UriEncoding.Quote(request.Path, "/_.-~"),
            ["exception"] = exception.Message.Length > 0 ? exception.Message : exception.GetType().Name,
        }, request) ?? ErrorPages.Page("Not Found", "The requested resource was not found on this server."));

    /// <summary>The error template rendered, or null when the site has none (Django then uses its plain page).</summary>
    private static string? FromTemplate(string name, Dictionary<string, object?>? context, HttpRequest? request)
    {
        Templates.Template template;
        try { template = Templates.Engine.Current.GetTemplate(name); }
        catch (Templates.TemplateDoesNotExist) { return null; }
        return template.Render(context, request);
    }

    /// <summary>Answers a request the CSRF check refused, with the reason (Django's <c>CSRF_FAILURE_VIEW</c>).</summary>
    public Func<HttpRequest, string, HttpResponse> CsrfFailure { get; set; } = ErrorPages.CsrfFailure;

    /// <summary>Answers any other exception a view raises.</summary>
    public Func<HttpRequest, HttpResponse> ServerError { get; set; } =
        _ => FromTemplate("500.html", null, null) is { } page ? new HttpResponseServerError(page) : ErrorPages.PlainServerError();
}
