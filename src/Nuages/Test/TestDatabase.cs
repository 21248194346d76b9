using Nuages.Db;
using Nuages.Db.Backends;

namespace Nuages.Test;

/// <summary>
/// The databases a test run uses instead of the site's own (Django's test databases): for every alias of the site,
/// a fresh SQLite file or PostgreSQL's <c>test_{name}</c> on the same server, with the tables of the site's models
/// (<see cref="NuagesApp.AllModels"/>) made in it. The site's aliases point at them until <see cref="Dispose"/>, which
/// drops them. Make one per test class fixture, or per run.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private readonly NuagesApp _app;
    private readonly List<(string Alias, DatabaseSettings Original, DatabaseSettings Test)> _made = [];

    private TestDatabase(NuagesApp app) => _app = app;

    /// <summary>Creates the test databases of <paramref name="app"/> and migrates its models into them.</summary>
    public static TestDatabase Create(NuagesApp app)
    {
        var test = new TestDatabase(app);
        var connections = Connections.Of(app.Site);
        try
        {
            foreach (var alias in connections.Aliases.ToList())
            {
                var original = connections.Settings(alias);
                var made = TestDatabases.Create(original, alias);
                test._made.Add((alias, original, made));
                connections.Use(alias, made);
            }
            using (app.Enter())
                foreach (var (alias, _, _) in test._made) Db.Models.Schema.Migrate(app.AllModels, alias);
        }
        catch
        {
            test.Dispose();
            throw;
        }
        return test;
    }

    /// <summary>The aliases with a test database.</summary>
    public IReadOnlyList<string> Aliases => [.. _made.Select(m => m.Alias)];

    /// <summary>Removes every row of the site's tables (what <see cref="TransactionTestCase"/> does after each test).</summary>
    public void Flush()
    {
        using var entered = _app.Enter();
        var tables = Db.Models.Schema.Tables(_app.AllModels);
        foreach (var (alias, _, test) in _made)
            Executor.For(alias).Run("TestDatabase.Flush", new Statement(TestDatabases.FlushSql(test.Engine, tables), []), command => command.ExecuteNonQuery());
    }

    /// <summary>Points the site's aliases back at their databases and drops the test databases.</summary>
    public void Dispose()
    {
        var connections = Connections.Of(_app.Site);
        foreach (var (alias, original, test) in _made)
        {
            connections.Use(alias, original);
            TestDatabases.Destroy(test);
        }
        _made.Clear();
    }
}
