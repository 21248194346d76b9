using System.Collections.Concurrent;
using Nuages.Async;

namespace Nuages.Conf;

/// <summary>
/// What one site owns — its settings and the services each layer keeps for it (databases and pools, routers, URL
/// resolver, sync workers, loggers) — so that two sites in one process never see each other's. Lower layers keep
/// their per-site state as a feature of the site (<see cref="Feature{T}"/>) and reach the current site through
/// <see cref="Current"/>: the site serving the request, else the site this flow entered (<see cref="Enter"/>; creating
/// a site enters it), else the only site in the process.
/// </summary>
internal sealed class Site
{
    private static readonly AsyncLocal<Site?> Entered = new();
    private static readonly Lock RegistryLock = new();
    private static readonly List<WeakReference<Site>> Registry = [];
    private static int _count;

    private readonly ConcurrentDictionary<Type, object> _features = new();

    public Site(Settings settings)
    {
        Settings = settings;
        Number = Interlocked.Increment(ref _count);
        lock (RegistryLock)
        {
            Registry.RemoveAll(r => !r.TryGetTarget(out _));
            Registry.Add(new WeakReference<Site>(this));
        }
    }

    public Settings Settings { get; }

    /// <summary>The site's number in the process (1 for the first created), for messages.</summary>
    public int Number { get; }

    /// <summary>How a message names the site: its number and its database aliases.</summary>
    public override string ToString() =>
        $"site {Number} (databases: {(Settings.Databases.Count == 0 ? "none" : string.Join(", ", Settings.Databases.Keys))})";

    /// <summary>The site's <typeparamref name="T"/>, made on first use by <paramref name="create"/> (pass a static lambda).</summary>
    public T Feature<T>(Func<Site, T> create) where T : class =>
        _features.TryGetValue(typeof(T), out var found) ? (T)found : (T)_features.GetOrAdd(typeof(T), static (_, state) => state.create(state.site), (create, site: this));

    /// <summary>The site's <typeparamref name="T"/> if it has one, without making it.</summary>
    internal T? TryFeature<T>() where T : class => _features.TryGetValue(typeof(T), out var found) ? (T)found : null;

    /// <summary>Makes this the current site of the calling flow until the returned scope is disposed.</summary>
    public IDisposable Enter()
    {
        var previous = Entered.Value;
        Entered.Value = this;
        return new Scope(previous);
    }

    /// <summary>Makes this the current site of the calling flow (what creating a site does).</summary>
    public void EnterForFlow() => Entered.Value = this;

    /// <summary>
    /// The current site: the one serving this request, else the one this flow entered, else the only one alive.
    /// Throws, naming the sites, when several exist and nothing says which.
    /// </summary>
    public static Site Current => TryCurrent ?? throw Ambiguous();

    /// <summary>The current site, or null when none can be told (no site, or several and none entered).</summary>
    public static Site? TryCurrent => Flow.Current.Request?.Site ?? Entered.Value ?? Only();

    private static Site? Only()
    {
        Site? only = null;
        lock (RegistryLock)
        {
            foreach (var reference in Registry)
            {
                if (!reference.TryGetTarget(out var site)) continue;
                if (only is not null) return null;
                only = site;
            }
        }
        return only;
    }

    private static InvalidOperationException Ambiguous()
    {
        List<Site> alive = [];
        lock (RegistryLock)
            foreach (var reference in Registry)
                if (reference.TryGetTarget(out var site)) alive.Add(site);
        return alive.Count == 0
            ? new InvalidOperationException("No Nuages site exists yet: create one with NuagesApp.Create(...) before using the ORM or reversing URLs.")
            : new InvalidOperationException(
                $"This process has {alive.Count} Nuages sites ({string.Join("; ", alive)}), and this code runs outside any request: " +
                "say which site it uses with `using (app.Enter()) { … }`, or run it in the flow that created the site.");
    }

    private sealed class Scope(Site? previous) : IDisposable
    {
        public void Dispose() => Entered.Value = previous;
    }
}
