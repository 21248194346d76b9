using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// Django's ConditionalGetMiddleware: strong ETags for GET responses that lack one, and 304 answers for
/// requests whose If-None-Match or If-Modified-Since already match. Header work only: inline in both modes.
/// </summary>
[NonBlocking]
public sealed class ConditionalGetMiddleware(Next next) : MiddlewareMixin(next)
{
    /// <inheritdoc />
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response) => ConditionalGet.Process(request, response);
}
