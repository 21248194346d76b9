using System.Globalization;
using System.Text;
using Nuages.Async;
using Nuages.Db.Backends;
using Nuages.Db.Query;

namespace Nuages.Db.Models;

/// <summary>
/// An active-record model, Django's <c>Model</c>: public read/write properties are its columns (snake_case
/// names), <c>Id</c> its auto-incremented primary key, <c>Objects</c> its manager. <see cref="Save"/> inserts or
/// updates; every SQL operation has an async twin.
/// </summary>
public abstract class Model<T> where T : Model<T>, new()
{
    /// <summary>The primary key; 0 until the row is saved.</summary>
    public long Id { get; set; }

    /// <summary>The default manager.</summary>
    public static Manager<T> Objects { get; } = new();

    /// <summary>Get found no row.</summary>
    public sealed class DoesNotExist(string message) : ObjectDoesNotExist(message);

    /// <summary>Get found several rows.</summary>
    public sealed class MultipleObjectsReturned(string message) : Models.MultipleObjectsReturned(message);

    private static ModelMeta Meta => ModelMeta.For(typeof(T));

    /// <summary>Inserts the row (no Id yet) or updates it.</summary>
    public void Save(string @using = "default")
    {
        AsyncSafety.ThrowIfAsync("Model.Save");
        var backend = Connections.For(@using);
        var (sql, values) = SaveSql(backend);
        using var connection = backend.Open();
        using var command = QuerySet<T>.Command(connection, sql, values);
        if (Id == 0) Id = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        else command.ExecuteNonQuery();
    }

    /// <summary>Inserts or updates, asynchronously. Writes run to completion unless a token is passed.</summary>
    public async Task SaveAsync(string @using = "default", CancellationToken cancellationToken = default)
    {
        var backend = Connections.For(@using);
        var (sql, values) = SaveSql(backend);
        await using var connection = await backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = QuerySet<T>.Command(connection, sql, values);
        if (Id == 0) Id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        else await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private (string Sql, List<object?> Values) SaveSql(Backend backend)
    {
        if (Id == 0) return QuerySet<T>.InsertBatches(backend, [(T)this], null).Single();
        var sqlite = backend is SqliteBackend;
        var fields = Meta.Fields.Where(f => f != Meta.Pk).ToList();
        var values = fields.Select(f => (object?)ModelMeta.ToDatabase(f.Get(this), sqlite)).ToList();
        var table = Backend.Quote(Meta.Table);
        var sets = string.Join(", ", fields.Select((f, i) => $"{Backend.Quote(f.Column)} = @p{i}"));
        values.Add(Id);
        return ($"UPDATE {table} SET {sets} WHERE {Backend.Quote("id")} = @p{values.Count - 1}", values);
    }

    /// <summary>
    /// Reloads every field from the database (Django's refresh_from_db); with <paramref name="fromQueryset"/>, through that
    /// query, so a row it excludes raises <see cref="DoesNotExist"/> (spec O-11, O-12).
    /// </summary>
    public void RefreshFromDb(string @using = "default", QuerySet<T>? fromQueryset = null) =>
        CopyFrom((fromQueryset ?? Objects.Using(@using)).Get("id", Id));

    /// <summary>RefreshFromDb, asynchronously.</summary>
    public async Task RefreshFromDbAsync(string @using = "default", QuerySet<T>? fromQueryset = null, CancellationToken cancellationToken = default) =>
        CopyFrom(await (fromQueryset ?? Objects.Using(@using)).GetAsync("id", Id, cancellationToken).ConfigureAwait(false));

    private void CopyFrom(T fresh)
    {
        foreach (var field in Meta.Fields) field.Set(this, field.Get(fresh));
    }

    /// <summary>Deletes the row.</summary>
    public void Delete(string @using = "default") => Objects.Using(@using).Filter("id", Id).Delete();

    /// <summary>Deletes the row, asynchronously.</summary>
    public Task DeleteAsync(string @using = "default", CancellationToken cancellationToken = default) =>
        Objects.Using(@using).Filter("id", Id).DeleteAsync(cancellationToken);
}

/// <summary>Creates the tables of models (Django's <c>migrate</c> for new tables): idempotent.</summary>
public static class Schema
{
    /// <summary>The CREATE TABLE statements for <paramref name="models"/> on <paramref name="using"/> (Django's <c>sqlmigrate</c>).</summary>
    public static IReadOnlyList<string> Sql(IEnumerable<Type> models, string @using = "default")
    {
        var backend = Connections.For(@using);
        return models.Select(model =>
        {
            var meta = ModelMeta.For(model);
            var sb = new StringBuilder($"CREATE TABLE IF NOT EXISTS {Backend.Quote(meta.Table)} (");
            sb.AppendJoin(", ", meta.Fields.Select(f => f == meta.Pk
                ? $"{Backend.Quote(f.Column)} {backend.AutoPrimaryKey}"
                : $"{Backend.Quote(f.Column)} {backend.ColumnType(f.Type, f.MaxLength)}{(f.Nullable ? " NULL" : " NOT NULL")}"));
            return sb.Append(')').ToString();
        }).ToList();
    }

    /// <summary>Creates the missing tables.</summary>
    public static void Migrate(IEnumerable<Type> models, string @using = "default")
    {
        AsyncSafety.ThrowIfAsync("Schema.Migrate");
        using var connection = Connections.For(@using).Open();
        foreach (var statement in Sql(models, @using))
        {
            using var command = connection.CreateCommand();
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }
    }
}
