using Microsoft.Extensions.Configuration;
using Npgsql;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Tests.Db;
using Nuages.Tests.Support;

namespace Nuages.Tests.Integration;

public sealed class CursorRow : Model<CursorRow>
{
    public int N { get; set; }
}

/// <summary>Iterator reads through a server-side cursor on PostgreSQL, unless DisableServerSideCursors says not to (as django/db/backends/base/base.py).</summary>
public class CursorTests
{
    [PostgresFact]
    public async Task Iterator_uses_a_cursor_unless_server_side_cursors_are_disabled()
    {
        var connectionString = Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!;
        OrmDatabase.Prepare("postgres", typeof(CursorRow));
        await CursorRow.Objects.Using("orm_postgres").BulkCreateAsync(Enumerable.Range(1, 5).Select(n => new CursorRow { N = n }));
        NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["cursor_on"] = Database.Postgres(connectionString + ";Application Name=nuages-cursor-on");
            s.Databases["cursor_off"] = Database.Postgres(connectionString + ";Application Name=nuages-cursor-off") with { DisableServerSideCursors = true };
        });
        await using var watcher = new NpgsqlConnection(connectionString);
        await watcher.OpenAsync();

        async Task<string> LastStatement(string alias)
        {
            var seen = "";
            var total = 0;
            await foreach (var row in CursorRow.Objects.Using(alias).OrderBy("n").IteratorAsync(chunkSize: 2))
            {
                total += row.N;
                if (row.N == 1)
                {
                    await using var command = new NpgsqlCommand("SELECT query FROM pg_stat_activity WHERE application_name = @app", watcher);
                    command.Parameters.AddWithValue("app", "nuages-" + alias.Replace('_', '-'));
                    seen = (string)(await command.ExecuteScalarAsync())!;
                }
            }
            Assert.Equal(15, total); // every row, either way
            return seen;
        }

        Assert.StartsWith("FETCH 2 FROM nuages_iterator", await LastStatement("cursor_on"));
        Assert.StartsWith("SELECT", await LastStatement("cursor_off"));
    }
}
