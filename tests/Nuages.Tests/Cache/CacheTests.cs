using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Nuages.Cache;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Db;
using Nuages.Tests.Core;
using Nuages.Tests.Db;
using Nuages.Tests.Support;

namespace Nuages.Tests.Cache;

public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NUAGES_TEST_REDIS")))
            Skip = "NUAGES_TEST_REDIS is not set: Redis tests skipped.";
    }
}

/// <summary>
/// The cache API with Django's semantics (django/core/cache/backends/base.py and each backend, as tests/cache/tests.py
/// checks them), the same scenario on every backend, sync and async.
/// </summary>
public class CacheTests
{
    public sealed record Book(string Title, int Pages, List<string> Tags);

    internal static string? RedisUrl => Environment.GetEnvironmentVariable("NUAGES_TEST_REDIS");

    /// <summary>The test server's database <paramref name="db"/>: a test that clears a database has one of its own.</summary>
    internal static string RedisAt(int db)
    {
        var uri = new Uri(RedisUrl!);
        return $"{uri.Scheme}://{uri.Authority}/{db}";
    }

    private static CacheSettings Settings(string backend, string location = "", params (string, string)[] options) => new()
    {
        Backend = backend,
        Location = location,
        KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..8], // tests share servers: each its own keys
        Options = options.ToDictionary(o => o.Item1, o => o.Item2),
    };

    /// <summary>What every backend does the same.</summary>
    private static async Task Scenario(BaseCache cache, FixedTime? clock)
    {
        // set, get, defaults, types
        Assert.Null(cache.Get("missing"));
        Assert.Equal("fallback", cache.Get("missing", "fallback"));
        cache.Set("answer", 42);
        Assert.Equal(42L, cache.Get("answer"));
        Assert.Equal(42, cache.Get<int>("answer"));
        cache.Set("text", "Zoë ☕");
        Assert.Equal("Zoë ☕", cache.Get("text"));
        var book = new Book("Earthsea", 183, ["fantasy"]);
        await cache.SetAsync("book", book);
        var read = await cache.GetAsync<Book>("book");
        Assert.Equal(book.Title, read!.Title);
        Assert.Equal(["fantasy"], read.Tags);
        book.Tags.Add("changed after set"); // the cache keeps a copy, as Django's pickling does
        Assert.Equal(["fantasy"], cache.Get<Book>("book")!.Tags);
        cache.Set("bytes", new byte[] { 0, 1, 255 });
        Assert.Equal(new byte[] { 0, 1, 255 }, cache.Get<byte[]>("bytes"));
        cache.Set("none", null);
        Assert.True(cache.Has("none"));
        Assert.Null(cache.Get("none", "fallback")); // a stored null is a value, not a miss
        var node = Assert.IsAssignableFrom<JsonNode>(cache.Get("book")); // untyped: the JSON as it is
        Assert.Equal("Earthsea", (string)node["Title"]!);

        // add, touch, delete, has
        Assert.False(cache.Add("answer", 1));
        Assert.Equal(42L, cache.Get("answer"));
        Assert.True(await cache.AddAsync("new", "added"));
        Assert.True(cache.Has("new"));
        Assert.True(await cache.HasAsync("new"));
        Assert.True(cache.Delete("new"));
        Assert.False(cache.Delete("new"));
        Assert.False(await cache.DeleteAsync("new"));
        Assert.False(cache.Has("new"));
        Assert.False(cache.Touch("new"));
        Assert.True(await cache.TouchAsync("answer", BaseCache.Forever));

        // incr, decr
        Assert.Equal(43, cache.Incr("answer"));
        Assert.Equal(53, await cache.IncrAsync("answer", 10));
        Assert.Equal(50, cache.Decr("answer", 3));
        Assert.Equal(49, await cache.DecrAsync("answer"));
        Assert.Equal("Key 'nothing' not found", Assert.Throws<ArgumentException>(() => cache.Incr("nothing")).Message.Split(" (Parameter")[0]);
        await Assert.ThrowsAsync<ArgumentException>(() => cache.IncrAsync("nothing").AsTask());
        Assert.Throws<InvalidOperationException>(() => cache.Incr("text"));

        // many
        cache.SetMany(new Dictionary<string, object?> { ["a"] = 1, ["b"] = "two", ["c"] = new[] { 3 } });
        var many = cache.GetMany(["a", "b", "c", "z"]);
        Assert.Equal(["a", "b", "c"], many.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1L, many["a"]);
        Assert.Equal("two", many["b"]);
        Assert.Equal(new Dictionary<string, int?> { ["a"] = 1 }, await cache.GetManyAsync<int?>(["a"]));
        Assert.Empty(await cache.SetManyAsync(new Dictionary<string, object?> { ["d"] = 4 }));
        await cache.DeleteManyAsync(["a", "b"]);
        cache.DeleteMany(["d"]);
        Assert.Equal(["c"], cache.GetMany(["a", "b", "c", "d"]).Keys);

        // get_or_set: the stored value wins, the default is made once
        var calls = 0;
        Assert.Equal("made", cache.GetOrSet("lazy", () => { calls++; return "made"; }));
        Assert.Equal("made", cache.GetOrSet("lazy", () => { calls++; return "other"; }));
        Assert.Equal("made", await cache.GetOrSetAsync<string>("lazy", _ => { calls++; return new("again"); }));
        Assert.Equal(1, calls);

        // versions
        cache.Set("v", "one", version: 1);
        cache.Set("v", "two", version: 2);
        Assert.Equal("one", cache.Get("v"));
        Assert.Equal("two", cache.Get("v", version: 2));
        Assert.Equal(3, cache.IncrVersion("v", version: 2));
        Assert.Null(cache.Get("v", version: 2));
        Assert.Equal("two", cache.Get("v", version: 3));
        Assert.Equal(2, await cache.DecrVersionAsync("v", version: 3));
        Assert.Equal("Key 'gone' not found", Assert.Throws<ArgumentException>(() => cache.IncrVersion("gone")).Message.Split(" (Parameter")[0]);

        // timeouts: zero expires at once; a clock moved past the timeout expires the entry
        cache.Set("zero", "x", TimeSpan.Zero);
        Assert.Null(cache.Get("zero"));
        Assert.True(cache.Add("zero", "y", TimeSpan.Zero)); // stored already expired, as Django's add with timeout 0
        Assert.Null(cache.Get("zero"));
        if (clock is not null)
        {
            cache.Set("short", "x", TimeSpan.FromSeconds(10));
            cache.Set("forever", "x", BaseCache.Forever);
            cache.Set("default", "x"); // 300 s
            clock.Now = clock.Now.AddSeconds(11);
            Assert.Null(cache.Get("short"));
            Assert.False(cache.Has("short"));
            Assert.True(cache.Add("short", "again"));
            Assert.Equal("x", cache.Get("default"));
            Assert.True(cache.Touch("default", TimeSpan.FromSeconds(5)));
            clock.Now = clock.Now.AddSeconds(6);
            Assert.Null(cache.Get("default"));
            clock.Now = clock.Now.AddDays(3650);
            Assert.Equal("x", cache.Get("forever"));
        }

        // clear
        await cache.ClearAsync();
        Assert.Null(cache.Get("c"));
        Assert.Null(await cache.GetAsync("lazy"));
    }

    [Fact]
    public Task Local_memory_cache() // as django/core/cache/backends/locmem.py does
    {
        var clock = FixedTime.At(SigningTests.Now);
        return Scenario(new LocMemCache("default", Settings(CacheBackendNames.LocalMemory)) { Time = clock }, clock);
    }

    [Fact]
    public async Task File_based_cache() // as django/core/cache/backends/filebased.py does
    {
        var directory = Path.Combine(Path.GetTempPath(), "nuages-cache-" + Guid.NewGuid().ToString("N"));
        var clock = FixedTime.At(SigningTests.Now);
        var cache = new FileBasedCache("default", Settings(CacheBackendNames.FileBased, directory)) { Time = clock };
        await Scenario(cache, clock);
        cache.Set("named", "x");
        var file = Assert.Single(Directory.GetFiles(directory));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(cache.MakeKey("named")))) + ".djcache", Path.GetFileName(file));
        File.WriteAllText(file, "not an entry"); // damaged: a miss, and gone
        Assert.Null(cache.Get("named"));
        Assert.Empty(Directory.GetFiles(directory));
        Directory.Delete(directory, true);
    }

    private static (BaseCache Cache, FixedTime Clock) OnDatabase(string engine, params (string, string)[] options)
    {
        var alias = "cache_" + engine;
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases = new() { [alias] = OrmDatabase.Settings(engine) };
        });
        var table = "cache_" + Guid.NewGuid().ToString("N")[..10];
        var clock = FixedTime.At(SigningTests.Now);
        var cache = new Nuages.Cache.DatabaseCache("default", Settings(CacheBackendNames.Database, table, [(DatabaseCache.DatabaseOption, alias), .. options])) { Time = clock };
        var statements = cache.CreateTableAsync().GetAwaiter().GetResult();
        Assert.Equal(2, statements.Count);
        Assert.Empty(cache.CreateTableAsync().GetAwaiter().GetResult()); // exists: nothing to do, as createcachetable
        return (cache, clock);
    }

    [Fact]
    public Task Database_cache_on_sqlite() // as django/core/cache/backends/db.py does
    {
        var (cache, clock) = OnDatabase("sqlite");
        return Scenario(cache, clock);
    }

    [PostgresFact]
    public Task Database_cache_on_postgres() // as django/core/cache/backends/db.py does
    {
        var (cache, clock) = OnDatabase("postgres");
        return Scenario(cache, clock);
    }

    [Fact]
    public void Database_cache_table_is_Djangos()
    {
        var (cache, _) = OnDatabase("sqlite");
        var table = ((DatabaseCache)cache).Table;
        Assert.Equal(
            [$"CREATE TABLE \"{table}\" (\"cache_key\" varchar(255) NOT NULL PRIMARY KEY, \"value\" text NOT NULL, \"expires\" datetime NOT NULL)", $"CREATE INDEX \"{table}_expires\" ON \"{table}\" (\"expires\")"],
            ((DatabaseCache)cache).CreateTableStatements());
        cache.Set("k", "v", TimeSpan.FromSeconds(30));
        var row = Database.Connections["cache_sqlite"].Query($"SELECT cache_key, expires FROM \"{table}\"").Single();
        Assert.Equal(cache.MakeKey("k"), row[0]);
        Assert.Equal("2026-01-01 00:00:30", row[1]); // Django's text, to the second
        // a row Django wrote (a pickle) is a miss, never an error
        Database.Connections["cache_sqlite"].Execute($"UPDATE \"{table}\" SET value = %s", "gASVBQAAAAAAAACMAXaULg==");
        Assert.Null(cache.Get("k"));
    }

    [Fact]
    public void Database_cache_culls_expired_rows_then_a_fraction_by_key()
    {
        var (cache, clock) = OnDatabase("sqlite", ("MAX_ENTRIES", "4"), ("CULL_FREQUENCY", "2"));
        for (var i = 0; i < 6; i++) cache.Set($"k{i}", i, TimeSpan.FromSeconds(i < 2 ? 1 : 100));
        clock.Now = clock.Now.AddSeconds(5);
        cache.Set("k6", 6); // 6 rows > 4: the 2 expired go, 4 remain, not over 4
        Assert.Equal(["k2", "k3", "k4", "k5", "k6"], cache.GetMany([.. Enumerable.Range(0, 7).Select(i => $"k{i}")]).Keys.Order(StringComparer.Ordinal));
        cache.Set("k7", 7); // 5 rows > 4: the first 5 / 2 = 2 keys in order go
        Assert.Equal(["k4", "k5", "k6", "k7"], cache.GetMany([.. Enumerable.Range(0, 8).Select(i => $"k{i}")]).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Local_memory_cache_culls_the_least_recently_used()
    {
        var cache = new LocMemCache("default", Settings(CacheBackendNames.LocalMemory, "", ("MAX_ENTRIES", "3"), ("CULL_FREQUENCY", "3")));
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("c", 3);
        Assert.Equal(1L, cache.Get("a")); // a is now the most recent: b is the least
        cache.Set("d", 4); // full: 3 / 3 = 1 entry goes
        Assert.Equal(["a", "c", "d"], cache.GetMany(["a", "b", "c", "d"]).Keys.Order(StringComparer.Ordinal));
        var emptying = new LocMemCache("default", Settings(CacheBackendNames.LocalMemory, "", ("MAX_ENTRIES", "2"), ("CULL_FREQUENCY", "0")));
        emptying.Set("a", 1);
        emptying.Set("b", 2);
        emptying.Set("c", 3); // CULL_FREQUENCY 0 empties the cache
        Assert.Equal(["c"], emptying.GetMany(["a", "b", "c"]).Keys);
    }

    [Fact]
    public void Dummy_cache_stores_nothing() // as django/core/cache/backends/dummy.py does
    {
        var cache = new DummyCache("default", Settings(CacheBackendNames.Dummy));
        cache.Set("a", 1);
        Assert.Null(cache.Get("a"));
        Assert.True(cache.Add("a", 1));
        Assert.False(cache.Has("a"));
        Assert.False(cache.Touch("a"));
        Assert.False(cache.Delete("a"));
        Assert.Empty(cache.GetMany(["a"]));
        Assert.Equal("Key 'a' not found", Assert.Throws<ArgumentException>(() => cache.Incr("a")).Message.Split(" (Parameter")[0]);
        Assert.Equal("made", cache.GetOrSet("a", () => "made"));
    }

    [Fact]
    public void Keys_are_made_and_checked_as_Django_makes_them()
    {
        var app = TestSite.Create(s =>
        {
            s.Caches["default"] = new CacheSettings { KeyPrefix = "site", Version = 3 };
            s.Caches["custom"] = new CacheSettings { Location = "other", KeyFunction = (key, prefix, version) => $"{version}/{key}" };
        }, out var logs);
        _ = app.Handler; // the handler gives the caches their logger
        using var scope = app.Enter();
        Assert.Equal("site:3:key", Caches.Default.MakeKey("key"));
        Assert.Equal("site:7:key", Caches.Default.MakeKey("key", 7));
        Assert.Equal("1/key", Caches.Get("custom").MakeKey("key"));
        Assert.Same(Caches.Default, Caches.Get("default"));
        Caches.Default.Set("has space", 1);
        Caches.Default.Set(new string('k', 250), 1);
        Assert.Equal(
            ["Cache key contains characters that will cause errors if used with memcached: 'site:3:has space'",
             $"Cache key will cause errors if used with memcached: 'site:3:{new string('k', 250)}' (longer than 250)"],
            logs.For("Nuages.Cache").Select(l => l.Message));
        Assert.Equal("Could not find config for 'nope' in settings.CACHES: the site's caches are 'default', 'custom'.",
            Assert.Throws<InvalidCacheBackendError>(() => Caches.Get("nope")).Message);
    }

    [Fact]
    public void Local_memory_caches_of_one_location_share_entries_within_a_site_only()
    {
        var first = TestSite.Create(s => s.Caches["other"] = new CacheSettings());
        using (first.Enter())
        {
            Caches.Default.Set("k", "first");
            Assert.Equal("first", Caches.Get("other").Get("k")); // same Location (""), same entries, as Django's
        }
        var second = TestSite.Create(s => s.Debug = true);
        using (second.Enter()) Assert.Null(Caches.Default.Get("k"));
    }

    [Fact]
    public void Caches_are_configured_from_appsettings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nuages:Caches:default:Backend"] = "django.core.cache.backends.dummy.DummyCache",
            ["Nuages:Caches:default:Timeout"] = "null",
            ["Nuages:Caches:files:Backend"] = "filebased",
            ["Nuages:Caches:files:Location"] = "/tmp/nuages-files",
            ["Nuages:Caches:files:Options:MAX_ENTRIES"] = "10",
        }).Build();
        var app = NuagesApp.Create([], configuration, s => s.SecretKey = "k");
        using var scope = app.Enter();
        Assert.IsType<DummyCache>(Caches.Default);
        Assert.Null(Caches.Default.DefaultTimeout);
        Assert.Equal(10, Assert.IsType<FileBasedCache>(Caches.Get("files")).MaxEntries);
        var bad = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.SecretKey = "k";
            s.Caches["default"] = new CacheSettings { Backend = "memcached" };
            s.Caches["r"] = new CacheSettings { Backend = "redis", Location = "http://x" };
        });
        using var badScope = bad.Enter();
        Assert.StartsWith("The cache 'default' has the Backend 'memcached', which is neither a built-in backend", Assert.Throws<InvalidCacheBackendError>(() => Caches.Default).Message);
        Assert.Equal("The cache 'r' has the Location 'http://x', which is not a Redis URL: write redis://host:port/db (rediss:// for TLS), as in redis://127.0.0.1:6379/0.",
            Assert.Throws<ImproperlyConfigured>(() => Caches.Get("r")).Message);
    }

    [RedisFact]
    public Task Redis_cache() => Scenario(new RedisCache("default", Settings(CacheBackendNames.Redis, RedisAt(1))), null); // as django/core/cache/backends/redis.py does

    [RedisFact]
    public async Task Redis_cache_stores_integers_as_Redis_does_and_expires_by_ttl()
    {
        var cache = new RedisCache("default", Settings(CacheBackendNames.Redis, RedisAt(2)));
        using var direct = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(new Uri(RedisUrl!).Authority);
        var db = direct.GetDatabase(2);
        cache.Set("n", 41, TimeSpan.FromSeconds(60));
        Assert.Equal("41", (string?)await db.StringGetAsync(cache.MakeKey("n"))); // Django's RedisSerializer keeps ints raw
        Assert.Equal(42, await db.StringIncrementAsync(cache.MakeKey("n")));
        Assert.Equal(42L, cache.Get("n"));
        var ttl = await db.KeyTimeToLiveAsync(cache.MakeKey("n"));
        Assert.InRange(ttl!.Value.TotalSeconds, 1, 60);
        Assert.True(cache.Touch("n", BaseCache.Forever));
        Assert.Null(await db.KeyTimeToLiveAsync(cache.MakeKey("n")));
        cache.SetMany(new Dictionary<string, object?> { ["m"] = "x" }, TimeSpan.FromSeconds(30));
        Assert.InRange((await db.KeyTimeToLiveAsync(cache.MakeKey("m")))!.Value.TotalSeconds, 1, 30);
        cache.Close();
    }

    [Fact]
    public async Task Redis_down_fails_naming_the_cache_and_the_server()
    {
        var cache = new RedisCache("sessions", Settings(CacheBackendNames.Redis, "redis://127.0.0.1:1/0", ("connectTimeout", "200")));
        var error = Assert.Throws<CacheError>(() => cache.Get("k"));
        Assert.StartsWith("The cache 'sessions' could not reach its Redis server redis://127.0.0.1:1/0: ", error.Message);
        await Assert.ThrowsAsync<CacheError>(() => cache.SetAsync("k", 1).AsTask());
        cache.Close();
    }
}
