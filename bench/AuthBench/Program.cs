// Login cost: Auth.Authenticate (the user read from SQLite, then one PBKDF2-SHA256 at Django 5.2's 1,000,000
// iterations) against the floor, the same PBKDF2 through .NET's Rfc2898DeriveBytes.Pbkdf2 alone. ROUNDS interleaved
// rounds of N logins each, one thread; logins per second and the ratio of sums.
// Then, given a PostgreSQL connection string, an authenticated async request (session and user read from PostgreSQL
// with async I/O) against the same request anonymous, through the in-process AsyncClient: requests per second.
// Usage: AuthBench [logins per round] [rounds] [postgres connection string]
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Nuages;
using Nuages.Conf;
using Nuages.Contrib.Auth;
using Nuages.Db;
using Nuages.Http;
using static Nuages.Urls.Routes;

var perRound = args.Length > 0 ? int.Parse(args[0]) : 8;
var rounds = args.Length > 1 ? int.Parse(args[1]) : 3;
var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-authbench-{Guid.NewGuid():N}.sqlite3");
var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
{
    s.Debug = true;
    s.SecretKey = "bench";
    s.Databases["default"] = Database.Sqlite(file);
    s.InstalledApps.Add<Nuages.Contrib.ContentTypes.ContentTypesConfig>();
    s.InstalledApps.Add<AuthConfig>();
});
await app.MigrateAsync();
using var scope = app.Enter();
var ann = UserManager.CreateUser("ann", "ann@example.com", "correct horse battery staple");
var salt = Encoding.UTF8.GetBytes(((string)new Pbkdf2PasswordHasher().Decode(ann.Password)["salt"]));
var password = Encoding.UTF8.GetBytes("correct horse battery staple");

double Nuages()
{
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < perRound; i++)
        if (Auth.Authenticate(null, "ann", "correct horse battery staple") is null) throw new InvalidOperationException("login failed");
    return perRound / watch.Elapsed.TotalSeconds;
}

double Floor()
{
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < perRound; i++) Rfc2898DeriveBytes.Pbkdf2(password, salt, 1_000_000, HashAlgorithmName.SHA256, 32);
    return perRound / watch.Elapsed.TotalSeconds;
}

Nuages(); Floor(); // warm up
double nuages = 0, floor = 0;
for (var round = 1; round <= rounds; round++)
{
    var n = Nuages();
    var f = Floor();
    nuages += n;
    floor += f;
    Console.WriteLine($"round {round}: Auth.Authenticate {n:F3} logins/s, Rfc2898DeriveBytes.Pbkdf2 {f:F3}/s, ratio {n / f:F3}");
}
Console.WriteLine($"mean: Auth.Authenticate {nuages / rounds:F3} logins/s, PBKDF2 floor {floor / rounds:F3}/s, ratio of sums {nuages / floor:F3}");
File.Delete(file);
scope.Dispose();

if (args.Length > 2) await Requests(args[2], rounds);

static async Task Requests(string postgres, int rounds)
{
    var site = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
    {
        s.Debug = false;
        s.AllowedHosts = ["testserver"];
        s.SecretKey = "bench";
        s.Databases["default"] = Database.Postgres(postgres);
        s.InstalledApps.Add<Nuages.Contrib.ContentTypes.ContentTypesConfig>();
        s.InstalledApps.Add<Nuages.Contrib.Sessions.SessionsConfig>();
        s.InstalledApps.Add<AuthConfig>();
        s.Middleware = [typeof(Nuages.Contrib.Sessions.SessionMiddleware).FullName!, typeof(AuthenticationMiddleware).FullName!];
        s.PasswordHashers = ["django.contrib.auth.hashers.MD5PasswordHasher"];
    });
    site.UrlPatterns(
        Path("who/", async (HttpRequest request) => new HttpResponse((await request.GetUserAsync()).GetUsername())),
        Path("login/", async (HttpRequest request) =>
        {
            await Auth.LoginAsync(request, (await Auth.AuthenticateAsync(request, "bench", "pw"))!);
            return new HttpResponse("in");
        }));
    using (site.Enter())
    {
        var connection = Database.Connections["default"];
        foreach (var table in new[] { "auth_user_groups", "auth_user_user_permissions", "auth_group_permissions", "auth_user", "auth_group", "auth_permission", "django_session" })
            connection.Execute($"DROP TABLE IF EXISTS {table} CASCADE");
        connection.Execute("DROP TABLE IF EXISTS django_migrations, django_content_type CASCADE"); // a database of its own, made anew
    }
    await site.MigrateAsync();
    using (site.Enter()) await UserManager.CreateUserAsync("bench", password: "pw");
    var user = new Nuages.Test.AsyncClient(site);
    await user.PostAsync("/login/");
    var anonymous = new Nuages.Test.AsyncClient(site);
    async Task<double> Rate(Nuages.Test.AsyncClient client, string expected)
    {
        var watch = Stopwatch.StartNew();
        var count = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            if ((await client.GetAsync("/who/")).Text != expected) throw new InvalidOperationException("wrong user");
            count++;
        }
        return count / watch.Elapsed.TotalSeconds;
    }
    await Rate(user, "bench");
    await Rate(anonymous, "");
    double withUser = 0, without = 0;
    for (var round = 1; round <= rounds; round++)
    {
        var u = await Rate(user, "bench");
        var a = await Rate(anonymous, "");
        withUser += u;
        without += a;
        Console.WriteLine($"round {round}: logged-in async request {u:F0}/s (session + user on PostgreSQL), anonymous {a:F0}/s");
    }
    Console.WriteLine($"mean: logged-in {withUser / rounds:F0} requests/s, anonymous {without / rounds:F0} requests/s (one client, in process)");
}
