using Microsoft.Extensions.Logging;
using Nuages.Async;

namespace Nuages.Db;

/// <summary>
/// Django's <c>transaction.atomic</c>, in sync and in async code: the outermost block on an alias begins a transaction
/// on a connection it holds to its end, nested blocks make savepoints, and every statement of the ORM on that alias in
/// the block's flow runs in it.
/// <code>
/// using (var atomic = Atomic.Begin())                      await using (var atomic = await Atomic.BeginAsync())
/// {                                                        {
///     order.Save();                                            await order.SaveAsync();
///     atomic.Commit();                                         await atomic.CommitAsync();
/// }                                                        }
/// </code>
/// A block ended without <see cref="Commit"/> rolls back — so an exception anywhere in it rolls it back, which is
/// what .NET lets a <c>using</c> block know of one. <see cref="Run(Action, string, bool, bool)"/> and
/// <see cref="RunAsync(Func{Task}, string, bool, bool, CancellationToken)"/> are the decorator form: they commit when
/// the function returns and roll back when it throws.
/// </summary>
/// <remarks>
/// The block is visible to the flow that began it — the code after <c>Begin</c> in the same method and everything it
/// calls or awaits, sync or async — as <see cref="AsyncLocal{T}"/> values are: a block begun inside a helper
/// <c>async</c> method ends that method's view of it when the helper returns, so begin it where its statements run.
/// Statements of one block run one at a time on its connection; two awaited together fail with
/// <see cref="TransactionManagementError"/> rather than corrupt the connection.
/// </remarks>
public sealed class Atomic : IDisposable, IAsyncDisposable
{
    private static readonly AsyncLocal<Atomic?> Innermost = new();

    private readonly Atomic? _parent;
    private readonly Transaction _transaction;
    private readonly string? _savepoint;
    private bool _ended;

    private Atomic(Atomic? parent, Transaction transaction, bool outermost, string? savepoint)
    {
        _parent = parent;
        _transaction = transaction;
        IsOutermost = outermost;
        _savepoint = savepoint;
    }

    /// <summary>The database alias of the block.</summary>
    public string Alias => _transaction.Alias;

    /// <summary>Whether this block began the transaction (the others are savepoints or join it).</summary>
    public bool IsOutermost { get; }

    /// <summary>The innermost open block on <paramref name="alias"/> in this flow, or null.</summary>
    internal static Atomic? Current(string alias)
    {
        // A block ended in another method (an awaited helper) stays in this flow's chain: skipped, not trusted.
        for (var block = Innermost.Value; block is not null; block = block._parent)
            if (!block._ended && block.Alias == alias) return block;
        return null;
    }

    /// <summary>The open transaction on <paramref name="alias"/> in this flow, or null.</summary>
    internal static Transaction? CurrentTransaction(string alias) => Current(alias)?._transaction;

    /// <summary>Whether the code runs inside an atomic block on the alias (Django's <c>connection.in_atomic_block</c>).</summary>
    public static bool InAtomicBlock(string @using = Database.DefaultAlias) => Current(@using) is not null;

    /// <summary>
    /// Begins a block: a transaction when none is open on the alias in this flow, else a savepoint (or, with
    /// <paramref name="savepoint"/> false, a part of the enclosing block that rolls back with it). A
    /// <paramref name="durable"/> block refuses to be nested, so what it commits is committed when it ends.
    /// </summary>
    public static Atomic Begin(string @using = Database.DefaultAlias, bool savepoint = true, bool durable = false)
    {
        AsyncSafety.ThrowIfAsync("Atomic.Begin");
        var block = Enter(@using, savepoint, durable);
        try
        {
            if (block.IsOutermost) block._transaction.Open();
            else if (block._savepoint is { } name) block._transaction.Save(name);
        }
        catch
        {
            block.Abandon();
            throw;
        }
        return block;
    }

    /// <summary>Begin, asynchronously. Not an async method itself, so the block it enters is seen by its caller's flow.</summary>
    public static ValueTask<Atomic> BeginAsync(string @using = Database.DefaultAlias, bool savepoint = true, bool durable = false, CancellationToken cancellationToken = default) =>
        Enter(@using, savepoint, durable).StartAsync(cancellationToken);

    private async ValueTask<Atomic> StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (IsOutermost) await _transaction.OpenAsync(cancellationToken).ConfigureAwait(false);
            else if (_savepoint is { } name) await _transaction.SaveAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Abandon();
            throw;
        }
        return this;
    }

    private static Atomic Enter(string alias, bool savepoint, bool durable)
    {
        var outer = Current(alias);
        if (durable && outer is not null) throw new InvalidOperationException("A durable atomic block cannot be nested within another atomic block.");
        var block = outer is null
            ? new Atomic(Innermost.Value, new Transaction(Executor.For(alias)), true, null)
            : new Atomic(Innermost.Value, outer._transaction, false, savepoint ? outer._transaction.NextSavepointName() : null);
        Innermost.Value = block;
        return block;
    }

    private void Abandon()
    {
        _ended = true;
        if (Innermost.Value == this) Innermost.Value = _parent;
        if (IsOutermost) _transaction.Close();
    }

    /// <summary>
    /// Ends the block keeping its work: the outermost commits (then runs the <see cref="OnCommit(Action, string, bool)"/>
    /// callbacks), a savepoint is released. A block marked for rollback (<see cref="SetRollback"/>, or a statement
    /// in it failed) rolls back instead, as Django's block does when it exits.
    /// </summary>
    public void Commit()
    {
        AsyncSafety.ThrowIfAsync("Atomic.Commit");
        Finish(End(commit: true));
    }

    /// <summary>Commit, asynchronously. Not an async method itself, so its caller's flow leaves the block.</summary>
    public ValueTask CommitAsync(CancellationToken cancellationToken = default) => FinishAsync(End(commit: true), cancellationToken);

    /// <summary>Ends the block; if it was not committed, rolls it back (an exception left it, or it was abandoned).</summary>
    public void Dispose()
    {
        if (!_ended) Finish(End(commit: false));
    }

    /// <summary>Dispose, asynchronously: the rollback runs to completion whatever the request's state.</summary>
    public ValueTask DisposeAsync() => _ended ? ValueTask.CompletedTask : FinishAsync(End(commit: false), CancellationToken.None);

    private enum Ending { Nothing, Commit, Release, Rollback, RollbackToSavepoint }

    /// <summary>
    /// What ending the block does: Django's <c>Atomic.__exit__</c>, rule for rule. Committing checks the order blocks
    /// end in; disposing does not, since it is how resources are given back whatever went wrong.
    /// </summary>
    private Ending End(bool commit)
    {
        if (_ended) throw new TransactionManagementError("This atomic block has already ended.", Alias);
        if (commit && Current(Alias) != this)
            throw new TransactionManagementError($"Atomic blocks on '{Alias}' must end innermost first: a block begun inside this one is still open.", Alias);
        if (commit && _transaction.Closed)
            throw new TransactionManagementError($"The transaction of this atomic block on '{Alias}' has ended: an enclosing block ended first.", Alias);
        _ended = true;
        if (Innermost.Value == this) Innermost.Value = _parent;
        if (_transaction.Closed) return Ending.Nothing;
        if (commit && !_transaction.NeedsRollback)
            return IsOutermost ? Ending.Commit : _savepoint is null ? Ending.Nothing : Ending.Release;
        // The flag is set again when there is no savepoint to roll back to at this level.
        _transaction.NeedsRollback = false;
        if (IsOutermost) return Ending.Rollback;
        if (_savepoint is not null) return Ending.RollbackToSavepoint;
        _transaction.NeedsRollback = true;
        return Ending.Nothing;
    }

    private void Finish(Ending ending)
    {
        switch (ending)
        {
            case Ending.Commit:
                _transaction.Commit();
                _transaction.RunCallbacks();
                break;
            case Ending.Release: _transaction.Release(_savepoint!); break;
            case Ending.Rollback: _transaction.Rollback(); break;
            case Ending.RollbackToSavepoint: _transaction.RollbackTo(_savepoint!, this); break;
        }
    }

    private async ValueTask FinishAsync(Ending ending, CancellationToken cancellationToken)
    {
        switch (ending)
        {
            case Ending.Commit:
                await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                await _transaction.RunCallbacksAsync().ConfigureAwait(false);
                break;
            case Ending.Release: await _transaction.ReleaseAsync(_savepoint!, cancellationToken).ConfigureAwait(false); break;
            case Ending.Rollback: await _transaction.RollbackAsync().ConfigureAwait(false); break;
            case Ending.RollbackToSavepoint: await _transaction.RollbackToAsync(_savepoint!, this).ConfigureAwait(false); break;
        }
    }

    /// <summary>The open blocks on the alias, innermost first, for the callbacks a savepoint rollback discards.</summary>
    internal static IEnumerable<Atomic> OpenBlocks(string alias)
    {
        for (var block = Innermost.Value; block is not null; block = block._parent)
            if (!block._ended && block.Alias == alias) yield return block;
    }

    /// <summary>
    /// Marks the innermost block on the alias to roll back when it ends, or clears the mark (Django's
    /// <c>set_rollback</c>); outside a block it is an error.
    /// </summary>
    public static void SetRollback(bool rollback, string @using = Database.DefaultAlias) =>
        (CurrentTransaction(@using) ?? throw NotInBlock("set_rollback", @using)).NeedsRollback = rollback;

    /// <summary>Whether the innermost block on the alias will roll back (Django's <c>get_rollback</c>).</summary>
    public static bool GetRollback(string @using = Database.DefaultAlias) =>
        (CurrentTransaction(@using) ?? throw NotInBlock("get_rollback", @using)).NeedsRollback;

    private static TransactionManagementError NotInBlock(string what, string alias) =>
        new($"The rollback flag doesn't work outside of an 'atomic' block ({what} on '{alias}').", alias);

    /// <summary>
    /// Runs <paramref name="callback"/> once the transaction on the alias commits, or now when there is none; a rollback
    /// (of the transaction, or of a savepoint it was registered under) discards it. A <paramref name="robust"/>
    /// callback's exception is logged and the next callbacks run; otherwise it propagates and the rest are skipped.
    /// </summary>
    public static void OnCommit(Action callback, string @using = Database.DefaultAlias, bool robust = false)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (CurrentTransaction(@using) is { } transaction)
        {
            transaction.AddCallback(new CommitCallback(callback, null, robust, [.. OpenBlocks(@using)]));
            QueryLog.Record(@using, callback, null);
        }
        else Transaction.Invoke(callback, robust);
    }

    /// <summary>
    /// The same for an async callback. Registered in a transaction, it returns a completed task and the callback runs
    /// after the commit (awaited by <see cref="CommitAsync"/>, run through AsyncToSync by <see cref="Commit"/>);
    /// outside one, the task is the callback running now.
    /// </summary>
    public static Task OnCommitAsync(Func<Task> callback, string @using = Database.DefaultAlias, bool robust = false)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (CurrentTransaction(@using) is not { } transaction) return Transaction.InvokeAsync(callback, robust);
        transaction.AddCallback(new CommitCallback(null, callback, robust, [.. OpenBlocks(@using)]));
        QueryLog.Record(@using, null, callback);
        return Task.CompletedTask;
    }

    /// <summary>Runs <paramref name="body"/> in a block: committed when it returns, rolled back when it throws.</summary>
    public static void Run(Action body, string @using = Database.DefaultAlias, bool savepoint = true, bool durable = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var block = Begin(@using, savepoint, durable);
        body();
        block.Commit();
    }

    /// <summary>Runs <paramref name="body"/> in a block and returns its result: committed when it returns, rolled back when it throws.</summary>
    public static T Run<T>(Func<T> body, string @using = Database.DefaultAlias, bool savepoint = true, bool durable = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var block = Begin(@using, savepoint, durable);
        var result = body();
        block.Commit();
        return result;
    }

    /// <summary>Runs <paramref name="body"/> in a block, asynchronously: committed when it completes, rolled back when it throws.</summary>
    public static async Task RunAsync(Func<Task> body, string @using = Database.DefaultAlias, bool savepoint = true, bool durable = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        await using var block = await BeginAsync(@using, savepoint, durable, cancellationToken).ConfigureAwait(false);
        await body().ConfigureAwait(false);
        await block.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RunAsync with a result.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> body, string @using = Database.DefaultAlias, bool savepoint = true, bool durable = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        await using var block = await BeginAsync(@using, savepoint, durable, cancellationToken).ConfigureAwait(false);
        var result = await body().ConfigureAwait(false);
        await block.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }
}

/// <summary>A callback waiting for the commit, with the blocks open when it was registered.</summary>
internal sealed record CommitCallback(Action? Sync, Func<Task>? Async, bool Robust, Atomic[] Blocks);

/// <summary>Misuse of transactions: a query after a failed statement in a block, a block ended out of order, and the like.</summary>
public sealed class TransactionManagementError(string message, string alias) : ProgrammingError(message, alias, null, null);

/// <summary>The log of transaction callbacks, category <c>Nuages.Db</c>; the site's handler sets it.</summary>
internal static partial class DbLog
{
    /// <summary>The current site's <c>Nuages.Db</c> logger.</summary>
    public static ILogger Logger => Connections.Current.Logger;

    [LoggerMessage(EventId = 3001, EventName = "OnCommitFailed", Level = LogLevel.Error, Message = "Error calling {Callback} in on_commit() ({Message}).")]
    public static partial void OnCommitFailed(ILogger logger, string callback, string message, Exception exception);
}
