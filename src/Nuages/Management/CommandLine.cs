using Nuages.Gateways;
using Nuages.Conf;

namespace Nuages.Management;

/// <summary>The commands of a site's program, as Django's <c>manage.py</c>: runserver, check, routes.</summary>
internal sealed class CommandLine(NuagesApp app, TextWriter output, TextWriter error, TextReader? input = null)
{
    /// <summary>Where questions are answered: the console when it is a terminal, else nowhere (every answer is no).</summary>
    private TextReader? Input => input ?? (Console.IsInputRedirected ? null : Console.In);

    private const string Usage =
        "Usage: <site> [command] [options]\n\n" +
        "Commands:\n" +
        "  runserver [addr:port] [--gateway async|sync] [--threads N]\n" +
        "                          Serve the site (default 127.0.0.1:8000) over HTTP/1.1 and HTTP/2 (h2c),\n" +
        "                          with the async gateway (default) or the sync one on N threads (default SyncWorkers).\n" +
        "  check [--deploy]        Report configuration problems; exit code 1 if there are errors.\n" +
        "  routes                  Print the URL patterns, their names and views.\n" +
        "  migrate [app [name|zero]] [--database A] [--fake] [--fake-initial] [--plan]\n" +
        "                          Apply (or unapply, to a target) the installed apps' migrations, then create the\n" +
        "                          missing tables of models whose app has no migrations.\n" +
        "  makemigrations [app ...] [--check] [--dry-run] [--empty] [--merge] [--noinput] [--name N] [--output DIR]\n" +
        "                          Write the migrations the models need, as C# classes in each app's Migrations folder.\n" +
        "  squashmigrations app [start] end [--squashed-name N] [--output DIR]\n" +
        "                          Write one migration replacing a run of an app's migrations, operations folded.\n" +
        "  optimizemigration app name [--check] [--output DIR]\n" +
        "                          Rewrite a migration with its operations folded.\n" +
        "  showmigrations [app] [--plan] [--database A]\n" +
        "                          List the migrations, [X] for those applied.\n" +
        "  sqlmigrate [app name [--backwards]] [--database A]\n" +
        "                          Print a migration's SQL; without app and name, the tables migrate would create.\n" +
        "  dbshell [--database A] [-- ARGS]\n" +
        "                          Run the database's command-line client (sqlite3 or psql) with the alias' settings.\n" +
        "  createcachetable [--database A] [--dry-run]\n" +
        "                          Make the tables of the database caches (Backend \"db\") on that database.\n" +
        "  clearsessions           Remove expired sessions from the session engine's store (db, cached_db).\n" +
        "  createsuperuser [--username U] [--email E] [--noinput] [--database A]\n" +
        "                          Make a superuser (auth app); --noinput reads the password from NUAGES_SUPERUSER_PASSWORD.\n" +
        "  changepassword [username] [--database A]\n" +
        "                          Set a user's password (auth app), asked twice.\n" +
        "  help                    Show this text.\n";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var command = args.Length == 0 ? "runserver" : args[0];
        var rest = args.Skip(1).ToArray();
        switch (command)
        {
            case "runserver":
                return await RunServerAsync(rest, cancellationToken).ConfigureAwait(false);
            case "check":
                return await CheckAsync(rest).ConfigureAwait(false);
            case "routes":
                return Routes();
            case "migrate":
                return await MigrateAsync(rest).ConfigureAwait(false);
            case "makemigrations":
                return await MakeMigrationsAsync(rest).ConfigureAwait(false);
            case "optimizemigration":
                return await OptimizeMigrationAsync(rest).ConfigureAwait(false);
            case "squashmigrations":
                return await SquashMigrationsAsync(rest).ConfigureAwait(false);
            case "showmigrations":
                return await ShowMigrationsAsync(rest).ConfigureAwait(false);
            case "sqlmigrate":
                return await SqlMigrateAsync(rest).ConfigureAwait(false);
            case "dbshell":
                return await DbShellAsync(rest, cancellationToken).ConfigureAwait(false);
            case "createcachetable":
                return await CreateCacheTableAsync(rest, cancellationToken).ConfigureAwait(false);
            case "clearsessions":
                return await ClearSessionsAsync(cancellationToken).ConfigureAwait(false);
            case "createsuperuser":
                return await CreateSuperuserAsync(rest).ConfigureAwait(false);
            case "changepassword":
                return await ChangePasswordAsync(rest).ConfigureAwait(false);
            case "help" or "--help" or "-h":
                await output.WriteAsync(Usage).ConfigureAwait(false);
                return 0;
            default:
                await error.WriteAsync($"Unknown command: '{command}'.\n\n{Usage}").ConfigureAwait(false);
                return 2;
        }
    }

    /// <summary>The options of a command: <c>--database A</c>, flags, and the positional arguments.</summary>
    private static (string Alias, HashSet<string> Flags, List<string> Positional) Options(string[] args)
    {
        var alias = Db.Database.DefaultAlias;
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--database" && i + 1 < args.Length) alias = args[++i];
            else if (args[i].StartsWith("--", StringComparison.Ordinal)) flags.Add(args[i]);
            else positional.Add(args[i]);
        }
        return (alias, flags, positional);
    }

    /// <summary>The models whose app has no migrations: their tables are made as they are (Django's <c>--run-syncdb</c>).</summary>
    private IReadOnlyList<Type> Unmigrated(Db.Migrations.MigrationGraph graph) =>
        [.. app.AllModels.Where(m => Apps.AppConfig.Of(m) is not { } config || !graph.HasMigrations(config.Label))];

    private async Task<int> MigrateAsync(string[] args)
    {
        var (alias, flags, positional) = Options(args);
        var executor = new Db.Migrations.MigrationExecutor(app.Apps, alias);
        List<(string App, string? Name)>? targets = null;
        var graph = Db.Migrations.MigrationGraph.Load(app.Apps);
        if (graph.Conflicts() is { Count: > 0 } conflicts)
        {
            await error.WriteLineAsync("CommandError: " + Db.Migrations.MigrationGraph.ConflictMessage(conflicts)).ConfigureAwait(false);
            return 1;
        }
        try
        {
            if (positional.Count > 0)
            {
                var label = positional[0];
                if (!app.Apps.IsInstalled(label)) { await error.WriteLineAsync($"CommandError: No installed app with label '{label}'.").ConfigureAwait(false); return 1; }
                if (!graph.HasMigrations(label)) { await error.WriteLineAsync($"CommandError: App '{label}' does not have migrations.").ConfigureAwait(false); return 1; }
                if (positional.Count > 1)
                {
                    var name = positional[1];
                    if (name == "zero") targets = [(label, null)];
                    else
                    {
                        var matches = graph.Nodes.Keys.Where(k => k.App == label && k.Name.StartsWith(name, StringComparison.Ordinal)).ToList();
                        if (matches.Count != 1)
                        {
                            await error.WriteLineAsync(matches.Count == 0
                                ? $"CommandError: Cannot find a migration matching '{name}' from app '{label}'."
                                : $"CommandError: More than one migration matches '{name}' in app '{label}'. Please be more specific.").ConfigureAwait(false);
                            return 1;
                        }
                        targets = [(label, matches[0].Name)];
                    }
                }
                else targets = [.. graph.Leaves(label).Select(l => (l.App, (string?)l.Name))];
            }
            var plan = await executor.PlanAsync(targets).ConfigureAwait(false);
            if (flags.Contains("--plan"))
            {
                await output.WriteLineAsync("Planned operations:").ConfigureAwait(false);
                if (plan.Count == 0) await output.WriteLineAsync("  No planned migration operations.").ConfigureAwait(false);
                foreach (var (migration, backwards) in plan)
                {
                    await output.WriteLineAsync(migration.ToString()).ConfigureAwait(false);
                    foreach (var operation in backwards ? migration.Operations.Reverse() : migration.Operations)
                        await output.WriteLineAsync($"    {(backwards ? "Undo " : "")}{operation.Describe()}{(backwards && !operation.Reversible ? " -> IRREVERSIBLE" : "")}").ConfigureAwait(false);
                }
                return 0;
            }
            await output.WriteLineAsync("Operations to perform:").ConfigureAwait(false);
            var migrated = graph.Apps.Where(graph.HasMigrations).ToList();
            if (targets is [(var only, null)]) await output.WriteLineAsync($"  Unapply all migrations: {only}").ConfigureAwait(false);
            else if (targets is [(var one, { } target)]) await output.WriteLineAsync($"  Target specific migration: {target}, from {one}").ConfigureAwait(false);
            else if (migrated.Count > 0) await output.WriteLineAsync($"  Apply all migrations: {string.Join(", ", migrated.Order(StringComparer.Ordinal))}").ConfigureAwait(false);
            var unmigrated = Unmigrated(graph);
            if (targets is null && unmigrated.Count > 0)
                await output.WriteLineAsync($"  Synchronize unmigrated models: {string.Join(", ", unmigrated.Select(t => Db.Models.ModelMeta.For(t).Label).Order(StringComparer.Ordinal))}").ConfigureAwait(false);
            if (targets is null && unmigrated.Count > 0)
            {
                await output.WriteLineAsync("Synchronizing models without migrations:").ConfigureAwait(false);
                await output.WriteLineAsync("  Creating tables...").ConfigureAwait(false);
                await Async.SyncToAsync.Run(() => Db.Models.Schema.Migrate(unmigrated, alias));
            }
            await output.WriteLineAsync("Running migrations:").ConfigureAwait(false);
            if (plan.Count == 0) await output.WriteLineAsync("  No migrations to apply.").ConfigureAwait(false);
            await executor.MigrateAsync(targets, fake: flags.Contains("--fake"), fakeInitial: flags.Contains("--fake-initial"), progress: line =>
            {
                if (line.StartsWith(' ') && line.EndsWith("...", StringComparison.Ordinal)) output.Write(line);
                else output.WriteLine(line);
            }).ConfigureAwait(false);
            await app.PostMigrateAsync(alias).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is Db.Migrations.IrreversibleError or Db.Migrations.InconsistentMigrationHistory or Db.Migrations.NodeNotFoundError)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await error.WriteLineAsync($"{e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private async Task<int> MakeMigrationsAsync(string[] args)
    {
        string? name = null;
        string? outputDirectory = null;
        var labels = new List<string>();
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--name" && i + 1 < args.Length) name = args[++i];
            else if (args[i] == "--output" && i + 1 < args.Length) outputDirectory = args[++i];
            else if (args[i].StartsWith("--", StringComparison.Ordinal)) flags.Add(args[i]);
            else labels.Add(args[i]);
        }
        foreach (var label in labels)
            if (!app.Apps.IsInstalled(label)) { await error.WriteLineAsync($"CommandError: App '{label}' could not be found. Is it in InstalledApps?").ConfigureAwait(false); return 2; }
        var graph = Db.Migrations.MigrationGraph.Load(app.Apps);
        var conflicts = graph.Conflicts();
        if (labels.Count > 0) conflicts = conflicts.Where(c => labels.Contains(c.Key)).ToDictionary(c => c.Key, c => c.Value);
        if (flags.Contains("--merge"))
        {
            if (conflicts.Count == 0) { await output.WriteLineAsync("No conflicts detected to merge.").ConfigureAwait(false); return 0; }
            foreach (var (label, leaves) in conflicts)
            {
                var config = app.Apps.Get(label);
                var number = leaves.Select(l => int.Parse(l.Split('_')[0], System.Globalization.CultureInfo.InvariantCulture)).Max() + 1;
                // Django's merge name: the leaves' names, or a timestamp when they are longer than 47 characters
                var leafNames = string.Join("_", leaves.Order(StringComparer.Ordinal));
                var merge = $"{number:0000}_{name ?? "merge_" + (leafNames.Length > 47 ? DateTime.UtcNow.ToString("yyyyMMdd_HHmm", System.Globalization.CultureInfo.InvariantCulture) : leafNames)}";
                var directory = outputDirectory ?? MigrationsDirectory(config);
                var path = System.IO.Path.Combine(directory, $"_{merge}.cs");
                await output.WriteLineAsync($"Merging {label}").ConfigureAwait(false);
                foreach (var leaf in leaves) await output.WriteLineAsync($"  Branch {leaf}").ConfigureAwait(false);
                await output.WriteLineAsync($"\nCreated new merge migration {System.IO.Path.GetRelativePath(Environment.CurrentDirectory, path)}").ConfigureAwait(false);
                if (!flags.Contains("--dry-run"))
                {
                    Directory.CreateDirectory(directory);
                    await File.WriteAllTextAsync(path, Db.Migrations.MigrationWriter.Source(config, "_" + merge, [.. leaves.Select(l => (label, l))], [], initial: false)).ConfigureAwait(false);
                }
            }
            return 0;
        }
        if (conflicts.Count > 0)
        {
            await error.WriteLineAsync("CommandError: " + Db.Migrations.MigrationGraph.ConflictMessage(conflicts)).ConfigureAwait(false);
            return 1;
        }
        var changes = flags.Contains("--empty")
            ? labels.ToDictionary(l => l, _ => new List<Db.Migrations.Operation>())
            : Db.Migrations.Autodetector.Changes(app.Apps, graph);
        // A field that went and one that came with the same definition may be a rename: Django asks, and --noinput says no.
        var reader = flags.Contains("--noinput") || flags.Contains("--no-input") || flags.Contains("--check") ? null : Input; // CI never waits on a question
        foreach (var (label, operations) in changes)
        {
            // a model that went and one that came with the same fields, likewise
            foreach (var deleted in operations.OfType<Db.Migrations.DeleteModel>().ToList())
            {
                if (reader is null) break;
                var fields = Db.Migrations.Autodetector.ModelBefore(graph, label, deleted.Name)?.Fields;
                var appeared = operations.OfType<Db.Migrations.CreateModel>().FirstOrDefault(c =>
                    fields is not null && c.Fields.SequenceEqual(fields) && !operations.Any(o => o != c && o.ModelName == c.Name));
                if (appeared is null) continue;
                await output.WriteAsync($"Was the model {label}.{deleted.Name} renamed to {appeared.Name}? [y/N] ").ConfigureAwait(false);
                if ((await reader.ReadLineAsync().ConfigureAwait(false))?.Trim() is not ("y" or "Y" or "yes")) continue;
                operations[operations.IndexOf(appeared)] = new Db.Migrations.RenameModel(deleted.Name, appeared.Name);
                operations.Remove(deleted);
            }
            foreach (var removed in operations.OfType<Db.Migrations.RemoveField>().ToList())
            {
                var before = Db.Migrations.Autodetector.FieldBefore(app.Apps, graph, label, removed.Model, removed.Name);
                var added = operations.OfType<Db.Migrations.AddField>().FirstOrDefault(a =>
                    a.Model == removed.Model && before is not null && a.Field with { Default = null } == before);
                if (added is null || reader is null) continue;
                await output.WriteAsync($"Was {removed.Model.ToLowerInvariant()}.{removed.Name} renamed to {added.Model.ToLowerInvariant()}.{added.Name} (a {Db.Migrations.Autodetector.Describe(added.Field)})? [y/N] ").ConfigureAwait(false);
                var answer = (await reader.ReadLineAsync().ConfigureAwait(false))?.Trim();
                if (answer is not ("y" or "Y" or "yes")) continue;
                var at = operations.IndexOf(added);
                operations[at] = new Db.Migrations.RenameField(removed.Model, removed.Name, added.Name);
                operations.Remove(removed);
            }
        }
        // A NOT NULL field added to a model with rows needs a value for them: Django asks, and without a terminal stops (exit 3).
        foreach (var (label, operations) in changes)
        {
            for (var i = 0; i < operations.Count; i++)
            {
                if (operations[i] is not Db.Migrations.AddField { Field: { Null: false, ManyToMany: false } } add) continue;
                var reader0 = flags.Contains("--noinput") || flags.Contains("--no-input") || flags.Contains("--check") ? null : Input;
                if (reader0 is null)
                {
                    await error.WriteLineAsync($"Field '{add.Name}' on model '{add.Model.ToLowerInvariant()}' not migrated: it is impossible to add a non-nullable field without specifying a default.").ConfigureAwait(false);
                    return 3;
                }
                await output.WriteAsync($"It is impossible to add a non-nullable field '{add.Name}' to {add.Model.ToLowerInvariant()} without specifying a default. This is because the database needs something to populate existing rows.\n" +
                    "Please select a fix:\n 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)\n 2) Quit and manually define a default value in the model.\nSelect an option: ").ConfigureAwait(false);
                var choice = (await reader0.ReadLineAsync().ConfigureAwait(false))?.Trim();
                if (choice != "1") return 3;
                await output.WriteAsync("Please enter the default value as a C# literal (\"text\", 12, 1.5m, true).\nType 'exit' to exit this prompt\n>>> ").ConfigureAwait(false);
                while (true)
                {
                    var line = (await reader0.ReadLineAsync().ConfigureAwait(false))?.Trim();
                    if (line is null or "exit") return 3;
                    if (Db.Migrations.MigrationWriter.TryParseLiteral(line, add.Field.Type, out var value))
                    {
                        operations[i] = new Db.Migrations.AddField(add.Model, add.Name, add.Field with { Default = value });
                        break;
                    }
                    await output.WriteAsync($"Invalid input: not a {Db.Migrations.Autodetector.Describe(add.Field)} value\n>>> ").ConfigureAwait(false);
                }
            }
        }
        if (labels.Count > 0) changes = changes.Where(c => labels.Contains(c.Key)).ToDictionary(c => c.Key, c => c.Value);
        changes = changes.Where(c => c.Value.Count > 0 || flags.Contains("--empty")).ToDictionary(c => c.Key, c => c.Value);
        if (changes.Count == 0)
        {
            await output.WriteLineAsync(labels.Count == 1 ? $"No changes detected in app '{labels[0]}'" : labels.Count > 1 ? $"No changes detected in apps '{string.Join("', '", labels)}'" : "No changes detected").ConfigureAwait(false);
            return 0;
        }
        var check = flags.Contains("--check");
        var write = !check && !flags.Contains("--dry-run");
        var created = new Dictionary<string, string>();
        foreach (var label in app.Apps.All.Select(a => a.Label).Where(changes.ContainsKey))
        {
            var config = app.Apps.Get(label);
            var operations = changes[label];
            var existing = graph.Nodes.Keys.Where(k => k.App == label).ToList();
            var number = existing.Select(k => int.TryParse(k.Name.Split('_')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1;
            var initial = existing.Count == 0;
            var migrationName = $"{number:0000}_{name ?? Db.Migrations.MigrationWriter.SuggestName(operations, initial)}";
            var dependencies = new List<(string App, string Name)>();
            dependencies.AddRange(graph.Leaves(label));
            foreach (var target in operations.SelectMany(References).Select(r => r[..r.IndexOf('.', StringComparison.Ordinal)]).Distinct().Where(a => a != label))
            {
                if (created.TryGetValue(target, out var madeNow)) dependencies.Add((target, madeNow));
                else if (graph.Leaves(target).LastOrDefault() is { App: not null } leaf) dependencies.Add(leaf);
                else dependencies.Add((target, "__first__"));
            }
            created[label] = migrationName;
            var directory = outputDirectory ?? MigrationsDirectory(config);
            var path = System.IO.Path.Combine(directory, $"_{migrationName}.cs");
            await output.WriteLineAsync($"Migrations for '{label}':").ConfigureAwait(false);
            await output.WriteLineAsync($"  {System.IO.Path.GetRelativePath(Environment.CurrentDirectory, path)}").ConfigureAwait(false);
            foreach (var operation in operations)
            {
                var symbol = operation switch
                {
                    Db.Migrations.CreateModel or Db.Migrations.AddField or Db.Migrations.AddIndex => "+",
                    Db.Migrations.DeleteModel or Db.Migrations.RemoveField or Db.Migrations.RemoveIndex => "-",
                    _ => "~",
                };
                await output.WriteLineAsync($"    {symbol} {operation.Describe()}").ConfigureAwait(false);
            }
            if (write)
            {
                Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(path, Db.Migrations.MigrationWriter.Source(config, "_" + migrationName, dependencies, operations, initial)).ConfigureAwait(false);
            }
        }
        return check ? 1 : 0;

        static IEnumerable<string> References(Db.Migrations.Operation operation) => operation switch
        {
            Db.Migrations.CreateModel c => c.Fields.Select(f => f.Field.To).OfType<string>(),
            Db.Migrations.AddField a => a.Field.To is { } to ? [to] : [],
            Db.Migrations.AlterField a => a.Field.To is { } to ? [to] : [],
            _ => [],
        };
    }

    /// <summary>
    /// Where an app's migration files go: its <c>Migrations</c> folder in the source tree, found from the program's
    /// project (the folder above the build output holding <c>{assembly}.csproj</c>) and the app's namespace under it.
    /// </summary>
    private static string MigrationsDirectory(Apps.AppConfig config)
    {
        var assembly = config.GetType().Assembly.GetName().Name!;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, assembly + ".csproj"))) directory = directory.Parent;
        var root = directory?.FullName ?? Environment.CurrentDirectory;
        var relative = config.MigrationsNamespace.StartsWith(assembly + ".", StringComparison.Ordinal) ? config.MigrationsNamespace[(assembly.Length + 1)..] : config.MigrationsNamespace;
        return System.IO.Path.Combine([root, .. relative.Split('.')]);
    }

    private async Task<int> OptimizeMigrationAsync(string[] args)
    {
        var (_, flags, positional) = Options(args);
        string? outputDirectory = null;
        for (var i = 0; i + 1 < args.Length; i++) if (args[i] == "--output") outputDirectory = args[i + 1];
        positional.Remove(outputDirectory ?? "");
        if (positional.Count != 2) { await error.WriteLineAsync("CommandError: optimizemigration takes an app label and a migration name.").ConfigureAwait(false); return 2; }
        var graph = Db.Migrations.MigrationGraph.Load(app.Apps);
        var matches = graph.Nodes.Keys.Where(k => k.App == positional[0] && k.Name.StartsWith(positional[1], StringComparison.Ordinal)).ToList();
        if (matches.Count != 1) { await error.WriteLineAsync($"CommandError: Cannot find a migration matching '{positional[1]}' from app '{positional[0]}'.").ConfigureAwait(false); return 1; }
        var migration = graph.Nodes[matches[0]];
        var folded = Db.Migrations.MigrationOptimizer.Optimize(migration.Operations);
        if (folded.Count == migration.Operations.Count)
        {
            await output.WriteLineAsync($"No optimizations possible.").ConfigureAwait(false);
            return 0;
        }
        await output.WriteLineAsync($"Optimizing from {migration.Operations.Count} operations to {folded.Count} operations.").ConfigureAwait(false);
        if (flags.Contains("--check")) return 1;
        var config = app.Apps.Get(migration.App);
        var path = System.IO.Path.Combine(outputDirectory ?? MigrationsDirectory(config), $"_{migration.Name}.cs");
        await File.WriteAllTextAsync(path, Db.Migrations.MigrationWriter.Source(config, "_" + migration.Name, migration.Dependencies, folded, migration.Initial)).ConfigureAwait(false);
        await output.WriteLineAsync($"Optimized migration {System.IO.Path.GetRelativePath(Environment.CurrentDirectory, path)}").ConfigureAwait(false);
        return 0;
    }

    private async Task<int> SquashMigrationsAsync(string[] args)
    {
        string? squashedName = null;
        string? outputDirectory = null;
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--squashed-name" && i + 1 < args.Length) squashedName = args[++i];
            else if (args[i] == "--output" && i + 1 < args.Length) outputDirectory = args[++i];
            else if (!args[i].StartsWith("--", StringComparison.Ordinal)) positional.Add(args[i]);
        }
        if (positional.Count is < 2 or > 3) { await error.WriteLineAsync("CommandError: squashmigrations takes an app label, an optional start and an end migration.").ConfigureAwait(false); return 2; }
        var label = positional[0];
        if (!app.Apps.IsInstalled(label)) { await error.WriteLineAsync($"CommandError: App '{label}' could not be found. Is it in InstalledApps?").ConfigureAwait(false); return 2; }
        var graph = Db.Migrations.MigrationGraph.Load(app.Apps);
        string? Find(string prefix)
        {
            var matches = graph.Nodes.Keys.Where(k => k.App == label && k.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            return matches.Count == 1 ? matches[0].Name : null;
        }
        var end = Find(positional[^1]);
        var start = positional.Count == 3 ? Find(positional[1]) : null;
        if (end is null || positional.Count == 3 && start is null)
        {
            await error.WriteLineAsync($"CommandError: Cannot find a migration matching '{(end is null ? positional[^1] : positional[1])}' from app '{label}'.").ConfigureAwait(false);
            return 1;
        }
        var plan = graph.ForwardsPlan((label, end)).Where(n => n.App == label).ToList();
        if (start is not null) plan = plan.SkipWhile(n => n.Name != start).ToList();
        var migrations = plan.Select(n => graph.Nodes[n]).ToList();
        var operations = migrations.SelectMany(m => m.Operations).ToList();
        if (operations.FirstOrDefault(o => o is Db.Migrations.RunCode or Db.Migrations.SeparateDatabaseAndState or Db.Migrations.AlterModelOptions) is { } unwritable)
        {
            await error.WriteLineAsync($"CommandError: squashmigrations cannot copy the {unwritable.GetType().Name} operation of a migration; write the squashed migration by hand, with Replaces.").ConfigureAwait(false);
            return 1;
        }
        var folded = Db.Migrations.MigrationOptimizer.Optimize(operations);
        var inSet = plan.ToHashSet();
        var dependencies = migrations.SelectMany(m => m.Dependencies.Select(d => (d.App, d.Name))).Where(d => !inSet.Contains(d)).Distinct().ToList();
        var name = squashedName is not null ? $"{(start ?? "0001")[..4]}_{squashedName}" : $"{start ?? "0001"}_squashed_{end}";
        var config = app.Apps.Get(label);
        var directory = outputDirectory ?? MigrationsDirectory(config);
        var path = System.IO.Path.Combine(directory, $"_{name}.cs");
        var source = Db.Migrations.MigrationWriter.Source(config, "_" + name, dependencies, folded, migrations[0].Initial);
        // the squashed migration replaces those it folds, as Django's replaces = [...]
        var replaces = string.Join(", ", plan.Select(p => $"(\"{p.App}\", \"{p.Name}\")"));
        source = source.Replace("    /// <inheritdoc/>\n    public override IReadOnlyList<(string App, string Name)> Dependencies",
            $"    /// <inheritdoc/>\n    public override IReadOnlyList<(string App, string Name)> Replaces => [{replaces}];\n\n    /// <inheritdoc/>\n    public override IReadOnlyList<(string App, string Name)> Dependencies", StringComparison.Ordinal);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(path, source).ConfigureAwait(false);
        await output.WriteLineAsync($"Optimizing...\n  Optimized from {operations.Count} operations to {folded.Count} operations.").ConfigureAwait(false);
        await output.WriteLineAsync($"Created new squashed migration {System.IO.Path.GetRelativePath(Environment.CurrentDirectory, path)}\n" +
            "  You should commit this migration but leave the old ones in place;\n  the new migration will be used for new installs. Once you are sure\n" +
            "  all instances of the codebase have applied the migrations you squashed,\n  you can delete them.").ConfigureAwait(false);
        return 0;
    }

    private async Task<int> ShowMigrationsAsync(string[] args)
    {
        var (alias, flags, positional) = Options(args);
        var applied = await Db.Migrations.MigrationRecorder.AppliedAsync(alias).ConfigureAwait(false);
        var graph = Db.Migrations.MigrationGraph.Load(app.Apps, applied);
        if (flags.Contains("--plan"))
        {
            var seen = new HashSet<(string, string)>();
            foreach (var leaf in graph.AllLeaves)
                foreach (var node in graph.ForwardsPlan(leaf))
                    if (seen.Add(node)) await output.WriteLineAsync($"[{(applied.Contains(node) ? "X" : " ")}]  {node.App}.{node.Name}").ConfigureAwait(false);
            if (seen.Count == 0) await output.WriteLineAsync("(no migrations)").ConfigureAwait(false);
            return 0;
        }
        foreach (var label in positional.Count > 0 ? positional : graph.Apps.Order(StringComparer.Ordinal).ToList())
        {
            await output.WriteLineAsync(label).ConfigureAwait(false);
            var nodes = graph.Nodes.Keys.Where(k => k.App == label).ToList();
            if (nodes.Count == 0) { await output.WriteLineAsync(" (no migrations)").ConfigureAwait(false); continue; }
            var shown = new HashSet<(string, string)>();
            foreach (var leaf in graph.Leaves(label))
                foreach (var node in graph.ForwardsPlan(leaf).Where(n => n.App == label))
                    if (shown.Add(node))
                    {
                        var migration = graph.Nodes[node];
                        var squashed = migration.Replaces.Count > 0 ? $" ({migration.Replaces.Count(applied.Contains)} squashed migrations)" : "";
                        var done = applied.Contains(node) || migration.Replaces.Count > 0 && migration.Replaces.All(applied.Contains);
                        await output.WriteLineAsync($" [{(done ? "X" : " ")}] {node.Name}{squashed}").ConfigureAwait(false);
                    }
        }
        return 0;
    }

    private async Task<int> SqlMigrateAsync(string[] args)
    {
        var (alias, flags, positional) = Options(args);
        if (positional.Count == 0)
        {
            foreach (var statement in Db.Models.Schema.Sql(app.AllModels, alias)) await output.WriteLineAsync(statement + ";").ConfigureAwait(false);
            return 0;
        }
        if (positional.Count != 2) { await error.WriteLineAsync("CommandError: sqlmigrate takes an app label and a migration name.").ConfigureAwait(false); return 2; }
        try
        {
            var executor = new Db.Migrations.MigrationExecutor(app.Apps, alias);
            foreach (var line in await executor.SqlAsync(positional[0], positional[1], flags.Contains("--backwards")).ConfigureAwait(false))
                await output.WriteLineAsync(line).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is Db.Migrations.IrreversibleError or Db.Migrations.NodeNotFoundError)
        {
            await error.WriteLineAsync($"CommandError: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>
    /// Django's <c>dbshell</c>: <c>sqlite3 FILE</c> or <c>psql -U user -h host -p port NAME</c> (the password in
    /// <c>PGPASSWORD</c>, never on the command line), with the arguments after <c>--</c>.
    /// </summary>
    private async Task<int> CreateCacheTableAsync(string[] args, CancellationToken cancellationToken)
    {
        var (alias, flags, _) = Options(args);
        using var scope = app.Enter();
        foreach (var name in app.Settings.Caches.Keys)
        {
            if (Cache.Caches.Get(name) is not Cache.DatabaseCache cache || cache.DatabaseAlias != alias) continue;
            var statements = await cache.CreateTableAsync(flags.Contains("--dry-run"), cancellationToken).ConfigureAwait(false);
            if (flags.Contains("--dry-run"))
                foreach (var statement in statements) await output.WriteLineAsync(statement + ";").ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/> (<c>--username ann</c>), or null.</summary>
    private static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private async Task<string?> Ask(string prompt)
    {
        await output.WriteAsync(prompt).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
        return Input is { } reader ? await reader.ReadLineAsync().ConfigureAwait(false) : null;
    }

    /// <summary>Django's <c>createsuperuser</c>: with <c>--noinput</c>, the username and email from the options (or
    /// NUAGES_SUPERUSER_USERNAME / NUAGES_SUPERUSER_EMAIL) and the password from NUAGES_SUPERUSER_PASSWORD.</summary>
    private async Task<int> CreateSuperuserAsync(string[] args)
    {
        using var scope = app.Enter();
        var alias = Value(args, "--database") ?? Db.Database.DefaultAlias;
        var username = Value(args, "--username");
        var email = Value(args, "--email");
        string? password;
        if (args.Contains("--noinput") || args.Contains("--no-input"))
        {
            username ??= Environment.GetEnvironmentVariable("NUAGES_SUPERUSER_USERNAME");
            email ??= Environment.GetEnvironmentVariable("NUAGES_SUPERUSER_EMAIL");
            password = Environment.GetEnvironmentVariable("NUAGES_SUPERUSER_PASSWORD");
            if (string.IsNullOrEmpty(username)) { await error.WriteLineAsync("CommandError: You must use --username with --noinput.").ConfigureAwait(false); return 1; }
            if (await Contrib.Auth.User.Objects.Using(alias).Filter("username", username).ExistsAsync().ConfigureAwait(false))
            { await error.WriteLineAsync("CommandError: Error: That username is already taken.").ConfigureAwait(false); return 1; }
        }
        else
        {
            var fallback = Environment.UserName.ToLowerInvariant();
            while (string.IsNullOrEmpty(username))
            {
                var typed = await Ask($"Username (leave blank to use '{fallback}'): ").ConfigureAwait(false);
                if (typed is null) { await error.WriteLineAsync("\nOperation cancelled.").ConfigureAwait(false); return 1; }
                var candidate = typed.Length == 0 ? fallback : typed;
                if (await Contrib.Auth.User.Objects.Using(alias).Filter("username", candidate).ExistsAsync().ConfigureAwait(false))
                    await error.WriteLineAsync("Error: That username is already taken.").ConfigureAwait(false);
                else username = candidate;
            }
            email ??= await Ask("Email address: ").ConfigureAwait(false) ?? "";
            while (true)
            {
                password = await Ask("Password: ").ConfigureAwait(false);
                var again = await Ask("Password (again): ").ConfigureAwait(false);
                if (password is null || again is null) { await error.WriteLineAsync("\nOperation cancelled.").ConfigureAwait(false); return 1; }
                if (password != again) { await error.WriteLineAsync("Error: Your passwords didn't match.").ConfigureAwait(false); continue; }
                if (password.Trim().Length == 0) { await error.WriteLineAsync("Error: Blank passwords aren't allowed.").ConfigureAwait(false); continue; }
                break;
            }
        }
        await Contrib.Auth.UserManager.CreateSuperuserAsync(username!, email, string.IsNullOrEmpty(password) ? null : password, @using: alias).ConfigureAwait(false);
        await output.WriteLineAsync("Superuser created successfully.").ConfigureAwait(false);
        return 0;
    }

    /// <summary>Django's <c>changepassword</c>: three tries to type the same password twice.</summary>
    private async Task<int> ChangePasswordAsync(string[] args)
    {
        using var scope = app.Enter();
        var (alias, _, positional) = Options(args);
        var username = positional.FirstOrDefault() ?? Environment.UserName;
        var user = await Contrib.Auth.User.Objects.Using(alias).Filter("username", username).FirstAsync().ConfigureAwait(false);
        if (user is null) { await error.WriteLineAsync($"CommandError: user '{username}' does not exist").ConfigureAwait(false); return 1; }
        await output.WriteLineAsync($"Changing password for user '{username}'").ConfigureAwait(false);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var password = await Ask("Password: ").ConfigureAwait(false);
            var again = await Ask("Password (again): ").ConfigureAwait(false);
            if (password is null || again is null) { await error.WriteLineAsync("\nOperation cancelled.").ConfigureAwait(false); return 1; }
            if (password != again) { await error.WriteLineAsync("Passwords do not match. Please try again.").ConfigureAwait(false); continue; }
            user.SetPassword(password);
            await user.SaveAsync(alias).ConfigureAwait(false);
            await output.WriteLineAsync($"Password changed successfully for user '{username}'").ConfigureAwait(false);
            return 0;
        }
        await error.WriteLineAsync($"CommandError: Aborting password change for user '{username}' after 3 attempts").ConfigureAwait(false);
        return 1;
    }

    private async Task<int> ClearSessionsAsync(CancellationToken cancellationToken)
    {
        using var scope = app.Enter();
        await Contrib.Sessions.SessionStores.Create(app.Settings, null).ClearExpiredAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> DbShellAsync(string[] args, CancellationToken cancellationToken)
    {
        var alias = Db.Database.DefaultAlias;
        var extra = Array.Empty<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--database" && i + 1 < args.Length) alias = args[++i];
            else if (args[i] == "--") { extra = args[(i + 1)..]; break; }
        }
        if (!app.Settings.Databases.TryGetValue(alias, out var database))
        {
            await error.WriteLineAsync($"CommandError: The connection '{alias}' doesn't exist.").ConfigureAwait(false);
            return 1;
        }
        var start = new System.Diagnostics.ProcessStartInfo { UseShellExecute = false };
        if (database.Engine == Db.DatabaseEngine.Sqlite)
        {
            start.FileName = "sqlite3";
            start.ArgumentList.Add(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource);
        }
        else
        {
            var settings = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
            start.FileName = "psql";
            if (settings.Username is { Length: > 0 } user) { start.ArgumentList.Add("-U"); start.ArgumentList.Add(user); }
            if (settings.Host is { Length: > 0 } host) { start.ArgumentList.Add("-h"); start.ArgumentList.Add(host); }
            start.ArgumentList.Add("-p");
            start.ArgumentList.Add(settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (settings.Password is { Length: > 0 } password) start.Environment["PGPASSWORD"] = password;
            start.ArgumentList.Add(settings.Database ?? "postgres");
        }
        foreach (var argument in extra) start.ArgumentList.Add(argument);
        // At a terminal the client talks to it directly; otherwise (a test, a pipe) its output goes to our writers.
        var redirect = !ReferenceEquals(output, Console.Out);
        start.RedirectStandardOutput = start.RedirectStandardError = redirect;
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            await error.WriteLineAsync($"CommandError: You appear not to have the '{start.FileName}' program installed or on your path.").ConfigureAwait(false);
            return 1;
        }
        using (process)
        {
            if (redirect)
            {
                var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
                await output.WriteAsync(await stdout.ConfigureAwait(false)).ConfigureAwait(false);
                await error.WriteAsync(await stderr.ConfigureAwait(false)).ConfigureAwait(false);
            }
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
        }
    }

    private async Task<int> RunServerAsync(string[] args, CancellationToken cancellationToken)
    {
        string? address = null;
        var gateway = ServerGateway.Async;
        var threads = app.Settings.SyncWorkers;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--gateway" when i + 1 < args.Length && args[i + 1] is "async" or "sync":
                    gateway = args[++i] == "sync" ? ServerGateway.Sync : ServerGateway.Async;
                    break;
                case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    threads = n;
                    i++;
                    break;
                case var option when option.StartsWith('-'):
                    await error.WriteAsync($"Unknown or incomplete option: '{option}'.\n\n{Usage}").ConfigureAwait(false);
                    return 2;
                default:
                    address ??= args[i];
                    break;
            }
        }
        address ??= "127.0.0.1:8000";
        var problems = SystemChecks.Run(app, deploy: false);
        if (problems.Any(p => p.IsError))
        {
            await error.WriteAsync(SystemChecks.Format(problems)).ConfigureAwait(false);
            return 1;
        }
        try
        {
            NuagesApp.ParseAddress(address);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
        await using var server = await app.StartAsync(address, gateway, threads, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Nuages {typeof(NuagesApp).Assembly.GetName().Version?.ToString(3)} serving at {server.Address.ToString().TrimEnd('/')}/ ({(app.Http2Enabled ? "HTTP/1.1 and HTTP/2" : "HTTP/1.1")}, {(gateway == ServerGateway.Sync ? $"sync gateway, {threads} threads" : "async gateway")}). Quit with CONTROL-C.").ConfigureAwait(false);
        if (problems.Count > 0) await output.WriteAsync(SystemChecks.Format(problems)).ConfigureAwait(false);
        await UnappliedMigrationsNoticeAsync().ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Django's runserver notice: the migrations of the default database not yet applied.</summary>
    private async Task UnappliedMigrationsNoticeAsync()
    {
        if (await UnappliedAsync().ConfigureAwait(false) is not { Count: > 0 } plan) return;
        var apps = plan.Select(p => p.Migration.App).Distinct().Order(StringComparer.Ordinal);
        await output.WriteLineAsync($"\nYou have {plan.Count} unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): {string.Join(", ", apps)}.\nRun 'migrate' to apply them.").ConfigureAwait(false);
    }

    private async Task<int> CheckAsync(string[] args)
    {
        var problems = SystemChecks.Run(app, deploy: args.Contains("--deploy"));
        // the migrations not yet applied on the default database (when it can be reached)
        if (await UnappliedAsync().ConfigureAwait(false) is { Count: > 0 } plan)
            problems.Add(new("nuages.W003",
                $"You have {plan.Count} unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): {string.Join(", ", plan.Select(p => p.Migration.App).Distinct().Order(StringComparer.Ordinal))}.",
                "Run 'migrate' to apply them.", false));
        await output.WriteAsync(SystemChecks.Format(problems)).ConfigureAwait(false);
        return problems.Any(p => p.IsError) ? 1 : 0;
    }

    private async Task<List<(Db.Migrations.Migration Migration, bool Backwards)>?> UnappliedAsync()
    {
        if (!app.Settings.Databases.ContainsKey(Db.Database.DefaultAlias)) return null;
        try
        {
            using var scope = app.Enter();
            return await new Db.Migrations.MigrationExecutor(app.Apps).PlanAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is Db.DatabaseError or Db.Migrations.NodeNotFoundError or Db.Migrations.InconsistentMigrationHistory)
        {
            return null;
        }
    }

    private int Routes()
    {
        var handler = app.Handler;
        var rows = handler.Resolver.Describe().ToList();
        var width = Math.Max(5, rows.Count == 0 ? 0 : rows.Max(r => r.Route.Length + 1));
        var nameWidth = Math.Max(4, rows.Count == 0 ? 0 : rows.Max(r => (r.Name ?? "").Length));
        output.WriteLine($"{"Route".PadRight(width)}  {"Name".PadRight(nameWidth)}  {"Mode",-5}  View");
        foreach (var (route, name, view, isAsync) in rows)
            output.WriteLine($"{("/" + route).PadRight(width)}  {(name ?? "").PadRight(nameWidth)}  {(isAsync ? "async" : "sync"),-5}  {view}");
        if (Channels.WebSocketRouter.Of(app.Site).Value is { } sockets)
        {
            var consumers = sockets.Describe().ToList();
            var socketWidth = Math.Max(15, consumers.Count == 0 ? 0 : consumers.Max(r => r.Route.Length + 1));
            output.WriteLine();
            output.WriteLine($"{"WebSocket route".PadRight(socketWidth)}  {"Mode",-5}  Consumer");
            foreach (var (route, consumer) in consumers)
                output.WriteLine($"{("/" + route).PadRight(socketWidth)}  {(typeof(Channels.SyncConsumer).IsAssignableFrom(consumer) ? "sync" : "async"),-5}  {consumer.FullName}");
        }
        return 0;
    }
}
