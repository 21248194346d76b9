using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Db;
using Nuages.Db.Migrations;
using Nuages.Management;

namespace Nuages.Tests.Db.Migrations;

/// <summary>Migrations applied, unapplied, faked and recorded as Django records them, on SQLite and PostgreSQL.</summary>
[Collection("migrations")]
public class MigrationTests
{
    public static TheoryData<string> Engines()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES") is { Length: > 0 }) data.Add("postgres");
        return data;
    }

    private static NuagesApp Site(string engine) => MigrationSite.Create(engine, s => { s.InstalledApps.Add<Journal.JournalConfig>(); s.InstalledApps.Add<Library.LibraryConfig>(); }, "library_book", "journal_entry");

    private static async Task<(int Code, string Output, string Error)> Run(NuagesApp app, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CommandLine(app, output, error).RunAsync(args, CancellationToken.None);
        return (code, output.ToString().Replace("\r", "", StringComparison.Ordinal), error.ToString());
    }

    private static List<string> Recorded() =>
        [.. Database.Connection.Query("SELECT app, name FROM django_migrations ORDER BY id").Select(r => $"{r[0]}.{r[1]}")];

    private static List<string> Entries() =>
        [.. Database.Connection.Query("SELECT title, words FROM journal_entry ORDER BY id").Select(r => $"{r[0]}:{r[1]}")];

    private static bool TableExists(string table) => Database.Connection.Vendor == "sqlite"
        ? Database.Connection.Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", table).Count == 1
        : Database.Connection.Query("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = %s", table).Count == 1;

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Migrate_applies_in_dependency_order_records_as_django_and_runs_data_migrations(string engine)
    {
        var app = Site(engine);
        var (code, output, error) = await Run(app, "migrate");
        Assert.Equal((0, ""), (code, error));
        Assert.Equal(
            "Operations to perform:\n  Apply all migrations: journal, library\nRunning migrations:\n" +
            "  Applying journal.0001_initial... OK\n  Applying journal.0002_add_words... OK\n  Applying journal.0003_fill_words... OK\n" +
            "  Applying library.0001_initial... OK\n  Applying library.0002_irreversible... OK\n", output);
        Assert.Equal(["journal.0001_initial", "journal.0002_add_words", "journal.0003_fill_words", "library.0001_initial", "library.0002_irreversible"], Recorded());
        Assert.Equal(["one:3", "three; with a semicolon:23"], Entries());
        Assert.Equal("Operations to perform:\n  Apply all migrations: journal, library\nRunning migrations:\n  No migrations to apply.\n", (await Run(app, "migrate")).Output);
        Assert.Equal("journal\n [X] 0001_initial\n [X] 0002_add_words\n [X] 0003_fill_words\nlibrary\n [X] 0001_initial\n [X] 0002_irreversible\n", (await Run(app, "showmigrations")).Output);
        Assert.DoesNotContain("nuages.W003", (await Run(app, "check")).Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Migrating_back_unapplies_the_dependents_first_and_an_irreversible_migration_stops_it(string engine)
    {
        var app = Site(engine);
        Assert.Contains("?: (nuages.W003) You have 5 unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): journal, library.\n\tHINT: Run 'migrate' to apply them.",
            (await Run(app, "check")).Output, StringComparison.Ordinal);
        Assert.Equal(0, (await Run(app, "migrate", "journal", "0002")).Code); // only what 0002 needs
        Assert.Equal(["journal.0001_initial", "journal.0002_add_words"], Recorded());
        Assert.Equal(0, (await Run(app, "migrate", "library", "0001")).Code);
        Assert.Equal("[X]  journal.0001_initial\n[X]  journal.0002_add_words\n[ ]  journal.0003_fill_words\n[X]  library.0001_initial\n[ ]  library.0002_irreversible\n",
            (await Run(app, "showmigrations", "--plan")).Output);
        // back to journal 0001: library.0001 depends on journal.0002, so it goes first, its data with it
        var (code, output, _) = await Run(app, "migrate", "journal", "0001");
        Assert.Equal(0, code);
        Assert.EndsWith("Running migrations:\n  Unapplying library.0001_initial... OK\n  Unapplying journal.0002_add_words... OK\n", output);
        Assert.False(TableExists("library_book"));
        Assert.Equal(["one", "three; with a semicolon"], Database.Connection.Query("SELECT title FROM journal_entry ORDER BY id").Select(r => (string)r[0]!));
        // forwards again, then zero through an irreversible migration: refused, nothing undone
        Assert.Equal(0, (await Run(app, "migrate")).Code);
        var refused = await Run(app, "migrate", "journal", "zero");
        Assert.Equal(1, refused.Code);
        Assert.Equal("IrreversibleError: Operation Raw SQL operation in library.0002_irreversible is not reversible\n", refused.Error.Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal(5, Recorded().Count);
        Assert.Equal("Planned operations:\nlibrary.0002_irreversible\n    Undo Raw SQL operation -> IRREVERSIBLE\nlibrary.0001_initial\n    Undo Raw code operation\n    Undo Raw SQL operation\n",
            (await Run(app, "migrate", "library", "zero", "--plan")).Output);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Fake_records_without_running_and_zero_unapplies_an_app(string engine)
    {
        var app = Site(engine);
        var (code, output, _) = await Run(app, "migrate", "journal", "0001", "--fake");
        Assert.Equal(0, code);
        Assert.EndsWith("  Applying journal.0001_initial... FAKED\n", output);
        Assert.False(TableExists("journal_entry"));
        Assert.Equal(["journal.0001_initial"], Recorded());
        Assert.Equal(0, (await Run(app, "migrate", "journal", "zero", "--fake")).Code);
        Assert.Empty(Recorded());
        Assert.Equal(0, (await Run(app, "migrate", "journal")).Code);
        Assert.True(TableExists("journal_entry"));
        Assert.Equal(0, (await Run(app, "migrate", "journal", "zero")).Code);
        Assert.False(TableExists("journal_entry"));
        Assert.Empty(Recorded());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Sqlmigrate_prints_a_migrations_statements_in_a_transaction(string engine)
    {
        var app = Site(engine);
        var (code, output, _) = await Run(app, "sqlmigrate", "journal", "0001");
        Assert.Equal(0, code);
        Assert.Equal("BEGIN;\n--\n-- Raw SQL operation\n--\nCREATE TABLE journal_entry (id integer NOT NULL PRIMARY KEY, title varchar(100) NOT NULL);\n--\n-- Raw SQL operation\n--\n" +
            "INSERT INTO journal_entry (id, title) VALUES (1, 'one');\nINSERT INTO journal_entry (id, title) VALUES (2, 'three; with a semicolon');\nCOMMIT;\n", output);
        Assert.Equal("BEGIN;\n--\n-- Raw SQL operation\n--\nALTER TABLE journal_entry DROP COLUMN words;\nCOMMIT;\n", (await Run(app, "sqlmigrate", "journal", "0002", "--backwards")).Output);
        Assert.Equal("CommandError: Cannot find a migration matching '0009' from app 'journal'.\n", (await Run(app, "sqlmigrate", "journal", "0009")).Error.Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_history_that_skips_a_dependency_is_refused_naming_both(string engine)
    {
        var app = Site(engine);
        await MigrationRecorder.EnsureSchemaAsync("default");
        Database.Connection.Execute("INSERT INTO django_migrations (app, name, applied) VALUES ('library', '0001_initial', CURRENT_TIMESTAMP)");
        var (code, _, error) = await Run(app, "migrate");
        Assert.Equal(1, code);
        Assert.Equal("InconsistentMigrationHistory: Migration library.0001_initial is applied before its dependency journal.0002_add_words on database 'default'.\n", error.Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Two_migrations_at_once_apply_each_migration_once(string engine)
    {
        var app = Site(engine);
        await MigrationRecorder.EnsureSchemaAsync("default");
        using var scope = app.Enter();
        var a = new MigrationExecutor(app.Apps);
        var b = new MigrationExecutor(app.Apps);
        await Task.WhenAll(Task.Run(() => a.MigrateAsync()), Task.Run(() => b.MigrateAsync()));
        Assert.Equal(5, Recorded().Count);
        Assert.Equal(5, Recorded().Distinct().Count());
        Assert.Equal(["one:3", "three; with a semicolon:23"], Entries());
    }
}
