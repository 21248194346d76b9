using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Contrib.Sessions;

/// <summary>
/// Cookies set "as the session cookie is": the domain, Secure, HttpOnly and SameSite of the <c>SessionCookie*</c>
/// settings — the session's own cookie, and the messages cookie, which Django sets with the session cookie's
/// attributes (django/contrib/sessions/middleware.py, django/contrib/messages/storage/cookie.py).
/// </summary>
internal static class SessionCookies
{
    /// <summary>Sets <paramref name="name"/> with the session cookie's attributes.</summary>
    public static void Set(HttpResponse response, Settings settings, string name, string value, long? maxAge, string path) =>
        response.SetCookie(name, value, maxAge, null, path, settings.SessionCookieDomain, settings.SessionCookieSecure, settings.SessionCookieHttpOnly, settings.SessionCookieSameSite);

    /// <summary>Deletes <paramref name="name"/> where the session cookie's attributes put it.</summary>
    public static void Delete(HttpResponse response, Settings settings, string name, string path) =>
        response.DeleteCookie(name, path, settings.SessionCookieDomain, settings.SessionCookieSameSite);
}
