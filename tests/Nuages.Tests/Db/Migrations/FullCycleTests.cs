using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Db;
using Nuages.Db.Migrations;
using Nuages.Tests.Db.Migrations.Inventory;

namespace Nuages.Tests.Db.Migrations;

/// <summary>A migration made by the autodetector (in memory, where makemigrations would write it), applied, checked against the models, and undone.</summary>
internal sealed class MadeMigration : Migration
{
    private readonly IReadOnlyList<(string App, string Name)> _dependencies;
    private readonly IReadOnlyList<Operation> _operations;

    private readonly IReadOnlyList<(string App, string Name)> _replaces = [];

    public MadeMigration(string app, string name, IReadOnlyList<(string App, string Name)> dependencies, IReadOnlyList<Operation> operations, IReadOnlyList<(string App, string Name)>? replaces = null)
    {
        _replaces = replaces ?? [];
        App = app;
        Name = name;
        _dependencies = dependencies;
        _operations = operations;
    }

    public override IReadOnlyList<(string App, string Name)> Dependencies => _dependencies;

    public override IReadOnlyList<Operation> Operations => _operations;

    public override IReadOnlyList<(string App, string Name)> Replaces => _replaces;
}

[Collection("migrations")]
public class FullCycleTests
{
    private static List<string> Schema(string table) => Database.Connection.Vendor == "sqlite"
        ? [.. Database.Connection.Query($"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}') ORDER BY cid").Select(r => string.Join("|", r))]
        : [.. Database.Connection.Query("SELECT column_name, data_type, is_nullable, coalesce(character_maximum_length, 0) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position", table).Select(r => string.Join("|", r))];

    private static List<string> IndexNames(string table) => Database.Connection.Vendor == "sqlite"
        ? [.. Database.Connection.Query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND name NOT LIKE 'sqlite_autoindex%%' ORDER BY name", table).Select(r => (string)r[0]!)]
        : [.. Database.Connection.Query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s AND indexname NOT LIKE '%%_pkey' ORDER BY indexname", table).Select(r => (string)r[0]!)];

    [Theory]
    [MemberData(nameof(MigrationTests.Engines), MemberType = typeof(MigrationTests))]
    public async Task Make_migrate_use_unmigrate_and_a_fresh_migrate_gives_the_same_schema(string engine)
    {
        var app = MigrationSite.Create(engine, s => { s.InstalledApps.Add<InventoryConfig>(); }, "inventory_bin", "inventory_item");
        await new MigrationExecutor(app.Apps).MigrateAsync(); // 0001: the model as it was
        Database.Connection.Execute("INSERT INTO inventory_item (name, obsolete) VALUES (%s, %s)", "kept", false);

        // makemigrations: what the models need now
        var changes = Autodetector.Changes(app.Apps, MigrationGraph.Load(app.Apps));
        var made = new MadeMigration("inventory", "0002_made", [("inventory", "0001_initial")], changes["inventory"]);
        var executor = new MigrationExecutor(app.Apps) { Extra = [made] };
        await executor.MigrateAsync();
        Assert.Empty(Autodetector.Changes(app.Apps, MigrationGraph.Load(app.Apps, null, [made]))); // the models and the migrations agree

        // the ORM works on what the migrations made, and the row that was there kept its name and got the defaults
        var item = await Item.Objects.GetAsync("name", "kept");
        Assert.Equal((0, (DateOnly?)null), (item.Quantity, item.Restocked));
        await new Bin { Item = item, Code = "A1" }.SaveAsync();
        await Assert.ThrowsAsync<IntegrityError>(async () => await new Bin { Item = item, Code = "A1" }.SaveAsync());
        var migrated = (Schema("inventory_item"), Schema("inventory_bin"), IndexNames("inventory_bin"));

        // back to zero, then a fresh migrate: the same tables
        await executor.MigrateAsync([("inventory", null)]);
        Assert.Empty(Schema("inventory_item"));
        await executor.MigrateAsync();
        Assert.Equal(migrated.Item1, Schema("inventory_item"));
        Assert.Equal(migrated.Item2, Schema("inventory_bin"));
        Assert.Equal(migrated.Item3, IndexNames("inventory_bin"));
    }
}

[Collection("migrations")]
public class ContentTypesMigrationTests
{
    [Theory]
    [MemberData(nameof(MigrationTests.Engines), MemberType = typeof(MigrationTests))]
    public async Task The_contenttypes_app_migrates_its_table_with_djangos_migration_names(string engine)
    {
        var app = MigrationSite.Create(engine, s => { s.InstalledApps.Add<Nuages.Contrib.ContentTypes.ContentTypesConfig>(); s.InstalledApps.Add<InventoryConfig>(); }, "django_content_type", "inventory_bin", "inventory_item");
        // the model and Django's two migrations agree
        Assert.False(Autodetector.Changes(app.Apps, MigrationGraph.Load(app.Apps)).ContainsKey("contenttypes"));
        await app.MigrateAsync();
        Assert.Equal(["contenttypes.0001_initial", "contenttypes.0002_remove_content_type_name"],
            Database.Connection.Query("SELECT app, name FROM django_migrations WHERE app = 'contenttypes' ORDER BY id").Select(r => $"{r[0]}.{r[1]}"));
        Assert.Equal(["id", "app_label", "model"], Schema("django_content_type").Select(c => c.Split('|')[0]));
        Assert.True(await Nuages.Db.Models.ContentType.IdForAsync(typeof(Item)) > 0);
        Assert.Equal(["inventory|item"], Database.Connection.Query("SELECT app_label, model FROM django_content_type").Select(r => $"{r[0]}|{r[1]}"));
    }

    private static List<string> Schema(string table) => Database.Connection.Vendor == "sqlite"
        ? [.. Database.Connection.Query($"SELECT name FROM pragma_table_info('{table}') ORDER BY cid").Select(r => (string)r[0]!)]
        : [.. Database.Connection.Query("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position", table).Select(r => (string)r[0]!)];
}

/// <summary>Keeps bins off every database: migrations skip their table and still record themselves, as Django's allow_migrate.</summary>
internal sealed class NoBinsRouter : IDatabaseRouter
{
    public bool? AllowMigrate(string alias, Type model) => model == typeof(Bin) ? false : null;
}

[Collection("migrations")]
public class MigrationRouterTests
{
    [Fact]
    public async Task A_router_that_refuses_a_model_keeps_its_operations_off_the_database()
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-router-{Guid.NewGuid():N}.sqlite3"));
            s.InstalledApps.Add<InventoryConfig>();
            s.DatabaseRouters.Add(new NoBinsRouter());
        });
        var made = new MadeMigration("inventory", "0002_made", [("inventory", "0001_initial")], Autodetector.Changes(app.Apps, MigrationGraph.Load(app.Apps))["inventory"]);
        await new MigrationExecutor(app.Apps) { Extra = [made] }.MigrateAsync();
        Assert.Equal(2, Database.Connection.Query("SELECT name FROM django_migrations WHERE app = 'inventory'").Count);
        Assert.Single(Database.Connection.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'inventory_item'"));
        Assert.Empty(Database.Connection.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'inventory_bin'"));
    }
}

[Collection("migrations")]
public class SquashTests
{
    [Fact]
    public void The_optimizer_folds_a_models_later_changes_into_its_creation()
    {
        var folded = MigrationOptimizer.Optimize(
        [
            new CreateModel("Post", [("id", Field.Auto()), ("title", Field.Of<string>(maxLength: 50))]),
            new AddField("Post", "views", Field.Of<int>(@default: 0)),
            new AlterField("Post", "title", Field.Of<string>(maxLength: 200)),
            new RenameField("Post", "views", "hits"),
            new CreateModel("Draft", [("id", Field.Auto())]),
            new DeleteModel("Draft"),
            new AddField("Tag", "slug", Field.Of<string>(maxLength: 20, @default: "")),
            new RemoveField("Tag", "slug"),
        ]);
        var create = Assert.IsType<CreateModel>(Assert.Single(folded));
        Assert.Equal([("id", Field.Auto()), ("title", Field.Of<string>(maxLength: 200)), ("hits", Field.Of<int>())], create.Fields);
    }

    [Fact]
    public async Task A_squashed_migration_replaces_those_it_folds_on_a_new_database_and_later_ones_follow_it()
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-squash-{Guid.NewGuid():N}.sqlite3"));
            s.InstalledApps.Add<Shelf.ShelfConfig>();
        });
        var directory = Directory.CreateTempSubdirectory("nuages-squash-").FullName;
        var output = new StringWriter();
        Assert.Equal(0, await new Nuages.Management.CommandLine(app, output, output).RunAsync(["squashmigrations", "shelf", "0004", "--output", directory], CancellationToken.None));
        Assert.StartsWith("Optimizing...\n  Optimized from 7 operations to ", output.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var source = File.ReadAllText(Path.Combine(directory, "_0001_squashed_0004_alter.cs"));
        Assert.Contains("public override IReadOnlyList<(string App, string Name)> Replaces => [(\"shelf\", \"0001_initial\"), (\"shelf\", \"0002_data\"), (\"shelf\", \"0003_rating\"), (\"shelf\", \"0004_alter\")];", source, StringComparison.Ordinal);
        Assert.Contains("new RunSql(\"INSERT INTO shelf_author", source, StringComparison.Ordinal);

        // what the file holds, in memory: a new database runs it instead of the four, then 0005
        var graph = MigrationGraph.Load(app.Apps);
        var four = new[] { "0001_initial", "0002_data", "0003_rating", "0004_alter" }.Select(n => graph.Nodes[("shelf", n)]).ToList();
        var squashed = new MadeMigration("shelf", "0001_squashed_0004_alter", [], MigrationOptimizer.Optimize(four.SelectMany(m => m.Operations)), [.. four.Select(m => (m.App, m.Name))]);
        var lines = new List<string>();
        await new MigrationExecutor(app.Apps) { Extra = [squashed] }.MigrateAsync(progress: lines.Add);
        Assert.Equal(["  Applying shelf.0001_squashed_0004_alter...", " OK", "  Applying shelf.0005_renames...", " OK"], lines);
        Assert.Equal(["1|A|1|100|3", "2|B|1|0|3"], Database.Connection.Query("SELECT id, name, author_id, pages, rating FROM shelf_volumes ORDER BY id").Select(r => string.Join("|", r)));
        // recorded with the migrations it replaces, as Django records a squashed migration
        Assert.Equal(6, Database.Connection.Query("SELECT name FROM django_migrations WHERE app = 'shelf'").Count);
    }

    [Fact]
    public async Task Optimizemigration_rewrites_a_migration_with_its_operations_folded()
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-fold-{Guid.NewGuid():N}.sqlite3"));
            s.InstalledApps.Add<Foldable.FoldableConfig>();
        });
        var directory = Directory.CreateTempSubdirectory("nuages-fold-").FullName;
        var output = new StringWriter();
        Assert.Equal(1, await new Nuages.Management.CommandLine(app, output, output).RunAsync(["optimizemigration", "foldable", "0001", "--check"], CancellationToken.None));
        Assert.Equal(0, await new Nuages.Management.CommandLine(app, output, output).RunAsync(["optimizemigration", "foldable", "0001", "--output", directory], CancellationToken.None));
        var source = File.ReadAllText(Path.Combine(directory, "_0001_initial.cs")).Replace("\r", "", StringComparison.Ordinal);
        Assert.Contains("        new CreateModel(\"Page\",\n        [\n            (\"id\", Field.Auto()),\n            (\"title\", Field.Of<string>(maxLength: 80)),\n        ]),\n    ];", source, StringComparison.Ordinal);
        Assert.StartsWith("Optimizing from 2 operations to 1 operations.\nOptimizing from 2 operations to 1 operations.\nOptimized migration ", output.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_migration_reads_and_writes_the_models_as_the_migrations_describe_them_then()
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-historical-{Guid.NewGuid():N}.sqlite3"));
            s.InstalledApps.Add<Shelf.ShelfConfig>();
        });
        IReadOnlyList<string>? fields = null;
        var data = new MadeMigration("shelf", "0004_ratings", [("shelf", "0003_rating")],
        [
            new RunCode(async context =>
            {
                var books = context.Model("Book"); // title, author, pages, rating, note: no "name" yet, whatever the class says
                fields = books.Fields;
                foreach (var row in await books.AllAsync())
                    await books.UpdateAsync(Convert.ToInt64(row["id"], System.Globalization.CultureInfo.InvariantCulture), new Dictionary<string, object?> { ["rating"] = row["pages"] is null ? 1 : 5 });
                await context.Model("Author").CreateAsync(new Dictionary<string, object?> { ["name"] = "Bo" });
            }, RunCode.Noop),
        ]);
        await new MigrationExecutor(app.Apps) { Extra = [data] }.MigrateAsync([("shelf", "0004_ratings")]);
        Assert.Equal(["id", "title", "author", "pages", "rating", "note"], fields);
        Assert.Equal(["1|5", "2|1"], Database.Connection.Query("SELECT id, rating FROM shelf_book ORDER BY id").Select(r => string.Join("|", r)));
        Assert.Equal(["Ann", "Bo"], Database.Connection.Query("SELECT name FROM shelf_author ORDER BY id").Select(r => (string)r[0]!));
    }
}
