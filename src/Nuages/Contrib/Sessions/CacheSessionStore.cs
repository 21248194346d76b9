using System.Text.Json.Nodes;
using Nuages.Cache;
using Nuages.Conf;

namespace Nuages.Contrib.Sessions;

/// <summary>
/// Django's cache session store (django/contrib/sessions/backends/cache.py): the values in the cache
/// <c>SessionCacheAlias</c> names, under <c>django.contrib.sessions.cache</c> + the key, for as long as the session
/// lasts. Fast, and lost with the cache: a cache that evicts or restarts logs visitors out. A cache that cannot be
/// read reads as no session, as Django's does.
/// </summary>
public sealed class CacheSessionStore(string? sessionKey, Settings settings) : SessionBase(sessionKey, settings)
{
    /// <summary>Django's prefix of the cache keys.</summary>
    public const string KeyPrefix = "django.contrib.sessions.cache";

    private BaseCache Cache => Caches.Get(Settings.SessionCacheAlias);

    /// <inheritdoc/>
    protected override async ValueTask<OrderedDictionary<string, JsonNode?>> LoadAsync(bool async, CancellationToken cancellationToken)
    {
        JsonNode? data;
        try
        {
            data = async ? await Cache.GetAsync<JsonNode>(KeyPrefix + SessionKey, cancellationToken: cancellationToken).ConfigureAwait(false) : Cache.Get<JsonNode>(KeyPrefix + SessionKey);
        }
        catch (Exception e) when (e is CacheError or System.Text.Json.JsonException)
        {
            data = null;
        }
        if (data is not null) return FromObject(data);
        SessionKey = null;
        return [];
    }

    /// <inheritdoc/>
    protected override async ValueTask<bool> ExistsAsync(string sessionKey, bool async, CancellationToken cancellationToken) =>
        sessionKey.Length > 0 && (async ? await Cache.HasAsync(KeyPrefix + sessionKey, cancellationToken: cancellationToken).ConfigureAwait(false) : Cache.Has(KeyPrefix + sessionKey));

    /// <inheritdoc/>
    protected override async ValueTask SaveAsync(bool mustCreate, bool async, CancellationToken cancellationToken)
    {
        if (SessionKey is null)
        {
            await CreateAsync(async, cancellationToken).ConfigureAwait(false);
            return;
        }
        var data = ToObject(await SessionDataAsync(noLoad: mustCreate, async, cancellationToken).ConfigureAwait(false));
        var key = KeyPrefix + SessionKey;
        var timeout = TimeSpan.FromSeconds(GetExpiryAge());
        if (mustCreate)
        {
            var added = async ? await Cache.AddAsync(key, data, timeout, cancellationToken: cancellationToken).ConfigureAwait(false) : Cache.Add(key, data, timeout);
            if (!added) throw new CreateError();
            return;
        }
        var present = async ? await Cache.HasAsync(key, cancellationToken: cancellationToken).ConfigureAwait(false) : Cache.Has(key);
        if (!present) throw new UpdateError();
        if (async) await Cache.SetAsync(key, data, timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        else Cache.Set(key, data, timeout);
    }

    /// <inheritdoc/>
    protected override async ValueTask DeleteAsync(string? sessionKey, bool async, CancellationToken cancellationToken)
    {
        if ((sessionKey ?? SessionKey) is not { } key) return;
        if (async) await Cache.DeleteAsync(KeyPrefix + key, cancellationToken: cancellationToken).ConfigureAwait(false);
        else Cache.Delete(KeyPrefix + key);
    }
}
