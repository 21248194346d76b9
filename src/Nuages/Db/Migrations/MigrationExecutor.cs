using Nuages.Apps;
using Nuages.Db.Backends;

namespace Nuages.Db.Migrations;

/// <summary>
/// Applies and unapplies migrations on one database (Django's <c>MigrationExecutor</c>): a plan to reach the targets,
/// each migration in a transaction with its record when it is atomic. Two processes migrating at once do not both
/// apply a migration: each takes the database's migration lock (a PostgreSQL advisory lock, SQLite's write lock) and
/// looks again whether the migration is applied before running it.
/// </summary>
public sealed class MigrationExecutor(AppRegistry apps, string alias = Database.DefaultAlias)
{
    /// <summary>Migrations made in memory, beside the apps' (tests).</summary>
    internal IReadOnlyList<Migration> Extra { get; init; } = [];

    private const long AdvisoryLock = 0x4E7561676573; // "Nuages"

    /// <summary>The database.</summary>
    public string Alias { get; } = alias;

    /// <summary>
    /// What <paramref name="targets"/> need, in order: <c>(app, name)</c> migrates the app to that migration (forwards,
    /// or backwards if it is applied and later ones are), <c>(app, null)</c> unapplies all of the app ("zero"); no
    /// targets means every app's latest migration.
    /// </summary>
    public async Task<List<(Migration Migration, bool Backwards)>> PlanAsync(IEnumerable<(string App, string? Name)>? targets = null)
    {
        var applied = await MigrationRecorder.AppliedAsync(Alias).ConfigureAwait(false);
        var graph = MigrationGraph.Load(apps, applied, Extra);
        graph.CheckConsistentHistory(applied, Alias);
        var plan = new List<(Migration, bool)>();
        var state = new HashSet<(string, string)>(applied);
        foreach (var (app, name) in targets?.ToList() ?? [.. graph.AllLeaves.Select(l => (l.App, (string?)l.Name))])
        {
            if (name is null)
            {
                foreach (var root in graph.Nodes.Keys.Where(k => k.App == app && !graph.Nodes.Keys.Any(p => p.App == app && graph.Children(p).Contains(k))).Order())
                    Backwards(root);
            }
            else if (state.Contains((app, name)))
            {
                foreach (var next in graph.Children((app, name)).Where(c => c.App == app).Order()) Backwards(next);
            }
            else
            {
                foreach (var node in graph.ForwardsPlan((app, name)))
                    if (state.Add(node)) plan.Add((graph.Nodes[node], false));
            }
        }
        return plan;

        void Backwards((string App, string Name) node)
        {
            foreach (var migration in graph.BackwardsPlan(node))
                if (state.Remove(migration)) plan.Add((graph.Nodes[migration], true));
        }
    }

    /// <summary>
    /// Migrates to <paramref name="targets"/>; <paramref name="fake"/> records the plan without running it.
    /// <paramref name="progress"/> hears Django's lines: <c>Applying blog.0001_initial...</c> and <c>OK</c> or <c>FAKED</c>.
    /// </summary>
    public async Task MigrateAsync(IEnumerable<(string App, string? Name)>? targets = null, bool fake = false, Action<string>? progress = null, bool fakeInitial = false)
    {
        await MigrationRecorder.EnsureSchemaAsync(Alias).ConfigureAwait(false);
        var plan = await PlanAsync(targets).ConfigureAwait(false);
        var graph = MigrationGraph.Load(apps, await MigrationRecorder.AppliedAsync(Alias).ConfigureAwait(false), Extra);
        foreach (var (migration, backwards) in plan)
        {
            progress?.Invoke($"  {(backwards ? "Unapplying" : "Applying")} {migration}...");
            // --fake-initial: an initial migration whose tables and columns are all there already is recorded, not run
            var soft = !fake && !backwards && fakeInitial && migration.Initial && await SoftAppliedAsync(graph, migration).ConfigureAwait(false);
            var ran = await RunAsync(graph, migration, backwards, fake || soft).ConfigureAwait(false);
            progress?.Invoke(fake || soft ? " FAKED" : ran ? " OK" : " (already done by another process)");
        }
    }

    /// <summary>Whether the routers let an operation on a model run on this database (Django's <c>allow_migrate</c>); the migration is recorded either way.</summary>
    private bool Allowed(string app, Operation operation)
    {
        if (operation.ModelName is not { } name || !apps.IsInstalled(app)) return true;
        var model = apps.Get(app).Models.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        return model is null || Routers.AllowMigrate(Alias, model);
    }

    /// <summary>The models as the migrations before <paramref name="migration"/> (its dependencies, recursively) describe them.</summary>
    internal static ProjectState StateBefore(MigrationGraph graph, Migration migration)
    {
        var state = new ProjectState();
        foreach (var node in graph.ForwardsPlan((migration.App, migration.Name)))
        {
            if (node == (migration.App, migration.Name)) break;
            var earlier = graph.Nodes[node];
            foreach (var operation in earlier.Operations) operation.StateForwards(earlier.App, state);
        }
        return state;
    }

    /// <summary>Each operation with the models before and after it.</summary>
    private static List<(Operation Operation, ProjectState Before, ProjectState After)> Steps(MigrationGraph graph, Migration migration)
    {
        var state = StateBefore(graph, migration);
        var steps = new List<(Operation, ProjectState, ProjectState)>();
        foreach (var operation in migration.Operations)
        {
            var before = state.Clone();
            operation.StateForwards(migration.App, state);
            steps.Add((operation, before, state.Clone()));
        }
        return steps;
    }

    private async Task<bool> RunAsync(MigrationGraph graph, Migration migration, bool backwards, bool fake)
    {
        if (backwards && !fake)
        {
            var irreversible = migration.Operations.FirstOrDefault(o => !o.Reversible);
            if (irreversible is not null)
                throw new IrreversibleError($"Operation {irreversible.Describe()} in {migration} is not reversible");
        }
        async Task<bool> Body()
        {
            if (Connections.For(Alias) is PostgresBackend && migration.Atomic)
                await new MigrationContext(Alias, null).ExecuteAsync($"SELECT pg_advisory_xact_lock({AdvisoryLock})").ConfigureAwait(false);
            var applied = (await MigrationRecorder.AppliedAsync(Alias).ConfigureAwait(false)).Contains((migration.App, migration.Name));
            if (applied != backwards) return false; // another process got there first
            if (!fake)
            {
                var steps = Steps(graph, migration);
                if (backwards) steps.Reverse();
                foreach (var (operation, before, after) in steps)
                {
                    if (!Allowed(migration.App, operation)) continue; // a router keeps this model off this database
                    var context = new MigrationContext(Alias, null, migration.App, before, after);
                    if (backwards) await operation.BackwardsAsync(context).ConfigureAwait(false);
                    else await operation.ForwardsAsync(context).ConfigureAwait(false);
                }
            }
            if (backwards) await MigrationRecorder.RecordUnappliedAsync(Alias, migration.App, migration.Name).ConfigureAwait(false);
            else await MigrationRecorder.RecordAppliedAsync(Alias, migration.App, migration.Name).ConfigureAwait(false);
            // a squashed migration is recorded with those it replaces, as Django records them
            foreach (var (app, name) in migration.Replaces)
            {
                if (backwards) await MigrationRecorder.RecordUnappliedAsync(Alias, app, name).ConfigureAwait(false);
                else await MigrationRecorder.RecordAppliedAsync(Alias, app, name).ConfigureAwait(false);
            }
            return true;
        }
        return migration.Atomic ? await Db.Atomic.RunAsync(Body, Alias).ConfigureAwait(false) : await Body().ConfigureAwait(false);
    }

    /// <summary>Django's <c>detect_soft_applied</c>: every table the migration creates, and every column it adds, exists.</summary>
    private async Task<bool> SoftAppliedAsync(MigrationGraph graph, Migration migration)
    {
        var creates = migration.Operations.OfType<CreateModel>().ToList();
        var adds = migration.Operations.OfType<AddField>().ToList();
        if (creates.Count == 0 && adds.Count == 0) return false;
        var steps = Steps(graph, migration);
        var after = steps.Count > 0 ? steps[^1].After : StateBefore(graph, migration);
        var connection = Database.Connections[Alias];
        var backend = Connections.For(Alias);
        async Task<bool> Table(string table) => (await connection.QueryAsync(backend.TableExistsQuery, [table]).ConfigureAwait(false)).Count == 1;
        async Task<bool> Column(string table, string column) => (await connection.QueryAsync(backend.ColumnExistsQuery, [table, column]).ConfigureAwait(false)).Count == 1;
        foreach (var create in creates)
            if (!await Table(after.Model(migration.App, create.Name).Table).ConfigureAwait(false)) return false;
        foreach (var add in adds)
        {
            var table = after.Model(migration.App, add.Model).Table;
            if (!await Column(table, add.Field.Column(add.Name)).ConfigureAwait(false)) return false;
        }
        return true;
    }

    /// <summary>The SQL a migration runs (Django's <c>sqlmigrate</c>), in <c>BEGIN;</c>/<c>COMMIT;</c> when it is atomic.</summary>
    public async Task<List<string>> SqlAsync(string app, string name, bool backwards = false)
    {
        var graph = MigrationGraph.Load(apps, null, Extra);
        if (!graph.Nodes.TryGetValue((app, name), out var migration))
        {
            var matches = graph.Nodes.Keys.Where(k => k.App == app && k.Name.StartsWith(name, StringComparison.Ordinal)).ToList();
            migration = matches.Count switch
            {
                1 => graph.Nodes[matches[0]],
                0 => throw new NodeNotFoundError($"Cannot find a migration matching '{name}' from app '{app}'."),
                _ => throw new NodeNotFoundError($"More than one migration matches '{name}' in app '{app}'. Please be more specific."),
            };
        }
        var collected = new List<string>();
        var steps = Steps(graph, migration);
        if (backwards) steps.Reverse();
        foreach (var (operation, before, after) in steps)
        {
            var context = new MigrationContext(Alias, collected, migration.App, before, after);
            collected.Add($"--\n-- {operation.Describe()}\n--");
            if (backwards) await operation.BackwardsAsync(context).ConfigureAwait(false);
            else await operation.ForwardsAsync(context).ConfigureAwait(false);
        }
        return migration.Atomic ? ["BEGIN;", .. collected, "COMMIT;"] : collected;
    }
}
