using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// Django's clickjacking protection: sets <c>X-Frame-Options</c> to the <c>XFrameOptions</c> setting
/// (upper-cased, default DENY) unless the response has one or was marked exempt (as django/views/decorators/clickjacking.py). It only
/// reads and writes headers, so it runs inline in both modes.
/// </summary>
[NonBlocking]
public sealed class XFrameOptionsMiddleware(Next next, Settings settings) : MiddlewareMixin(next)
{
    /// <inheritdoc />
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        if (response["X-Frame-Options"] is not null || response.XFrameOptionsExempt) return response;
        response["X-Frame-Options"] = settings.XFrameOptions.ToUpperInvariant();
        return response;
    }
}
