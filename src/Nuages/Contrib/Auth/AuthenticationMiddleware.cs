using Nuages.Contrib.Sessions;
using Nuages.Core;
using Nuages.Http;
using Nuages.Middleware;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Django's <c>AuthenticationMiddleware</c>: gives each request its user — <c>request.User</c> (read from the session
/// on first use, sync) and <c>await request.GetUserAsync()</c> (Django's <c>auser</c>, async I/O). Nothing is read
/// until a view asks, so it runs inline in both modes. Put it after <see cref="SessionMiddleware"/>.
/// </summary>
[NonBlocking]
public sealed class AuthenticationMiddleware(Next next) : MiddlewareMixin(next)
{
    /// <inheritdoc/>
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        if (request.Features.Get<SessionBase>() is null)
            throw new ImproperlyConfigured("The authentication middleware requires session middleware to be installed. Edit your Settings.Middleware to insert "
                + "Nuages.Contrib.Sessions.SessionMiddleware before Nuages.Contrib.Auth.AuthenticationMiddleware.");
        request.Features.Set(new LazyUser());
        return null;
    }
}
