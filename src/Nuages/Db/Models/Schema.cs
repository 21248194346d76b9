using Nuages.Async;
using Nuages.Db.Backends;

namespace Nuages.Db.Models;

/// <summary>Creates the tables, unique constraints and indexes of models (Django's <c>migrate</c> for new tables): idempotent.</summary>
public static class Schema
{
    /// <summary>The DDL for <paramref name="models"/> on <paramref name="using"/> (Django's <c>sqlmigrate</c>).</summary>
    public static IReadOnlyList<string> Sql(IEnumerable<Type> models, string @using = Database.DefaultAlias)
    {
        var backend = Connections.For(@using);
        var statements = new List<string>();
        var created = new HashSet<Type>();
        void Table(ModelMeta meta)
        {
            var table = Backend.Quote(meta.Table);
            var columns = meta.Fields.Select(f => f == meta.Pk
                ? $"{Backend.Quote(f.Column)} {backend.AutoPrimaryKey}"
                : $"{Backend.Quote(f.Column)} {backend.ColumnType(f)}{(f.Nullable ? " NULL" : " NOT NULL")}{(f.Unique ? " UNIQUE" : "")}{References(f, meta.Type, created)}");
            var together = meta.UniqueTogether.Select(set => $"UNIQUE ({string.Join(", ", set.Select(f => Backend.Quote(f.Column)))})");
            statements.Add($"CREATE TABLE IF NOT EXISTS {table} ({string.Join(", ", columns.Concat(together))})");
            created.Add(meta.Type);
            foreach (var field in meta.Fields.Where(f => f.Indexed && !f.Unique && f != meta.Pk))
                statements.Add($"CREATE INDEX IF NOT EXISTS {Backend.Quote($"{meta.Table}_{field.Column}_idx")} ON {table} ({Backend.Quote(field.Column)})");
            foreach (var (name, fields) in meta.Indexes)
            {
                var parts = fields.Select(f => Backend.Quote(meta.Field(f.TrimStart('-')).Column) + (f.StartsWith('-') ? " DESC" : ""));
                statements.Add($"CREATE INDEX IF NOT EXISTS {Backend.Quote(name)} ON {table} ({string.Join(", ", parts)})");
            }
        }
        var ordered = Ordered(models).Where(m => Routers.AllowMigrate(@using, m)).ToList();
        foreach (var model in ordered) Table(ModelMeta.For(model));
        // the tables of ManyToMany relations without a model of their own, once both sides exist
        foreach (var relation in AutoThrough(ordered)) Table(relation.Through);
        return statements;
    }

    private static IEnumerable<ManyToManyMeta> AutoThrough(IEnumerable<Type> models) =>
        models.SelectMany(m => ModelMeta.For(m).ManyToMany).Where(r => r.ThroughType is null);

    /// <summary>The tables of <paramref name="models"/>, those that refer to others first: the order to drop them in.</summary>
    internal static IReadOnlyList<string> Tables(IEnumerable<Type> models)
    {
        var ordered = Ordered(models);
        return [.. AutoThrough(ordered).Select(r => r.Through.Table), .. Enumerable.Reverse(ordered).Select(m => ModelMeta.For(m).Table)];
    }

    /// <summary>
    /// The constraint of a reference, checked at commit as Django's are (so a transaction may insert rows in any order);
    /// deletes are followed by the ORM's own OnDelete rules, not by the database. A reference to a table not created
    /// before this one (a cycle between models) gets no constraint, as PostgreSQL needs the table to exist.
    /// </summary>
    private static string References(FieldMeta field, Type model, HashSet<Type> created) =>
        field.IsRelation && (created.Contains(field.RelatedType!) || field.RelatedType == model)
            ? $" REFERENCES {Backend.Quote(field.RelatedMeta.Table)} ({Backend.Quote(field.RelatedMeta.Pk.Column)}) DEFERRABLE INITIALLY DEFERRED"
            : "";

    /// <summary>The models with those they refer to first, as far as cycles allow; otherwise in the order given.</summary>
    private static List<Type> Ordered(IEnumerable<Type> models)
    {
        var given = models.Distinct().ToList();
        var ordered = new List<Type>();
        var visiting = new HashSet<Type>();
        void Visit(Type model)
        {
            if (ordered.Contains(model) || !visiting.Add(model)) return;
            foreach (var field in ModelMeta.For(model).Fields.Where(f => f.IsRelation && given.Contains(f.RelatedType!))) Visit(field.RelatedType!);
            ordered.Add(model);
        }
        foreach (var model in given) Visit(model);
        return ordered;
    }

    /// <summary>Creates what is missing.</summary>
    public static void Migrate(IEnumerable<Type> models, string @using = Database.DefaultAlias)
    {
        AsyncSafety.ThrowIfAsync("Schema.Migrate");
        var executor = Executor.For(@using);
        foreach (var statement in Sql(models, @using)) executor.Run("Schema.Migrate", new Statement(statement, []), command => command.ExecuteNonQuery());
    }
}
