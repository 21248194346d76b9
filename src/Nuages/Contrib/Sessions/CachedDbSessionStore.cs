using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nuages.Cache;
using Nuages.Conf;
using Nuages.Db;

namespace Nuages.Contrib.Sessions;

/// <summary>
/// Django's cached database store (django/contrib/sessions/backends/cached_db.py): written to <c>django_session</c> and
/// to the cache, read from the cache and from the database when the cache lacks it — the database's durability at
/// the cache's speed. A cache that fails is logged and skipped; the database stays the truth.
/// </summary>
public sealed partial class CachedDbSessionStore(string? sessionKey, Settings settings, string alias = Database.DefaultAlias) : DbSessionStore(sessionKey, settings, alias)
{
    /// <summary>Django's prefix of the cache keys.</summary>
    public const string KeyPrefix = "django.contrib.sessions.cached_db";

    private BaseCache Cache => Caches.Get(Settings.SessionCacheAlias);

    /// <inheritdoc/>
    protected override async ValueTask<OrderedDictionary<string, JsonNode?>> LoadAsync(bool async, CancellationToken cancellationToken)
    {
        var key = KeyPrefix + SessionKey;
        JsonNode? cached = null;
        try
        {
            cached = async ? await Cache.GetAsync<JsonNode>(key, cancellationToken: cancellationToken).ConfigureAwait(false) : Cache.Get<JsonNode>(key);
        }
        catch (Exception e) when (e is CacheError or System.Text.Json.JsonException)
        {
            // the database answers instead
        }
        if (cached is not null) return FromObject(cached);
        if (await RowAsync(async, cancellationToken).ConfigureAwait(false) is not { } row) return [];
        var data = Decode(row.Data);
        await CacheAsync(key, data, TimeSpan.FromSeconds(Math.Max(0, (row.Expires - Time.GetUtcNow()).TotalSeconds)), async, cancellationToken).ConfigureAwait(false);
        return data;
    }

    /// <inheritdoc/>
    protected override async ValueTask<bool> ExistsAsync(string sessionKey, bool async, CancellationToken cancellationToken)
    {
        try
        {
            if (async ? await Cache.HasAsync(KeyPrefix + sessionKey, cancellationToken: cancellationToken).ConfigureAwait(false) : Cache.Has(KeyPrefix + sessionKey)) return true;
        }
        catch (CacheError)
        {
            // the database answers instead
        }
        return await base.ExistsAsync(sessionKey, async, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async ValueTask SaveAsync(bool mustCreate, bool async, CancellationToken cancellationToken)
    {
        await base.SaveAsync(mustCreate, async, cancellationToken).ConfigureAwait(false);
        if (SessionKey is null) return;
        var data = await SessionDataAsync(noLoad: false, async, cancellationToken).ConfigureAwait(false);
        await CacheAsync(KeyPrefix + SessionKey, data, TimeSpan.FromSeconds(GetExpiryAge()), async, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask CacheAsync(string key, OrderedDictionary<string, JsonNode?> data, TimeSpan timeout, bool async, CancellationToken cancellationToken)
    {
        try
        {
            if (async) await Cache.SetAsync(key, ToObject(data), timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            else Cache.Set(key, ToObject(data), timeout);
        }
        catch (CacheError e)
        {
            Log.CacheFailed(Logger, Cache.Alias, e);
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask DeleteAsync(string? sessionKey, bool async, CancellationToken cancellationToken)
    {
        await base.DeleteAsync(sessionKey, async, cancellationToken).ConfigureAwait(false);
        if ((sessionKey ?? SessionKey) is not { } key) return;
        try
        {
            if (async) await Cache.DeleteAsync(KeyPrefix + key, cancellationToken: cancellationToken).ConfigureAwait(false);
            else Cache.Delete(KeyPrefix + key);
        }
        catch (CacheError e)
        {
            Log.CacheFailed(Logger, Cache.Alias, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4002, LogLevel.Error, "Error saving to cache ({Cache})", EventName = "SessionCacheError")]
        public static partial void CacheFailed(ILogger logger, string cache, Exception exception);
    }
}
