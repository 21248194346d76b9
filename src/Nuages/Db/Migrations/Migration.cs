namespace Nuages.Db.Migrations;

/// <summary>
/// A migration (Django's <c>Migration</c>): a class in an installed app's <c>Migrations</c> namespace, named as Django
/// names migration files with a leading underscore to be C# (<c>_0002_add_views</c> is migration <c>0002_add_views</c>),
/// with the migrations it needs (<see cref="Dependencies"/>) and what it does (<see cref="Operations"/>). It compiles
/// with the site, so a deployed build carries its migrations.
/// </summary>
public abstract class Migration
{
    /// <summary>The migrations applied before this one: <c>("blog", "0001_initial")</c>, or <c>("auth", "__first__")</c> / <c>"__latest__"</c>.</summary>
    public virtual IReadOnlyList<(string App, string Name)> Dependencies => [];

    /// <summary>What the migration does, in order; unapplying runs them backwards in reverse order.</summary>
    public abstract IReadOnlyList<Operation> Operations { get; }

    /// <summary>Whether it runs in one transaction with its record (Django's <c>atomic</c>); PostgreSQL and SQLite both roll DDL back.</summary>
    public virtual bool Atomic => true;

    /// <summary>The migrations this one replaces (a squashed migration).</summary>
    public virtual IReadOnlyList<(string App, string Name)> Replaces => [];

    /// <summary>Migrations of other apps that must run after this one (Django's <c>run_before</c>).</summary>
    public virtual IReadOnlyList<(string App, string Name)> RunBefore => [];

    /// <summary>Whether it creates its app's first tables (Django's <c>initial</c>), what <c>--fake-initial</c> looks for.</summary>
    public virtual bool Initial => false;

    /// <summary>The app label.</summary>
    public string App { get; internal set; } = "";

    /// <summary>The migration's name (<c>0001_initial</c>).</summary>
    public string Name { get; internal set; } = "";

    /// <summary><c>blog.0001_initial</c>.</summary>
    public override string ToString() => $"{App}.{Name}";
}

/// <summary>A step of a migration (Django's <c>Operation</c>): what it does to the database, forwards and backwards.</summary>
public abstract class Operation
{
    /// <summary>Whether it can be unapplied.</summary>
    public virtual bool Reversible => true;

    /// <summary>What it does, in words (Django's <c>describe()</c>), for <c>migrate --plan</c>.</summary>
    public abstract string Describe();

    /// <summary>The model it changes, if it changes one: what the routers' <c>AllowMigrate</c> is asked about.</summary>
    public virtual string? ModelName => null;

    /// <summary>How it changes the models the migrations describe (Django's <c>state_forwards</c>); nothing by default.</summary>
    public virtual void StateForwards(string app, ProjectState state)
    {
    }

    /// <summary>Applies it.</summary>
    public abstract Task ForwardsAsync(MigrationContext context);

    /// <summary>Unapplies it.</summary>
    public abstract Task BackwardsAsync(MigrationContext context);
}

/// <summary>What an operation runs against: the database alias, and whether statements are only collected (<c>sqlmigrate</c>).</summary>
public sealed class MigrationContext
{
    internal MigrationContext(string alias, List<string>? collected, string app = "", ProjectState? before = null, ProjectState? after = null)
    {
        Alias = alias;
        Collected = collected;
        App = app;
        Before = before ?? new ProjectState();
        After = after ?? new ProjectState();
    }

    /// <summary>The app of the migration running.</summary>
    public string App { get; }

    /// <summary>The models as they are before the operation (forwards) — or after unapplying it (backwards).</summary>
    public ProjectState Before { get; }

    /// <summary>The models as they are after the operation.</summary>
    public ProjectState After { get; }

    /// <summary>
    /// A model as the migrations describe it at this point (Django's <c>apps.get_model(app, name)</c>), for a data
    /// migration that must not depend on the C# class as it is now.
    /// </summary>
    public HistoricalModel Model(string name, string? app = null) => new(this, After.Model(app ?? App, name));

    /// <summary>Whether the database is SQLite.</summary>
    internal bool Sqlite => Connections.For(Alias) is Backends.SqliteBackend;

    /// <summary>The database migrated.</summary>
    public string Alias { get; }

    /// <summary>The database, for raw SQL in a data migration.</summary>
    public DatabaseConnection Connection => Database.Connections[Alias];

    /// <summary>Django's <c>connection.vendor</c>: <c>sqlite</c> or <c>postgresql</c>.</summary>
    public string Vendor => Connection.Vendor;

    /// <summary>The statements collected instead of run (for <c>sqlmigrate</c>), or null when they run.</summary>
    internal List<string>? Collected { get; }

    /// <summary>Runs a statement, or collects it for <c>sqlmigrate</c>.</summary>
    public async Task ExecuteAsync(string sql)
    {
        if (Collected is not null)
        {
            Collected.Add(sql.TrimEnd().TrimEnd(';') + ";");
            return;
        }
        await Executor.For(Alias).RunAsync(new Statement(sql, []), (command, token) => command.ExecuteNonQueryAsync(token), CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>A migration that cannot be unapplied (Django's <c>IrreversibleError</c>).</summary>
public sealed class IrreversibleError(string message) : Exception(message);

/// <summary>Applied migrations that contradict the files (Django's <c>InconsistentMigrationHistory</c>).</summary>
public sealed class InconsistentMigrationHistory(string message) : Exception(message);

/// <summary>A migration named that does not exist, or a dependency on one (Django's <c>NodeNotFoundError</c>).</summary>
public sealed class NodeNotFoundError(string message) : Exception(message);
