using Microsoft.Extensions.Configuration;
using Nuages.Db;

namespace Nuages.Tests.Db.Migrations;

/// <summary>A site for migration tests: a new SQLite file, or the PostgreSQL test database with the app's tables dropped first.</summary>
internal static class MigrationSite
{
    public static NuagesApp Create(string engine, Action<Nuages.Conf.Settings> apps, params string[] tables)
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = engine == "sqlite"
                ? Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-migrations-{Guid.NewGuid():N}.sqlite3"))
                : Database.Postgres(Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!);
            apps(s);
        });
        if (engine == "postgres") Database.Connection.Execute($"DROP TABLE IF EXISTS {string.Join(", ", tables.Append("django_migrations"))} CASCADE");
        return app;
    }
}
