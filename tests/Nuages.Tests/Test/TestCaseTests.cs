using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Db;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Test;

public sealed class Note : Model<Note>
{
    [MaxLength(100)] public string Text { get; set; } = "";
}

/// <summary>A site whose databases are test databases made for the run: SQLite, and PostgreSQL when CI provides it.</summary>
public sealed class NotesSite : IDisposable
{
    public static readonly string ProductionFile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-never-touched-{Guid.NewGuid():N}.sqlite3");

    public static int Committed;

    public static readonly TaskCompletionSource StreamEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NuagesApp App { get; }

    public TestDatabase Database { get; }

    public static async Task<HttpResponse> Add(HttpRequest request)
    {
        await new Note { Text = request.Form.Get("text") ?? "" }.SaveAsync();
        Atomic.OnCommit(() => Interlocked.Increment(ref Committed));
        return new HttpResponse((await Note.Objects.CountAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static HttpResponse Events(HttpRequest request) => new EventStreamResponse(Ticks(request.Aborted));

    private static async IAsyncEnumerable<ServerSentEvent> Ticks([EnumeratorCancellation] CancellationToken token)
    {
        try
        {
            for (var i = 1; ; i++)
            {
                yield return new ServerSentEvent($"tick {i}", Id: i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await Task.Delay(10, token);
            }
        }
        finally
        {
            StreamEnded.TrySetResult();
        }
    }

    public NotesSite()
    {
        App = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.AllowedHosts = ["testserver"];
            s.Databases["default"] = Nuages.Db.Database.Sqlite(ProductionFile);
            if (Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES") is { Length: > 0 } postgres) s.Databases["pg"] = Nuages.Db.Database.Postgres(postgres);
        });
        App.Models.Add(typeof(Note));
        App.UrlPatterns(Path("notes/", Add), Path("events/", Events));
        Database = TestDatabase.Create(App);
    }

    public void Dispose() => Database.Dispose();
}

/// <summary>Django's TestCase in xUnit: each test in a transaction rolled back after it.</summary>
public class TestCaseTests(NotesSite site) : TestCase(site.App), IClassFixture<NotesSite>
{
    [Fact]
    public async Task A_test_starts_with_empty_tables_and_its_writes_roll_back_first() => await WriteOneAndSeeOne();

    [Fact]
    public async Task A_test_starts_with_empty_tables_and_its_writes_roll_back_second() => await WriteOneAndSeeOne();

    private async Task WriteOneAndSeeOne()
    {
        Assert.Equal(0, await Note.Objects.CountAsync());
        // A request through the in-process client writes in the test's transaction: the test sees its row.
        var response = await AsyncClient.PostAsync("/notes/", new { text = "hello" });
        Assert.Equal("1", response.Text);
        Assert.Equal("hello", (await Note.Objects.FirstAsync())!.Text);
        Assert.False(File.Exists(NotesSite.ProductionFile)); // the site's own database is never opened
    }

    [Fact]
    public void Sync_tests_and_the_sync_client_share_the_transaction_too()
    {
        Assert.Equal(0, Note.Objects.Count());
        Assert.Equal("1", Client.Post("/notes/", new { text = "sync" }).Text);
        Assert.Equal(1, Note.Objects.Count());
    }

    [Fact]
    public async Task Queries_are_captured_and_counted()
    {
        using var queries = new CaptureQueries();
        await Note.Objects.CountAsync();
        await Note.Objects.Filter("text", "x").ToListAsync();
        Assert.Equal(2, queries.Count);
        Assert.StartsWith("SELECT COUNT(*)", queries.Queries[0].Sql);
        Assert.Equal(["x"], queries.Queries[1].Parameters);

        await CaptureQueries.AssertNumQueriesAsync(2, async () => await AsyncClient.PostAsync("/notes/", new { text = "a" })); // insert, count
        var error = Assert.Throws<QueryCountException>(() => CaptureQueries.AssertNumQueries(3, () => Note.Objects.Count()));
        Assert.StartsWith("1 != 3 : 1 queries executed, 3 expected\nCaptured queries were:\n1. SELECT COUNT(*)", error.Message);
    }

    [Fact]
    public async Task On_commit_callbacks_do_not_run_under_the_rollback_but_can_be_captured_and_run()
    {
        var before = Volatile.Read(ref NotesSite.Committed);
        using (var callbacks = new CaptureOnCommitCallbacks())
        {
            await AsyncClient.PostAsync("/notes/", new { text = "a" });
            Assert.Equal(1, callbacks.Count);
            Assert.Equal(before, Volatile.Read(ref NotesSite.Committed)); // nothing committed
            await callbacks.ExecuteAsync();
        }
        Assert.Equal(before + 1, Volatile.Read(ref NotesSite.Committed));
        using (new CaptureOnCommitCallbacks(execute: true)) await AsyncClient.PostAsync("/notes/", new { text = "b" });
        Assert.Equal(before + 2, Volatile.Read(ref NotesSite.Committed));
    }

    [Fact]
    public async Task A_server_sent_events_endpoint_is_read_two_events_at_a_time_and_left()
    {
        using var leave = new CancellationTokenSource();
        var response = await AsyncClient.StreamAsync("/events/", cancellationToken: leave.Token);
        Assert.Equal("text/event-stream", response["Content-Type"]);
        var events = new List<string>();
        await foreach (var part in response.TextParts())
        {
            events.Add(part);
            if (events.Count == 2) break;
        }
        Assert.Equal(["id: 1\ndata: tick 1\n\n", "id: 2\ndata: tick 2\n\n"], events);
        await NotesSite.StreamEnded.Task.WaitAsync(TimeSpan.FromSeconds(10)); // leaving the loop ended the view's stream
    }

    [PostgresFact]
    public async Task The_postgres_alias_points_at_its_own_test_database()
    {
        await new Note { Text = "pg" }.SaveAsync("pg");
        Assert.Equal(1, await Note.Objects.Using("pg").CountAsync());
        var database = Executor.For("pg").Run("test", new Statement("SELECT current_database()", []), command => (string)command.ExecuteScalar()!);
        Assert.StartsWith("test_", database);
        Assert.Equal(["pg", "default"], site.Database.Aliases.OrderDescending());
    }
}

/// <summary>Django's TransactionTestCase: tests commit for real, and the tables are emptied after each.</summary>
public class TransactionTestCaseTests(NotesSite site) : TransactionTestCase(site.App, site.Database), IClassFixture<NotesSite>
{
    [Fact]
    public void Commits_happen_and_their_callbacks_run_first() => CommitOne();

    [Fact]
    public void Commits_happen_and_their_callbacks_run_second() => CommitOne();

    private static void CommitOne()
    {
        Assert.Equal(0, Note.Objects.Count()); // the other test's committed row was flushed
        var ran = false;
        Atomic.Run(() =>
        {
            Note.Objects.Create(new Note { Text = "committed" });
            Atomic.OnCommit(() => ran = true);
        });
        Assert.True(ran);
        Assert.Equal(1, Note.Objects.Count());
    }
}
