using Nuages.Core;
using Nuages.Http;

namespace Nuages.Views.Generic;

/// <summary>
/// Django's <c>RedirectView</c> (django/views/generic/base.py): every method redirects to <see cref="Url"/> (Python's
/// <c>%(name)s</c> filled from the URL's values) or to the route <see cref="PatternName"/> reversed with them; 302,
/// or 301 when <see cref="Permanent"/>; the query string kept when <see cref="QueryString"/>; no URL is a 410 Gone.
/// <code>Path("old/&lt;int:pk&gt;/", View.AsView&lt;RedirectView&gt;(v =&gt; v.PatternName = "post"))</code>
/// </summary>
public class RedirectView : View
{
    /// <summary>The URL to go to, with <c>%(name)s</c> placeholders for the route's values.</summary>
    public string? Url { get; set; }

    /// <summary>The name of the route to go to, reversed with this route's values.</summary>
    public string? PatternName { get; set; }

    /// <summary>Whether the redirect is permanent (301).</summary>
    public bool Permanent { get; set; }

    /// <summary>Whether the request's query string is kept.</summary>
    public bool QueryString { get; set; }

    /// <summary>Where to go (Django's <c>get_redirect_url</c>); null for nowhere.</summary>
    public virtual string? GetRedirectUrl()
    {
        string? url;
        if (Url is { } pattern) url = PythonFormat.Format(pattern, Kwargs);
        else if (PatternName is { } name) url = Urls.Routes.Reverse(name, Kwargs.Count > 0 ? Kwargs : null, Args.Count > 0 ? Args : null);
        else return null;
        var query = Request.Meta.Get("QUERY_STRING") ?? "";
        return query.Length > 0 && QueryString ? $"{url}?{query}" : url;
    }

    /// <summary>GET: the redirect, or 410 Gone.</summary>
    public virtual HttpResponse Get(HttpRequest request)
    {
        if (GetRedirectUrl() is not { } url)
        {
            RedirectLog.Gone(request.RequestLogger, request.Path);
            return new HttpResponseGone();
        }
        return Permanent ? new HttpResponsePermanentRedirect(url) : new HttpResponseRedirect(url);
    }

    /// <summary>HEAD: as GET.</summary>
    public virtual HttpResponse Head(HttpRequest request) => Get(request);

    /// <summary>POST: as GET.</summary>
    public virtual HttpResponse Post(HttpRequest request) => Get(request);

    /// <summary>OPTIONS: as GET, as Django's.</summary>
    public override HttpResponse Options(HttpRequest request) => Get(request);

    /// <summary>DELETE: as GET.</summary>
    public virtual HttpResponse Delete(HttpRequest request) => Get(request);

    /// <summary>PUT: as GET.</summary>
    public virtual HttpResponse Put(HttpRequest request) => Get(request);

    /// <summary>PATCH: as GET.</summary>
    public virtual HttpResponse Patch(HttpRequest request) => Get(request);
}

/// <summary>The warning Django logs for a redirect view that has nowhere to go.</summary>
internal static partial class RedirectLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(1301, Microsoft.Extensions.Logging.LogLevel.Warning, "Gone: {Path}", EventName = "RedirectGone")]
    public static partial void Gone(Microsoft.Extensions.Logging.ILogger logger, string path);
}
