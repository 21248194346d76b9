using Microsoft.Extensions.Logging;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Db.Backends;

namespace Nuages.Db;

/// <summary>
/// The databases of a site, by alias (Django's <c>connections</c>), from its <c>Settings.Databases</c>: each site has its
/// own, so two sites in one process never share an alias by accident. The ORM reaches those of the current site.
/// </summary>
internal sealed class Connections
{
    private volatile Dictionary<string, DatabaseSettings> _databases;

    // Every statement looks its alias up: by name, rather than by hashing the settings and their connection string.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Executor> _cached = new(StringComparer.Ordinal);

    private Connections(Site site)
    {
        _databases = new Dictionary<string, DatabaseSettings>(site.Settings.Databases);
        Routers = new Routers(site.Settings.DatabaseRouters);
        Site = site;
    }

    public Site Site { get; }

    /// <summary>The site's routers (Django's <c>DATABASE_ROUTERS</c>).</summary>
    public Routers Routers { get; }

    /// <summary>Where the ORM logs (<c>Nuages.Db</c>): the site's logger factory once it is serving, silent before.</summary>
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The databases of <paramref name="site"/>; a misconfigured one fails here, naming its alias.</summary>
    public static Connections Of(Site site) => site.Feature(static s =>
    {
        foreach (var (alias, settings) in s.Settings.Databases) settings.Effective(alias);
        return new Connections(s);
    });

    /// <summary>The databases of the current site (the request's, the one this flow entered, or the only one).</summary>
    public static Connections Current => Of(Site.Current);

    /// <summary>The backend of an alias of the current site.</summary>
    internal static Backend For(string alias) => Current.Backend(alias);

    /// <summary>The settings of an alias (what a test database is made from).</summary>
    internal DatabaseSettings Settings(string alias) => _databases.TryGetValue(alias, out var settings) ? settings : throw Missing(alias);

    /// <summary>Points an alias at other settings (a test database), from the next statement on.</summary>
    internal void Use(string alias, DatabaseSettings settings)
    {
        _databases = new Dictionary<string, DatabaseSettings>(_databases) { [alias] = settings };
        _cached.TryRemove(alias, out _);
    }

    /// <summary>The site's aliases.</summary>
    internal IReadOnlyCollection<string> Aliases => _databases.Keys;

    internal Backend Backend(string alias) => Executor(alias).Backend;

    /// <summary>The executor of an alias: made once, as long as the alias points at the same settings.</summary>
    internal Executor Executor(string alias) => _cached.TryGetValue(alias, out var executor) ? executor : _cached.GetOrAdd(alias, new Executor(Lookup(alias), alias));

    private Backend Lookup(string alias) => Backends.Backend.For(Settings(alias), alias);

    private ImproperlyConfigured Missing(string alias) => new(
        $"The database alias '{alias}' is not in Settings.Databases of {Site} (configured: {(_databases.Count == 0 ? "none" : string.Join(", ", _databases.Keys))}).");
}
