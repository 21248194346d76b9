using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Db;
using Nuages.Db.Migrations;
using Nuages.Management;

namespace Nuages.Tests.Db.Migrations;

/// <summary>makemigrations: the models compared with the migrations' state, the operations found, the C# file written.</summary>
[Collection("migrations")]
public class MakeMigrationsTests
{
    private static NuagesApp Site() => NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
    {
        s.Debug = true;
        s.Databases["default"] = Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-make-{Guid.NewGuid():N}.sqlite3"));
        s.InstalledApps.Add<Inventory.InventoryConfig>();
    });

    private static async Task<(int Code, string Output, string Error)> Run(NuagesApp app, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CommandLine(app, output, error).RunAsync(args, CancellationToken.None);
        return (code, output.ToString().Replace("\r", "", StringComparison.Ordinal), error.ToString());
    }

    [Fact]
    public void The_autodetector_finds_new_models_added_altered_and_removed_fields()
    {
        var app = Site();
        var changes = Autodetector.Changes(app.Apps, MigrationGraph.Load(app.Apps));
        Assert.Equal(["Create model Bin", "Alter unique_together for bin (1 constraint(s))", "Create index bin_code_desc on field(s) -code of model bin",
            "Alter field name on item", "Add field quantity to item", "Add field restocked to item", "Remove field obsolete from item"],
            changes["inventory"].Select(o => o.Describe()));
        var quantity = Assert.IsType<AddField>(changes["inventory"][4]);
        Assert.Equal(Field.Of<int>(@default: 0), quantity.Field); // a NOT NULL column gets a one-off default for the rows there
        var bin = Assert.IsType<CreateModel>(changes["inventory"][0]);
        Assert.Equal([("id", Field.Auto()), ("item", Field.ForeignKey("inventory.Item")), ("code", Field.Of<string>(maxLength: 10, unique: true))], bin.Fields);
    }

    [Fact]
    public async Task Without_a_terminal_a_not_null_field_without_a_default_stops_makemigrations_as_django_does()
    {
        var directory = Directory.CreateTempSubdirectory("nuages-make-").FullName;
        var (code, output, error) = await Run(Site(), "makemigrations", "--check", "--output", directory);
        Assert.Equal(3, code);
        Assert.Equal("Field 'quantity' on model 'item' not migrated: it is impossible to add a non-nullable field without specifying a default.\n", error.Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal("", output);
        Assert.Empty(Directory.GetFiles(directory));
    }

    [Fact]
    public async Task Makemigrations_writes_the_migration_as_a_csharp_class_in_the_apps_namespace()
    {
        var directory = Directory.CreateTempSubdirectory("nuages-make-").FullName;
        var output = new StringWriter();
        var code = await new CommandLine(Site(), output, new StringWriter(), new StringReader("1\n0\n")).RunAsync(["makemigrations", "inventory", "--name", "stock", "--output", directory], CancellationToken.None);
        Assert.Equal(0, code);
        Assert.StartsWith("It is impossible to add a non-nullable field 'quantity' to item without specifying a default. This is because the database needs something to populate existing rows.\n" +
            "Please select a fix:\n 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)\n 2) Quit and manually define a default value in the model.\nSelect an option: " +
            "Please enter the default value as a C# literal (\"text\", 12, 1.5m, true).\nType 'exit' to exit this prompt\n>>> Migrations for 'inventory':", output.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var source = File.ReadAllText(Path.Combine(directory, "_0002_stock.cs"));
        Assert.Contains("namespace Nuages.Tests.Db.Migrations.Inventory.Migrations;", source, StringComparison.Ordinal);
        Assert.Contains("public sealed class _0002_stock : Migration", source, StringComparison.Ordinal);
        Assert.Contains("public override IReadOnlyList<(string App, string Name)> Dependencies => [(\"inventory\", \"0001_initial\")];", source, StringComparison.Ordinal);
        Assert.Contains("            (\"item\", Field.ForeignKey(\"inventory.Item\")),", source, StringComparison.Ordinal);
        Assert.Contains("            (\"code\", Field.Of<string>(maxLength: 10, unique: true)),", source, StringComparison.Ordinal);
        Assert.Contains("        new AlterField(\"Item\", \"name\", Field.Of<string>(maxLength: 80)),", source, StringComparison.Ordinal);
        Assert.Contains("        new AddField(\"Item\", \"quantity\", Field.Of<int>(@default: 0)),", source, StringComparison.Ordinal);
        Assert.Contains("        new AddField(\"Item\", \"restocked\", Field.Of<global::System.DateOnly>(@null: true)),", source, StringComparison.Ordinal);
        Assert.Contains("        new RemoveField(\"Item\", \"obsolete\"),", source, StringComparison.Ordinal);
        Assert.Contains("        new AlterUniqueTogether(\"Bin\", [[\"item\", \"code\"]]),", source, StringComparison.Ordinal);
        Assert.Contains("        new AddIndex(\"Bin\", new ModelIndex(\"bin_code_desc\", [\"-code\"])),", source, StringComparison.Ordinal);
        var empty = await Run(Site(), "makemigrations", "inventory", "--empty", "--name", "data", "--output", directory);
        Assert.Equal("", empty.Error);
        Assert.Equal(0, empty.Code);
        Assert.Contains("    public override IReadOnlyList<Operation> Operations =>\n    [\n    ];", File.ReadAllText(Path.Combine(directory, "_0002_data.cs")).Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_warns_about_models_changed_without_a_migration()
    {
        var (code, output, _) = await Run(Site(), "check");
        Assert.Equal(0, code);
        Assert.Contains("?: (nuages.W002) Your models in app(s): 'inventory' have changes that are not yet reflected in a migration, and so won't be applied.\n\tHINT: Run 'makemigrations' to make new migrations, and then 'migrate' to apply them.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_latest_migrations_stop_migrate_until_makemigrations_merges_them()
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-branches-{Guid.NewGuid():N}.sqlite3"));
            s.InstalledApps.Add<Branches.BranchesConfig>();
        });
        var conflict = "CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: (0002_left, 0002_right in branches).\nTo fix them run 'makemigrations --merge'\n";
        Assert.Equal((1, conflict), ((await Run(app, "migrate")).Code, (await Run(app, "migrate")).Error.Replace("\r", "", StringComparison.Ordinal)));
        Assert.Equal(conflict, (await Run(app, "makemigrations")).Error.Replace("\r", "", StringComparison.Ordinal));
        var directory = Directory.CreateTempSubdirectory("nuages-merge-").FullName;
        var (code, output, _) = await Run(app, "makemigrations", "--merge", "--output", directory);
        Assert.Equal(0, code);
        Assert.StartsWith("Merging branches\n  Branch 0002_left\n  Branch 0002_right\n\nCreated new merge migration ", output, StringComparison.Ordinal);
        var source = File.ReadAllText(Path.Combine(directory, "_0003_merge_0002_left_0002_right.cs"));
        Assert.Contains("Dependencies => [(\"branches\", \"0002_left\"), (\"branches\", \"0002_right\")];", source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_that_went_and_one_that_came_alike_is_asked_about_as_a_rename()
    {
        NuagesApp Renames() => NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-renames-{Guid.NewGuid():N}.sqlite3"));
            s.InstalledApps.Add<Renames.RenamesConfig>();
        });
        var directory = Directory.CreateTempSubdirectory("nuages-rename-").FullName;
        var output = new StringWriter();
        Assert.Equal(0, await new CommandLine(Renames(), output, new StringWriter(), new StringReader("y\n")).RunAsync(["makemigrations", "--output", directory], CancellationToken.None));
        Assert.StartsWith("Was person.full_name renamed to person.display_name (a CharField)? [y/N] Migrations for 'renames':\n", output.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var source = File.ReadAllText(Path.Combine(directory, "_0002_rename_full_name_person_display_name.cs"));
        Assert.Contains("        new RenameField(\"Person\", \"full_name\", \"display_name\"),", source, StringComparison.Ordinal);
        // --noinput answers no: a removal and an addition — of a NOT NULL field with no default, which stops it, as Django's
        var (code, _, error) = await Run(Renames(), "makemigrations", "--noinput", "--dry-run", "--output", directory);
        Assert.Equal((3, "Field 'display_name' on model 'person' not migrated: it is impossible to add a non-nullable field without specifying a default.\n"), (code, error.Replace("\r", "", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_model_that_went_and_one_that_came_alike_is_asked_about_as_a_renamed_model()
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["default"] = Database.Sqlite(Path.Combine(Path.GetTempPath(), $"nuages-moves-{Guid.NewGuid():N}.sqlite3"));
            s.InstalledApps.Add<Moves.MovesConfig>();
        });
        var directory = Directory.CreateTempSubdirectory("nuages-moves-").FullName;
        var output = new StringWriter();
        Assert.Equal(0, await new CommandLine(app, output, new StringWriter(), new StringReader("y\n")).RunAsync(["makemigrations", "--output", directory], CancellationToken.None));
        Assert.StartsWith("Was the model moves.Customer renamed to Client? [y/N] Migrations for 'moves':\n", output.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("        new RenameModel(\"Customer\", \"Client\"),", File.ReadAllText(Path.Combine(directory, "_0002_rename_customer_client.cs")), StringComparison.Ordinal);
    }
}
