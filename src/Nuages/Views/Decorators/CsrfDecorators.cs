using Nuages.Http;
using Nuages.Middleware;

namespace Nuages.Views.Decorators;

/// <summary>Django's <c>csrf_exempt</c>: CsrfViewMiddleware does not check this view (as django/views/decorators/csrf.py).</summary>
public sealed class CsrfExemptAttribute : ViewDecoratorAttribute;

/// <summary>Django's <c>csrf_protect</c>: the middleware's check for this view alone; a failure is a 403 and the view does not run (as django/views/decorators/csrf.py).</summary>
public sealed class CsrfProtectAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse? Before(HttpRequest request)
    {
        Csrf.ProcessRequest(request);
        return Csrf.Check(request, exempt: false) is { } reason ? Csrf.Reject(request, reason) : null;
    }

    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response) => Csrf.ProcessResponse(request, response);

    /// <inheritdoc />
    protected override bool AfterRendering => true; // the template's {% csrf_token %} decides whether the cookie is set
}

/// <summary>Django's <c>requires_csrf_token</c>: the token is available to the view, which always runs; nothing is rejected or logged (as django/views/decorators/csrf.py).</summary>
public class RequiresCsrfTokenAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse? Before(HttpRequest request)
    {
        Csrf.ProcessRequest(request);
        Csrf.Check(request, exempt: false);
        return null;
    }

    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response) => Csrf.ProcessResponse(request, response);

    /// <inheritdoc />
    protected override bool AfterRendering => true; // the template's {% csrf_token %} decides whether the cookie is set
}

/// <summary>Django's <c>ensure_csrf_cookie</c>: as <see cref="RequiresCsrfTokenAttribute"/>, and the response always sets the cookie (as django/views/decorators/csrf.py).</summary>
public sealed class EnsureCsrfCookieAttribute : RequiresCsrfTokenAttribute
{
    /// <inheritdoc />
    public override HttpResponse? Before(HttpRequest request)
    {
        base.Before(request);
        Csrf.GetToken(request);
        return null;
    }
}
