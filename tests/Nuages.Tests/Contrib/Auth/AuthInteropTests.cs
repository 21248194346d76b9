using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Contrib.Auth;
using Nuages.Contrib.ContentTypes;
using Nuages.Contrib.Sessions;
using Nuages.Db;
using Nuages.Management;
using Nuages.Test;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>
/// A Nuages site pointed at a database Django migrated and used (Vectors/django_auth_db.py): nothing to migrate,
/// Django's logged-in session is the same user here, Django's users log in with their passwords.
/// </summary>
public class AuthInteropTests
{
    private static readonly JsonNode Django = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Contrib", "Vectors", "django_auth_db.json")))!;

    private static NuagesApp SiteOnDjangosDatabase()
    {
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-django-auth-{Guid.NewGuid():N}.sqlite3");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + file))
        {
            connection.Open(); // the dump, as Python writes it, inserts rows before the tables they refer to exist
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA foreign_keys = OFF;\n" + File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Contrib", "Vectors", "django_auth_db.sql"));
            command.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.SecretKey = (string)Django["secret_key"]!;
            s.AllowedHosts = ["testserver"];
            s.Databases["default"] = Database.Sqlite(file);
            s.InstalledApps.Add<ContentTypesConfig>();
            s.InstalledApps.Add<SessionsConfig>();
            s.InstalledApps.Add<AuthConfig>();
            s.Middleware = [typeof(SessionMiddleware).FullName!, typeof(AuthenticationMiddleware).FullName!];
        });
        app.UrlPatterns(Path("login/", AuthTests.LoginView), Path("login-async/", AuthTests.LoginAsyncView), Path("who/", AuthTests.WhoView), Path("who-async/", AuthTests.WhoAsyncView));
        return app;
    }

    [Fact]
    public async Task Djangos_database_needs_no_migration_and_its_session_and_users_work_here()
    {
        var app = SiteOnDjangosDatabase();
        using (app.Enter())
        {
            var output = new StringWriter();
            Assert.Equal(0, await new CommandLine(app, output, output).RunAsync(["migrate"], CancellationToken.None));
            Assert.Contains("No migrations to apply.", output.ToString());
            var applied = Database.Connections["default"].Query("SELECT app, name FROM django_migrations").Select(r => $"{r[0]}.{r[1]}").Order(StringComparer.Ordinal);
            Assert.Equal(Django["migrations"]!.AsArray().Select(m => (string)m!), applied);

            var ann = User.Objects.Get("username", "ann");
            Assert.Equal(("Ann", "ann@example.com", true, false), (ann.FirstName, ann.Email, ann.IsActive, ann.IsSuperuser));
            Assert.NotNull(ann.LastLogin);
            Assert.True(User.Objects.Get("username", "root").IsSuperuser);
            Assert.Equal(["editors"], ann.Groups.All().Select(g => g.Name).ToList());
            Assert.Equal(["view_user"], ann.UserPermissions.All().Select(p => p.Codename).ToList());
        }

        // the session Django's test client logged in with: the same user, sync and async (its hash checked with Django's secret)
        var client = new AsyncClient(app);
        client.Cookies["sessionid"] = (string)Django["sessionid"]!;
        Assert.Equal("user ann", (await client.GetAsync("/who/")).Text);
        var who = await client.GetAsync("/who-async/");
        Assert.Equal("user ann", who.Text);
        Assert.Equal(0, who.Request.AdapterSwitches);

        // Django's users log in with their passwords; the 260,000-iteration hash of Django 3.2 is remade at 1,000,000
        var fresh = new AsyncClient(app);
        Assert.Equal("user ann", (await fresh.PostAsync("/login-async/", new { username = "ann", password = "django pw" })).Text);
        Assert.Equal("user root", (await new AsyncClient(app).PostAsync("/login/", new { username = "root", password = "root pw" })).Text);
        Assert.Equal(401, (await new AsyncClient(app).PostAsync("/login/", new { username = "gone", password = "gone pw" })).StatusCode); // inactive
        using (app.Enter())
        {
            var stored = User.Objects.Get("username", "ann").Password;
            Assert.NotEqual((string)Django["ann_password"]!, stored);
            Assert.StartsWith("pbkdf2_sha256$1000000$", stored);
        }
        // the old session's hash was of the old stored password: Django's session is logged out, as in Django
        Assert.Equal("anonymous", (await client.GetAsync("/who/")).Text);
        Assert.Equal("user ann", (await fresh.GetAsync("/who/")).Text);
    }
}
