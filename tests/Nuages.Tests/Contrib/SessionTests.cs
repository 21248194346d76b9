using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Contrib.Sessions;
using Nuages.Db;
using Nuages.Http;
using Nuages.Management;
using Nuages.Test;
using Nuages.Tests.Cache;
using Nuages.Tests.Core;
using Nuages.Tests.Db;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Contrib;

/// <summary>
/// Django's sessions (django/contrib/sessions), with the stores' formats compared against values Django wrote
/// (Core/Vectors/django_signing.py) and the middleware's cookie and Vary handling as tests/sessions_tests checks them.
/// </summary>
[Collection("migrations")] // the PostgreSQL runs make django_session in the shared test database
public class SessionTests
{
    private static JsonArray Vectors => SigningTests.Django["sessions"]!.AsArray();

    public static HttpResponse Count(HttpRequest request)
    {
        var count = request.Session.Get<int>("count") + 1;
        request.Session.Set("count", count);
        return new HttpResponse(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static async Task<HttpResponse> CountAsync(HttpRequest request)
    {
        var count = await request.Session.GetAsync<int>("count") + 1;
        await request.Session.SetAsync("count", count);
        return new HttpResponse(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static HttpResponse Untouched(HttpRequest request) => new("untouched");

    public static HttpResponse Read(HttpRequest request) => new(request.Session.Get<string>("name") ?? "-");

    public static async Task<HttpResponse> Logout(HttpRequest request)
    {
        await request.Session.FlushAsync();
        return new HttpResponse("bye");
    }

    public static HttpResponse Browser(HttpRequest request)
    {
        request.Session.SetExpiry(0);
        request.Session.Set("k", 1);
        return new HttpResponse("ok");
    }

    public static HttpResponse Fail(HttpRequest request)
    {
        request.Session.Set("k", 1);
        return new HttpResponse("boom", status: 500);
    }

    /// <summary>A site with the sessions app migrated on <paramref name="engine"/>'s database and the given session engine.</summary>
    private static NuagesApp Site(string sessionEngine, string database = "sqlite", Action<Settings>? configure = null)
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.SecretKey = SigningTests.Secret;
            s.AllowedHosts = ["testserver"];
            s.Databases["default"] = database == "sqlite"
                ? Database.Sqlite(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-sessions-{Guid.NewGuid():N}.sqlite3"))
                : OrmDatabase.Settings("postgres");
            s.InstalledApps.Add(typeof(SessionsConfig).FullName!);
            s.Middleware = [typeof(SessionMiddleware).FullName!];
            s.SessionEngine = sessionEngine;
            configure?.Invoke(s);
        });
        app.UrlPatterns(Path("count/", Count), Path("count-async/", CountAsync), Path("untouched/", Untouched), Path("read/", Read),
            Path("logout/", Logout), Path("browser/", Browser), Path("fail/", Fail));
        using (app.Enter())
        {
            if (database != "sqlite")
            {
                Database.Connections["default"].Execute("DROP TABLE IF EXISTS django_session");
                Database.Connections["default"].Execute("CREATE TABLE IF NOT EXISTS django_migrations (id bigserial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamp with time zone NOT NULL)");
                Database.Connections["default"].Execute("DELETE FROM django_migrations WHERE app = 'sessions'");
            }
            var output = new StringWriter();
            Assert.Equal(0, new CommandLine(app, output, output).RunAsync(["migrate", "sessions"], CancellationToken.None).GetAwaiter().GetResult());
        }
        return app;
    }

    private static List<object?[]> Rows(NuagesApp app)
    {
        using (app.Enter()) return Database.Connections["default"].Query("SELECT session_key, session_data FROM django_session");
    }

    [Fact]
    public void Sessions_encode_as_Django_and_read_what_Django_wrote()
    {
        var app = Site("db");
        using var scope = app.Enter();
        foreach (var vector in Vectors)
        {
            var store = new DbSessionStore(null, app.Settings) { Time = FixedTime.At(SigningTests.Now) };
            var data = SessionBase.FromObject(vector!["data"]);
            Assert.Equal((string)vector["db"]!, store.Encode(data)); // byte for byte: Django decodes what Nuages writes
            Assert.True(JsonNode.DeepEquals(vector["data"], SessionBase.ToObject(store.Decode((string)vector["db"]!))));
            var cookie = new SignedCookieSessionStore(null, app.Settings) { Time = FixedTime.At(SigningTests.Now) };
            cookie.Update(data.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)));
            cookie.Save();
            Assert.Equal((string)vector["signed_cookies"]!, cookie.SessionKey);
        }
        // tampered data: an empty session, logged as Django logs it, never an exception
        var reader = new DbSessionStore(null, app.Settings);
        Assert.Empty(reader.Decode(((string)Vectors[0]!["db"]!).Replace(":1", ":2", StringComparison.Ordinal)));
        Assert.Empty(reader.Decode("garbage"));
    }

    [Fact]
    public void A_row_Django_wrote_is_loaded_and_Nuages_rows_are_Djangos()
    {
        var app = Site("db");
        using var scope = app.Enter();
        var key = "abcdefghijklmnopqrstuvwxyz012345";
        var djangoData = (string)Vectors[0]!["db"]!;
        Database.Connections["default"].Execute("INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)", key, djangoData, "2999-01-01 00:00:00");
        var session = new DbSessionStore(key, app.Settings);
        Assert.Equal(3, session.Get<int>("count"));
        Assert.Equal("Zoë", session.Get<JsonObject>("user")!["name"]!.GetValue<string>());
        Assert.Equal([1, 2, 3], session.Get<int[]>("cart")!);
        // an expired row is no session: the key is dropped and a save makes a new one
        Database.Connections["default"].Execute("UPDATE django_session SET expire_date = %s", "2000-01-01 00:00:00");
        var expired = new DbSessionStore(key, app.Settings);
        Assert.Null(expired.Get<int?>("count"));
        Assert.Null(expired.SessionKey);
        expired.ClearExpired();
        Assert.Empty(Rows(app));
    }

    public static TheoryData<string> Engines => ["db", "cache", "cached_db", "signed_cookies"];

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task The_middleware_keeps_a_session_across_requests(string engine) => await Scenario(Site(engine), engine);

    [PostgresFact]
    public async Task The_middleware_keeps_a_session_on_postgres() => await Scenario(Site("db", "postgres"), "db");

    [RedisFact]
    public async Task The_middleware_keeps_a_session_in_redis() => await Scenario(Site("cached_db", configure: s =>
        s.Caches["default"] = new CacheSettings { Backend = "redis", Location = CacheTests.RedisAt(3), KeyPrefix = Guid.NewGuid().ToString("N") }), "cached_db");

    [Fact]
    public async Task With_redis_down_cached_db_keeps_sessions_in_the_database_and_cache_reads_as_a_new_session()
    {
        // as Django's cached_db and cache stores: a cache that fails to answer is a miss; cached_db logs a failed write
        static void Down(Settings s) => s.Caches["default"] = new CacheSettings
        {
            Backend = "redis", Location = "redis://127.0.0.1:1/0", Options = new() { ["connectTimeout"] = "200" },
        };
        var cachedDb = Site("cached_db", configure: Down);
        var client = new AsyncClient(cachedDb);
        Assert.Equal("1", (await client.GetAsync("/count-async/")).Text);
        Assert.Equal("2", (await client.GetAsync("/count-async/")).Text);
        Assert.Single(Rows(cachedDb));

        var cache = Site("cache", configure: Down);
        var stranger = new Client(cache);
        stranger.Cookies["sessionid"] = "somesessionkey00000000000000000000";
        // the load is a miss, so the view sees an empty session; saving it needs the cache, and fails naming it
        var error = Assert.Throws<Nuages.Cache.CacheError>(() => stranger.Get("/count/"));
        Assert.StartsWith("The cache 'default' could not reach its Redis server redis://127.0.0.1:1/0: ", error.Message);
        Assert.Equal("untouched", stranger.Get("/untouched/").Text);
    }

    private static async Task Scenario(NuagesApp app, string engine)
    {
        var client = new Client(app);
        // a request that never touches the session: no cookie, no Vary, no row
        var untouched = client.Get("/untouched/");
        Assert.Empty(untouched.Cookies);
        Assert.Null(untouched["Vary"]);
        if (engine is "db" or "cached_db") Assert.Empty(Rows(app));

        var first = client.Get("/count/");
        Assert.Equal("1", first.Text);
        Assert.Equal("Cookie", first["Vary"]);
        var cookie = first.Cookies["sessionid"];
        Assert.Equal(1_209_600, cookie.MaxAge);
        Assert.True(cookie.HttpOnly);
        Assert.Equal("Lax", cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Equal("2", client.Get("/count/").Text);
        var asyncClient = new AsyncClient(app);
        foreach (var (name, value) in client.Cookies) asyncClient.Cookies[name] = value;
        var third = await asyncClient.GetAsync("/count-async/");
        Assert.Equal("3", third.Text);
        Assert.Equal(0, third.Request.AdapterSwitches); // the async view and the middleware's save hold no sync worker
        if (engine is "db" or "cached_db")
        {
            var row = Assert.Single(Rows(app));
            Assert.Equal(asyncClient.Cookies["sessionid"], row[0]);
            using (app.Enter()) Assert.Equal(3, new DbSessionStore(null, app.Settings).Decode((string)row[1]!)["count"]!.GetValue<int>());
        }

        // reading without changing: Vary, but no new cookie
        var read = await asyncClient.GetAsync("/read/");
        Assert.Equal("-", read.Text);
        Assert.Equal("Cookie", read["Vary"]);
        Assert.False(read.Cookies.ContainsKey("sessionid"));

        // a tampered or unknown cookie is a new, empty session — never a 500
        var stranger = new Client(app);
        stranger.Cookies["sessionid"] = engine == "signed_cookies" ? asyncClient.Cookies["sessionid"] + "x" : "nosuchsessionkey0000000000000000";
        Assert.Equal("1", stranger.Get("/count/").Text);
        Assert.NotEqual(asyncClient.Cookies["sessionid"], stranger.Cookies["sessionid"]);

        // a 5xx saves nothing
        var failing = new Client(app);
        Assert.Equal(500, failing.Get("/fail/").StatusCode);
        Assert.Empty(failing.Cookies);

        // expiry at browser close: a cookie without Max-Age
        var browser = new Client(app).Get("/browser/").Cookies["sessionid"];
        Assert.Null(browser.MaxAge);
        Assert.Null(browser.Expires);

        // logging out empties the session and deletes the cookie
        var bye = await asyncClient.GetAsync("/logout/");
        Assert.Equal("bye", bye.Text);
        Assert.Equal(0, bye.Cookies["sessionid"].MaxAge);
        Assert.Equal("Cookie", bye["Vary"]);
        Assert.Equal("1", (await asyncClient.GetAsync("/count-async/")).Text);
    }

    [Fact]
    public void Two_requests_on_one_session_last_write_wins_and_nothing_is_corrupted()
    {
        var app = Site("db");
        using var scope = app.Enter();
        var first = new DbSessionStore(null, app.Settings);
        first.Set("a", 1);
        first.Save();
        var one = new DbSessionStore(first.SessionKey, app.Settings);
        var two = new DbSessionStore(first.SessionKey, app.Settings);
        one.Set("from", "one");
        two.Set("from", "two");
        one.Save();
        two.Save();
        var after = new DbSessionStore(first.SessionKey, app.Settings);
        Assert.Equal("two", after.Get<string>("from"));
        Assert.Equal(1, after.Get<int>("a"));
        // a session deleted meanwhile (a logout elsewhere) cannot be updated
        one.Flush();
        Assert.Throws<UpdateError>(() => two.Save());
    }

    [Fact]
    public void The_dictionary_API_and_expiry_are_Djangos()
    {
        var app = Site("cache");
        using var scope = app.Enter();
        var clock = FixedTime.At(SigningTests.Now);
        var session = new CacheSessionStore(null, app.Settings) { Time = clock };
        Assert.True(session.IsEmpty());
        Assert.False(session.Accessed);
        session.Set("x", new { a = 1 });
        Assert.True(session.Modified);
        Assert.Equal(1, session["x"]!["a"]!.GetValue<int>());
        Assert.Throws<KeyNotFoundException>(() => session["missing"]);
        Assert.Equal(5, session.SetDefault("y", 5)!.GetValue<int>());
        Assert.Equal(5, session.SetDefault("y", 6)!.GetValue<int>());
        Assert.Equal(["x", "y"], session.Keys());
        Assert.Equal(5, session.Pop("y")!.GetValue<int>());
        Assert.Null(session.Pop("y"));
        session.SetTestCookie();
        Assert.True(session.TestCookieWorked());
        session.DeleteTestCookie();
        Assert.False(session.TestCookieWorked());

        Assert.Equal(1_209_600, session.GetExpiryAge());
        session.SetExpiry(300);
        Assert.Equal(300, session.GetExpiryAge());
        Assert.Equal(clock.Now.AddSeconds(300), session.GetExpiryDate());
        session.SetExpiry(TimeSpan.FromMinutes(10));
        Assert.Equal("2026-01-01T00:10:00+00:00", session.Get<string>(SessionBase.ExpiryKey)); // Django's isoformat
        Assert.Equal(600, session.GetExpiryAge());
        Assert.False(session.GetExpireAtBrowserClose());
        session.SetExpiry(0);
        Assert.True(session.GetExpireAtBrowserClose());
        Assert.Equal(1_209_600, session.GetExpiryAge());
        session.ClearExpiry();
        Assert.False(session.GetExpireAtBrowserClose());

        session.Save();
        var key = session.SessionKey!;
        Assert.Equal(32, key.Length);
        Assert.Matches("^[a-z0-9]{32}$", key);
        session.CycleKey();
        Assert.NotEqual(key, session.SessionKey);
        Assert.False(session.Exists(key));
        Assert.True(session.Exists(session.SessionKey!));
        Assert.Equal(1, new CacheSessionStore(session.SessionKey, app.Settings).Get<JsonObject>("x")!["a"]!.GetValue<int>());
    }

    [Fact]
    public async Task Clearsessions_removes_expired_rows()
    {
        var app = Site("db");
        using (app.Enter())
        {
            Database.Connections["default"].Execute("INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s), (%s, %s, %s)",
                "oldoldoldoldoldoldoldoldoldoldol", "x", "2000-01-01 00:00:00", "newnewnewnewnewnewnewnewnewnewne", "x", "2999-01-01 00:00:00");
        }
        var output = new StringWriter();
        Assert.Equal(0, await new CommandLine(app, output, output).RunAsync(["clearsessions"], CancellationToken.None));
        Assert.Equal(["newnewnewnewnewnewnewnewnewnewne"], Rows(app).Select(r => (string)r[0]!));
    }

    [Fact]
    public void A_session_without_the_middleware_names_what_to_add()
    {
        var request = new RequestFactory(TestSite()).Get("/");
        Assert.StartsWith("request.Session needs SessionMiddleware: add Nuages.Contrib.Sessions.SessionMiddleware to Settings.Middleware",
            Assert.Throws<InvalidOperationException>(() => request.Session).Message);
    }

    private static NuagesApp TestSite() => Support.TestSite.Create(s => s.Debug = true);
}
