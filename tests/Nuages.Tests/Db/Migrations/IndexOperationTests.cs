using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Db;
using Nuages.Management;

namespace Nuages.Tests.Db.Migrations;

/// <summary>Indexes, fields unique together and separate state/database operations, both ways, on both engines.</summary>
[Collection("migrations")]
public class IndexOperationTests
{
    private static NuagesApp Site(string engine) => MigrationSite.Create(engine, s => { s.InstalledApps.Add<Ledger.LedgerConfig>(); }, "ledger_entry");

    private static async Task Migrate(NuagesApp app, params string[] target)
    {
        var error = new StringWriter();
        Assert.True(await new CommandLine(app, new StringWriter(), error).RunAsync(["migrate", .. target], CancellationToken.None) == 0, error.ToString());
    }

    private static List<string> Indexes() => Database.Connection.Vendor == "sqlite"
        ? [.. Database.Connection.Query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_entry' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name").Select(r => (string)r[0]!)]
        : [.. Database.Connection.Query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'ledger_entry' AND indexname NOT LIKE '%_pkey' ORDER BY indexname").Select(r => (string)r[0]!)];

    private static void Insert(int id, string account) =>
        Database.Connection.Execute("INSERT INTO ledger_entry (id, account, day, amount) VALUES (%s, %s, %s, %s)", id, account, new DateOnly(2024, 2, 29), 1.5m);

    [Theory]
    [MemberData(nameof(MigrationTests.Engines), MemberType = typeof(MigrationTests))]
    public async Task Indexes_and_unique_sets_are_made_renamed_and_dropped_both_ways(string engine)
    {
        var app = Site(engine);
        await Migrate(app, "ledger", "0001");
        Assert.Equal(["ledger_day_idx", "ledger_entry_account_day_uniq"], Indexes());
        Insert(1, "cash");
        Assert.Throws<IntegrityError>(() => Insert(2, "cash"));
        await Migrate(app, "ledger", "0002");
        Assert.Equal(["ledger_entry_account_day_uniq", "ledger_when_idx"], Indexes());
        await Migrate(app);
        Assert.Equal(["ledger_when_idx"], Indexes());
        Insert(2, "cash"); // no longer unique together
        Database.Connection.Execute("UPDATE ledger_entry SET note = %s, account = %s WHERE id = 2", "kept", new string('x', 40));
        await Migrate(app, "ledger", "0002"); // back: the column made apart from the state goes, the set is unique again
        Assert.Equal(["ledger_entry_account_day_uniq", "ledger_when_idx"], Indexes());
        Assert.Equal(2, Database.Connection.Query("SELECT id FROM ledger_entry").Count);
        await Migrate(app, "ledger", "0001");
        Assert.Equal(["ledger_day_idx", "ledger_entry_account_day_uniq"], Indexes());
        await Migrate(app, "ledger", "zero");
        Assert.Empty(Database.Connection.Query(Database.Connection.Vendor == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE name = 'ledger_entry'" : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'ledger_entry'"));
    }

    [Theory]
    [MemberData(nameof(MigrationTests.Engines), MemberType = typeof(MigrationTests))]
    public async Task A_many_to_many_field_makes_the_table_the_orm_uses_and_the_models_match_their_migration(string engine)
    {
        var app = MigrationSite.Create(engine, s => { s.InstalledApps.Add<Tags.TagsConfig>(); }, "tags_note_labels", "tags_note", "tags_label");
        // the models and their migration agree: nothing to make
        Assert.Empty(Nuages.Db.Migrations.Autodetector.Changes(app.Apps, Nuages.Db.Migrations.MigrationGraph.Load(app.Apps)));
        await Migrate(app);
        // the ORM reads and writes the relation through the table the migration made
        var note = new Tags.Note { Text = "hello" };
        await note.SaveAsync();
        var label = new Tags.Label { Name = "greeting" };
        await label.SaveAsync();
        await note.Labels.AddAsync(label);
        Assert.Equal(["greeting"], (await note.Labels.All().ToListAsync()).Select(l => l.Name));
        Assert.Single(Database.Connection.Query("SELECT note_id, label_id FROM tags_note_labels"));
        await Migrate(app, "tags", "zero");
        Assert.Empty(Database.Connection.Query(Database.Connection.Vendor == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE name LIKE 'tags_%'" : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'tags_%'"));
    }

    [Theory]
    [MemberData(nameof(MigrationTests.Engines), MemberType = typeof(MigrationTests))]
    public async Task Check_and_unique_constraints_are_added_and_removed_both_ways_with_the_rows_kept(string engine)
    {
        var app = MigrationSite.Create(engine, s => { s.InstalledApps.Add<Prices.PricesConfig>(); }, "prices_price");
        void Insert(string sku, decimal amount) => Database.Connection.Execute("INSERT INTO prices_price (sku, amount, currency) VALUES (%s, %s, 'EUR')", sku, amount);
        await Migrate(app, "prices", "0001");
        Insert("a", 1m);
        await Migrate(app, "prices", "0002");
        Assert.Throws<IntegrityError>(() => Insert("b", -1m));
        Assert.Throws<IntegrityError>(() => Insert("a", 2m));
        await Migrate(app);
        Insert("c", -5m); // the check is gone, the rows kept
        Assert.Throws<IntegrityError>(() => Insert("a", 2m));
        Database.Connection.Execute("DELETE FROM prices_price WHERE amount < 0");
        await Migrate(app, "prices", "0001");
        Insert("a", 3m); // both gone
        Assert.Equal(2, Database.Connection.Query("SELECT id FROM prices_price").Count);
    }

    [Theory]
    [MemberData(nameof(MigrationTests.Engines), MemberType = typeof(MigrationTests))]
    public async Task Deleting_a_model_drops_its_table_and_unapplying_makes_it_again_as_the_history_had_it(string engine)
    {
        var app = Site(engine);
        var drop = new MadeMigration("ledger", "0004_drop", [("ledger", "0003_relax")], [new Nuages.Db.Migrations.DeleteModel("Entry")]);
        var executor = new Nuages.Db.Migrations.MigrationExecutor(app.Apps) { Extra = [drop] };
        await executor.MigrateAsync();
        Assert.Empty(Indexes());
        Assert.ThrowsAny<DatabaseError>(() => Database.Connection.Query("SELECT 1 FROM ledger_entry")); // OperationalError on SQLite, ProgrammingError on PostgreSQL, as in Django
        await executor.MigrateAsync([("ledger", "0003_relax")]);
        // made again, empty, with the column the state had (note) and the index renamed in 0002
        Assert.Empty(Database.Connection.Query("SELECT id, account, day, amount, note FROM ledger_entry"));
        Assert.Equal(["ledger_when_idx"], Indexes());
    }
}
