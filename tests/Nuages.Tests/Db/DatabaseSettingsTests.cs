using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Db;

namespace Nuages.Tests.Db;

/// <summary>Pool sizes and timeouts come from the settings; a misconfiguration fails when the site is created (Django's O-30 check, in .NET terms).</summary>
public class DatabaseSettingsTests
{
    private static ImproperlyConfiguredException Refused(DatabaseSettings database) =>
        Assert.Throws<ImproperlyConfiguredException>(() => NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
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
    public void Misconfigured_pools_fail_at_startup_naming_the_alias() // spec O-30, as Nuages has it
    {
        Assert.Equal("Settings.Databases[\"shop\"]: Maximum Pool Size is set both in the connection string and in the settings: say it once.",
            Refused(Database.Postgres("Host=db;Maximum Pool Size=5") with { MaxPoolSize = 10 }).Message);
        Assert.Equal("Settings.Databases[\"shop\"]: Pooling=false in the connection string, so MaxPoolSize and MinPoolSize cannot apply.",
            Refused(Database.Postgres("Host=db;Pooling=false") with { MaxPoolSize = 10 }).Message);
        Assert.Equal("Settings.Databases[\"shop\"]: MinPoolSize (20) is above MaxPoolSize (10).",
            Refused(Database.Postgres("Host=db") with { MaxPoolSize = 10, MinPoolSize = 20 }).Message);
        Assert.StartsWith("Settings.Databases[\"shop\"]: SQLite has no pool size",
            Refused(Database.Sqlite("shop.sqlite3") with { MaxPoolSize = 3 }).Message);
    }
}
