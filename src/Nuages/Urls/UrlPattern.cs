namespace Nuages.Urls;

/// <summary>
/// One entry of a URLconf: a route and either a view (with an optional name) or an included list of
/// patterns (with an optional namespace). Built with <see cref="Routes.Path(string, Delegate, string?)"/>,
/// <see cref="Routes.RePath(string, Delegate, string?)"/> and <see cref="Routes.Include"/>; compiled once when
/// the site's URL patterns are set.
/// </summary>
public sealed class UrlPattern
{
    internal UrlPattern(string route, bool isRegex, Delegate? view, string? name, IncludedUrls? include)
    {
        Route = route;
        IsRegex = isRegex;
        View = view;
        Name = name;
        Include = include;
    }

    /// <summary>The route (<c>authors/&lt;int:id&gt;/</c>) or regular expression as written.</summary>
    public string Route { get; }

    /// <summary>Whether <see cref="Route"/> is a regular expression (<c>RePath</c>).</summary>
    public bool IsRegex { get; }

    /// <summary>The view, for an endpoint.</summary>
    public Delegate? View { get; }

    /// <summary>The name <c>Reverse</c> finds the pattern by.</summary>
    public string? Name { get; }

    /// <summary>The included patterns, for an include.</summary>
    public IncludedUrls? Include { get; }

    /// <inheritdoc />
    public override string ToString() => Name is null ? $"<UrlPattern '{Route}'>" : $"<UrlPattern '{Route}' [name='{Name}']>";
}

/// <summary>A list of patterns mounted under a prefix, with an instance namespace and an application namespace.</summary>
public sealed class IncludedUrls
{
    internal IncludedUrls(IReadOnlyList<UrlPattern> patterns, string? ns, string? appName)
    {
        Patterns = patterns;
        Namespace = ns;
        AppName = appName;
    }

    /// <summary>The included patterns.</summary>
    public IReadOnlyList<UrlPattern> Patterns { get; }

    /// <summary>The instance namespace (<c>Reverse("api:detail")</c>).</summary>
    public string? Namespace { get; }

    /// <summary>The application namespace; defaults to the instance namespace.</summary>
    public string? AppName { get; }
}
