using Microsoft.Extensions.Logging;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Contrib.Sessions;

/// <summary>The session engines by name (Django's <c>SESSION_ENGINE</c>), and <c>request.Session</c>.</summary>
public static class SessionStores
{
    /// <summary>The engines' names, with Django's dotted names for them.</summary>
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["db"] = "db", ["django.contrib.sessions.backends.db"] = "db",
        ["cache"] = "cache", ["django.contrib.sessions.backends.cache"] = "cache",
        ["cached_db"] = "cached_db", ["django.contrib.sessions.backends.cached_db"] = "cached_db",
        ["signed_cookies"] = "signed_cookies", ["django.contrib.sessions.backends.signed_cookies"] = "signed_cookies",
    };

    /// <summary>A session of the site's engine for <paramref name="sessionKey"/> (Django's <c>SessionStore(session_key)</c>).</summary>
    public static SessionBase Create(Settings settings, string? sessionKey, ILoggerFactory? loggers = null)
    {
        SessionBase session = Names.GetValueOrDefault(settings.SessionEngine) switch
        {
            "db" => new DbSessionStore(sessionKey, settings),
            "cache" => new CacheSessionStore(sessionKey, settings),
            "cached_db" => new CachedDbSessionStore(sessionKey, settings),
            "signed_cookies" => new SignedCookieSessionStore(sessionKey, settings),
            _ => throw new ImproperlyConfigured($"The SessionEngine setting is '{settings.SessionEngine}': use db, cache, cached_db or signed_cookies (or Django's dotted names of them)."),
        };
        if (loggers is not null) session.Logger = loggers.CreateLogger("Nuages.Security.SuspiciousSession");
        return session;
    }

    extension(HttpRequest request)
    {
        /// <summary>The request's session (Django's <c>request.session</c>), which <see cref="SessionMiddleware"/> gives.</summary>
        public SessionBase Session => request.Features.Get<SessionBase>()
            ?? throw new InvalidOperationException("request.Session needs SessionMiddleware: add Nuages.Contrib.Sessions.SessionMiddleware to Settings.Middleware (and SessionsConfig to Settings.InstalledApps for the db and cached_db engines).");
    }
}
