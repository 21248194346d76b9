using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Conf;

public sealed class SiteRow : Model<SiteRow>
{
    [MaxLength(20)] public string Name { get; set; } = "";
}

/// <summary>One of two sites in this process: its own SQLite file, URLconf, charset and rows.</summary>
public abstract class IsolatedSite : IAsyncLifetime
{
    private readonly string _file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-site-{Guid.NewGuid():N}.sqlite3");

    protected abstract string Letter { get; }

    protected abstract string Charset { get; }

    public NuagesApp App { get; private set; } = null!;
    public NuagesServer Server { get; private set; } = null!;

    public static async Task<HttpResponse> Rows(HttpRequest request) =>
        new(string.Join(",", await SiteRow.Objects.OrderBy("name").ValuesList<string>("name").ToListAsync()) + " " + Reverse("rows"));

    public static HttpResponse SyncRows(HttpRequest request) =>
        new(string.Join(",", SiteRow.Objects.OrderBy("name").ValuesList<string>("name").ToList()) + " " + Reverse("rows"));

    public async Task InitializeAsync()
    {
        App = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.DefaultCharset = Charset;
            s.SyncWorkers = 3;
            s.Databases["default"] = Database.Sqlite(_file);
        }, Path($"{Letter}-rows/", Rows, name: "rows"), Path($"{Letter}-sync-rows/", SyncRows));
        using (App.Enter())
        {
            Schema.Migrate([typeof(SiteRow)], "default");
            foreach (var name in new[] { Letter + "1", Letter + "2" }) await new SiteRow { Name = name }.SaveAsync();
        }
        Server = await App.StartAsync("127.0.0.1:0");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class SiteA : IsolatedSite
{
    protected override string Letter => "a";

    protected override string Charset => "utf-8";
}

public sealed class SiteB : IsolatedSite
{
    protected override string Letter => "b";

    protected override string Charset => "iso-8859-1";
}

/// <summary>Each site serves its own rows, URLs and settings while the other serves too, from another test class run in parallel.</summary>
public abstract class SiteIsolationTests<TSite>(TSite site, string letter, string charset) where TSite : IsolatedSite
{
    [Fact]
    public async Task Hundreds_of_requests_each_see_only_their_own_sites_data_urls_and_settings()
    {
        using var http = new HttpClient { BaseAddress = site.Server.Address };
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var response = await http.GetAsync(i % 2 == 0 ? $"/{letter}-rows/" : $"/{letter}-sync-rows/");
            return (Body: await response.Content.ReadAsStringAsync(), Type: response.Content.Headers.ContentType!.ToString());
        }));
        Assert.All(answers, a =>
        {
            Assert.Equal($"{letter}1,{letter}2 /{letter}-rows/", a.Body);
            Assert.Equal($"text/html; charset={charset}", a.Type);
        });
    }

    [Fact]
    public void Outside_a_request_the_site_entered_is_the_one_used()
    {
        var other = NuagesApp.Create([], new ConfigurationBuilder().Build(), s => s.Debug = true); // now current in this flow
        Assert.Throws<Nuages.Core.ImproperlyConfigured>(() => SiteRow.Objects.Count()); // it has no database
        using (site.App.Enter())
        {
            Assert.Equal(2, SiteRow.Objects.Count());
            Assert.Equal($"/{letter}-rows/", Reverse("rows"));
        }
        GC.KeepAlive(other);
    }
}

public sealed class SiteATests(SiteA site) : SiteIsolationTests<SiteA>(site, "a", "utf-8"), IClassFixture<SiteA>;

public sealed class SiteBTests(SiteB site) : SiteIsolationTests<SiteB>(site, "b", "iso-8859-1"), IClassFixture<SiteB>;

public class SiteAmbiguityTests
{
    [Fact]
    public void Code_on_a_thread_of_its_own_with_several_sites_alive_is_told_to_say_which()
    {
        var first = NuagesApp.Create([], new ConfigurationBuilder().Build(), s => s.Debug = true);
        var second = NuagesApp.Create([], new ConfigurationBuilder().Build(), s => s.Debug = true);
        Exception? error = null;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() => error = Record.Exception(() => SiteRow.Objects.Count()));
            thread.Start();
            thread.Join();
        }
        var message = Assert.IsType<InvalidOperationException>(error).Message;
        Assert.Matches(@"^This process has \d+ Nuages sites \(site \d+ \(databases: .*\)\), and this code runs outside any request: say which site it uses with `using \(app.Enter\(\)\) \{ … \}`, or run it in the flow that created the site\.$", message);
        GC.KeepAlive(first);
        GC.KeepAlive(second);
    }
}
