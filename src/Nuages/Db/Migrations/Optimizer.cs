namespace Nuages.Db.Migrations;

/// <summary>
/// Folds a list of operations into a shorter one that does the same (Django's <c>MigrationOptimizer</c>): a field added
/// then altered is added altered, a model created then given a field is created with it, what is created then deleted
/// disappears. An operation folds into an earlier one across operations on other models; raw SQL and code are walls.
/// </summary>
public static class MigrationOptimizer
{
    /// <summary>The operations, folded until nothing more folds.</summary>
    public static List<Operation> Optimize(IEnumerable<Operation> operations)
    {
        var list = operations.ToList();
        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < list.Count && !changed; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    if (list[j] is RunSql or RunCode or SeparateDatabaseAndState || list[i] is RunSql or RunCode or SeparateDatabaseAndState) break;
                    if (!SameModel(list[i], list[j]))
                    {
                        if (References(list[j], list[i].ModelName)) break; // another model pointing at this one: keep the order
                        continue;
                    }
                    var folded = Reduce(list[i], list[j]);
                    if (folded is null) break;
                    list.RemoveAt(j);
                    list.RemoveAt(i);
                    list.InsertRange(i, folded);
                    changed = true;
                    break;
                }
            }
        }
        while (changed);
        return list;
    }

    private static bool SameModel(Operation a, Operation b) =>
        a.ModelName is { } x && b.ModelName is { } y && x.Equals(y, StringComparison.OrdinalIgnoreCase);

    private static bool References(Operation operation, string? model) => model is not null && operation switch
    {
        CreateModel c => c.Fields.Any(f => f.Field.To?.EndsWith("." + model, StringComparison.OrdinalIgnoreCase) == true),
        AddField a => a.Field.To?.EndsWith("." + model, StringComparison.OrdinalIgnoreCase) == true,
        AlterField a => a.Field.To?.EndsWith("." + model, StringComparison.OrdinalIgnoreCase) == true,
        RenameModel or DeleteModel => true,
        _ => false,
    };

    /// <summary>What two operations on the same model fold into, or null when they do not.</summary>
    private static List<Operation>? Reduce(Operation first, Operation second) => (first, second) switch
    {
        (CreateModel c, DeleteModel) => [],
        (CreateModel c, AddField a) => [new CreateModel(c.Name, [.. c.Fields, (a.Name, a.Field.WithoutDefault())], c.DbTable)],
        (CreateModel c, RemoveField r) => [new CreateModel(c.Name, [.. c.Fields.Where(f => f.Name != r.Name)], c.DbTable)],
        (CreateModel c, AlterField a) => [new CreateModel(c.Name, [.. c.Fields.Select(f => f.Name == a.FieldName ? (f.Name, a.Field.WithoutDefault()) : f)], c.DbTable)],
        (CreateModel c, RenameField r) => [new CreateModel(c.Name, [.. c.Fields.Select(f => f.Name == r.OldName ? (r.NewName, f.Field) : f)], c.DbTable)],
        (CreateModel c, AlterModelTable t) => [new CreateModel(c.Name, c.Fields, t.Table)],
        (AddField a, AlterField b) when a.Name == b.FieldName => [new AddField(a.Model, a.Name, b.Field with { Default = b.Field.Default ?? a.Field.Default })],
        (AddField a, RemoveField r) when a.Name == r.Name => [],
        (AddField a, RenameField r) when a.Name == r.OldName => [new AddField(a.Model, r.NewName, a.Field)],
        (AlterField a, AlterField b) when a.FieldName == b.FieldName => [b],
        (AlterField a, RemoveField r) when a.FieldName == r.Name => [r],
        _ => null,
    };
}
