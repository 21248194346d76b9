using Nuages.Http;
using Nuages.Management;
using Nuages.Tests.Db;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Management;

public class CommandLineTests
{
    public static HttpResponse Index(HttpRequest request) => new("");
    public static Task<HttpResponse> Detail(HttpRequest request, int id) => Task.FromResult(new HttpResponse(""));

    private static async Task<(int Code, string Output, string Error)> Run(NuagesApp app, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CommandLine(app, output, error).RunAsync(args, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Routes_prints_the_url_table()
    {
        var app = TestSite.Create(s => s.Debug = true, Path("", Index, name: "index"), Path("api/", Include([Path("items/<int:id>/", Detail, name: "detail")], ns: "api")));
        var (code, output, _) = await Run(app, "routes");
        Assert.Equal(0, code);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^/\s+index\s+sync\s+Nuages\.Tests\.Management\.CommandLineTests\.Index$", lines[1]);
        Assert.Matches(@"^/api/items/<int:id>/\s+api:detail\s+async\s+Nuages\.Tests\.Management\.CommandLineTests\.Detail$", lines[2]);

        app.WebSocketPatterns(Path("ws/", Include([Nuages.Channels.WebSocketRoutes.WebSocketPath<Nuages.Tests.Channels.RoomConsumer>("chat/<slug:room>/"),
            Nuages.Channels.WebSocketRoutes.WebSocketPath("sum/", () => new Nuages.Tests.Channels.SumConsumer())])));
        (code, output, _) = await Run(app, "routes");
        lines = output.TrimEnd().Split('\n');
        Assert.Equal(7, lines.Length);
        Assert.Equal("", lines[3]);
        Assert.Matches(@"^WebSocket route\s+Mode\s+Consumer$", lines[4]);
        Assert.Matches(@"^/ws/chat/<slug:room>/\s+async\s+Nuages\.Tests\.Channels\.RoomConsumer$", lines[5]);
        Assert.Matches(@"^/ws/sum/\s+sync\s+Nuages\.Tests\.Channels\.SumConsumer$", lines[6]);
    }

    [Fact]
    public async Task Check_reports_no_issues_for_a_clean_site()
    {
        var (code, output, _) = await Run(TestSite.Create(s => s.Debug = true, Path("", Index)), "check");
        Assert.Equal(0, code);
        Assert.Equal("System check identified no issues (0 silenced).\n", output);
    }

    [Fact]
    public async Task Check_warns_about_url_patterns_and_deployment_settings()
    {
        var app = TestSite.Create(s => s.Debug = true,
            Path("/leading/", Index),
            Path("a/", Include([Path("x/", Index)], ns: "dup")),
            Path("b/", Include([Path("y/", Index)], ns: "dup")));
        var (code, output, _) = await Run(app, "check", "--deploy");
        Assert.Equal(0, code);
        Assert.Contains("?: (urls.W002) Your URL pattern '/leading/' has a route beginning with a '/'.", output);
        Assert.Contains("?: (urls.W005) URL namespace 'dup' isn't unique.", output);
        Assert.Contains("?: (security.W018) You should not have Debug set to true in deployment.", output);
        Assert.Contains("?: (security.W020) AllowedHosts must not be empty in deployment.", output);
        Assert.Contains("?: (security.W009)", output);
    }

    [Fact]
    public async Task Unknown_commands_and_bad_addresses_are_usage_errors()
    {
        var app = TestSite.Create(s => s.Debug = true, Path("", Index));
        var (code, _, error) = await Run(app, "frobnicate");
        Assert.Equal(2, code);
        Assert.StartsWith("Unknown command: 'frobnicate'.", error);
        var (badCode, _, badError) = await Run(app, "runserver", "nowhere:port");
        Assert.Equal(2, badCode);
        Assert.Contains("'nowhere:port' is not a valid address", badError);
    }

    [Fact]
    public async Task Runserver_serves_until_cancelled()
    {
        var app = TestSite.Create(s =>
        {
            s.Debug = true;
            s.AccessLog = false;
        }, Path("", Index));
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var port = FreePort();
        var run = new CommandLine(app, output, output).RunAsync(["runserver", $"127.0.0.1:{port}"], stop.Token);
        using var http = new HttpClient();
        HttpResponseMessage? response = null;
        for (var attempt = 0; attempt < 100 && response is null; attempt++)
        {
            try { response = await http.GetAsync($"http://127.0.0.1:{port}/"); }
            catch (HttpRequestException) { await Task.Delay(50); }
        }
        Assert.NotNull(response);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        stop.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"serving at http://127.0.0.1:{port}/ (HTTP/1.1 and HTTP/2, async gateway)", output.ToString());
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

public class MigrateCommandTests
{
    public sealed class CliBook : Nuages.Db.Models.Model<CliBook>
    {
        public string Title { get; set; } = "";
    }

    [Fact]
    public async Task Sqlmigrate_prints_and_migrate_creates_the_tables()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-cli-{Guid.NewGuid():N}.sqlite3");
        var app = NuagesApp.Create([], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["cli"] = Nuages.Db.Database.Sqlite(path);
        });
        app.Models.Add(typeof(CliBook));
        var output = new StringWriter();
        Assert.Equal(0, await new CommandLine(app, output, output).RunAsync(["sqlmigrate", "--database", "cli"], CancellationToken.None));
        Assert.Equal("CREATE TABLE IF NOT EXISTS \"cli_book\" (\"title\" text NOT NULL, \"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT);", output.ToString().Trim());
        Assert.Equal(0, await new CommandLine(app, output, output).RunAsync(["migrate", "--database", "cli"], CancellationToken.None));
        Assert.Equal(0, await Nuages.Async.SyncToAsync.Run(() => CliBook.Objects.Using("cli").Count()));
    }

    [Fact]
    public async Task Createcachetable_makes_the_tables_of_the_database_caches_on_that_database() // as django/core/management/commands/createcachetable.py does
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-cli-{Guid.NewGuid():N}.sqlite3");
        var app = NuagesApp.Create([], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = Nuages.Db.Database.Sqlite(path);
            s.Caches["pages"] = new Nuages.Conf.CacheSettings { Backend = "django.core.cache.backends.db.DatabaseCache", Location = "page_cache" };
        });
        var dry = await Shell(app, "createcachetable", "--dry-run");
        Assert.Equal((0, "CREATE TABLE \"page_cache\" (\"cache_key\" varchar(255) NOT NULL PRIMARY KEY, \"value\" text NOT NULL, \"expires\" datetime NOT NULL);\n" +
            "CREATE INDEX \"page_cache_expires\" ON \"page_cache\" (\"expires\");\n", ""), dry);
        Assert.Equal((0, "", ""), await Shell(app, "createcachetable"));
        Assert.Equal((0, "", ""), await Shell(app, "createcachetable", "--dry-run")); // made: nothing left to do
        Assert.Equal((0, "", ""), await Shell(app, "createcachetable", "--database", "other")); // no cache there
        using (app.Enter())
        {
            await Nuages.Cache.Caches.Get("pages").SetAsync("k", "v");
            Assert.Equal("v", await Nuages.Cache.Caches.Get("pages").GetAsync("k"));
        }
    }

    private static async Task<(int Code, string Output, string Error)> Shell(NuagesApp app, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CommandLine(app, output, error).RunAsync(args, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(System.IO.Path.Combine(d, program)));

    [Fact]
    public async Task Dbshell_runs_sqlite3_on_the_aliases_file_or_says_it_is_missing()
    {
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-dbshell-{Guid.NewGuid():N}.sqlite3");
        var app = TestSite.Create(s => { s.Debug = true; s.Databases["default"] = Nuages.Db.Database.Sqlite(file); });
        var (code, output, error) = await Shell(app, "dbshell", "--", "SELECT 40 + 2;");
        if (OnPath("sqlite3")) Assert.Equal((0, "42"), (code, output.Trim()));
        else Assert.Equal((1, "CommandError: You appear not to have the 'sqlite3' program installed or on your path."), (code, error.Trim()));
        Assert.Equal((1, "CommandError: The connection 'nope' doesn't exist."), ((await Shell(app, "dbshell", "--database", "nope")).Code, (await Shell(app, "dbshell", "--database", "nope")).Error.Trim()));
    }

    [PostgresFact]
    public async Task Dbshell_runs_psql_with_the_aliases_settings_and_the_password_out_of_the_command_line()
    {
        var app = TestSite.Create(s => { s.Debug = true; s.Databases["pg"] = Nuages.Db.Database.Postgres(Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!); });
        var (code, output, _) = await Shell(app, "dbshell", "--database", "pg", "--", "-t", "-A", "-c", "SELECT current_database() || ':' || (40 + 2)");
        Assert.Equal(0, code);
        Assert.Equal(new Npgsql.NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")).Database + ":42", output.Trim());
    }
}
