using Npgsql;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Http;
using Nuages.Tests.Db;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

public sealed class CancelRow : Model<CancelRow>
{
    public int Hits { get; set; }
}

/// <summary>
/// A client that leaves cancels the reads of its request on PostgreSQL itself, seen in pg_stat_activity, while its
/// writes run to completion. The table is held by an exclusive lock from the test, so the request's statement waits
/// in the server until the test decides.
/// </summary>
public class DbCancellationTests
{
    private const string Alias = "cancel_pg";
    private const string ApplicationName = "nuages-cancel-test";
    private static readonly TimeSpan Bounded = PgActivity.Bounded;
    private static readonly TaskCompletionSource<string> ReadCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly TaskCompletionSource<long> WriteDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly TaskCompletionSource WriteAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<HttpResponse> Read(HttpRequest request)
    {
        try
        {
            return new HttpResponse((await CancelRow.Objects.Using(Alias).CountAsync()).ToString());
        }
        catch (OperationCanceledException e)
        {
            ReadCancelled.TrySetResult(e.GetType().Name);
            throw;
        }
    }

    public static async Task<HttpResponse> Write(HttpRequest request)
    {
        // Registered before the statement starts, so it runs after anything the statement registers on the token
        // (a CancellationTokenSource runs its callbacks last-registered first): when it has run, a cancel that the
        // write wrongly took from the request would already have been sent to PostgreSQL.
        request.Aborted.Register(() => WriteAborted.TrySetResult());
        var updated = await CancelRow.Objects.Using(Alias).UpdateAsync(new { Hits = new F("hits") + 1 });
        WriteDone.TrySetResult(updated);
        return new HttpResponse("written");
    }

    [PostgresFact]
    public async Task A_disconnect_cancels_the_read_in_postgres_but_not_the_write()
    {
        var connectionString = Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!;
        OrmDatabase.Prepare("postgres", typeof(CancelRow));
        await CancelRow.Objects.Using("orm_postgres").CreateAsync(new CancelRow());
        var site = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.Databases[Alias] = Database.Postgres(connectionString + $";Application Name={ApplicationName}");
        }, Path("read/", Read), Path("write/", Write));
        await using var server = await site.StartAsync("127.0.0.1:0");

        await using var watcher = new NpgsqlConnection(connectionString);
        await watcher.OpenAsync();
        await using (var locker = new NpgsqlConnection(connectionString))
        {
            await locker.OpenAsync();
            await using var transaction = await locker.BeginTransactionAsync();
            await Execute(locker, "LOCK TABLE cancel_row IN ACCESS EXCLUSIVE MODE", transaction);

            using (await PgActivity.Send(server, "/read/"))
            {
                await WaitFor(watcher, "SELECT COUNT(*)%", present: true); // the read waits on the lock, in PostgreSQL
            }
            // the client left: the request's token cancelled the statement in the server, though the lock is still held
            await WaitFor(watcher, "SELECT COUNT(*)%", present: false);
            Assert.Equal(nameof(OperationCanceledException), await ReadCancelled.Task.WaitAsync(Bounded));

            using (await PgActivity.Send(server, "/write/"))
            {
                await WaitFor(watcher, "UPDATE %", present: true);
            }
            await WriteAborted.Task.WaitAsync(Bounded); // the server has seen the client leave
            await WaitFor(watcher, "UPDATE %", present: true);
            await transaction.RollbackAsync(); // release the lock
        }
        Assert.Equal(1, await WriteDone.Task.WaitAsync(Bounded)); // the write ran to completion after the client left
        Assert.Equal(1, (await CancelRow.Objects.Using(Alias).GetAsync()).Hits);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Waits until an active statement of the site like <paramref name="pattern"/> is there, or is gone.</summary>
    private static Task WaitFor(NpgsqlConnection watcher, string pattern, bool present) =>
        PgActivity.WaitForCount(watcher, ApplicationName, "state = 'active' AND query LIKE @pattern", present ? 1 : 0, pattern);
}
