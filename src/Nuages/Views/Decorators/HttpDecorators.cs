using Microsoft.Extensions.Logging;
using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>require_http_methods</c>: any other method gets 405 with <c>Allow</c> listing these, in this
/// order, without calling the view (as django/views/decorators/http.py); the comparison is exact (as django/views/decorators/http.py).
/// </summary>
public class RequireHttpMethodsAttribute(params string[] methods) : ViewDecoratorAttribute
{
    /// <summary>The methods allowed.</summary>
    public IReadOnlyList<string> Methods { get; } = methods;

    /// <inheritdoc />
    public override HttpResponse? Before(HttpRequest request)
    {
        foreach (var method in Methods)
            if (string.Equals(method, request.Method, StringComparison.Ordinal)) return null;
        Http.RequestLog.MethodNotAllowed(request.RequestLogger, request.Method, request.Path); // as django/views/decorators/http.py does
        return new HttpResponseNotAllowed(Methods);
    }
}

/// <summary>Django's <c>require_GET</c> (as django/views/decorators/http.py).</summary>
public sealed class RequireGetAttribute() : RequireHttpMethodsAttribute("GET");

/// <summary>Django's <c>require_POST</c> (as django/views/decorators/http.py).</summary>
public sealed class RequirePostAttribute() : RequireHttpMethodsAttribute("POST");

/// <summary>Django's <c>require_safe</c>: GET and HEAD (as django/views/decorators/http.py).</summary>
public sealed class RequireSafeAttribute() : RequireHttpMethodsAttribute("GET", "HEAD");

/// <summary>Django's <c>xframe_options_deny</c>: <c>X-Frame-Options: DENY</c> unless the view set one (as django/views/decorators/clickjacking.py).</summary>
public sealed class XFrameOptionsDenyAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        response.Headers.SetDefault("X-Frame-Options", "DENY");
        return response;
    }
}

/// <summary>Django's <c>xframe_options_sameorigin</c>: <c>X-Frame-Options: SAMEORIGIN</c> unless the view set one (as django/views/decorators/clickjacking.py).</summary>
public sealed class XFrameOptionsSameOriginAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        response.Headers.SetDefault("X-Frame-Options", "SAMEORIGIN");
        return response;
    }
}

/// <summary>Django's <c>xframe_options_exempt</c>: marks the response so XFrameOptionsMiddleware leaves it alone (as django/views/decorators/clickjacking.py).</summary>
public sealed class XFrameOptionsExemptAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        response.XFrameOptionsExempt = true;
        return response;
    }
}
