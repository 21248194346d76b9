using Nuages.Db.Backends;

namespace Nuages.Db.Migrations;

/// <summary>
/// The DDL of model operations (Django's schema editor): PostgreSQL alters tables in place; SQLite, which cannot
/// alter most columns, remakes the table — creates the new one, copies the rows, drops the old, renames — as
/// Django's SQLite schema editor does.
/// </summary>
internal static class SchemaEditor
{
    private static string Q(string name) => Backend.Quote(name);

    public static string ColumnDefinition(MigrationContext context, ProjectState state, string name, Field field)
    {
        var backend = Connections.For(context.Alias);
        var column = Q(field.Column(name));
        if (field.IsAuto) return $"{column} {backend.AutoPrimaryKey}";
        if (field.PrimaryKey) return $"{column} {backend.ColumnType(field.Type, field.MaxLength, false)} NOT NULL PRIMARY KEY";
        var references = field.To is null ? "" : $" REFERENCES {Q(state.Model(field.To).Table)} (\"id\") DEFERRABLE INITIALLY DEFERRED";
        return $"{column} {backend.ColumnType(field.Type, field.MaxLength, field.Json, field.MaxDigits, field.DecimalPlaces)} {(field.Null ? "NULL" : "NOT NULL")}{(field.Unique ? " UNIQUE" : "")}{references}";
    }

    public static IEnumerable<string> CreateTable(MigrationContext context, ProjectState state, ModelState model, string? table = null)
    {
        var name = table ?? model.Table;
        yield return $"CREATE TABLE {Q(name)} ({TableBody(context, state, model)})";
        foreach (var index in Indexes(model, name)) yield return index;
        foreach (var (field, spec) in model.Fields.Where(f => f.Field.ManyToMany))
            foreach (var statement in CreateThrough(context, state, model, field, spec)) yield return statement;
    }

    /// <summary>The columns and the table's named constraints.</summary>
    private static string TableBody(MigrationContext context, ProjectState state, ModelState model) =>
        string.Join(", ", Columns(model).Select(f => ColumnDefinition(context, state, f.Name, f.Field)).Concat(model.Constraints.Select(c => ConstraintSql(model, c))));

    public static string ConstraintSql(ModelState model, Constraint constraint) => constraint.Check is { } check
        ? $"CONSTRAINT {Q(constraint.Name)} CHECK ({check})"
        : $"CONSTRAINT {Q(constraint.Name)} UNIQUE ({string.Join(", ", constraint.Unique!.Select(f => Q(model.Field(f).Column(f))))})";

    /// <summary>The fields that are columns (a ManyToMany relation has a table instead).</summary>
    public static IEnumerable<(string Name, Field Field)> Columns(ModelState model) => model.Fields.Where(f => !f.Field.ManyToMany);

    /// <summary>The table of a ManyToMany relation, as models make it: <c>{table}_{field}</c>, a key to each side, unique together.</summary>
    public static IEnumerable<string> CreateThrough(MigrationContext context, ProjectState state, ModelState model, string name, Field field)
    {
        var backend = Connections.For(context.Alias);
        var target = state.Model(field.To!);
        var self = target.App == model.App && target.Name.Equals(model.Name, StringComparison.OrdinalIgnoreCase);
        var source = (self ? "from_" : "") + System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(model.Name) + "_id";
        var other = (self ? "to_" : "") + System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(target.Name) + "_id";
        var through = Through(model, name);
        var key = backend.ColumnType(typeof(long), null, false);
        yield return $"CREATE TABLE {Q(through)} (\"id\" {backend.AutoPrimaryKey}, {Q(source)} {key} NOT NULL REFERENCES {Q(model.Table)} (\"id\") DEFERRABLE INITIALLY DEFERRED, " +
            $"{Q(other)} {key} NOT NULL REFERENCES {Q(target.Table)} (\"id\") DEFERRABLE INITIALLY DEFERRED, UNIQUE ({Q(source)}, {Q(other)}))";
        yield return $"CREATE INDEX {Q($"{through}_{source}_idx")} ON {Q(through)} ({Q(source)})";
        yield return $"CREATE INDEX {Q($"{through}_{other}_idx")} ON {Q(through)} ({Q(other)})";
    }

    public static string Through(ModelState model, string name) => $"{model.Table}_{name}";

    public static IEnumerable<string> Indexes(ModelState model, string? table = null)
    {
        var name = table ?? model.Table;
        foreach (var (field, spec) in Columns(model))
            if (spec.DbIndex && !spec.Unique && !spec.PrimaryKey)
                yield return $"CREATE INDEX {Q($"{model.Table}_{spec.Column(field)}_idx")} ON {Q(name)} ({Q(spec.Column(field))})";
        foreach (var set in model.UniqueTogether) yield return CreateUnique(model, set, name);
        foreach (var index in model.Indexes) yield return CreateIndex(model, index, name);
    }

    /// <summary>A unique index for fields unique together, named <c>{table}_{columns}_uniq</c>.</summary>
    public static string CreateUnique(ModelState model, IReadOnlyList<string> fields, string? table = null)
    {
        var columns = fields.Select(f => model.Field(f).Column(f)).ToList();
        return $"CREATE UNIQUE INDEX {Q(UniqueName(model, fields))} ON {Q(table ?? model.Table)} ({string.Join(", ", columns.Select(Q))})";
    }

    public static string UniqueName(ModelState model, IReadOnlyList<string> fields) =>
        $"{model.Table}_{string.Join("_", fields.Select(f => model.Field(f).Column(f)))}_uniq";

    public static string CreateIndex(ModelState model, ModelIndex index, string? table = null)
    {
        var parts = index.Fields.Select(f => Q(model.Field(f.TrimStart('-')).Column(f.TrimStart('-'))) + (f.StartsWith('-') ? " DESC" : ""));
        return $"CREATE INDEX {Q(index.Name)} ON {Q(table ?? model.Table)} ({string.Join(", ", parts)})";
    }

    public static string DropIndex(string name) => $"DROP INDEX {Q(name)}";

    public static IEnumerable<string> DropTable(MigrationContext context, ModelState model)
    {
        foreach (var (name, _) in model.Fields.Where(f => f.Field.ManyToMany)) yield return $"DROP TABLE {Q(Through(model, name))}{(context.Sqlite ? "" : " CASCADE")}";
        yield return $"DROP TABLE {Q(model.Table)}{(context.Sqlite ? "" : " CASCADE")}";
    }

    /// <summary>What fills a column for rows that exist: the one-off default, else the type's own (0, "", false) for a NOT NULL column.</summary>
    public static string Fill(MigrationContext context, Field field)
    {
        if (field.Default is not null) return SqlLiteral.Of(field.Default, context.Sqlite);
        if (field.Null) return "NULL";
        var type = Nullable.GetUnderlyingType(field.Type) ?? field.Type;
        object? value = type == typeof(string) ? "" : type == typeof(bool) ? false : type.IsValueType ? Activator.CreateInstance(type) : null;
        return SqlLiteral.Of(value, context.Sqlite);
    }

    /// <summary>
    /// Django's SQLite <c>_remake_table</c>: the table as <paramref name="after"/> describes it, each column filled from
    /// the old column <paramref name="source"/> names (or by its fill value), the rows kept.
    /// </summary>
    public static IEnumerable<string> Remake(MigrationContext context, ModelState before, ModelState after, Func<string, string?> source, (string Name, Field Field)? added = null)
    {
        // Foreign keys are enforced and cannot be turned off inside the migration's transaction, and renaming a table
        // would rewrite the references other tables make to it. So the rows are kept aside, the table is dropped (the
        // rows pointing at it count as dangling, deferred to the commit), made again under its own name, and the rows
        // put back — which settles the references before the commit checks them.
        var aside = "old__" + before.Table;
        yield return $"CREATE TABLE {Q(aside)} AS SELECT * FROM {Q(before.Table)}";
        yield return $"DROP TABLE {Q(before.Table)}";
        yield return $"CREATE TABLE {Q(after.Table)} ({TableBody(context, context.After, after)})";
        var columns = new List<string>();
        var values = new List<string>();
        foreach (var (name, field) in Columns(after))
        {
            columns.Add(Q(field.Column(name)));
            var filler = added is { } a && a.Name == name ? a.Field : field; // a field added brings its one-off default
            var old = source(name) is { } oldName && before.Fields.Any(f => f.Name == oldName) ? before.Field(oldName).Column(oldName) : null;
            var oldNullable = old is not null && before.Fields.First(f => f.Name == source(name)).Field.Null;
            values.Add(old is null ? Fill(context, filler) : field.Null || !oldNullable ? Q(old) : $"coalesce({Q(old)}, {Fill(context, filler)})");
        }
        yield return $"INSERT INTO {Q(after.Table)} ({string.Join(", ", columns)}) SELECT {string.Join(", ", values)} FROM {Q(aside)}";
        yield return $"DROP TABLE {Q(aside)}";
        foreach (var index in Indexes(after)) yield return index;
    }
}
