using System.Data.Common;

namespace Nuages.Db;

/// <summary>
/// A request's database connections, one per alias: the first statement opens it, the following ones reuse it, and it
/// goes back to the driver's pool when the request ends (Django's connection per request, without the thread binding).
/// A statement that finds the connection busy (two queries awaited together) opens its own for its duration instead
/// of waiting, so concurrency inside a request stays possible.
/// </summary>
internal sealed class ConnectionScope : IDisposable
{
    // PERF: guarded by the scope's own monitor (an internal object nothing else locks), which spares a Lock per request.

    // PERF: most requests use one alias: its slot is a field, the dictionary only made for a second alias
    private string? _firstAlias;
    private Slot? _first;
    private Dictionary<string, Slot>? _others;
    private bool _ended;

    internal sealed class Slot(ConnectionScope scope) : ILeaseOwner
    {
        public DbConnection? Connection;
        public bool InUse;

        void ILeaseOwner.Release() => scope.Release(this);

        void ILeaseOwner.Failed() { }
    }

    /// <summary>The alias's slot, now reserved for the caller; null when it is busy or the request has ended.</summary>
    public Slot? TryAcquire(string alias)
    {
        lock (this)
        {
            if (_ended) return null;
            var slot = SlotOf(alias);
            if (slot.InUse) return null;
            slot.InUse = true;
            return slot;
        }
    }

    private Slot SlotOf(string alias)
    {
        if (_first is null)
        {
            _firstAlias = alias;
            return _first = new Slot(this);
        }
        if (string.Equals(_firstAlias, alias, StringComparison.Ordinal)) return _first;
        _others ??= new Dictionary<string, Slot>(StringComparer.Ordinal);
        if (!_others.TryGetValue(alias, out var slot)) _others[alias] = slot = new Slot(this);
        return slot;
    }

    /// <summary>Gives the slot back; a connection that broke, or that outlived the request, is closed.</summary>
    public void Release(Slot slot)
    {
        DbConnection? close = null;
        lock (this)
        {
            slot.InUse = false;
            if (_ended || slot.Connection is { State: not System.Data.ConnectionState.Open })
            {
                close = slot.Connection;
                slot.Connection = null;
            }
        }
        close?.Dispose();
    }

    /// <summary>The request ended: idle connections return to the pool now, busy ones when their statement finishes.</summary>
    public void Dispose()
    {
        DbConnection? first;
        List<DbConnection>? others = null;
        lock (this)
        {
            _ended = true;
            first = TakeIdle(_first);
            if (_others is not null)
                foreach (var slot in _others.Values)
                    if (TakeIdle(slot) is { } connection) (others ??= []).Add(connection);
        }
        first?.Dispose();
        if (others is not null)
            foreach (var connection in others) connection.Dispose();
    }

    /// <summary>The slot's connection when nobody is using it, taken from the slot.</summary>
    private static DbConnection? TakeIdle(Slot? slot)
    {
        if (slot is null || slot.InUse || slot.Connection is not { } connection) return null;
        slot.Connection = null;
        return connection;
    }
}

/// <summary>Who gets a leased connection back: the request's slot, or a transaction.</summary>
internal interface ILeaseOwner
{
    void Release();

    /// <summary>The statement run on the lease failed.</summary>
    void Failed();
}

/// <summary>
/// A connection for one operation: the request's or a transaction's (given back after), or one of its own (closed
/// after); with the transaction its commands must name.
/// </summary>
internal readonly struct Lease(DbConnection connection, DbTransaction? transaction, ILeaseOwner? owner) : IDisposable, IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;

    public DbTransaction? Transaction { get; } = transaction;

    public void Failed() => owner?.Failed();

    public void Dispose()
    {
        if (owner is null) Connection.Dispose();
        else owner.Release();
    }

    public ValueTask DisposeAsync()
    {
        if (owner is not null)
        {
            owner.Release();
            return ValueTask.CompletedTask;
        }
        return Connection.DisposeAsync();
    }
}
