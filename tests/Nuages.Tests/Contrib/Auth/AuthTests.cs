using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Contrib.Auth;
using Nuages.Contrib.ContentTypes;
using Nuages.Contrib.Sessions;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Management;
using Nuages.Test;
using Nuages.Tests.Db;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>
/// Logging in and out as django/contrib/auth/__init__.py does, sync and async, on SQLite (Django's migrations) and
/// PostgreSQL: the session's keys, its new key, the password hash that logs other sessions out, the CSRF token rotated.
/// </summary>
[Collection("auth-postgres")]
public class AuthTests
{
    private static HttpResponse Who(IUser user) => new(user.IsAuthenticated ? "user " + user.GetUsername() : "anonymous");

    public static HttpResponse LoginView(HttpRequest request)
    {
        var user = Nuages.Contrib.Auth.Auth.Authenticate(request, request.Form.Get("username"), request.Form.Get("password"));
        if (user is null) return new HttpResponse("refused", status: 401);
        Nuages.Contrib.Auth.Auth.Login(request, user);
        return Who(request.User);
    }

    public static async Task<HttpResponse> LoginAsyncView(HttpRequest request)
    {
        var user = await Nuages.Contrib.Auth.Auth.AuthenticateAsync(request, request.Form.Get("username"), request.Form.Get("password"));
        if (user is null) return new HttpResponse("refused", status: 401);
        await Nuages.Contrib.Auth.Auth.LoginAsync(request, user);
        return Who(await request.GetUserAsync());
    }

    public static HttpResponse WhoView(HttpRequest request) => Who(request.User);

    public static async Task<HttpResponse> WhoAsyncView(HttpRequest request) => Who(await request.GetUserAsync());

    public static HttpResponse LogoutView(HttpRequest request)
    {
        Nuages.Contrib.Auth.Auth.Logout(request);
        return Who(request.User);
    }

    public static async Task<HttpResponse> LogoutAsyncView(HttpRequest request)
    {
        await Nuages.Contrib.Auth.Auth.LogoutAsync(request);
        return Who(await request.GetUserAsync());
    }

    /// <summary>The user changes their own password and stays logged in here.</summary>
    public static async Task<HttpResponse> ChangePasswordView(HttpRequest request)
    {
        var user = (User)await request.GetUserAsync();
        user.SetPassword(request.Form.Get("password"));
        await user.SaveAsync();
        await Nuages.Contrib.Auth.Auth.UpdateSessionAuthHashAsync(request, user);
        return Who(user);
    }

    internal static NuagesApp Site(string database = "sqlite", Action<Settings>? configure = null, params Nuages.Urls.UrlPattern[] extra)
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.SecretKey = "auth-tests-secret";
            s.AllowedHosts = ["testserver"];
            s.Databases["default"] = database == "sqlite"
                ? Database.Sqlite(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-auth-{Guid.NewGuid():N}.sqlite3"))
                : PostgresSchema();
            s.InstalledApps.Add<ContentTypesConfig>();
            s.InstalledApps.Add<SessionsConfig>();
            s.InstalledApps.Add<AuthConfig>();
            s.Middleware = [typeof(SessionMiddleware).FullName!, typeof(Nuages.Middleware.CsrfViewMiddleware).FullName!, typeof(AuthenticationMiddleware).FullName!];
            s.PasswordHashers = ["django.contrib.auth.hashers.MD5PasswordHasher", "Nuages.Contrib.Auth.Pbkdf2PasswordHasher"]; // fast, as Django's tests do
            configure?.Invoke(s);
        });
        app.UrlPatterns([Path("login/", LoginView), Path("login-async/", LoginAsyncView), Path("who/", WhoView), Path("who-async/", WhoAsyncView),
            Path("logout/", LogoutView), Path("logout-async/", LogoutAsyncView), Path("change-password/", ChangePasswordView), .. extra]);
        using (app.Enter())
        {
            if (database == "sqlite")
            {
                var output = new StringWriter();
                Assert.Equal(0, new CommandLine(app, output, output).RunAsync(["migrate"], CancellationToken.None).GetAwaiter().GetResult());
                Assert.Contains("Applying auth.0012_alter_user_first_name_max_length... OK", output.ToString());
            }
            else
            {
                var connection = Database.Connections["default"];
                foreach (var table in new[] { "auth_user_groups", "auth_user_user_permissions", "auth_group_permissions", "auth_user", "auth_group", "auth_permission", "django_session" })
                    connection.Execute($"DROP TABLE IF EXISTS {table} CASCADE");
                Schema.Migrate([typeof(ContentType), typeof(Permission), typeof(Group), typeof(User)]);
                connection.Execute("CREATE TABLE IF NOT EXISTS django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamp with time zone NOT NULL)");
                // the tables are made as the models are (faster than the twelve migrations): record the migrations that made them, so that the post-migrate hook makes the default permissions as migrate would
                connection.Execute("CREATE TABLE IF NOT EXISTS django_migrations (id bigserial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamp with time zone NOT NULL)");
                connection.Execute("DELETE FROM django_migrations WHERE (app = 'auth' OR app = 'contenttypes') AND name = '0001_initial'");
                connection.Execute("INSERT INTO django_migrations (app, name, applied) VALUES ('auth', '0001_initial', now()), ('contenttypes', '0001_initial', now())");
                app.PostMigrateAsync("default").GetAwaiter().GetResult();
            }
        }
        return app;
    }

    /// <summary>
    /// The PostgreSQL test database with <c>search_path</c> set to a schema of the auth tests' own: the migrations and
    /// relation tests make and drop <c>django_content_type</c> in the public schema at the same time as these run.
    /// </summary>
    private static Nuages.Db.DatabaseSettings PostgresSchema()
    {
        var settings = OrmDatabase.Settings("postgres");
        using (var connection = new Npgsql.NpgsqlConnection(settings.ConnectionString))
        {
            connection.Open();
            using var command = new Npgsql.NpgsqlCommand("CREATE SCHEMA IF NOT EXISTS nuages_auth_tests", connection);
            command.ExecuteNonQuery();
        }
        return Database.Postgres(settings.ConnectionString + ";Search Path=nuages_auth_tests");
    }

    internal static User CreateUser(NuagesApp app, string username, string password, bool active = true)
    {
        using (app.Enter())
        {
            var user = new User { Username = username, IsActive = active };
            user.SetPassword(password);
            user.Save();
            return user;
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("-async")]
    public Task A_login_keeps_the_user_in_a_new_session_until_logout(string mode) => LoginRoundTrip("sqlite", mode);

    [PostgresFact]
    public async Task A_login_keeps_the_user_until_logout_on_postgres()
    {
        await LoginRoundTrip("postgres", "");
        await LoginRoundTrip("postgres", "-async");
    }

    private static async Task LoginRoundTrip(string database, string mode)
    {
        var app = Site(database);
        var ann = CreateUser(app, "ann", "s3cret");
        Assert.Null(ann.LastLogin);
        var client = new AsyncClient(app);
        Assert.Equal("anonymous", (await client.GetAsync("/who" + mode + "/")).Text);
        var before = client.Cookies.GetValueOrDefault("sessionid");

        Assert.Equal(401, (await client.PostAsync("/login" + mode + "/", new { username = "ann", password = "wrong" })).StatusCode);
        Assert.Equal(401, (await client.PostAsync("/login" + mode + "/", new { username = "nobody", password = "s3cret" })).StatusCode);
        var login = await client.PostAsync("/login" + mode + "/", new { username = "ann", password = "s3cret" });
        Assert.Equal("user ann", login.Text);
        Assert.NotNull(login.Cookies["csrftoken"]); // rotated at login
        Assert.NotEqual(before, client.Cookies["sessionid"]);
        TestResponse who;
        using (var queries = new CaptureQueries())
        {
            who = await client.GetAsync("/who" + mode + "/");
            // what a logged-in request costs: the session's row and the user's row, nothing else
            Assert.Equal(2, queries.Count);
        }
        Assert.Equal("user ann", who.Text);
        if (mode == "-async") Assert.Equal(0, who.Request.AdapterSwitches); // the session and the user read with async I/O
        using (var queries = new CaptureQueries())
        {
            Assert.Equal("anonymous", (await new AsyncClient(app).GetAsync("/who" + mode + "/")).Text);
            Assert.Equal(0, queries.Count); // no session cookie: nothing read
        }

        using (app.Enter())
        {
            var stored = User.Objects.Get("pk", ann.Id);
            Assert.NotNull(stored.LastLogin);
            var session = SessionStores.Create(app.Settings, client.Cookies["sessionid"]);
            Assert.Equal(ann.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), session.Get<string>(Nuages.Contrib.Auth.Auth.SessionKey));
            Assert.Equal("django.contrib.auth.backends.ModelBackend", session.Get<string>(Nuages.Contrib.Auth.Auth.BackendSessionKey));
            Assert.Equal(stored.GetSessionAuthHash(), session.Get<string>(Nuages.Contrib.Auth.Auth.HashSessionKey));
        }

        Assert.Equal("anonymous", (await client.PostAsync("/logout" + mode + "/")).Text);
        Assert.Equal("anonymous", (await client.GetAsync("/who" + mode + "/")).Text);
    }

    [Fact]
    public async Task Inactive_users_cannot_log_in_and_failures_are_signalled_without_the_password()
    {
        var app = Site();
        var logs = new Nuages.Tests.Support.LogCapture();
        app.LoggerFactory = logs.Factory();
        CreateUser(app, "bob", "pw", active: false);
        var failures = new List<AuthSignalArgs>();
        Action<AuthSignalArgs> receiver = failures.Add;
        Nuages.Contrib.Auth.Auth.UserLoginFailed.Connect(receiver);
        try
        {
            var client = new AsyncClient(app);
            Assert.Equal(401, (await client.PostAsync("/login/", new { username = "bob", password = "pw" })).StatusCode);
            Assert.Equal(401, (await client.PostAsync("/login-async/", new { username = "bob", password = "pw" })).StatusCode);
        }
        finally
        {
            Nuages.Contrib.Auth.Auth.UserLoginFailed.Disconnect(receiver);
        }
        Assert.Equal(2, failures.Count(f => f.Credentials!["username"] == "bob"));
        Assert.All(failures.Where(f => f.Credentials!["username"] == "bob"), f => Assert.Equal("********************", f.Credentials!["password"]));
        // each failure is logged, with the rate of the last minute (the password never)
        var logged = logs.For("Nuages.Security.Login").ToList();
        Assert.Equal(2, logged.Count);
        Assert.All(logged, e => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, e.Level));
        Assert.Matches(@"^Failed login for 'bob' from 127\.0\.0\.1: \d+ failed logins in the last minute$", logged[0].Message);
        Assert.DoesNotContain("pw", logged[1].Message.Replace("bob", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_change_logs_the_other_sessions_out_and_keeps_this_one()
    {
        var app = Site();
        CreateUser(app, "ann", "old");
        var here = new AsyncClient(app);
        var elsewhere = new AsyncClient(app);
        Assert.Equal("user ann", (await here.PostAsync("/login/", new { username = "ann", password = "old" })).Text);
        Assert.Equal("user ann", (await elsewhere.PostAsync("/login-async/", new { username = "ann", password = "old" })).Text);
        var key = here.Cookies["sessionid"];

        Assert.Equal("user ann", (await here.PostAsync("/change-password/", new { password = "new" })).Text);
        Assert.NotEqual(key, here.Cookies["sessionid"]); // re-keyed
        Assert.Equal("user ann", (await here.GetAsync("/who/")).Text);
        Assert.Equal("anonymous", (await elsewhere.GetAsync("/who-async/")).Text); // its hash is of the old password
        Assert.Equal("anonymous", (await elsewhere.GetAsync("/who/")).Text);
        Assert.Equal(401, (await elsewhere.PostAsync("/login/", new { username = "ann", password = "old" })).StatusCode);
        Assert.Equal("user ann", (await elsewhere.PostAsync("/login/", new { username = "ann", password = "new" })).Text);
    }

    [Fact]
    public async Task An_outdated_hash_is_remade_at_login_and_another_users_session_is_not_reused()
    {
        var app = Site(configure: s => s.PasswordHashers = ["Nuages.Contrib.Auth.Pbkdf2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]);
        using (app.Enter())
        {
            new User { Username = "ann", Password = Passwords.MakePassword("pw", hasher: "md5") }.Save();
            new User { Username = "bob", Password = Passwords.MakePassword("pw2", hasher: "md5") }.Save();
        }
        var client = new AsyncClient(app);
        Assert.Equal("user ann", (await client.PostAsync("/login-async/", new { username = "ann", password = "pw" })).Text);
        using (app.Enter()) Assert.StartsWith("pbkdf2_sha256$1000000$", User.Objects.Get("username", "ann").Password);
        var annSession = client.Cookies["sessionid"];
        Assert.Equal("user bob", (await client.PostAsync("/login/", new { username = "bob", password = "pw2" })).Text);
        Assert.NotEqual(annSession, client.Cookies["sessionid"]);
        using (app.Enter()) Assert.False(SessionStores.Create(app.Settings, annSession).Exists(annSession)); // ann's session was flushed, not reused
    }

    [Fact]
    public async Task Views_without_the_middleware_or_backends_are_told_what_to_fix()
    {
        var app = Site(configure: s => s.Middleware = [typeof(SessionMiddleware).FullName!]);
        Assert.Equal("request.User needs AuthenticationMiddleware: add Nuages.Contrib.Auth.AuthenticationMiddleware to Settings.Middleware, after SessionMiddleware.",
            (await Assert.ThrowsAsync<InvalidOperationException>(() => new AsyncClient(app).GetAsync("/who/"))).Message);

        var noSession = Site(configure: s => s.Middleware = [typeof(AuthenticationMiddleware).FullName!]);
        Assert.Equal("The authentication middleware requires session middleware to be installed. Edit your Settings.Middleware to insert "
            + "Nuages.Contrib.Sessions.SessionMiddleware before Nuages.Contrib.Auth.AuthenticationMiddleware.",
            (await Assert.ThrowsAsync<Nuages.Core.ImproperlyConfigured>(() => new AsyncClient(noSession).GetAsync("/who/"))).Message);

        var two = Site(configure: s => s.AuthenticationBackends = ["django.contrib.auth.backends.ModelBackend", typeof(AllowAllUsersModelBackend).FullName!]);
        using (two.Enter())
        {
            var user = new User { Username = "cy" };
            var request = new RequestFactory(two).Get("/");
            request.Features.Set(SessionStores.Create(two.Settings, null));
            Assert.Equal("You have multiple authentication backends configured and therefore must provide the `backend` argument or authenticate the user first. (Parameter 'backend')",
                Assert.Throws<ArgumentException>(() => Nuages.Contrib.Auth.Auth.Login(request, user)).Message);
        }
    }
}
