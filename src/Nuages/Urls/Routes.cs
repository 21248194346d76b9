namespace Nuages.Urls;

/// <summary>
/// The URLconf vocabulary, for <c>using static Nuages.Urls.Routes;</c>:
/// <c>Path("authors/&lt;int:id&gt;/", Views.Author, name: "author")</c>,
/// <c>RePath(@"^archive/(?P&lt;year&gt;[0-9]{4})/$", Views.Archive)</c>,
/// <c>Path("api/", Include(Api.UrlPatterns, ns: "api"))</c> and <c>Reverse("api:author", new { id = 3 })</c>.
/// </summary>
public static class Routes
{
    /// <summary>A route with <c>&lt;converter:name&gt;</c> parameters, matched in full, served by <paramref name="view"/>.</summary>
    public static UrlPattern Path(string route, Delegate view, string? name = null) =>
        new(route, false, view ?? throw new ArgumentNullException(nameof(view)), name, null);

    /// <summary>A route prefix under which <paramref name="include"/>'s patterns are matched.</summary>
    public static UrlPattern Path(string route, IncludedUrls include) =>
        new(route, false, null, null, include ?? throw new ArgumentNullException(nameof(include)));

    /// <summary>
    /// A regular-expression route; named groups (<c>(?P&lt;year&gt;…)</c> or <c>(?&lt;year&gt;…)</c>) become
    /// string arguments, unnamed groups positional ones. It is matched from the start of the remaining
    /// path, as if it began with <c>^</c>.
    /// </summary>
    public static UrlPattern RePath(string regex, Delegate view, string? name = null) =>
        new(regex, true, view ?? throw new ArgumentNullException(nameof(view)), name, null);

    /// <summary>A regular-expression prefix under which <paramref name="include"/>'s patterns are matched.</summary>
    public static UrlPattern RePath(string regex, IncludedUrls include) =>
        new(regex, true, null, null, include ?? throw new ArgumentNullException(nameof(include)));

    /// <summary>Mounts <paramref name="patterns"/>; <paramref name="ns"/> is the instance namespace, <paramref name="appName"/> the application one (defaults to <paramref name="ns"/>).</summary>
    public static IncludedUrls Include(IEnumerable<UrlPattern> patterns, string? ns = null, string? appName = null) =>
        new([.. patterns], ns, appName ?? ns);

    /// <summary>
    /// The URL of the pattern named <paramref name="viewName"/> (<c>"ns:name"</c> inside namespaces),
    /// with <paramref name="kwargs"/> (an anonymous object or a dictionary) or <paramref name="args"/>
    /// filled in; throws <see cref="NoReverseMatch"/> listing what was tried.
    /// </summary>
    public static string Reverse(string viewName, object? kwargs = null, IEnumerable<object?>? args = null, string? currentApp = null) =>
        (UrlResolver.Current ?? throw new InvalidOperationException("No URL patterns are set: call app.UrlPatterns(...) before Reverse."))
        .Reverse(viewName, kwargs, args, currentApp);
}
