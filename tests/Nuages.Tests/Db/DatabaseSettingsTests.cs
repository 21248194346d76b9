using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Db;

namespace Nuages.Tests.Db;

/// <summary>Pool sizes and timeouts come from the settings; a misconfiguration fails when the site is created (Django's O-30 check, in .NET terms).</summary>
public class DatabaseSettingsTests
{
    private static ImproperlyConfigured Refused(DatabaseSettings database) =>
        Assert.Throws<ImproperlyConfigured>(() => NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["shop"] = database;
        }));

    [Fact]
    public void Pool_options_reach_the_driver()
    {
        var effective = (Database.Postgres("Host=db;Database=shop") with
        {
            MaxPoolSize = 7, MinPoolSize = 2, ConnectTimeout = TimeSpan.FromSeconds(3), CommandTimeout = TimeSpan.FromMilliseconds(1500),
        }).Effective("shop");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(effective);
        Assert.Equal((7, 2, 3, 2), (builder.MaxPoolSize, builder.MinPoolSize, builder.Timeout, builder.CommandTimeout));
        Assert.Equal(5, new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder((Database.Sqlite("a.sqlite3") with { CommandTimeout = TimeSpan.FromSeconds(5) }).Effective("x")).DefaultTimeout);
    }

    [Fact]
    public void Sqlite_blocks_begin_immediate_unless_told_deferred()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nuages-mode-{Guid.NewGuid():N}.sqlite3");
        NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["mode_immediate"] = Database.Sqlite(path);
            s.Databases["mode_deferred"] = Database.Sqlite(path) with { TransactionMode = SqliteTransactionMode.Deferred };
        });
        Executor.For("mode_immediate").Run("test", new Statement("CREATE TABLE IF NOT EXISTS t (x integer)", []), c => c.ExecuteNonQuery());
        // a deferred block that has only read holds no write lock: another connection can still write…
        using (Atomic.Begin("mode_deferred"))
        {
            Executor.For("mode_deferred").Read("test", new Statement("SELECT COUNT(*) FROM t", []), r => r.GetInt64(0));
            Assert.Equal(1, Executor.For("mode_immediate").Run("test", new Statement("INSERT INTO t VALUES (1)", []), c => c.ExecuteNonQuery()));
        }
        // …an immediate one holds it from BEGIN: another writer waits out the busy timeout and fails
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Default Timeout=1");
        connection.Open();
        using (Atomic.Begin("mode_immediate"))
        {
            Executor.For("mode_immediate").Read("test", new Statement("SELECT COUNT(*) FROM t", []), r => r.GetInt64(0));
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO t VALUES (2)";
            Assert.Contains("locked", Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQuery()).Message);
        }
        connection.Dispose();
    }

    [Fact]
    public void Misconfigured_pools_fail_at_startup_naming_the_alias() // as django/db/backends/base/base.py does, as Nuages has it
    {
        Assert.Equal("Settings.Databases[\"shop\"]: Maximum Pool Size is set both in the connection string and in the settings: say it once.",
            Refused(Database.Postgres("Host=db;Maximum Pool Size=5") with { MaxPoolSize = 10 }).Message);
        Assert.Equal("Settings.Databases[\"shop\"]: Pooling=false in the connection string, so MaxPoolSize and MinPoolSize cannot apply.",
            Refused(Database.Postgres("Host=db;Pooling=false") with { MaxPoolSize = 10 }).Message);
        Assert.Equal("Settings.Databases[\"shop\"]: MinPoolSize (20) is above MaxPoolSize (10).",
            Refused(Database.Postgres("Host=db") with { MaxPoolSize = 10, MinPoolSize = 20 }).Message);
        Assert.StartsWith("Settings.Databases[\"shop\"]: SQLite has no pool size",
            Refused(Database.Sqlite("shop.sqlite3") with { MaxPoolSize = 3 }).Message);
        Assert.Equal("Settings.Databases[\"shop\"]: TransactionMode must be Immediate, Deferred or Exclusive, not 7.",
            Refused(Database.Sqlite("shop.sqlite3") with { TransactionMode = (SqliteTransactionMode)7 }).Message);
        Assert.StartsWith("Settings.Databases[\"shop\"]: TransactionMode is SQLite's", Refused(Database.Postgres("Host=db") with { TransactionMode = SqliteTransactionMode.Deferred }).Message);
    }
}
