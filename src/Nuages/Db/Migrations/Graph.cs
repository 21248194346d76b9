using Nuages.Apps;

namespace Nuages.Db.Migrations;

/// <summary>
/// The migrations of a site's installed apps and how they depend on each other (Django's <c>MigrationLoader</c> and
/// <c>MigrationGraph</c>): found in each app's <c>Migrations</c> namespace, linked by their dependencies.
/// </summary>
public sealed class MigrationGraph
{
    private readonly Dictionary<(string App, string Name), Migration> _nodes = [];
    private readonly Dictionary<(string, string), HashSet<(string App, string Name)>> _parents = [];
    private readonly Dictionary<(string, string), HashSet<(string App, string Name)>> _children = [];

    /// <summary>The graph of <paramref name="apps"/>' migrations; a squashed migration stands for those it replaces unless <paramref name="applied"/> holds only some of them.</summary>
    public static MigrationGraph Load(AppRegistry apps, IReadOnlySet<(string App, string Name)>? applied = null) => Load(apps, applied, []);

    /// <summary>The same, with migrations made in memory beside those of the apps (a test's "makemigrations" without compiling).</summary>
    internal static MigrationGraph Load(AppRegistry apps, IReadOnlySet<(string App, string Name)>? applied, IReadOnlyList<Migration> extra)
    {
        var graph = new MigrationGraph();
        foreach (var app in apps.All)
        {
            var found = app.GetType().Assembly.GetTypes()
                .Where(t => t.Namespace == app.MigrationsNamespace && typeof(Migration).IsAssignableFrom(t) && !t.IsAbstract)
                .Select(t =>
                {
                    var migration = (Migration)Activator.CreateInstance(t)!;
                    migration.App = app.Label;
                    migration.Name = t.Name.TrimStart('_');
                    return migration;
                });
            foreach (var migration in found) graph._nodes[(migration.App, migration.Name)] = migration;
            graph.Apps.Add(app.Label);
        }
        foreach (var migration in extra) graph._nodes[(migration.App, migration.Name)] = migration;
        // a squashed migration replaces its migrations when none or all of them are applied; else they stay
        foreach (var squashed in graph._nodes.Values.Where(m => m.Replaces.Count > 0).ToList())
        {
            var done = squashed.Replaces.Count(r => applied?.Contains(r) == true);
            if (done == 0 || done == squashed.Replaces.Count)
                foreach (var replaced in squashed.Replaces) graph._nodes.Remove(replaced);
            else graph._nodes.Remove((squashed.App, squashed.Name));
        }
        foreach (var migration in graph._nodes.Values)
        {
            var key = (migration.App, migration.Name);
            graph._parents.TryAdd(key, []);
            graph._children.TryAdd(key, []);
        }
        foreach (var migration in graph._nodes.Values)
        {
            foreach (var dependency in migration.Dependencies) graph.Link(migration, graph.Resolve(migration, dependency));
            foreach (var before in migration.RunBefore)
                if (graph._nodes.TryGetValue(before, out var later)) graph.Link(later, (migration.App, migration.Name));
        }
        return graph;
    }

    /// <summary>The labels of the installed apps, in order.</summary>
    public List<string> Apps { get; } = [];

    /// <summary>Every migration, by app and name.</summary>
    public IReadOnlyDictionary<(string App, string Name), Migration> Nodes => _nodes;

    /// <summary>Whether <paramref name="app"/> has migrations.</summary>
    public bool HasMigrations(string app) => _nodes.Keys.Any(k => k.App == app);

    /// <summary>The migrations of <paramref name="app"/> nothing else of the app depends on (its latest).</summary>
    public IEnumerable<(string App, string Name)> Leaves(string app) =>
        _nodes.Keys.Where(k => k.App == app && !_children[k].Any(c => c.App == app)).Order();

    /// <summary>Every app's latest migrations: what <c>migrate</c> without a target applies.</summary>
    public IEnumerable<(string App, string Name)> AllLeaves => Apps.SelectMany(Leaves);

    /// <summary>What must be applied to reach <paramref name="target"/>, dependencies first (Django's <c>forwards_plan</c>).</summary>
    public List<(string App, string Name)> ForwardsPlan((string App, string Name) target)
    {
        if (!_nodes.ContainsKey(target)) throw new NodeNotFoundError($"Node ('{target.App}', '{target.Name}') not a valid node");
        return Walk(target, _parents);
    }

    /// <summary>What must be unapplied to unapply <paramref name="target"/>, dependents first (Django's <c>backwards_plan</c>).</summary>
    public List<(string App, string Name)> BackwardsPlan((string App, string Name) target) => Walk(target, _children);

    /// <summary>
    /// Django's <c>iterative_dfs</c>: a node after everything it leads to, the neighbours pushed in sorted order and
    /// so visited last-first — the same order as Django's plans.
    /// </summary>
    private static List<(string App, string Name)> Walk((string App, string Name) start, Dictionary<(string, string), HashSet<(string App, string Name)>> next)
    {
        var visited = new List<(string, string)>();
        var seen = new HashSet<(string, string)>();
        var stack = new Stack<((string App, string Name) Node, bool Processed)>();
        stack.Push((start, false));
        while (stack.Count > 0)
        {
            var (node, processed) = stack.Pop();
            if (seen.Contains(node)) continue;
            if (processed)
            {
                seen.Add(node);
                visited.Add(node);
                continue;
            }
            stack.Push((node, true));
            foreach (var neighbour in next[node].Order()) stack.Push((neighbour, false));
        }
        return visited;
    }

    /// <summary>The migrations that depend on <paramref name="node"/> directly.</summary>
    public IReadOnlyCollection<(string App, string Name)> Children((string App, string Name) node) => _children[node];

    /// <summary>Apps with more than one latest migration (Django's <c>detect_conflicts</c>): two branches to merge.</summary>
    public Dictionary<string, List<string>> Conflicts() =>
        Apps.Select(app => (app, leaves: Leaves(app).Select(l => l.Name).ToList())).Where(a => a.leaves.Count > 1).ToDictionary(a => a.app, a => a.leaves);

    /// <summary>The error for conflicts, as Django words it.</summary>
    internal static string ConflictMessage(Dictionary<string, List<string>> conflicts) =>
        "Conflicting migrations detected; multiple leaf nodes in the migration graph: (" +
        string.Join("; ", conflicts.Select(c => $"{string.Join(", ", c.Value)} in {c.Key}")) + ").\nTo fix them run 'makemigrations --merge'";

    /// <summary>Django's <c>check_consistent_history</c>: an applied migration whose dependency is not applied is an error.</summary>
    public void CheckConsistentHistory(IReadOnlySet<(string App, string Name)> applied, string alias)
    {
        foreach (var migration in applied.Order())
        {
            if (!_nodes.ContainsKey(migration)) continue;
            foreach (var parent in _parents[migration].Order())
                if (!applied.Contains(parent))
                    throw new InconsistentMigrationHistory($"Migration {migration.App}.{migration.Name} is applied before its dependency {parent.App}.{parent.Name} on database '{alias}'.");
        }
    }

    private (string App, string Name) Resolve(Migration migration, (string App, string Name) dependency)
    {
        if (dependency.Name is "__first__" or "__latest__")
        {
            var ofApp = _nodes.Keys.Where(k => k.App == dependency.App).Order().ToList();
            if (ofApp.Count == 0)
                throw new NodeNotFoundError($"Migration {migration} dependencies reference nonexistent parent node ('{dependency.App}', '{dependency.Name}')");
            return dependency.Name == "__first__" ? ofApp[0] : ofApp[^1];
        }
        if (_nodes.ContainsKey(dependency)) return dependency;
        // a dependency on a migration a squashed one replaced is a dependency on the squashed one
        var squashed = _nodes.Values.FirstOrDefault(m => m.Replaces.Contains(dependency));
        return squashed is not null ? (squashed.App, squashed.Name)
            : throw new NodeNotFoundError($"Migration {migration} dependencies reference nonexistent parent node ('{dependency.App}', '{dependency.Name}')");
    }

    private void Link(Migration child, (string App, string Name) parent)
    {
        var key = (child.App, child.Name);
        _parents[key].Add(parent);
        _children[parent].Add(key);
    }
}
