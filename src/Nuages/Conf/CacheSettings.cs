namespace Nuages.Conf;

/// <summary>
/// One cache of <see cref="Settings.Caches"/> (an entry of Django's <c>CACHES</c>): its backend, where it keeps its
/// entries, and how it names and ages them.
/// </summary>
public sealed class CacheSettings
{
    /// <summary>
    /// The backend: <c>locmem</c> (the default), <c>db</c>, <c>filebased</c>, <c>redis</c>, <c>dummy</c> — or Django's
    /// dotted names for them (<c>django.core.cache.backends.redis.RedisCache</c>), or the full name of a class of yours
    /// deriving from <c>Nuages.Cache.BaseCache</c> with a constructor taking <c>(string alias, CacheSettings settings)</c>.
    /// </summary>
    public string Backend { get; set; } = CacheBackendNames.LocalMemory;

    /// <summary>
    /// Where the entries live: a name shared by local-memory caches of one site; the table of a database cache
    /// (with <c>Database</c> in <see cref="Options"/> to pick the alias); the directory of a file cache; the Redis
    /// server URL(s) — <c>redis://[:password@]host:port/db</c>, <c>rediss://</c> for TLS, several separated by
    /// <c>,</c> or <c>;</c> (writes go to the first, reads to the others).
    /// </summary>
    public string Location { get; set; } = "";

    /// <summary>Seconds an entry lives when a call gives no timeout (Django's <c>TIMEOUT</c>, 300); null keeps entries until they are deleted.</summary>
    public int? Timeout { get; set; } = 300;

    /// <summary>Put before every key (Django's <c>KEY_PREFIX</c>), so sites sharing a server keep apart.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>The version of keys when a call gives none (Django's <c>VERSION</c>).</summary>
    public int Version { get; set; } = 1;

    /// <summary>Makes the stored key from (key, prefix, version) (Django's <c>KEY_FUNCTION</c>); <c>prefix:version:key</c> when null.</summary>
    public Func<string, string, int, string>? KeyFunction { get; set; }

    /// <summary>
    /// Backend options (Django's <c>OPTIONS</c>): <c>MAX_ENTRIES</c> (300) and <c>CULL_FREQUENCY</c> (3) for the
    /// local-memory, database and file caches; <c>Database</c> (the alias) for the database cache; for Redis, any
    /// StackExchange.Redis configuration option (<c>connectTimeout</c>, <c>syncTimeout</c>, <c>ssl</c>…).
    /// </summary>
    public Dictionary<string, string> Options { get; set; } = [];
}

/// <summary>The names <see cref="CacheSettings.Backend"/> takes for the built-in backends.</summary>
public static class CacheBackendNames
{
    /// <summary>The local-memory cache: per site, in the process.</summary>
    public const string LocalMemory = "locmem";

    /// <summary>A table of a database (<c>createcachetable</c> makes it).</summary>
    public const string Database = "db";

    /// <summary>One file per entry in a directory.</summary>
    public const string FileBased = "filebased";

    /// <summary>Redis (or a server speaking its protocol), through StackExchange.Redis.</summary>
    public const string Redis = "redis";

    /// <summary>Caches nothing: for development.</summary>
    public const string Dummy = "dummy";

    /// <summary>Django's dotted names of its backends, and the Nuages names they mean.</summary>
    internal static readonly Dictionary<string, string> Django = new(StringComparer.Ordinal)
    {
        ["django.core.cache.backends.locmem.LocMemCache"] = LocalMemory,
        ["django.core.cache.backends.db.DatabaseCache"] = Database,
        ["django.core.cache.backends.filebased.FileBasedCache"] = FileBased,
        ["django.core.cache.backends.redis.RedisCache"] = Redis,
        ["django.core.cache.backends.dummy.DummyCache"] = Dummy,
    };
}
