using Nuages.Conf;

namespace Nuages.Cache;

/// <summary>Django's dummy cache: stores nothing, finds nothing — the cache API without a cache, for development.</summary>
public sealed class DummyCache(string alias, CacheSettings settings) : BaseCache(alias, settings)
{
    /// <inheritdoc/>
    protected override ValueTask<byte[]?> ReadAsync(string key, bool async, CancellationToken cancellationToken) => new((byte[]?)null);

    /// <inheritdoc/>
    protected override ValueTask<bool> WriteAsync(string key, byte[] value, TimeSpan? timeout, WriteMode mode, bool async, CancellationToken cancellationToken) =>
        new(mode != WriteMode.Touch); // Django's dummy add answers True; set stores nothing; touch finds nothing

    /// <inheritdoc/>
    protected override ValueTask<bool> RemoveAsync(string key, bool async, CancellationToken cancellationToken) => new(false);

    /// <inheritdoc/>
    protected override ValueTask ClearAllAsync(bool async, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
