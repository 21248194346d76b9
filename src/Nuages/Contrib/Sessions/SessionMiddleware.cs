using Nuages.Conf;
using Nuages.Http;
using Nuages.Middleware;

namespace Nuages.Contrib.Sessions;

/// <summary>
/// Django's <c>SessionMiddleware</c> (django/contrib/sessions/middleware.py): gives each request its session from the
/// cookie (nothing is read until the view touches it), and after the view saves a modified session and sets the cookie
/// — or deletes the cookie of a session emptied — adding <c>Vary: Cookie</c> whenever the session was used. A 5xx
/// response saves nothing. Hybrid: an async request saves with async I/O and holds no sync worker.
/// </summary>
[NonBlocking]
public sealed class SessionMiddleware(Next next, Settings settings) : MiddlewareMixin(next)
{
    /// <inheritdoc/>
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        Open(request, settings);
        return null;
    }

    /// <summary>Gives <paramref name="request"/> the session its cookie names (a new, empty one without).</summary>
    internal static void Open(HttpRequest request, Settings settings)
    {
        var key = request.Cookies.TryGetValue(settings.SessionCookieName, out var cookie) ? cookie : null;
        request.Features.Set(SessionStores.Create(settings, key, request.LoggerFactory));
    }

    /// <inheritdoc/>
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        if (Decide(request, response) is not { } session) return response;
        Async.SyncMode.Wait(Save(session, response, false, default), SessionBase.SyncModeName);
        return response;
    }

    /// <inheritdoc/>
    protected override async ValueTask<HttpResponse> ProcessResponseAsync(HttpRequest request, HttpResponse response)
    {
        if (Decide(request, response) is { } session) await Save(session, response, true, request.Aborted).ConfigureAwait(false);
        return response;
    }

    /// <summary>What the response needs (as Django's process_response decides it): the session to save, or null.</summary>
    private SessionBase? Decide(HttpRequest request, HttpResponse response)
    {
        if (request.Features.Get<SessionBase>() is not { } session) return null;
        var empty = session.IsEmpty();
        if (request.Cookies.ContainsKey(settings.SessionCookieName) && empty)
        {
            // the session was emptied (a flush): its cookie goes
            SessionCookies.Delete(response, settings, settings.SessionCookieName, settings.SessionCookiePath);
            HttpHeaders.PatchVary(response, ["Cookie"]);
            return null;
        }
        if (session.Accessed) HttpHeaders.PatchVary(response, ["Cookie"]);
        if (!(session.Modified || settings.SessionSaveEveryRequest) || empty || response.StatusCode >= 500) return null;
        return session;
    }

    private async ValueTask Save(SessionBase session, HttpResponse response, bool async, CancellationToken cancellationToken)
    {
        try
        {
            if (async) await session.SaveAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            else session.Save();
        }
        catch (UpdateError)
        {
            throw new SessionInterrupted("The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.");
        }
        var atBrowserClose = async ? await session.GetExpireAtBrowserCloseAsync(cancellationToken).ConfigureAwait(false) : session.GetExpireAtBrowserClose();
        long? maxAge = atBrowserClose ? null : async ? await session.GetExpiryAgeAsync(cancellationToken).ConfigureAwait(false) : session.GetExpiryAge();
        SessionCookies.Set(response, settings, settings.SessionCookieName, session.SessionKey ?? "", maxAge, settings.SessionCookiePath);
    }
}
