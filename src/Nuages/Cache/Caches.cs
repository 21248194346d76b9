using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Cache;

/// <summary>
/// The current site's caches by alias (Django's <c>caches</c> and <c>cache</c>): <c>Caches.Default.Get("key")</c>,
/// <c>Caches.Get("sessions")</c>. Each is made on first use from <see cref="Settings.Caches"/> and kept for the site's life.
/// </summary>
public static class Caches
{
    /// <summary>The alias of the default cache.</summary>
    public const string DefaultAlias = "default";

    /// <summary>The default cache (Django's <c>django.core.cache.cache</c>).</summary>
    public static BaseCache Default => Get(DefaultAlias);

    /// <summary>The cache named <paramref name="alias"/>; an alias the site lacks fails naming the ones it has.</summary>
    public static BaseCache Get(string alias) => CacheRegistry.Of(Site.Current).Get(alias);
}

/// <summary>One site's caches, made on first use.</summary>
internal sealed class CacheRegistry(Site site)
{
    private readonly ConcurrentDictionary<string, BaseCache> _caches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LocMemCache.Store> _memory = new(StringComparer.Ordinal);
    private ILogger _logger = NullLogger.Instance;

    public static CacheRegistry Of(Site site) => site.Feature(static s => new CacheRegistry(s));

    /// <summary>The <c>Nuages.Cache</c> logger, which the site's handler sets.</summary>
    public ILogger Logger
    {
        get => _logger;
        set
        {
            _logger = value;
            foreach (var cache in _caches.Values) cache.Logger = value;
        }
    }

    public BaseCache Get(string alias) => _caches.TryGetValue(alias, out var cache) ? cache : _caches.GetOrAdd(alias, Create);

    private BaseCache Create(string alias)
    {
        if (!site.Settings.Caches.TryGetValue(alias, out var settings))
            throw new InvalidCacheBackendError(site.Settings.Caches.Count == 0
                ? $"Could not find config for '{alias}' in settings.CACHES: the site has no caches; add one to Settings.Caches."
                : $"Could not find config for '{alias}' in settings.CACHES: the site's caches are {string.Join(", ", site.Settings.Caches.Keys.Select(k => $"'{k}'"))}.");
        var backend = CacheBackendNames.Django.GetValueOrDefault(settings.Backend, settings.Backend);
        BaseCache cache = backend switch
        {
            CacheBackendNames.LocalMemory => new LocMemCache(alias, settings, _memory.GetOrAdd(settings.Location, static _ => new LocMemCache.Store())),
            CacheBackendNames.Database => new DatabaseCache(alias, settings),
            CacheBackendNames.FileBased => new FileBasedCache(alias, settings),
            CacheBackendNames.Redis => new RedisCache(alias, settings),
            CacheBackendNames.Dummy => new DummyCache(alias, settings),
            _ => Custom(alias, settings),
        };
        cache.Logger = _logger;
        return cache;
    }

    private static BaseCache Custom(string alias, CacheSettings settings)
    {
        var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(settings.Backend, throwOnError: false)).FirstOrDefault(t => t is not null);
        if (type is null || !type.IsSubclassOf(typeof(BaseCache)))
            throw new InvalidCacheBackendError(
                $"The cache '{alias}' has the Backend '{settings.Backend}', which is neither a built-in backend (locmem, db, filebased, redis, dummy, or Django's dotted names of them) nor the full name of a class deriving from Nuages.Cache.BaseCache.");
        return (BaseCache)(Activator.CreateInstance(type, alias, settings)
            ?? throw new InvalidCacheBackendError($"The cache backend {type.FullName} could not be made: it needs a constructor taking (string alias, CacheSettings settings)."));
    }

    /// <summary>Closes every cache made (the site is stopping).</summary>
    public async ValueTask CloseAsync()
    {
        foreach (var cache in _caches.Values) await cache.CloseAsync().ConfigureAwait(false);
    }
}

/// <summary>A cache alias the settings lack, or a backend that cannot be made (Django's <c>InvalidCacheBackendError</c>).</summary>
public sealed class InvalidCacheBackendError(string message) : ImproperlyConfigured(message);
