using System.Data.Common;
using Microsoft.Extensions.Logging;
using Nuages.Async;

namespace Nuages.Db;

/// <summary>
/// The database side of an outermost <see cref="Atomic"/> block: the connection it holds (the request's, or one of its
/// own), the driver's transaction, the savepoints and the callbacks waiting for the commit. Its blocks' statements
/// lease the connection one at a time.
/// </summary>
internal sealed class Transaction(Executor executor) : ILeaseOwner
{
    private Lease _lease;
    private DbTransaction? _transaction;
    private int _busy;
    private int _savepoints;
    private List<CommitCallback>? _callbacks;

    public string Alias => executor.Alias;

    /// <summary>Django's <c>needs_rollback</c>: a statement failed, or a block asked for it; only a rollback may follow.</summary>
    public bool NeedsRollback { get; set; }

    /// <summary>Savepoint names are unique in the transaction, so a name is never reused while an older one stands.</summary>
    public string NextSavepointName() => "nuages_s" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Open()
    {
        _lease = executor.OpenConnection();
        try
        {
            _transaction = executor.Backend.Begin(_lease.Connection);
        }
        catch (DbException e)
        {
            Close(broken: true);
            throw DatabaseError.From(e, Alias, "BEGIN");
        }
    }

    public async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        _lease = await executor.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _transaction = await executor.Backend.BeginAsync(_lease.Connection, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            Close(broken: true);
            throw DatabaseError.From(e, Alias, "BEGIN");
        }
    }

    /// <summary>Ended: committed or rolled back, its connection given back.</summary>
    public bool Closed { get; private set; }

    /// <summary>The connection for one statement of the transaction.</summary>
    public Lease Use()
    {
        if (Closed)
            throw new TransactionManagementError($"The transaction of this atomic block on '{Alias}' has ended: an enclosing block ended first.", Alias);
        if (NeedsRollback)
            throw new TransactionManagementError("An error occurred in the current transaction. You can't execute queries until the end of the 'atomic' block.", Alias);
        if (Interlocked.Exchange(ref _busy, 1) == 1)
            throw new TransactionManagementError($"Another statement of the atomic block on '{Alias}' is running: the statements of one transaction run one at a time, so await them one after the other.", Alias);
        return new Lease(_lease.Connection, _transaction, this);
    }

    void ILeaseOwner.Release() => Volatile.Write(ref _busy, 0);

    /// <summary>A statement failed: PostgreSQL refuses everything after it, so Nuages says so first, as Django does.</summary>
    void ILeaseOwner.Failed() => NeedsRollback = true;

    public void Save(string name) => Guard($"SAVEPOINT {name}", () => Checked().Save(name));

    public Task SaveAsync(string name, CancellationToken cancellationToken) => GuardAsync($"SAVEPOINT {name}", () => Checked().SaveAsync(name, cancellationToken));

    private DbTransaction Checked()
    {
        using (Use()) return _transaction!;
    }

    /// <summary>Releases a savepoint; when that fails, rolls back to it, as Django does, and the error goes on.</summary>
    public void Release(string name)
    {
        try
        {
            _transaction!.Release(name);
        }
        catch (DbException e)
        {
            RollbackTo(name, null);
            throw DatabaseError.From(e, Alias, $"RELEASE SAVEPOINT {name}");
        }
    }

    public async Task ReleaseAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _transaction!.ReleaseAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            await RollbackToAsync(name, null).ConfigureAwait(false);
            throw DatabaseError.From(e, Alias, $"RELEASE SAVEPOINT {name}");
        }
    }

    /// <summary>
    /// Rolls back to a savepoint and releases it, discarding the callbacks registered under its block; if even that
    /// fails, the enclosing block must roll back (and the original exception is not hidden).
    /// </summary>
    public void RollbackTo(string name, Atomic? block)
    {
        Discard(block);
        try
        {
            _transaction!.Rollback(name);
            _transaction.Release(name);
        }
        catch (DbException)
        {
            NeedsRollback = true;
        }
    }

    public async Task RollbackToAsync(string name, Atomic? block)
    {
        Discard(block);
        try
        {
            await _transaction!.RollbackAsync(name, CancellationToken.None).ConfigureAwait(false);
            await _transaction.ReleaseAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DbException)
        {
            NeedsRollback = true;
        }
    }

    /// <summary>Commits; a failed commit rolls back, gives the connection up and raises.</summary>
    public void Commit()
    {
        try
        {
            _transaction!.Commit();
        }
        catch (DbException e)
        {
            Rollback();
            throw DatabaseError.From(e, Alias, "COMMIT");
        }
        Close(broken: false);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            await RollbackAsync().ConfigureAwait(false);
            throw DatabaseError.From(e, Alias, "COMMIT");
        }
        Close(broken: false);
    }

    /// <summary>Rolls back; a connection that cannot even do that is closed rather than given back (Django drops it too).</summary>
    public void Rollback()
    {
        _callbacks = null;
        var broken = false;
        try
        {
            _transaction?.Rollback();
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            broken = true;
        }
        Close(broken);
    }

    public async Task RollbackAsync()
    {
        _callbacks = null;
        var broken = false;
        try
        {
            if (_transaction is not null) await _transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            broken = true;
        }
        Close(broken);
    }

    /// <summary>Gives the connection back: to the request's slot (closed there if broken) or to the driver's pool.</summary>
    public void Close(bool broken = true)
    {
        Closed = true;
        _transaction?.Dispose();
        _transaction = null;
        if (_lease.Connection is null) return;
        if (broken) _lease.Connection.Close();
        _lease.Dispose();
        _lease = default;
    }

    public void AddCallback(CommitCallback callback) => (_callbacks ??= []).Add(callback);

    private void Discard(Atomic? block)
    {
        if (block is not null) _callbacks?.RemoveAll(c => Array.IndexOf(c.Blocks, block) >= 0);
    }

    /// <summary>After the commit, in the order registered; async callbacks through AsyncToSync, as sync code calls them.</summary>
    public void RunCallbacks()
    {
        var callbacks = _callbacks;
        _callbacks = null;
        foreach (var callback in callbacks ?? [])
        {
            if (callback.Sync is { } sync) Invoke(sync, callback.Robust);
            else AsyncToSync.Run(() => InvokeAsync(callback.Async!, callback.Robust));
        }
    }

    /// <summary>After the commit, in the order registered; sync callbacks on a sync thread, where sync code belongs.</summary>
    public async Task RunCallbacksAsync()
    {
        var callbacks = _callbacks;
        _callbacks = null;
        foreach (var callback in callbacks ?? [])
        {
            if (callback.Sync is { } sync) await SyncToAsync.Run(() => Invoke(sync, callback.Robust));
            else await InvokeAsync(callback.Async!, callback.Robust).ConfigureAwait(false);
        }
    }

    public static void Invoke(Action callback, bool robust)
    {
        if (!robust)
        {
            callback();
            return;
        }
        try
        {
            callback();
        }
        catch (Exception e)
        {
            LogFailure(callback, e);
        }
    }

    public static async Task InvokeAsync(Func<Task> callback, bool robust)
    {
        if (!robust)
        {
            await callback().ConfigureAwait(false);
            return;
        }
        try
        {
            await callback().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFailure(callback, e);
        }
    }

    private static void LogFailure(Delegate callback, Exception e) =>
        DbLog.OnCommitFailed(DbLog.Logger, $"{callback.Method.DeclaringType?.Name}.{callback.Method.Name}", e.Message, e);

    private void Guard(string sql, Action action)
    {
        try
        {
            action();
        }
        catch (DbException e)
        {
            NeedsRollback = true;
            throw DatabaseError.From(e, Alias, sql);
        }
    }

    private async Task GuardAsync(string sql, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (DbException e)
        {
            NeedsRollback = true;
            throw DatabaseError.From(e, Alias, sql);
        }
    }
}
