using Microsoft.Extensions.Logging;
using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>require_http_methods</c>: any other method gets 405 with <c>Allow</c> listing these, in this
/// order, without calling the view (spec D-20); the comparison is exact (spec D-21).
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
        request.RequestLogger.LogWarning("Method Not Allowed ({Method}): {Path}", request.Method, request.Path); // spec D-22
        return new HttpResponseNotAllowed(Methods);
    }
}

/// <summary>Django's <c>require_GET</c> (spec D-23).</summary>
public sealed class RequireGetAttribute() : RequireHttpMethodsAttribute("GET");

/// <summary>Django's <c>require_POST</c> (spec D-23).</summary>
public sealed class RequirePostAttribute() : RequireHttpMethodsAttribute("POST");

/// <summary>Django's <c>require_safe</c>: GET and HEAD (spec D-23).</summary>
public sealed class RequireSafeAttribute() : RequireHttpMethodsAttribute("GET", "HEAD");

/// <summary>Django's <c>xframe_options_deny</c>: <c>X-Frame-Options: DENY</c> unless the view set one (spec D-16).</summary>
public sealed class XFrameOptionsDenyAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        response.Headers.SetDefault("X-Frame-Options", "DENY");
        return response;
    }
}

/// <summary>Django's <c>xframe_options_sameorigin</c>: <c>X-Frame-Options: SAMEORIGIN</c> unless the view set one (spec D-17).</summary>
public sealed class XFrameOptionsSameOriginAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        response.Headers.SetDefault("X-Frame-Options", "SAMEORIGIN");
        return response;
    }
}

/// <summary>Django's <c>xframe_options_exempt</c>: marks the response so XFrameOptionsMiddleware leaves it alone (spec D-18).</summary>
public sealed class XFrameOptionsExemptAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        response.XFrameOptionsExempt = true;
        return response;
    }
}
