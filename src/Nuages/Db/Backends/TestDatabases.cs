using Npgsql;

namespace Nuages.Db.Backends;

/// <summary>
/// Making and dropping the database a test run uses instead of an alias's own (Django's <c>create_test_db</c>):
/// a fresh SQLite file, or PostgreSQL's <c>test_{name}</c> made on the same server and dropped after.
/// </summary>
internal static class TestDatabases
{
    private static readonly Lock NamesLock = new();
    private static readonly HashSet<string> NamesInUse = new(StringComparer.Ordinal);

    /// <summary>Creates the test database for <paramref name="settings"/>; returns the settings that point at it.</summary>
    public static DatabaseSettings Create(DatabaseSettings settings, string alias)
    {
        if (settings.Engine == DatabaseEngine.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"nuages-test-{alias}-{Guid.NewGuid():N}.sqlite3");
            return settings with { ConnectionString = Database.Sqlite(file).ConnectionString };
        }
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        var name = Reserve("test_" + (builder.Database ?? builder.Username ?? "nuages"));
        using (var server = Maintenance(builder))
        {
            Execute(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            Execute(server, $"CREATE DATABASE \"{name}\"");
        }
        builder.Database = name;
        return settings with { ConnectionString = builder.ConnectionString };
    }

    /// <summary>Drops a test database made by <see cref="Create"/> (its open connections are closed first).</summary>
    public static void Destroy(DatabaseSettings test)
    {
        if (test.Engine == DatabaseEngine.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(test.ConnectionString).DataSource;
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
                if (File.Exists(path)) File.Delete(path);
            return;
        }
        var builder = new NpgsqlConnectionStringBuilder(test.ConnectionString);
        var name = builder.Database!;
        NpgsqlConnection.ClearAllPools();
        using (var server = Maintenance(builder)) Execute(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        // The name is not given out again in this process: the pool of the dropped database may still hold connections.
    }

    /// <summary>Removes every row of <paramref name="tables"/> (Django's <c>flush</c>, after a TransactionTestCase test).</summary>
    public static string FlushSql(DatabaseEngine engine, IReadOnlyList<string> tables) => engine == DatabaseEngine.Sqlite
        ? string.Concat(tables.Reverse().Select(t => $"DELETE FROM \"{t}\";"))
        : $"TRUNCATE {string.Join(", ", tables.Select(t => $"\"{t}\""))} RESTART IDENTITY CASCADE";

    // A name once in this process: parallel test classes get test_x, test_x_2, …
    private static string Reserve(string name)
    {
        lock (NamesLock)
        {
            var candidate = name;
            for (var i = 2; !NamesInUse.Add(candidate); i++) candidate = $"{name}_{i}";
            return candidate;
        }
    }

    private static NpgsqlConnection Maintenance(NpgsqlConnectionStringBuilder builder)
    {
        var server = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres", Pooling = false };
        var connection = new NpgsqlConnection(server.ConnectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
