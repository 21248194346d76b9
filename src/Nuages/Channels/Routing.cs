using Nuages.Conf;
using Nuages.Core;
using Nuages.Urls;

namespace Nuages.Channels;

/// <summary>
/// The WebSocket URLconf vocabulary, for <c>using static Nuages.Channels.WebSocketRoutes;</c> beside
/// <c>Nuages.Urls.Routes</c>: <c>WebSocketPath&lt;ChatConsumer&gt;("ws/chat/&lt;str:room&gt;/")</c>, with the same
/// converters as HTTP routes and mounted with the same <c>Path("ws/", Include([...]))</c> — what Channels writes as
/// <c>URLRouter([path("ws/chat/&lt;str:room&gt;/", ChatConsumer.as_asgi())])</c>. Set them with
/// <c>app.WebSocketPatterns(...)</c>.
/// </summary>
public static class WebSocketRoutes
{
    /// <summary>A route with <c>&lt;converter:name&gt;</c> parameters served by a new <typeparamref name="TConsumer"/> per connection.</summary>
    public static UrlPattern WebSocketPath<TConsumer>(string route) where TConsumer : Consumer, new() => WebSocketPath(route, static () => new TConsumer());

    /// <summary>A route served by the consumer <paramref name="consumer"/> makes for each connection (Channels' <c>as_asgi(**kwargs)</c>).</summary>
    public static UrlPattern WebSocketPath(string route, Func<Consumer> consumer) =>
        new(route, false, consumer ?? throw new ArgumentNullException(nameof(consumer)), null, null);

    /// <summary>A regular-expression route (Channels' <c>re_path</c>): named groups become <c>Scope.UrlRoute</c>, unnamed ones <c>Scope.UrlRouteArgs</c>.</summary>
    public static UrlPattern WebSocketRePath<TConsumer>(string regex) where TConsumer : Consumer, new() => WebSocketRePath(regex, static () => new TConsumer());

    /// <summary>A regular-expression route served by what <paramref name="consumer"/> makes.</summary>
    public static UrlPattern WebSocketRePath(string regex, Func<Consumer> consumer) =>
        new(regex, true, consumer ?? throw new ArgumentNullException(nameof(consumer)), null, null);
}

/// <summary>A WebSocket path resolved: the consumer to make and the route's values.</summary>
internal sealed record ConsumerRoute(Func<Consumer> Consumer, IReadOnlyDictionary<string, object?> Kwargs, IReadOnlyList<object?> Args);

/// <summary>
/// A site's WebSocket patterns, compiled once (Channels' <c>URLRouter</c>): the first match wins, in declaration order,
/// with the HTTP resolver's route matching and converters.
/// </summary>
internal sealed class WebSocketRouter
{
    private readonly Node[] _root;

    private sealed record Node(RouteMatcher Matcher, string[] Names, Func<Consumer>? Consumer, Node[]? Children, string FullRoute);

    public WebSocketRouter(IReadOnlyList<UrlPattern> patterns) => _root = Compile(patterns, [], "");

    /// <summary>The site's slot for its router, set by <c>app.WebSocketPatterns</c>.</summary>
    public static Slot Of(Site site) => site.Feature(static _ => new Slot());

    /// <summary>Holds a site's router.</summary>
    internal sealed class Slot
    {
        public volatile WebSocketRouter? Value;
    }

    private static Node[] Compile(IReadOnlyList<UrlPattern> patterns, string[] names, string prefix)
    {
        var nodes = new Node[patterns.Count];
        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i];
            if (pattern.View is not null and not Func<Consumer>)
                throw new ImproperlyConfigured($"The WebSocket pattern '{pattern.Route}' names a view, not a consumer: write WebSocketPath<YourConsumer>(\"{pattern.Route}\").");
            var endpoint = pattern.View is not null;
            var matcher = pattern.IsRegex ? RouteMatcher.ForRegex(pattern.Route) : RouteMatcher.ForPath(pattern.Route, endpoint);
            string[] all = [.. names, .. matcher.Names];
            var route = prefix + pattern.Route;
            nodes[i] = endpoint ? new Node(matcher, all, (Func<Consumer>)pattern.View!, null, route) : new Node(matcher, all, null, Compile(pattern.Include!.Patterns, all, route), route);
        }
        return nodes;
    }

    /// <summary>Every route in declaration order with its consumer's type (one is made to tell it), for the <c>routes</c> command.</summary>
    public IEnumerable<(string Route, Type Consumer)> Describe() => Endpoints(_root).Select(n => (n.FullRoute, n.Consumer!().GetType()));

    private static IEnumerable<Node> Endpoints(Node[] nodes) => nodes.SelectMany(n => n.Children is null ? [n] : Endpoints(n.Children));

    /// <summary>The route of <paramref name="path"/>, or null when no pattern matches (Channels: "No route found for path").</summary>
    public ConsumerRoute? Resolve(string path)
    {
        if (path.Length == 0 || path[0] != '/') return null;
        List<object?>? values = null;
        var found = Resolve(_root, path, 1, ref values);
        if (found is null) return null;
        var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
        var args = new List<object?>();
        for (var i = 0; i < found.Names.Length; i++)
        {
            var value = values![i];
            if (found.Names[i].Length == 0) args.Add(value);
            else kwargs[found.Names[i]] = value;
        }
        return new ConsumerRoute(found.Consumer!, kwargs, args);
    }

    private static Node? Resolve(Node[] nodes, string path, int start, ref List<object?>? values)
    {
        foreach (var node in nodes)
        {
            var mark = values?.Count ?? 0;
            if (node.Consumer is not null)
            {
                if (node.Matcher.TryMatch(path, start, true, ref values, out _)) return node;
            }
            else if (node.Matcher.TryMatch(path, start, false, ref values, out var end) && Resolve(node.Children!, path, end, ref values) is { } found)
            {
                return found;
            }
            if (values is not null && values.Count > mark) values.RemoveRange(mark, values.Count - mark);
        }
        return null;
    }
}
