using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nuages.Conf;
using Nuages.Views;

namespace Nuages.Urls;

/// <summary>
/// A site's URLconf, compiled once: resolves paths to views in declaration order (the first match
/// wins, as Django), and reverses pattern names to URLs. Every view is bound to its route here, so a
/// route whose captures do not fit its view fails at startup, not on a request.
/// </summary>
internal sealed class UrlResolver
{
    private readonly Node[] _root;
    private readonly Namespace _namespaces = new("");

    public UrlResolver(IReadOnlyList<UrlPattern> patterns)
    {
        Patterns = patterns;
        _root = Compile(patterns, [], [], [], [], "", _namespaces, [], []);
    }

    /// <summary>
    /// The resolver <see cref="Routes.Reverse"/> uses: the current site's (the request's, the one this flow entered,
    /// or the only one) — Django's ROOT_URLCONF, per site.
    /// </summary>
    public static UrlResolver? Current => Site.TryCurrent is { } site ? Of(site).Value : null;

    /// <summary>The site's slot for its resolver, set when its URL patterns are.</summary>
    public static Slot Of(Site site) => site.Feature(static _ => new Slot());

    /// <summary>Holds a site's resolver.</summary>
    internal sealed class Slot
    {
        public volatile UrlResolver? Value;
    }

    public IReadOnlyList<UrlPattern> Patterns { get; }

    internal abstract class Node(RouteMatcher matcher)
    {
        public RouteMatcher Matcher { get; } = matcher;
    }

    internal sealed class Include(RouteMatcher matcher, Node[] children) : Node(matcher)
    {
        public Node[] Children { get; } = children;
    }

    internal sealed class Endpoint(RouteMatcher matcher) : Node(matcher)
    {
        public required BoundView View { get; init; }
        public required string? Name { get; init; }
        public required string? QualifiedName { get; init; }
        public required string[] CaptureNames { get; init; }
        public required bool Positional { get; init; }
        public required string[] Namespaces { get; init; }
        public required string[] AppNames { get; init; }
        public required string FullRoute { get; init; }
        public required List<ReversePart>? ReverseParts { get; init; }
        public required List<Type> CaptureTypes { get; init; }
        public required List<string> Chain { get; init; }
    }

    /// <summary>The names and endpoints one namespace level holds, for reversing.</summary>
    private sealed class Namespace(string name)
    {
        public string Name { get; } = name;
        public Dictionary<string, Namespace> Instances { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<string>> AppInstances { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<Endpoint>> Names { get; } = new(StringComparer.Ordinal);
    }

    private static Node[] Compile(IReadOnlyList<UrlPattern> patterns, List<string> captureNames, List<Type> captureTypes, List<string> namespaces, List<string> appNames,
        string routePrefix, Namespace ns, List<ReversePart>? reversePrefix, List<string> chain)
    {
        var nodes = new Node[patterns.Count];
        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i];
            var endpoint = pattern.View is not null;
            var matcher = pattern.IsRegex ? RouteMatcher.ForRegex(pattern.Route) : RouteMatcher.ForPath(pattern.Route, endpoint);
            var names = new List<string>(captureNames);
            var types = new List<Type>(captureTypes);
            for (var g = 0; g < matcher.Names.Length; g++)
            {
                names.Add(matcher.Names[g]);
                types.Add(matcher.ValueType(g));
            }
            // Null when this pattern or a prefix above it is a regex too complex to reverse.
            var reverse = matcher.ReverseParts is null || reversePrefix is null ? null : reversePrefix.Concat(Offset(matcher.ReverseParts, captureNames.Count)).ToList();
            var fullRoute = routePrefix + pattern.Route;
            var fullChain = new List<string>(chain) { pattern.Route };
            if (endpoint)
            {
                var bound = ViewDescriptor.For(pattern.View!).Bind(fullRoute, names, types);
                var qualified = pattern.Name is null ? null : string.Join(':', namespaces.Append(pattern.Name));
                var node = new Endpoint(matcher)
                {
                    View = bound,
                    Name = pattern.Name,
                    QualifiedName = qualified,
                    CaptureNames = [.. names],
                    Positional = names.Count > 0 && names.All(n => n.Length == 0),
                    Namespaces = [.. namespaces],
                    AppNames = [.. appNames],
                    FullRoute = fullRoute,
                    ReverseParts = reverse,
                    CaptureTypes = types,
                    Chain = fullChain,
                };
                nodes[i] = node;
                if (pattern.Name is not null)
                {
                    if (!ns.Names.TryGetValue(pattern.Name, out var list)) ns.Names[pattern.Name] = list = [];
                    list.Add(node);
                }
                continue;
            }
            var include = pattern.Include!;
            var childNs = ns;
            var childNamespaces = namespaces;
            var childApps = appNames;
            if (include.Namespace is { } instance)
            {
                if (!ns.Instances.TryGetValue(instance, out childNs))
                    ns.Instances[instance] = childNs = new Namespace(instance);
                var app = include.AppName ?? instance;
                if (!ns.AppInstances.TryGetValue(app, out var instances)) ns.AppInstances[app] = instances = [];
                if (!instances.Contains(instance)) instances.Add(instance);
                childNamespaces = [.. namespaces, instance];
                childApps = [.. appNames, app];
            }
            var children = Compile(include.Patterns, names, types, childNamespaces, childApps, fullRoute, childNs, reverse, fullChain);
            nodes[i] = new Include(matcher, children);
        }
        return nodes;
    }

    private static IEnumerable<ReversePart> Offset(List<ReversePart> parts, int by) =>
        by == 0 ? parts : parts.Select(p => p.Name is null ? p : p with { Index = p.Index + by });

    /// <summary>The match for <paramref name="pathInfo"/>, or null when no pattern matches.</summary>
    public ResolverMatch? Resolve(string pathInfo)
    {
        if (pathInfo.Length == 0 || pathInfo[0] != '/') return null;
        List<object?>? values = null;
        var endpoint = Resolve(_root, pathInfo, 1, ref values);
        if (endpoint is null) return null;
        return new ResolverMatch(endpoint, values is null || values.Count == 0 ? [] : values.ToArray());
    }

    private static Endpoint? Resolve(Node[] nodes, string path, int start, ref List<object?>? values)
    {
        foreach (var node in nodes)
        {
            var mark = values?.Count ?? 0;
            if (node is Endpoint endpoint)
            {
                if (endpoint.Matcher.TryMatch(path, start, true, ref values, out _)) return endpoint;
            }
            else if (node.Matcher.TryMatch(path, start, false, ref values, out var end))
            {
                var found = Resolve(((Include)node).Children, path, end, ref values);
                if (found is not null) return found;
            }
            if (values is not null && values.Count > mark) values.RemoveRange(mark, values.Count - mark);
        }
        return null;
    }

    /// <summary>The patterns tried for a path that matched none, each as its chain of routes (for the Debug 404 page).</summary>
    public List<List<string>> Tried(string pathInfo)
    {
        var tried = new List<List<string>>();
        List<object?>? values = null;
        CollectTried(_root, pathInfo, 1, ref values, tried);
        return tried;
    }

    private static void CollectTried(Node[] nodes, string path, int start, ref List<object?>? values, List<List<string>> tried)
    {
        foreach (var node in nodes)
        {
            if (node is Include include && start <= path.Length && include.Matcher.TryMatch(path, start, false, ref values, out var end))
                CollectTried(include.Children, path, end, ref values, tried);
            else tried.Add(node is Endpoint e ? e.Chain : [node.Matcher.Route]);
        }
    }

    /// <summary>Every endpoint in declaration order, for the <c>routes</c> command and system checks.</summary>
    public IEnumerable<(string Route, string? Name, string View, bool IsAsync)> Describe()
    {
        foreach (var endpoint in Endpoints(_root))
            yield return (endpoint.FullRoute, endpoint.QualifiedName, endpoint.View.Descriptor.Name, endpoint.View.Descriptor.IsAsync);
    }

    private static IEnumerable<Endpoint> Endpoints(Node[] nodes)
    {
        foreach (var node in nodes)
        {
            if (node is Endpoint e) yield return e;
            else foreach (var child in Endpoints(((Include)node).Children)) yield return child;
        }
    }

    public string Reverse(string viewName, object? kwargs, IEnumerable<object?>? args, string? currentApp)
    {
        var parts = viewName.Contains(':', StringComparison.Ordinal) ? viewName.Split(':') : null;
        var name = parts is null ? viewName : parts[^1];
        var ns = _namespaces;
        var path = new List<string>();
        var currentPath = parts is null ? null : currentApp?.Split(':');
        for (var i = 0; parts is not null && i < parts.Length - 1; i++)
        {
            var key = parts[i];
            Namespace? next = null;
            if (ns.AppInstances.TryGetValue(key, out var instances))
            {
                // An application namespace: the current app's instance, else the default instance (named as the app), else the last deployed.
                var wanted = currentPath is not null && i < currentPath.Length && instances.Contains(currentPath[i]) ? currentPath[i]
                    : instances.Contains(key) ? key : instances[^1];
                next = ns.Instances[wanted];
            }
            else if (ns.Instances.TryGetValue(key, out var instance)) next = instance;
            if (next is null)
                throw new NoReverseMatch(path.Count == 0
                    ? $"'{key}' is not a registered namespace"
                    : $"'{key}' is not a registered namespace inside '{string.Join(':', path)}'");
            path.Add(key);
            ns = next;
        }

        var kw = kwargs is null ? NoKeywords : ToDictionary(kwargs);
        var positional = args as List<object?> ?? args?.ToList() ?? NoArguments;
        if (kw.Count > 0 && positional.Count > 0)
            throw new ArgumentException("Don't mix positional and keyword arguments when reversing a URL.");
        if (!ns.Names.TryGetValue(name, out var candidates))
            throw new NoReverseMatch($"Reverse for '{name}' not found. '{name}' is not a valid view function or pattern name.");

        // Django tries the last-declared pattern of a name first.
        for (var c = candidates.Count - 1; c >= 0; c--)
        {
            if (TryBuild(candidates[c], kw, positional) is { } url) return url;
        }
        var argText = positional.Count > 0 ? $"arguments '({string.Join(", ", positional.Select(Repr))}{(positional.Count == 1 ? "," : "")})'"
            : kw.Count > 0 ? $"keyword arguments '{{{string.Join(", ", kw.Select(p => $"'{p.Key}': {Repr(p.Value)}"))}}}'"
            : "no arguments";
        var tried = string.Join(", ", candidates.AsEnumerable().Reverse().Select(e => $"'{e.FullRoute}'"));
        throw new NoReverseMatch($"Reverse for '{name}' with {argText} not found. {candidates.Count} pattern(s) tried: [{tried}]");
    }

    private static string? TryBuild(Endpoint endpoint, Dictionary<string, object?> kwargs, List<object?> args)
    {
        if (endpoint.ReverseParts is null) return null;
        var names = endpoint.CaptureNames;
        if (endpoint.Positional || (names.Length > 0 && args.Count > 0))
        {
            if (kwargs.Count > 0 || args.Count != names.Length) return null;
        }
        else if (args.Count > 0 || kwargs.Count != names.Length || !names.All(kwargs.ContainsKey)) return null;

        var sb = new StringBuilder(ScriptPrefix.Value);
        foreach (var part in endpoint.ReverseParts)
        {
            if (part.Literal is not null)
            {
                sb.Append(part.Literal);
                continue;
            }
            var value = endpoint.Positional || args.Count > 0 ? args[part.Index] : kwargs[part.Name!];
            if (value is null) return null;
            string text;
            try
            {
                text = part.Converter is { } converter ? converter.ToUrlUntyped(value) : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException)
            {
                return null;
            }
            if (!part.Accepts(text)) return null;
            sb.Append(text);
        }
        var url = Quote(sb.ToString());
        // A URL starting with // would be read as a scheme-relative URL to another host.
        return url.StartsWith("//", StringComparison.Ordinal) ? "/%2F" + url[2..] : url;
    }

    // Django quotes reversed URLs keeping RFC 3986 sub-delimiters, '/', '~', ':' and '@' (and existing escapes).
    private static string Quote(string url) => Http.UriEncoding.Quote(url, "/~:@!$&'()*+,;=-._");

    private static string Repr(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static readonly Dictionary<string, object?> NoKeywords = new(StringComparer.Ordinal);
    private static readonly List<object?> NoArguments = [];

    private static Dictionary<string, object?> ToDictionary(object? kwargs)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        switch (kwargs)
        {
            case null:
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (k, v) in pairs) result[k] = v;
                break;
            case IDictionary dict:
                foreach (DictionaryEntry entry in dict) result[entry.Key.ToString()!] = entry.Value;
                break;
            default:
                foreach (var property in kwargs.GetType().GetProperties()) result[property.Name] = property.GetValue(kwargs);
                break;
        }
        return result;
    }
}
