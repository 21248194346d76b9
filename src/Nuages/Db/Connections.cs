using Nuages.Conf;
using Nuages.Db.Backends;

namespace Nuages.Db;

/// <summary>The databases of the site, by alias (Django's <c>connections</c>): set from <c>Settings.Databases</c> when the site is created.</summary>
public static class Connections
{
    private static volatile IReadOnlyDictionary<string, DatabaseSettings> _databases = new Dictionary<string, DatabaseSettings>();

    /// <summary>Adds or replaces the site's aliases; aliases of other sites in the process stay (tests build many).</summary>
    internal static void Configure(IReadOnlyDictionary<string, DatabaseSettings> databases)
    {
        if (databases.Count == 0) return;
        foreach (var (alias, settings) in databases) settings.Effective(alias); // a misconfiguration fails at startup, naming the alias
        lock (Lock)
        {
            var merged = new Dictionary<string, DatabaseSettings>(_databases);
            foreach (var (alias, settings) in databases) merged[alias] = settings;
            _databases = merged;
            Cached.Clear();
        }
    }

    private static readonly object Lock = new();

    // Every statement looks its alias up: by name, rather than by hashing the settings and their connection string.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Backend> Cached = new(StringComparer.Ordinal);

    internal static Backend For(string alias) => Cached.TryGetValue(alias, out var backend) ? backend : Cached.GetOrAdd(alias, Lookup(alias));

    private static Backend Lookup(string alias) => _databases.TryGetValue(alias, out var settings)
        ? Backend.For(settings, alias)
        : throw new ImproperlyConfiguredException(
            $"The database alias '{alias}' is not in Settings.Databases (configured: {(_databases.Count == 0 ? "none" : string.Join(", ", _databases.Keys))}).");
}
