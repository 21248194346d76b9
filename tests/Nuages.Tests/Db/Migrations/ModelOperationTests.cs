using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Db;
using Nuages.Management;

namespace Nuages.Tests.Db.Migrations;

/// <summary>Model operations forwards and backwards with the rows kept, on SQLite (table remakes) and PostgreSQL (ALTER TABLE).</summary>
[Collection("migrations")]
public class ModelOperationTests
{
    private static NuagesApp Site(string engine)
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = engine == "sqlite"
                ? Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-shelf-{Guid.NewGuid():N}.sqlite3"))
                : Database.Postgres(Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!);
            s.InstalledApps.Add<Shelf.ShelfConfig>();
        });
        if (engine == "postgres")
            Database.Connection.Execute("DROP TABLE IF EXISTS shelf_volumes, shelf_book, shelf_writer, shelf_author, django_migrations CASCADE");
        return app;
    }

    private static async Task Migrate(NuagesApp app, params string[] target)
    {
        var error = new StringWriter();
        var code = await new CommandLine(app, new StringWriter(), error).RunAsync(["migrate", .. target], CancellationToken.None);
        Assert.True(code == 0, error.ToString());
    }

    private static List<string> Rows(string sql) =>
        [.. Database.Connection.Query(sql).Select(r => string.Join("|", r.Select(v => v is null ? "NULL" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))];

    /// <summary>Each column: name, type, nullability — what a fresh migrate must give again.</summary>
    private static List<string> Columns(string table) => Database.Connection.Vendor == "sqlite"
        ? Rows($"SELECT name, type, \"notnull\" FROM pragma_table_info('{table}') ORDER BY cid")
        : Rows($"SELECT column_name, data_type, is_nullable, coalesce(character_maximum_length, 0) FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position");

    private static bool Exists(string table) => Database.Connection.Vendor == "sqlite"
        ? Database.Connection.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", table).Count == 1
        : Database.Connection.Query("SELECT 1 FROM information_schema.tables WHERE table_name = %s", table).Count == 1;

    [Theory]
    [MemberData(nameof(MigrationTests.Engines), MemberType = typeof(MigrationTests))]
    public async Task Rows_survive_adds_alters_renames_and_removals_both_ways(string engine)
    {
        var app = Site(engine);
        await Migrate(app, "shelf", "0003");
        Assert.Equal(["1|A|1|100|3|NULL", "2|B|1|NULL|3|NULL"], Rows("SELECT id, title, author_id, pages, rating, note FROM shelf_book ORDER BY id"));
        await Migrate(app, "shelf", "0004");
        Assert.Equal(["1|A|1|100|3|NULL", "2|B|1|0|3|NULL"], Rows("SELECT id, title, author_id, pages, rating, note FROM shelf_book ORDER BY id"));
        Assert.Throws<IntegrityError>(() => Database.Connection.Execute("INSERT INTO shelf_book (id, title, author_id, pages, rating) VALUES (3, 'C', 1, NULL, 1)"));
        await Migrate(app);
        Assert.False(Exists("shelf_book"));
        Assert.False(Exists("shelf_author"));
        Assert.Equal(["1|Ann"], Rows("SELECT id, name FROM shelf_writer"));
        Assert.Equal(["1|A|1|100|3", "2|B|1|0|3"], Rows("SELECT id, name, author_id, pages, rating FROM shelf_volumes ORDER BY id"));
        var migrated = Columns("shelf_volumes");

        // back, step by step: each shape again, the rows with it
        await Migrate(app, "shelf", "0004");
        Assert.Equal(["1|A|1|100|3|NULL", "2|B|1|0|3|NULL"], Rows("SELECT id, title, author_id, pages, rating, note FROM shelf_book ORDER BY id"));
        Assert.Equal(["1|Ann"], Rows("SELECT id, name FROM shelf_author"));
        await Migrate(app, "shelf", "0002");
        Assert.Equal(["1|A|1|100", "2|B|1|0"], Rows("SELECT id, title, author_id, pages FROM shelf_book ORDER BY id"));
        Assert.Equal(4, Columns("shelf_book").Count);
        Database.Connection.Execute("INSERT INTO shelf_book (id, title, author_id, pages) VALUES (3, 'C', 1, NULL)"); // NULL allowed again
        await Migrate(app, "shelf", "zero");
        Assert.False(Exists("shelf_book"));
        Assert.False(Exists("shelf_author"));

        // a fresh migrate gives the same table
        await Migrate(app);
        Assert.Equal(migrated, Columns("shelf_volumes"));
    }

    [Theory]
    [MemberData(nameof(MigrationTests.Engines), MemberType = typeof(MigrationTests))]
    public async Task Sqlmigrate_shows_the_ddl_of_model_operations(string engine)
    {
        var app = Site(engine);
        var output = new StringWriter();
        Assert.Equal(0, await new CommandLine(app, output, output).RunAsync(["sqlmigrate", "shelf", "0001"], CancellationToken.None));
        var text = output.ToString().Replace("\r", "", StringComparison.Ordinal);
        var id = engine == "sqlite" ? "integer NOT NULL PRIMARY KEY AUTOINCREMENT" : "bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY";
        var integer = engine == "sqlite" ? "integer" : "bigint";
        Assert.Equal("BEGIN;\n--\n-- Create model Author\n--\n" +
            $"CREATE TABLE \"shelf_author\" (\"id\" {id}, \"name\" varchar(100) NOT NULL);\n--\n-- Create model Book\n--\n" +
            $"CREATE TABLE \"shelf_book\" (\"id\" {id}, \"title\" varchar(200) NOT NULL, \"author_id\" {integer} NOT NULL REFERENCES \"shelf_author\" (\"id\") DEFERRABLE INITIALLY DEFERRED, \"pages\" integer NULL);\n" +
            "CREATE INDEX \"shelf_book_author_id_idx\" ON \"shelf_book\" (\"author_id\");\nCOMMIT;\n", text);
    }

    [Fact]
    public async Task Tables_made_by_django_are_adopted_with_fake_initial_and_migrated_further()
    {
        var app = Site("sqlite");
        // the tables Django 3.2/5.2 makes for the same models (Vectors/django_shelf_ddl.py), and no record of them
        foreach (var statement in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Db", "Migrations", "Vectors", "django_shelf_ddl.sqlite.sql")))
            Database.Connection.Execute(statement.TrimEnd(';'));
        var output = new StringWriter();
        Assert.Equal(0, await new CommandLine(app, output, output).RunAsync(["migrate", "--fake-initial"], CancellationToken.None));
        Assert.Contains("  Applying shelf.0001_initial... FAKED\n  Applying shelf.0002_data... OK\n", output.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(["1|A|1|100|3", "2|B|1|0|3"], Rows("SELECT id, name, author_id, pages, rating FROM shelf_volumes ORDER BY id"));
        Assert.Equal(["1|Ann"], Rows("SELECT id, name FROM shelf_writer"));
        // without the flag, the initial migration would have failed on the tables that are there
        var fresh = Site("sqlite");
        foreach (var statement in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Db", "Migrations", "Vectors", "django_shelf_ddl.sqlite.sql")))
            Database.Connection.Execute(statement.TrimEnd(';'));
        await Assert.ThrowsAsync<OperationalError>(() => new CommandLine(fresh, new StringWriter(), new StringWriter()).RunAsync(["migrate"], CancellationToken.None));
    }
}
