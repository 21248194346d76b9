using System.Data;
using System.Data.Common;
using Nuages.Async;
using Nuages.Db;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Db;

public sealed class ScopeRow : Nuages.Db.Models.Model<ScopeRow>
{
    public string Name { get; set; } = "";
}

/// <summary>A request's connection to an alias is opened once, shared by its statements, and given back when it ends.</summary>
public class ConnectionScopeTests
{
    [Fact]
    public async Task A_request_reuses_one_connection_per_alias_and_gives_it_back_at_its_end()
    {
        var alias = OrmDatabase.Prepare("sqlite", typeof(ScopeRow));
        var executor = Executor.For(alias);
        DbConnection first;
        using (ThreadSensitiveContext.Enter())
        {
            using (var lease = executor.Open()) first = lease.Connection;
            await using (var again = await executor.OpenAsync(CancellationToken.None))
            {
                Assert.Same(first, again.Connection);
                // the request's connection is busy: a statement awaited alongside gets its own rather than waiting
                using var alongside = executor.Open();
                Assert.NotSame(first, alongside.Connection);
            }
            await ScopeRow.Objects.Using(alias).CreateAsync(new ScopeRow { Name = "Ada" });
            Assert.Equal(1, ScopeRow.Objects.Using(alias).Count());
            Assert.Equal(ConnectionState.Open, first.State);
        }
        Assert.Equal(ConnectionState.Closed, first.State); // back in the driver's pool
        using var outside = executor.Open();
        Assert.NotSame(first, outside.Connection); // outside a request, each operation has its own
    }

    [Fact]
    public void A_connection_busy_when_the_request_ends_closes_when_its_statement_finishes()
    {
        var alias = OrmDatabase.Prepare("sqlite", typeof(ScopeRow));
        var executor = Executor.For(alias);
        Lease held;
        using (ThreadSensitiveContext.Enter()) held = executor.Open();
        Assert.Equal(ConnectionState.Open, held.Connection.State);
        held.Dispose();
        Assert.Equal(ConnectionState.Closed, held.Connection.State);
    }

    private static string _streamAlias = "";

    public static ValueTask<HttpResponse> Stream(HttpRequest request) => new(new StreamingHttpResponse(Rows()));

    private static async IAsyncEnumerable<string> Rows()
    {
        // while the body is sent, the request holds no connection any more
        yield return Flow.Current.Request?.Resource(static () => new ConnectionScope()) is null ? "released, rows: " : "held, rows: ";
        yield return (await ScopeRow.Objects.Using(_streamAlias).CountAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_connections_go_back_before_the_send_and_a_streaming_body_that_queries_takes_its_own()
    {
        _streamAlias = OrmDatabase.Prepare("sqlite", typeof(ScopeRow));
        await ScopeRow.Objects.Using(_streamAlias).CreateAsync(new ScopeRow { Name = "Ada" });
        // The serving site has the alias too: a request reaches its own site's databases only.
        var site = TestSite.Create(s => s.Databases[_streamAlias] = OrmDatabase.Settings("sqlite"), Path("stream/", Stream));
        var response = await new AsyncClient(site).GetAsync("/stream/");
        Assert.Equal("released, rows: 1", response.Text);
        Assert.Equal("released, rows: 1", new Client(site).Get("/stream/").Text);
    }
}
