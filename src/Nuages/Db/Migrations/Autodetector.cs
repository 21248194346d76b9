using Nuages.Apps;
using Nuages.Db.Models;

namespace Nuages.Db.Migrations;

/// <summary>
/// What the models have that the migrations do not (Django's <c>MigrationAutodetector</c>): the state the migration
/// files build, compared with the installed apps' model classes, as the operations that would bring one to the other.
/// A field that disappears and one that appears are a removal and an addition (renames are written by hand, with
/// <see cref="RenameField"/>, as <c>makemigrations --noinput</c> does).
/// </summary>
public static class Autodetector
{
    /// <summary>The state of the current model classes of <paramref name="apps"/>.</summary>
    public static ProjectState ModelsState(AppRegistry apps)
    {
        var state = new ProjectState();
        foreach (var app in apps.All)
            foreach (var type in app.Models)
            {
                var meta = ModelMeta.For(type);
                var model = new ModelState(app.Label, type.Name, meta.Fields.OrderBy(f => f == meta.Pk ? 0 : 1).Select(f => (FieldName(f), FieldOf(f, meta))),
                    meta.Table == $"{app.Label}_{type.Name.ToLowerInvariant()}" ? null : meta.Table);
                foreach (var relation in meta.ManyToMany.Where(r => r.ThroughType is null))
                    model.Fields.Add((relation.Key, Field.ManyToManyTo(ModelMeta.For(relation.TargetType).Label)));
                model.UniqueTogether.AddRange(meta.UniqueTogether.Select(set => (IReadOnlyList<string>)[.. set.Select(FieldName)]));
                model.Indexes.AddRange(meta.Indexes.Select(i => new ModelIndex(i.Name, [.. i.Fields.Select(f => (f.StartsWith('-') ? "-" : "") + FieldName(meta.Field(f.TrimStart('-'))))])));
                state.Add(model);
            }
        foreach (var app in apps.All)
            if (app is IMigratedTables owner)
                foreach (var table in owner.MigratedTables) state.Add(table);
        return state;
    }

    private static string FieldName(FieldMeta field) => field.Key;

    private static Field FieldOf(FieldMeta field, ModelMeta meta)
    {
        if (field == meta.Pk) return Field.Auto();
        var type = field.Json ? typeof(string) : field.Type.IsEnum ? typeof(int) : field.Type;
        return new Field
        {
            Type = field.IsRelation ? typeof(long) : type,
            MaxLength = field.MaxLength,
            MaxDigits = field.MaxDigits,
            DecimalPlaces = field.DecimalPlaces,
            Null = field.Nullable,
            Unique = field.Unique,
            DbIndex = field.Indexed && !field.Unique,
            Json = field.Json,
            To = field.IsRelation ? field.RelatedMeta.Label : null,
            DbColumn = field.IsRelation ? (field.Column == field.Key + "_id" ? null : field.Column) : (field.Column == field.Key ? null : field.Column),
        };
    }

    /// <summary>The operations each app needs, by app label, in an order that can be applied (referred models first).</summary>
    public static Dictionary<string, List<Operation>> Changes(AppRegistry apps, MigrationGraph graph)
    {
        var from = StateOf(graph); // the state after every migration of every app
        var to = ModelsState(apps);
        var changes = new Dictionary<string, List<Operation>>();
        List<Operation> Of(string app) => changes.TryGetValue(app, out var list) ? list : changes[app] = [];

        // new models, those they refer to first
        var created = to.Models.Where(m => !from.Models.ContainsKey(m.Key)).Select(m => m.Value).ToList();
        var ordered = new List<ModelState>();
        void Visit(ModelState model, HashSet<ModelState> visiting)
        {
            if (ordered.Contains(model) || !visiting.Add(model)) return;
            foreach (var (_, field) in model.Fields)
                if (field.To is { } target && created.FirstOrDefault(c => $"{c.App}.{c.Name}".Equals(target, StringComparison.OrdinalIgnoreCase)) is { } referred)
                    Visit(referred, visiting);
            ordered.Add(model);
        }
        foreach (var model in created) Visit(model, []);
        foreach (var model in ordered)
        {
            Of(model.App).Add(new CreateModel(model.Name, [.. model.Fields], model.DbTable));
            if (model.UniqueTogether.Count > 0) Of(model.App).Add(new AlterUniqueTogether(model.Name, [.. model.UniqueTogether]));
            foreach (var index in model.Indexes) Of(model.App).Add(new AddIndex(model.Name, index));
        }

        foreach (var (key, model) in to.Models)
        {
            if (!from.Models.TryGetValue(key, out var old)) continue;
            if (old.DbTable != model.DbTable) Of(model.App).Add(new AlterModelTable(model.Name, model.DbTable));
            foreach (var (name, field) in model.Fields)
            {
                var before = old.Fields.FirstOrDefault(f => f.Name == name).Field;
                if (before is null) Of(model.App).Add(new AddField(model.Name, name, field.Null || field.ManyToMany ? field : field with { Default = OneOffDefault(field) }));
                else if (before != field) Of(model.App).Add(new AlterField(model.Name, name, field));
            }
            foreach (var (name, _) in old.Fields.Where(f => !model.Fields.Any(n => n.Name == f.Name)).ToList())
                Of(model.App).Add(new RemoveField(model.Name, name));
            static bool SameSets(List<IReadOnlyList<string>> a, List<IReadOnlyList<string>> b) =>
                a.Count == b.Count && a.All(x => b.Any(y => x.SequenceEqual(y)));
            if (!SameSets(old.UniqueTogether, model.UniqueTogether)) Of(model.App).Add(new AlterUniqueTogether(model.Name, [.. model.UniqueTogether]));
            foreach (var index in old.Indexes.Where(i => !model.Indexes.Contains(i))) Of(model.App).Add(new RemoveIndex(model.Name, index.Name));
            foreach (var index in model.Indexes.Where(i => !old.Indexes.Contains(i))) Of(model.App).Add(new AddIndex(model.Name, index));
        }
        foreach (var (key, model) in from.Models)
            if (!to.Models.ContainsKey(key) && apps.IsInstalled(model.App)) Of(model.App).Add(new DeleteModel(model.Name));
        return changes;
    }

    /// <summary>The state every migration of every app builds (Django's <c>loader.project_state()</c>).</summary>
    public static ProjectState StateOf(MigrationGraph graph)
    {
        var state = new ProjectState();
        var seen = new HashSet<(string, string)>();
        foreach (var leaf in graph.AllLeaves)
            foreach (var node in graph.ForwardsPlan(leaf))
                if (seen.Add(node))
                    foreach (var operation in graph.Nodes[node].Operations) operation.StateForwards(graph.Nodes[node].App, state);
        return state;
    }

    /// <summary>The model <c>app.model</c> as the migrations describe it, or null.</summary>
    public static ModelState? ModelBefore(MigrationGraph graph, string app, string model) =>
        StateOf(graph).Models.TryGetValue((app, model.ToLowerInvariant()), out var found) ? found : null;

    /// <summary>The field <paramref name="name"/> of <c>app.model</c> as the migrations describe it, or null.</summary>
    public static Field? FieldBefore(AppRegistry apps, MigrationGraph graph, string app, string model, string name) =>
        ModelBefore(graph, app, model)?.Fields.FirstOrDefault(f => f.Name == name).Field;

    /// <summary>A field's kind as Django names it in its questions (<c>CharField</c>, <c>IntegerField</c>…).</summary>
    public static string Describe(Field field)
    {
        var type = Nullable.GetUnderlyingType(field.Type) ?? field.Type;
        return field switch
        {
            { ManyToMany: true } => "ManyToManyField",
            { To: not null } => "ForeignKey",
            _ when type == typeof(string) => field.MaxLength is null ? "TextField" : "CharField",
            _ when type == typeof(int) => "IntegerField",
            _ when type == typeof(long) => "BigIntegerField",
            _ when type == typeof(short) => "SmallIntegerField",
            _ when type == typeof(bool) => "BooleanField",
            _ when type == typeof(decimal) => "DecimalField",
            _ when type == typeof(double) || type == typeof(float) => "FloatField",
            _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "DateTimeField",
            _ when type == typeof(DateOnly) => "DateField",
            _ when type == typeof(TimeOnly) => "TimeField",
            _ when type == typeof(Guid) => "UUIDField",
            _ => type.Name,
        };
    }

    /// <summary>
    /// The value rows that exist get for a new NOT NULL column: Django asks for it; without a prompt, the type's own
    /// (0, "", false), written into the migration where it can be changed.
    /// </summary>
    private static object? OneOffDefault(Field field)
    {
        var type = Nullable.GetUnderlyingType(field.Type) ?? field.Type;
        return type == typeof(string) ? "" : type == typeof(bool) ? false : type == typeof(DateTime) ? null : type.IsValueType ? Activator.CreateInstance(type) : null;
    }
}

/// <summary>
/// An app that keeps tables without model classes — read and written with SQL of its own, as the sessions app keeps
/// Django's <c>django_session</c>, keyed by text — and describes them for migrations: <c>makemigrations</c> compares
/// them with the app's migrations as it compares models, so they are made, changed and checked the same way.
/// </summary>
public interface IMigratedTables
{
    /// <summary>The tables, as the migrations' state describes models (new instances on each call).</summary>
    IReadOnlyList<ModelState> MigratedTables { get; }
}
