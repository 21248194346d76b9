using Nuages.Conf;
using Nuages.Http;
using Nuages.Middleware;

namespace Nuages.Contrib.Messaging;

/// <summary>
/// Django's <c>MessageMiddleware</c> (django/contrib/messages/middleware.py): gives each request its message storage,
/// and after the view stores what the next request must see. With <c>Debug</c> on, messages that fit in no storage
/// raise, as Django's do. It only reads and writes cookies and the session in memory, so it runs inline in both modes
/// (the session is saved by <c>SessionMiddleware</c>, which must come before it).
/// </summary>
[NonBlocking]
public sealed class MessageMiddleware(Next next, Settings settings) : MiddlewareMixin(next)
{
    /// <inheritdoc/>
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        request.Features.Set(Messages.Create(request, settings));
        return null;
    }

    /// <inheritdoc/>
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        if (request.Features.Get<MessageStorage>() is { } storage && storage.Update(response).Count > 0 && settings.Debug)
            throw new InvalidOperationException("Not all temporary messages could be stored.");
        return response;
    }
}
