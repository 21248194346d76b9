using Nuages.Http;

namespace Nuages.Middleware;

/// <summary>
/// Django's GZipMiddleware: compresses responses for clients that accept gzip, with BREACH padding;
/// streaming bodies are compressed as they stream. It runs inline in both modes.
/// </summary>
[NonBlocking]
public sealed class GZipMiddleware(Next next) : MiddlewareMixin(next)
{
    /// <inheritdoc />
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response) => GzipResponses.Process(request, response);
}
