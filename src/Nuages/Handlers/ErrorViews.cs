using Nuages.Core;
using Nuages.Http;

namespace Nuages.Handlers;

/// <summary>
/// The views that answer errors, Django's <c>handler400</c>/<c>handler403</c>/<c>handler404</c>/<c>handler500</c>.
/// Each defaults to Django's plain page; set one on the app to replace it.
/// </summary>
public sealed class ErrorViews
{
    /// <summary>Answers <see cref="BadRequest"/>, <see cref="SuspiciousOperation"/> and malformed bodies.</summary>
    public Func<HttpRequest, Exception, HttpResponse> BadRequest { get; set; } = (_, _) => new HttpResponseBadRequest(ErrorPages.Page("Bad Request (400)", ""));

    /// <summary>Answers <see cref="PermissionDenied"/>.</summary>
    public Func<HttpRequest, Exception, HttpResponse> PermissionDenied { get; set; } = (_, _) => new HttpResponseForbidden(ErrorPages.Page("403 Forbidden", ""));

    /// <summary>Answers <see cref="Http404"/> and paths no pattern matches.</summary>
    public Func<HttpRequest, Exception, HttpResponse> NotFound { get; set; } =
        (_, _) => new HttpResponseNotFound(ErrorPages.Page("Not Found", "The requested resource was not found on this server."));

    /// <summary>Answers a request the CSRF check refused, with the reason (Django's <c>CSRF_FAILURE_VIEW</c>).</summary>
    public Func<HttpRequest, string, HttpResponse> CsrfFailure { get; set; } = ErrorPages.CsrfFailure;

    /// <summary>Answers any other exception a view raises.</summary>
    public Func<HttpRequest, HttpResponse> ServerError { get; set; } = _ => ErrorPages.PlainServerError();
}
