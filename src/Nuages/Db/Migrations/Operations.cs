using System.Text;

namespace Nuages.Db.Migrations;

/// <summary>
/// Raw SQL in a migration (Django's <c>RunSQL</c>): one statement or several separated by <c>;</c>, and the SQL that
/// undoes it — without it the migration cannot be unapplied, unless <see cref="Noop"/> says there is nothing to undo.
/// </summary>
public sealed class RunSql(string sql, string? reverseSql = null) : Operation
{
    /// <summary>Nothing to run (Django's <c>RunSQL.noop</c>): as <c>reverseSql</c>, makes the operation reversible.</summary>
    public const string Noop = "";

    /// <summary>The forward SQL.</summary>
    public string Sql { get; } = sql;

    /// <summary>The backward SQL.</summary>
    public string? ReverseSql { get; } = reverseSql;

    /// <inheritdoc/>
    public override bool Reversible => ReverseSql is not null;

    /// <inheritdoc/>
    public override string Describe() => "Raw SQL operation";

    /// <inheritdoc/>
    public override async Task ForwardsAsync(MigrationContext context)
    {
        foreach (var statement in Split(Sql)) await context.ExecuteAsync(statement).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task BackwardsAsync(MigrationContext context)
    {
        if (ReverseSql is null) throw new IrreversibleError($"You cannot reverse this operation");
        foreach (var statement in Split(ReverseSql)) await context.ExecuteAsync(statement).ConfigureAwait(false);
    }

    /// <summary>The statements of a script: split at <c>;</c> outside quotes and comments (as Django's sqlparse split).</summary>
    internal static List<string> Split(string script)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            if (quote is not null)
            {
                current.Append(c);
                if (c == quote) quote = null;
                continue;
            }
            if (c is '\'' or '"') { quote = c; current.Append(c); continue; }
            if (c == '-' && i + 1 < script.Length && script[i + 1] == '-')
            {
                while (i < script.Length && script[i] != '\n') current.Append(script[i++]);
                current.Append('\n');
                continue;
            }
            if (c == ';')
            {
                Add();
                continue;
            }
            current.Append(c);
        }
        Add();
        return statements;

        void Add()
        {
            var text = current.ToString().Trim();
            if (text.Length > 0 && !text.Split('\n').All(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal) || l.Trim().Length == 0)) statements.Add(text);
            current.Clear();
        }
    }
}

/// <summary>
/// Code in a migration (Django's <c>RunPython</c>): a data migration, sync or async, forwards and backwards; without
/// a backwards function it cannot be unapplied (pass <see cref="Noop"/> when there is nothing to undo).
/// </summary>
public sealed class RunCode : Operation
{
    private readonly Func<MigrationContext, Task> _forwards;
    private readonly Func<MigrationContext, Task>? _backwards;

    /// <summary>Sync code.</summary>
    public RunCode(Action<MigrationContext> forwards, Action<MigrationContext>? backwards = null)
    {
        ArgumentNullException.ThrowIfNull(forwards);
        _forwards = async context => await Async.SyncToAsync.Run(() => forwards(context));
        _backwards = backwards is null ? null : async context => await Async.SyncToAsync.Run(() => backwards(context));
    }

    /// <summary>Async code.</summary>
    public RunCode(Func<MigrationContext, Task> forwards, Func<MigrationContext, Task>? backwards = null)
    {
        _forwards = forwards ?? throw new ArgumentNullException(nameof(forwards));
        _backwards = backwards;
    }

    /// <summary>Nothing to do (Django's <c>RunPython.noop</c>).</summary>
    public static Task Noop(MigrationContext context) => Task.CompletedTask;

    /// <inheritdoc/>
    public override bool Reversible => _backwards is not null;

    /// <inheritdoc/>
    public override string Describe() => "Raw code operation";

    /// <inheritdoc/>
    public override Task ForwardsAsync(MigrationContext context) => context.Collected is not null ? context.ExecuteAsync("-- Raw code operation") : _forwards(context);

    /// <inheritdoc/>
    public override Task BackwardsAsync(MigrationContext context)
    {
        if (_backwards is null) throw new IrreversibleError("You cannot reverse this operation");
        return context.Collected is not null ? context.ExecuteAsync("-- Raw code operation") : _backwards(context);
    }
}
