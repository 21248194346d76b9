using System.Reflection;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Templates;

/// <summary>
/// The built-in context processors (django/template/context_processors.py): what a template rendered with a request
/// finds besides the view's variables.
/// </summary>
public static class ContextProcessors
{
    /// <summary>
    /// <c>csrf_token</c>, read only when a template uses it (rendering <c>{% csrf_token %}</c> is what makes the
    /// response set the CSRF cookie, as in Django); always on, as Django's built-in processor is.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, object?>> Csrf(HttpRequest request) =>
        [new("csrf_token", new Lazy<object?>(() => Middleware.Csrf.GetToken(request) is { } token ? token : "NOTPROVIDED"))];

    /// <summary><c>request</c>: the request.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Request(HttpRequest request) => [new("request", request)];

    /// <summary><c>STATIC_URL</c>: the static files' prefix.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Static(HttpRequest request) => [new("STATIC_URL", Site.Current.Settings.StaticUrl)];

    /// <summary><c>TIME_ZONE</c>: the site's time zone name.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Tz(HttpRequest request) => [new("TIME_ZONE", Site.Current.Settings.TimeZone)];

    /// <summary><c>debug</c> and <c>sql_queries</c>, when <c>Debug</c> is on and the client's address is in <c>InternalIps</c>.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Debug(HttpRequest request)
    {
        var settings = Site.Current.Settings;
        if (!settings.Debug || !settings.InternalIps.Contains(request.Meta.Get("REMOTE_ADDR") ?? "")) return [];
        return [new("debug", true), new("sql_queries", new List<object?>())];
    }

    /// <summary>The processor a name in <c>ContextProcessors</c> stands for.</summary>
    internal static Func<HttpRequest, IEnumerable<KeyValuePair<string, object?>>> Resolve(string name)
    {
        var shortName = name.StartsWith("django.template.context_processors.", StringComparison.Ordinal) ? name[35..]
            : name.StartsWith("Nuages.Templates.ContextProcessors.", StringComparison.Ordinal) ? name[35..].ToLowerInvariant() : name;
        switch (shortName)
        {
            case "request": return Request;
            case "static": return Static;
            case "tz": return Tz;
            case "debug": return Debug;
            case "csrf": return Csrf;
        }
        // Django's name of the messages processor: the messages app's, found by name (Templates do not depend on Contrib)
        if (name == "django.contrib.messages.context_processors.messages") name = "Nuages.Contrib.Messaging.Messages.ContextProcessor";
        if (name == "django.contrib.auth.context_processors.auth") name = "Nuages.Contrib.Auth.AuthContext.ContextProcessor";
        var dot = name.LastIndexOf('.');
        if (dot <= 0)
            throw new ImproperlyConfigured($"The context processor '{name}' is not one of debug, request, static, tz, csrf, nor a Namespace.Type.Method name.");
        var type = TypeNames.Resolve(name[..dot]) ?? throw new ImproperlyConfigured($"The context processor '{name}' names a type that cannot be found: {name[..dot]}.");
        var method = type.GetMethod(name[(dot + 1)..], BindingFlags.Public | BindingFlags.Static, [typeof(HttpRequest)])
            ?? throw new ImproperlyConfigured($"The context processor '{name}' names no public static method of {type.FullName} taking an HttpRequest.");
        if (!typeof(IEnumerable<KeyValuePair<string, object?>>).IsAssignableFrom(method.ReturnType))
            throw new ImproperlyConfigured($"The context processor '{name}' must return a dictionary (IEnumerable<KeyValuePair<string, object?>>), not {method.ReturnType.Name}.");
        return method.CreateDelegate<Func<HttpRequest, IEnumerable<KeyValuePair<string, object?>>>>();
    }
}
