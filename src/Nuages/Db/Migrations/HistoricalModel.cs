namespace Nuages.Db.Migrations;

/// <summary>
/// A model as the migrations describe it where a data migration runs (Django's <c>apps.get_model()</c> in
/// <c>RunPython</c>): its table and fields as they were then, not as the C# class is now — so an old data migration
/// keeps working after the model changes. Rows are dictionaries keyed by field name.
/// </summary>
public sealed class HistoricalModel
{
    private readonly MigrationContext _context;
    private readonly ModelState _state;

    internal HistoricalModel(MigrationContext context, ModelState state)
    {
        _context = context;
        _state = state;
    }

    /// <summary>The table.</summary>
    public string Table => _state.Table;

    /// <summary>The fields that are columns, in order.</summary>
    public IReadOnlyList<string> Fields => [.. SchemaEditor.Columns(_state).Select(f => f.Name)];

    private string Column(string field) => Backends.Backend.Quote(_state.Field(field).Column(field));

    /// <summary>Every row, as field name → value.</summary>
    public async Task<List<Dictionary<string, object?>>> AllAsync()
    {
        var fields = Fields;
        var rows = await _context.Connection.QueryAsync($"SELECT {string.Join(", ", fields.Select(Column))} FROM {Backends.Backend.Quote(Table)} ORDER BY \"id\"").ConfigureAwait(false);
        return [.. rows.Select(r => fields.Select((f, i) => (f, r[i])).ToDictionary(p => p.f, p => p.Item2))];
    }

    /// <summary>Inserts a row; the fields not given take the database's default (or NULL).</summary>
    public Task<int> CreateAsync(IReadOnlyDictionary<string, object?> values) =>
        _context.Connection.ExecuteAsync(
            $"INSERT INTO {Backends.Backend.Quote(Table)} ({string.Join(", ", values.Keys.Select(Column))}) VALUES ({string.Join(", ", values.Keys.Select(_ => "%s"))})",
            [.. values.Values]);

    /// <summary>Changes the row <paramref name="id"/>.</summary>
    public Task<int> UpdateAsync(long id, IReadOnlyDictionary<string, object?> values) =>
        _context.Connection.ExecuteAsync(
            $"UPDATE {Backends.Backend.Quote(Table)} SET {string.Join(", ", values.Keys.Select(k => Column(k) + " = %s"))} WHERE \"id\" = %s",
            [.. values.Values, id]);
}
