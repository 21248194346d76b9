using System.Data.Common;
using Nuages.Async;
using Nuages.Db.Backends;

namespace Nuages.Db;

/// <summary>One SQL statement and its parameters, in order (<c>@p0</c>, <c>@p1</c>, …).</summary>
internal readonly record struct Statement(string Sql, List<object?> Values);

/// <summary>
/// Runs statements on one alias, sync or async: a connection per operation, returned to the driver's pool at its end
/// (never tied to a thread), and driver exceptions turned into <see cref="DatabaseError"/>s naming the alias and the SQL.
/// The sync and async paths differ only in the I/O call.
/// </summary>
internal sealed class Executor(Backend backend, string alias)
{
    public static Executor For(string alias) => Connections.Current.Executor(alias);

    public Backend Backend { get; } = backend;

    public string Alias { get; } = alias;

    /// <summary>
    /// Reads inside a request stop when its client goes away: with no token of their own they take the request's, so
    /// PostgreSQL gets a real cancel. Writes do not, nor does anything in a transaction, so a disconnect never leaves
    /// half of a change (the transaction itself rolls back if the view's code stops).
    /// </summary>
    public CancellationToken ReadToken(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled || Atomic.CurrentTransaction(Alias) is not null ? cancellationToken : Flow.Current.Request?.Aborted ?? default;

    /// <summary>A connection for one statement: the transaction's when one is open on this alias in this flow, else <see cref="OpenConnection"/>'s.</summary>
    public Lease Open() => Atomic.CurrentTransaction(Alias) is { } transaction ? transaction.Use() : OpenConnection();

    public ValueTask<Lease> OpenAsync(CancellationToken cancellationToken) =>
        Atomic.CurrentTransaction(Alias) is { } transaction ? new(transaction.Use()) : OpenConnectionAsync(cancellationToken);

    /// <summary>The request's connection to this alias when there is a request and it is free, else one of its own.</summary>
    public Lease OpenConnection()
    {
        var scope = Flow.Current.Request?.Resource(static () => new ConnectionScope());
        if (scope?.TryAcquire(Alias) is not { } slot) return new Lease(Connect(), null, null);
        try
        {
            slot.Connection ??= Connect();
            return new Lease(slot.Connection, null, slot);
        }
        catch
        {
            scope.Release(slot);
            throw;
        }
    }

    public async ValueTask<Lease> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var scope = Flow.Current.Request?.Resource(static () => new ConnectionScope());
        if (scope?.TryAcquire(Alias) is not { } slot) return new Lease(await ConnectAsync(cancellationToken).ConfigureAwait(false), null, null);
        try
        {
            slot.Connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return new Lease(slot.Connection, null, slot);
        }
        catch
        {
            scope.Release(slot);
            throw;
        }
    }

    private DbConnection Connect()
    {
        try
        {
            return Backend.Open();
        }
        catch (DbException e)
        {
            throw DatabaseError.Connect(e, Alias, Backend.Target);
        }
    }

    private async ValueTask<DbConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Backend.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw DatabaseError.Connect(e, Alias, Backend.Target);
        }
    }

    public DbCommand Command(DbConnection connection, Statement statement, DbTransaction? transaction = null)
    {
        QueryLog.Record(statement);
        var command = connection.CreateCommand();
        command.CommandText = statement.Sql;
        command.Transaction = transaction;
        var values = statement.Values;
        for (var i = 0; i < values.Count; i++) Backend.Bind(command, i, values[i]);
        return command;
    }

    public TResult Run<TResult>(string method, Statement statement, Func<DbCommand, TResult> execute)
    {
        AsyncSafety.ThrowIfAsync(method);
        using var lease = Open();
        using var command = Command(lease.Connection, statement, lease.Transaction);
        var timing = StatementTiming.Start(statement, Alias, DbSystem);
        try
        {
            return execute(command);
        }
        catch (DbException e)
        {
            lease.Failed();
            throw DatabaseError.From(e, Alias, statement.Sql);
        }
        finally
        {
            timing.Stop(statement, Alias, DbSystem);
        }
    }

    /// <summary>The database's name in telemetry (OpenTelemetry's <c>db.system.name</c>).</summary>
    private string DbSystem => Backend is Backends.PostgresBackend ? "postgresql" : "sqlite";

    public async Task<TResult> RunAsync<TResult>(Statement statement, Func<DbCommand, CancellationToken, Task<TResult>> execute, CancellationToken cancellationToken)
    {
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Command(lease.Connection, statement, lease.Transaction); // disposed synchronously, as in ReadAsync
        var timing = StatementTiming.Start(statement, Alias, DbSystem);
        try
        {
            return await execute(command, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            lease.Failed();
            throw DatabaseError.From(e, Alias, statement.Sql);
        }
        finally
        {
            timing.Stop(statement, Alias, DbSystem);
        }
    }

    /// <summary>Every row of a SELECT, each made by <paramref name="row"/>.</summary>
    public List<TRow> Read<TRow>(string method, Statement statement, Func<DbDataReader, TRow> row) => Run(method, statement, command =>
    {
        using var reader = command.ExecuteReader();
        var rows = new List<TRow>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    });

    public Task<List<TRow>> ReadAsync<TRow>(Statement statement, Func<DbDataReader, TRow> row, CancellationToken cancellationToken) =>
        ReadAsync(statement, row, Rows<TRow>.Themselves, cancellationToken);

    /// <summary>The rows as the result: what <see cref="ReadAsync{TRow, TResult}"/> makes of them for a caller that wants them all.</summary>
    internal static class Rows<TRow>
    {
        public static readonly Func<List<TRow>, List<TRow>> Themselves = static rows => rows;
    }

    /// <summary>
    /// Every row of a SELECT, each made by <paramref name="row"/>, and what <paramref name="result"/> makes of them —
    /// one async method from the lease to the last row and its result, so the most frequent statement (a get()) has no
    /// layer it does not need.
    /// </summary>
    public async Task<TResult> ReadAsync<TRow, TResult>(Statement statement, Func<DbDataReader, TRow> row, Func<List<TRow>, TResult> result, CancellationToken cancellationToken)
    {
        cancellationToken = ReadToken(cancellationToken);
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // PERF: disposed synchronously — both drivers' commands dispose synchronously, and an await in the finally costs
        // every statement's state machine room for it
        using var command = Command(lease.Connection, statement, lease.Transaction);
        var timing = StatementTiming.Start(statement, Alias, DbSystem);
        try
        {
            // PERF: Npgsql's own ExecuteReaderAsync, without the extra async layer of DbCommand's overload around it
            await using var reader = command is Npgsql.NpgsqlCommand npgsql
                ? await npgsql.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false)
                : await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var rows = new List<TRow>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(row(reader));
            return result(rows);
        }
        catch (DbException e)
        {
            lease.Failed();
            throw DatabaseError.From(e, Alias, statement.Sql);
        }
        finally
        {
            timing.Stop(statement, Alias, DbSystem);
        }
    }

    /// <summary>
    /// Streams the rows (Django's iterator). On PostgreSQL through a server-side cursor, <paramref name="chunkSize"/> rows
    /// per FETCH, in a transaction of its own as cursors need; SQLite steps its reader, which already reads row by row.
    /// Inside an atomic block the rows come through the block's transaction, a chunk at a time, so the loop's body can
    /// run statements in it between chunks (on SQLite, which has no cursors, the rows are read first).
    /// </summary>
    public IEnumerable<TRow> Stream<TRow>(Statement statement, int chunkSize, Func<DbDataReader, TRow> row)
    {
        AsyncSafety.ThrowIfAsync("QuerySet.Iterator");
        if (Atomic.CurrentTransaction(Alias) is not null)
        {
            foreach (var chunk in Chunks(statement, chunkSize, part => Read("QuerySet.Iterator", part, row)))
                foreach (var item in chunk) yield return item;
            yield break;
        }
        using var lease = OpenConnection();
        using var transaction = !Backend.ServerSideCursors ? null : lease.Connection.BeginTransaction();
        foreach (var (part, fetch) in CursorStatements(statement, chunkSize, "nuages_iterator"))
        {
            using var command = Command(lease.Connection, part, transaction);
            using var reader = Guard(part, () => command.ExecuteReader());
            var read = 0;
            while (Guard(part, reader.Read))
            {
                read++;
                yield return row(reader);
            }
            if (fetch && read < chunkSize) break; // a short FETCH: the cursor is exhausted
        }
    }

    public async IAsyncEnumerable<TRow> StreamAsync<TRow>(Statement statement, int chunkSize, Func<DbDataReader, TRow> row, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Atomic.CurrentTransaction(Alias) is not null)
        {
            await foreach (var chunk in ChunksAsync(statement, chunkSize, part => ReadAsync(part, row, cancellationToken)).ConfigureAwait(false))
                foreach (var item in chunk) yield return item;
            yield break;
        }
        cancellationToken = ReadToken(cancellationToken);
        await using var lease = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = !Backend.ServerSideCursors ? null : await lease.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (part, fetch) in CursorStatements(statement, chunkSize, "nuages_iterator"))
        {
            await using var command = Command(lease.Connection, part, transaction);
            await using var reader = await GuardAsync(part, () => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
            var read = 0;
            while (await GuardAsync(part, () => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
            {
                read++;
                yield return row(reader);
            }
            if (fetch && read < chunkSize) break;
        }
    }

    private static int _cursors;

    /// <summary>The rows in chunks read through the transaction: a cursor's FETCHes on PostgreSQL, one read on SQLite.</summary>
    private IEnumerable<List<TRow>> Chunks<TRow>(Statement statement, int chunkSize, Func<Statement, List<TRow>> read)
    {
        // Cursors live until the transaction ends, so each has a name of its own and is closed when done with.
        var cursor = "nuages_iterator_" + Interlocked.Increment(ref _cursors).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            foreach (var (part, fetch) in CursorStatements(statement, chunkSize, cursor))
            {
                var rows = read(part);
                if (rows.Count > 0) yield return rows;
                if (fetch && rows.Count < chunkSize) break; // a short FETCH: the cursor is exhausted
            }
        }
        finally
        {
            if (Backend.ServerSideCursors && Atomic.CurrentTransaction(Alias) is { NeedsRollback: false })
                Run("QuerySet.Iterator", new Statement($"CLOSE {cursor}", []), command => command.ExecuteNonQuery());
        }
    }

    private async IAsyncEnumerable<List<TRow>> ChunksAsync<TRow>(Statement statement, int chunkSize, Func<Statement, Task<List<TRow>>> read)
    {
        var cursor = "nuages_iterator_" + Interlocked.Increment(ref _cursors).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            foreach (var (part, fetch) in CursorStatements(statement, chunkSize, cursor))
            {
                var rows = await read(part).ConfigureAwait(false);
                if (rows.Count > 0) yield return rows;
                if (fetch && rows.Count < chunkSize) break; // a short FETCH: the cursor is exhausted
            }
        }
        finally
        {
            if (Backend.ServerSideCursors && Atomic.CurrentTransaction(Alias) is { NeedsRollback: false })
                await RunAsync(new Statement($"CLOSE {cursor}", []), (command, token) => command.ExecuteNonQueryAsync(token), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private IEnumerable<(Statement Statement, bool Fetch)> CursorStatements(Statement statement, int chunkSize, string cursor)
    {
        if (!Backend.ServerSideCursors)
        {
            yield return (statement, false);
            yield break;
        }
        yield return (new Statement($"DECLARE {cursor} NO SCROLL CURSOR FOR {statement.Sql}", statement.Values), false);
        while (true) yield return (new Statement($"FETCH {chunkSize} FROM {cursor}", []), true);
    }

    // Iterators cannot catch around a yield, so each driver call is guarded on its own.
    private TResult Guard<TResult>(Statement statement, Func<TResult> call)
    {
        try
        {
            return call();
        }
        catch (DbException e)
        {
            throw DatabaseError.From(e, Alias, statement.Sql);
        }
    }

    private async Task<TResult> GuardAsync<TResult>(Statement statement, Func<Task<TResult>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw DatabaseError.From(e, Alias, statement.Sql);
        }
    }

    /// <summary>
    /// Runs every statement all or nothing, as Django runs its bulk methods in <c>atomic(savepoint=False)</c>: in a
    /// transaction of their own, or in the enclosing block's. A single statement is atomic by itself, so it runs
    /// alone and spares the BEGIN and COMMIT round trips.
    /// </summary>
    public void InTransaction(string method, IReadOnlyList<Statement> statements, Action<DbCommand> execute, Action? beforeCommit = null)
    {
        AsyncSafety.ThrowIfAsync(method);
        if (statements.Count == 0) return;
        using var block = statements.Count > 1 ? Atomic.Begin(Alias, savepoint: false) : null;
        foreach (var statement in statements) Run(method, statement, command =>
        {
            execute(command);
            return 0;
        });
        beforeCommit?.Invoke();
        block?.Commit();
    }

    public async Task InTransactionAsync(IReadOnlyList<Statement> statements, Func<DbCommand, CancellationToken, Task> execute, Action? beforeCommit, CancellationToken cancellationToken)
    {
        if (statements.Count == 0) return;
        await using var block = statements.Count > 1 ? await Atomic.BeginAsync(Alias, savepoint: false, cancellationToken: cancellationToken).ConfigureAwait(false) : null;
        foreach (var statement in statements)
            await RunAsync(statement, async (command, token) =>
            {
                await execute(command, token).ConfigureAwait(false);
                return 0;
            }, cancellationToken).ConfigureAwait(false);
        beforeCommit?.Invoke();
        if (block is not null) await block.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
