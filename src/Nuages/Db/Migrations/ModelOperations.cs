namespace Nuages.Db.Migrations;

/// <summary>Runs statements, or collects them for <c>sqlmigrate</c>.</summary>
internal static class Statements
{
    public static async Task RunAsync(MigrationContext context, IEnumerable<string> statements)
    {
        foreach (var statement in statements) await context.ExecuteAsync(statement).ConfigureAwait(false);
    }
}

/// <summary>Creates a model's table (Django's <c>CreateModel</c>).</summary>
public sealed class CreateModel(string name, IReadOnlyList<(string Name, Field Field)> fields, string? dbTable = null) : Operation
{
    /// <summary>The table named, if any.</summary>
    public string? DbTable { get; } = dbTable;

    /// <summary>The model's name.</summary>
    public string Name { get; } = name;

    /// <summary>Its fields, in order.</summary>
    public IReadOnlyList<(string Name, Field Field)> Fields { get; } = fields;

    /// <inheritdoc/>
    public override string? ModelName => Name;

    /// <inheritdoc/>
    public override string Describe() => $"Create model {Name}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) =>
        state.Add(new ModelState(app, Name, Fields.Select(f => (f.Name, f.Field.WithoutDefault())), DbTable));

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) =>
        Statements.RunAsync(context, SchemaEditor.CreateTable(context, context.After, context.After.Model(context.App, Name)));

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) =>
        Statements.RunAsync(context, SchemaEditor.DropTable(context, context.After.Model(context.App, Name)));
}

/// <summary>Drops a model's table (Django's <c>DeleteModel</c>); unapplying it makes the table again, empty.</summary>
public sealed class DeleteModel(string name) : Operation
{
    /// <summary>The model's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public override string? ModelName => Name;

    /// <inheritdoc/>
    public override string Describe() => $"Delete model {Name}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) => state.Remove(app, Name);

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) =>
        Statements.RunAsync(context, SchemaEditor.DropTable(context, context.Before.Model(context.App, Name)));

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) =>
        Statements.RunAsync(context, SchemaEditor.CreateTable(context, context.Before, context.Before.Model(context.App, Name)));
}

/// <summary>Adds a column (Django's <c>AddField</c>); existing rows get the field's one-off <c>Default</c>.</summary>
public sealed class AddField(string model, string name, Field field) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The field's name.</summary>
    public string Name { get; } = name;

    /// <summary>The field.</summary>
    public Field Field { get; } = field;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Add field {Name} to {Model.ToLowerInvariant()}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) => state.Model(app, Model).Fields.Add((Name, Field.WithoutDefault()));

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context)
    {
        var before = context.Before.Model(context.App, Model);
        var after = context.After.Model(context.App, Model);
        if (Field.ManyToMany) return Statements.RunAsync(context, SchemaEditor.CreateThrough(context, context.After, after, Name, Field));
        if (context.Sqlite && (!Field.Null || Field.Unique || Field.To is not null))
            return Statements.RunAsync(context, SchemaEditor.Remake(context, before, after, n => n == Name ? null : n, (Name, Field)));
        return Statements.RunAsync(context, AddColumn(context, after, Name, Field));
    }

    internal static IEnumerable<string> AddColumn(MigrationContext context, ModelState model, string name, Field field)
    {
        var table = Backends.Backend.Quote(model.Table);
        var column = Backends.Backend.Quote(field.Column(name));
        var definition = SchemaEditor.ColumnDefinition(context, context.After.Models.ContainsKey((model.App, model.Name.ToLowerInvariant())) ? context.After : context.Before, name, field);
        if (field.Null && field.Default is null)
        {
            yield return $"ALTER TABLE {table} ADD COLUMN {definition}";
        }
        else
        {
            // the rows there get the fill value; the column keeps no default, as Django leaves none
            var fill = SchemaEditor.Fill(context, field);
            var insert = definition.IndexOf(field.Null ? " NULL" : " NOT NULL", StringComparison.Ordinal);
            yield return $"ALTER TABLE {table} ADD COLUMN {definition[..insert]} DEFAULT {fill}{definition[insert..]}";
            if (!context.Sqlite) yield return $"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT";
        }
        if (field.DbIndex && !field.Unique)
            yield return $"CREATE INDEX {Backends.Backend.Quote($"{model.Table}_{field.Column(name)}_idx")} ON {table} ({column})";
    }

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) => RemoveField.Drop(context, context.After.Model(context.App, Model), context.Before.Model(context.App, Model), Name);
}

/// <summary>Drops a column (Django's <c>RemoveField</c>); unapplying it adds the column back, filled with its default.</summary>
public sealed class RemoveField(string model, string name) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The field's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Remove field {Name} from {Model.ToLowerInvariant()}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) => state.Model(app, Model).Fields.RemoveAll(f => f.Name == Name);

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) => Drop(context, context.Before.Model(context.App, Model), context.After.Model(context.App, Model), Name);

    internal static Task Drop(MigrationContext context, ModelState with, ModelState without, string name)
    {
        if (with.Field(name).ManyToMany)
            return Statements.RunAsync(context, [$"DROP TABLE {Backends.Backend.Quote(SchemaEditor.Through(with, name))}{(context.Sqlite ? "" : " CASCADE")}"]);
        if (context.Sqlite) return Statements.RunAsync(context, SchemaEditor.Remake(context, with, without, n => n));
        var field = with.Field(name);
        return Statements.RunAsync(context, [$"ALTER TABLE {Backends.Backend.Quote(with.Table)} DROP COLUMN {Backends.Backend.Quote(field.Column(name))} CASCADE"]);
    }

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context)
    {
        var before = context.Before.Model(context.App, Model);
        var after = context.After.Model(context.App, Model);
        var field = before.Field(Name);
        if (field.ManyToMany) return Statements.RunAsync(context, SchemaEditor.CreateThrough(context, context.Before, before, Name, field));
        if (context.Sqlite) return Statements.RunAsync(context, SchemaEditor.Remake(context, after, before, n => n == Name ? null : n));
        return Statements.RunAsync(context, AddField.AddColumn(context, before, Name, field));
    }
}

/// <summary>Renames a column (Django's <c>RenameField</c>); the rows keep their values.</summary>
public sealed class RenameField(string model, string oldName, string newName) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The field's name before.</summary>
    public string OldName { get; } = oldName;

    /// <summary>The field's name after.</summary>
    public string NewName { get; } = newName;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Rename field {OldName} on {Model.ToLowerInvariant()} to {NewName}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state)
    {
        var fields = state.Model(app, Model).Fields;
        var index = fields.FindIndex(f => f.Name == OldName);
        if (index < 0) throw new Core.FieldError($"{app}.{Model} has no field named '{OldName}'");
        fields[index] = (NewName, fields[index].Field);
    }

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) => Rename(context, context.Before, OldName, NewName);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) => Rename(context, context.After, NewName, OldName);

    private Task Rename(MigrationContext context, ProjectState state, string from, string to)
    {
        var model = state.Model(context.App, Model);
        var field = model.Field(from);
        return Statements.RunAsync(context,
            [$"ALTER TABLE {Backends.Backend.Quote(model.Table)} RENAME COLUMN {Backends.Backend.Quote(field.Column(from))} TO {Backends.Backend.Quote(field.Column(to))}"]);
    }
}

/// <summary>Changes a column's type, nullability, uniqueness or index (Django's <c>AlterField</c>); the rows keep their values.</summary>
public sealed class AlterField(string model, string name, Field field) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The field's name.</summary>
    public string FieldName { get; } = name;

    /// <summary>The field as it becomes.</summary>
    public Field Field { get; } = field;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Alter field {FieldName} on {Model.ToLowerInvariant()}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state)
    {
        var fields = state.Model(app, Model).Fields;
        var index = fields.FindIndex(f => f.Name == FieldName);
        if (index < 0) throw new Core.FieldError($"{app}.{Model} has no field named '{FieldName}'");
        fields[index] = (FieldName, Field.WithoutDefault());
    }

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) =>
        Alter(context, context.Before.Model(context.App, Model), context.After.Model(context.App, Model), context.Before.Model(context.App, Model).Field(FieldName), Field);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) =>
        Alter(context, context.After.Model(context.App, Model), context.Before.Model(context.App, Model), context.After.Model(context.App, Model).Field(FieldName), context.Before.Model(context.App, Model).Field(FieldName));

    private Task Alter(MigrationContext context, ModelState fromModel, ModelState toModel, Field from, Field to)
    {
        if (context.Sqlite)
        {
            return Statements.RunAsync(context, SchemaEditor.Remake(context, fromModel, toModel, n => n, (FieldName, to)));
        }
        var backend = Connections.For(context.Alias);
        var table = Backends.Backend.Quote(toModel.Table);
        var column = Backends.Backend.Quote(to.Column(FieldName));
        var statements = new List<string>();
        var oldType = backend.ColumnType(from.Type, from.MaxLength, from.Json, from.MaxDigits, from.DecimalPlaces);
        var newType = backend.ColumnType(to.Type, to.MaxLength, to.Json, to.MaxDigits, to.DecimalPlaces);
        if (oldType != newType) statements.Add($"ALTER TABLE {table} ALTER COLUMN {column} TYPE {newType} USING {column}::{newType}");
        if (from.Null && !to.Null)
        {
            statements.Add($"UPDATE {table} SET {column} = {SchemaEditor.Fill(context, to)} WHERE {column} IS NULL");
            statements.Add($"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL");
        }
        else if (!from.Null && to.Null) statements.Add($"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL");
        if (!from.Unique && to.Unique) statements.Add($"ALTER TABLE {table} ADD CONSTRAINT {Backends.Backend.Quote($"{toModel.Table}_{to.Column(FieldName)}_key")} UNIQUE ({column})");
        else if (from.Unique && !to.Unique) statements.Add($"ALTER TABLE {table} DROP CONSTRAINT {Backends.Backend.Quote($"{toModel.Table}_{from.Column(FieldName)}_key")}");
        var index = Backends.Backend.Quote($"{toModel.Table}_{to.Column(FieldName)}_idx");
        var hadIndex = from.DbIndex && !from.Unique;
        var hasIndex = to.DbIndex && !to.Unique;
        if (hadIndex && !hasIndex) statements.Add($"DROP INDEX {index}");
        else if (!hadIndex && hasIndex) statements.Add($"CREATE INDEX {index} ON {table} ({column})");
        return Statements.RunAsync(context, statements);
    }
}

/// <summary>Renames a model and, when its table follows its FieldName, the table (Django's <c>RenameModel</c>).</summary>
public sealed class RenameModel(string oldName, string newName) : Operation
{
    /// <summary>The model's name before.</summary>
    public string OldName => oldName;

    /// <summary>The model's name after.</summary>
    public string NewName => newName;

    /// <inheritdoc/>
    public override string? ModelName => oldName;

    /// <inheritdoc/>
    public override string Describe() => $"Rename model {oldName} to {newName}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state)
    {
        var model = state.Model(app, oldName);
        state.Remove(app, oldName);
        model.Name = newName;
        state.Add(model);
    }

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) =>
        AlterModelTable.Rename(context, context.Before.Model(context.App, oldName).Table, context.After.Model(context.App, newName).Table);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) =>
        AlterModelTable.Rename(context, context.After.Model(context.App, newName).Table, context.Before.Model(context.App, oldName).Table);
}

/// <summary>Moves a model to another table name (Django's <c>AlterModelTable</c>); null goes back to Django's default name.</summary>
public sealed class AlterModelTable(string name, string? table) : Operation
{
    /// <summary>The model.</summary>
    public string Name { get; } = name;

    /// <summary>The table, or null for Django's default name.</summary>
    public string? Table { get; } = table;

    /// <inheritdoc/>
    public override string? ModelName => Name;

    /// <inheritdoc/>
    public override string Describe() => $"Rename table for {Name} to {Table ?? "(default)"}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) => state.Model(app, Name).DbTable = Table;

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) =>
        Rename(context, context.Before.Model(context.App, Name).Table, context.After.Model(context.App, Name).Table);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) =>
        Rename(context, context.After.Model(context.App, Name).Table, context.Before.Model(context.App, Name).Table);

    internal static Task Rename(MigrationContext context, string from, string to) =>
        from == to ? Task.CompletedTask : Statements.RunAsync(context, [$"ALTER TABLE {Backends.Backend.Quote(from)} RENAME TO {Backends.Backend.Quote(to)}"]);
}

/// <summary>Adds an index (Django's <c>AddIndex</c>).</summary>
public sealed class AddIndex(string model, ModelIndex index) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The index.</summary>
    public ModelIndex Index { get; } = index;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Create index {Index.Name} on field(s) {string.Join(", ", Index.Fields)} of model {Model.ToLowerInvariant()}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) => state.Model(app, Model).Indexes.Add(Index);

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) =>
        Statements.RunAsync(context, [SchemaEditor.CreateIndex(context.After.Model(context.App, Model), Index)]);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) => Statements.RunAsync(context, [SchemaEditor.DropIndex(Index.Name)]);
}

/// <summary>Drops an index (Django's <c>RemoveIndex</c>); unapplying it makes the index again.</summary>
public sealed class RemoveIndex(string model, string name) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The index's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Remove index {Name} from {Model.ToLowerInvariant()}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) => state.Model(app, Model).Indexes.RemoveAll(i => i.Name == Name);

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) => Statements.RunAsync(context, [SchemaEditor.DropIndex(Name)]);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context)
    {
        var model = context.Before.Model(context.App, Model);
        return Statements.RunAsync(context, [SchemaEditor.CreateIndex(model, model.Indexes.First(i => i.Name == Name))]);
    }
}

/// <summary>Renames an index (Django's <c>RenameIndex</c>): PostgreSQL renames it, SQLite makes it again under the new name.</summary>
public sealed class RenameIndex(string model, string newName, string oldName) : Operation
{
    /// <inheritdoc/>
    public override string? ModelName => model;

    /// <inheritdoc/>
    public override string Describe() => $"Rename index {oldName} on {model.ToLowerInvariant()} to {newName}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state)
    {
        var indexes = state.Model(app, model).Indexes;
        var at = indexes.FindIndex(i => i.Name == oldName);
        if (at < 0) throw new Core.FieldError($"{app}.{model} has no index named '{oldName}'");
        indexes[at] = indexes[at] with { Name = newName };
    }

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) => Rename(context, context.After, oldName, newName);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) => Rename(context, context.Before, newName, oldName);

    private Task Rename(MigrationContext context, ProjectState target, string from, string to)
    {
        if (!context.Sqlite)
            return Statements.RunAsync(context, [$"ALTER INDEX {Backends.Backend.Quote(from)} RENAME TO {Backends.Backend.Quote(to)}"]);
        var state = target.Model(context.App, model);
        return Statements.RunAsync(context, [SchemaEditor.DropIndex(from), SchemaEditor.CreateIndex(state, state.Indexes.First(i => i.Name == to))]);
    }
}

/// <summary>Sets the fields unique together (Django's <c>AlterUniqueTogether</c>): unique indexes made and dropped to match.</summary>
public sealed class AlterUniqueTogether(string model, IReadOnlyList<IReadOnlyList<string>> uniqueTogether) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The sets, as they become.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Sets { get; } = uniqueTogether;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Alter unique_together for {Model.ToLowerInvariant()} ({Sets.Count} constraint(s))";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state)
    {
        var sets = state.Model(app, Model).UniqueTogether;
        sets.Clear();
        sets.AddRange(Sets);
    }

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) =>
        Change(context, context.Before.Model(context.App, Model), context.After.Model(context.App, Model));

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) =>
        Change(context, context.After.Model(context.App, Model), context.Before.Model(context.App, Model));

    private static Task Change(MigrationContext context, ModelState from, ModelState to)
    {
        static bool Same(IReadOnlyList<string> a, IReadOnlyList<string> b) => a.SequenceEqual(b);
        var statements = new List<string>();
        foreach (var set in from.UniqueTogether.Where(s => !to.UniqueTogether.Any(t => Same(s, t))))
            statements.Add(SchemaEditor.DropIndex(SchemaEditor.UniqueName(from, set)));
        foreach (var set in to.UniqueTogether.Where(s => !from.UniqueTogether.Any(t => Same(s, t))))
            statements.Add(SchemaEditor.CreateUnique(to, set));
        return Statements.RunAsync(context, statements);
    }
}

/// <summary>
/// Operations for the database and others for the state, apart (Django's <c>SeparateDatabaseAndState</c>): to tell the
/// migrations about a table that is already there, or to change a table without the models seeing it.
/// </summary>
public sealed class SeparateDatabaseAndState(IReadOnlyList<Operation>? databaseOperations = null, IReadOnlyList<Operation>? stateOperations = null) : Operation
{
    private readonly IReadOnlyList<Operation> _database = databaseOperations ?? [];
    private readonly IReadOnlyList<Operation> _state = stateOperations ?? [];

    /// <inheritdoc/>
    public override bool Reversible => _database.All(o => o.Reversible);

    /// <inheritdoc/>
    public override string Describe() => "Custom state/database change combination";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state)
    {
        foreach (var operation in _state) operation.StateForwards(app, state);
    }

    /// <inheritdoc/>
    public override async Task ForwardsAsync(MigrationContext context)
    {
        var state = context.Before.Clone();
        foreach (var operation in _database)
        {
            var before = state.Clone();
            operation.StateForwards(context.App, state);
            await operation.ForwardsAsync(new MigrationContext(context.Alias, context.Collected, context.App, before, state.Clone())).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async Task BackwardsAsync(MigrationContext context)
    {
        var state = context.Before.Clone();
        var steps = new List<(Operation, ProjectState, ProjectState)>();
        foreach (var operation in _database)
        {
            var before = state.Clone();
            operation.StateForwards(context.App, state);
            steps.Add((operation, before, state.Clone()));
        }
        steps.Reverse();
        foreach (var (operation, before, after) in steps)
            await operation.BackwardsAsync(new MigrationContext(context.Alias, context.Collected, context.App, before, after)).ConfigureAwait(false);
    }
}

/// <summary>Adds a table constraint (Django's <c>AddConstraint</c>): PostgreSQL alters the table, SQLite remakes it.</summary>
public sealed class AddConstraint(string model, Constraint constraint) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The constraint.</summary>
    public Constraint Constraint { get; } = constraint;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Create constraint {Constraint.Name} on model {Model.ToLowerInvariant()}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) => state.Model(app, Model).Constraints.Add(Constraint);

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) => Change(context, context.Before.Model(context.App, Model), context.After.Model(context.App, Model), adding: true);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) => Change(context, context.After.Model(context.App, Model), context.Before.Model(context.App, Model), adding: false);

    internal Task Change(MigrationContext context, ModelState from, ModelState to, bool adding) =>
        context.Sqlite
            ? Statements.RunAsync(context, SchemaEditor.Remake(context, from, to, n => n))
            : Statements.RunAsync(context, [adding
                ? $"ALTER TABLE {Backends.Backend.Quote(to.Table)} ADD {SchemaEditor.ConstraintSql(to, Constraint)}"
                : $"ALTER TABLE {Backends.Backend.Quote(to.Table)} DROP CONSTRAINT {Backends.Backend.Quote(Constraint.Name)}"]);
}

/// <summary>Drops a table constraint (Django's <c>RemoveConstraint</c>); unapplying it adds the constraint again.</summary>
public sealed class RemoveConstraint(string model, string name) : Operation
{
    /// <summary>The model.</summary>
    public string Model { get; } = model;

    /// <summary>The constraint's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public override string? ModelName => Model;

    /// <inheritdoc/>
    public override string Describe() => $"Remove constraint {Name} from model {Model.ToLowerInvariant()}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state) => state.Model(app, Model).Constraints.RemoveAll(c => c.Name == Name);

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context)
    {
        var constraint = context.Before.Model(context.App, Model).Constraints.First(c => c.Name == Name);
        return new AddConstraint(Model, constraint).Change(context, context.Before.Model(context.App, Model), context.After.Model(context.App, Model), adding: false);
    }

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context)
    {
        var constraint = context.Before.Model(context.App, Model).Constraints.First(c => c.Name == Name);
        return new AddConstraint(Model, constraint).Change(context, context.After.Model(context.App, Model), context.Before.Model(context.App, Model), adding: true);
    }
}

/// <summary>Changes options that do not touch the database (Django's <c>AlterModelOptions</c>: ordering, verbose names…).</summary>
public sealed class AlterModelOptions(string name, IReadOnlyDictionary<string, object?> options) : Operation
{
    /// <summary>The model.</summary>
    public string Name { get; } = name;

    /// <summary>The options, as they become.</summary>
    public IReadOnlyDictionary<string, object?> Options { get; } = options;

    /// <inheritdoc/>
    public override string? ModelName => Name;

    /// <inheritdoc/>
    public override string Describe() => $"Change Meta options on {Name.ToLowerInvariant()}";

    /// <inheritdoc/>
    public override void StateForwards(string app, ProjectState state)
    {
        var model = state.Model(app, Name);
        model.Options.Clear();
        foreach (var (key, value) in Options) model.Options[key] = value;
    }

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) => Task.CompletedTask;

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context) => Task.CompletedTask;
}
