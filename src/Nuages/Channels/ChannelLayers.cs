using System.Collections.Concurrent;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Channels;

/// <summary>A channel layer setting that names no layer Nuages has (Channels' <c>InvalidChannelLayerError</c>).</summary>
public sealed class InvalidChannelLayerError(string message) : ImproperlyConfigured(message);

/// <summary>
/// The current site's channel layers by alias (Channels' <c>get_channel_layer</c>): <c>ChannelLayers.Get()</c> is the
/// <c>default</c> one, made on first use from <c>Settings.ChannelLayers</c> and kept for the site's life; null when
/// the site configures none under that alias, as in Channels.
/// </summary>
public static class ChannelLayers
{
    /// <summary>The alias of the default layer (Channels' <c>DEFAULT_CHANNEL_LAYER</c>).</summary>
    public const string DefaultAlias = "default";

    /// <summary>The layer named <paramref name="alias"/>, or null when the site has none so named.</summary>
    public static ChannelLayer? Get(string alias = DefaultAlias) => Registry.Of(Site.Current).Get(alias);

    private sealed class Registry(Site site)
    {
        private readonly ConcurrentDictionary<string, ChannelLayer> _layers = new(StringComparer.Ordinal);

        public static Registry Of(Site site) => site.Feature(static s => new Registry(s));

        public ChannelLayer? Get(string alias) =>
            _layers.TryGetValue(alias, out var layer) ? layer
            : site.Settings.ChannelLayers.TryGetValue(alias, out var settings) ? _layers.GetOrAdd(alias, _ => Make(alias, settings, site.Settings.Databases)) : null;

        private static ChannelLayer Make(string alias, ChannelLayerSettings settings, Dictionary<string, Db.DatabaseSettings> databases) => settings.Backend switch
        {
            "inmemory" or "channels.layers.InMemoryChannelLayer" => new InMemoryChannelLayer
            {
                Expiry = TimeSpan.FromSeconds(settings.Expiry), GroupExpiry = TimeSpan.FromSeconds(settings.GroupExpiry),
                Capacity = settings.Capacity, ChannelCapacity = settings.ChannelCapacity,
            },
            "redis" or "channels_redis.core.RedisChannelLayer" => new RedisChannelLayer(alias, settings.Hosts switch
            {
                [var one] => one,
                [] => throw new InvalidChannelLayerError($"The channel layer '{alias}' is a Redis layer and needs its server: set Hosts, as [\"redis://127.0.0.1:6379/0\"]."),
                _ => throw new InvalidChannelLayerError($"The channel layer '{alias}' names {settings.Hosts.Count} Redis servers; Nuages' Redis layer uses one: keep one in Hosts."),
            })
            {
                Expiry = TimeSpan.FromSeconds(settings.Expiry), GroupExpiry = TimeSpan.FromSeconds(settings.GroupExpiry),
                Capacity = settings.Capacity, ChannelCapacity = settings.ChannelCapacity, Prefix = settings.Prefix,
            },
            "postgres" => new PostgresChannelLayer(alias, databases.TryGetValue(settings.Database, out var database) && database.Engine == Db.DatabaseEngine.Postgres
                ? database.ConnectionString
                : throw new InvalidChannelLayerError($"The channel layer '{alias}' is a PostgreSQL layer on the database '{settings.Database}', which is not a PostgreSQL database of Settings.Databases."))
            {
                Expiry = TimeSpan.FromSeconds(settings.Expiry), GroupExpiry = TimeSpan.FromSeconds(settings.GroupExpiry),
                Capacity = settings.Capacity, ChannelCapacity = settings.ChannelCapacity, Prefix = settings.Prefix,
            },
            _ => throw new InvalidChannelLayerError($"Cannot import BACKEND '{settings.Backend}' specified for {alias}: Nuages has the 'inmemory', 'redis' and 'postgres' layers."),
        };
    }
}
