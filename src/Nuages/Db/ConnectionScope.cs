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
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private bool _ended;

    internal sealed class Slot
    {
        public DbConnection? Connection;
        public bool InUse;
    }

    /// <summary>The alias's slot, now reserved for the caller; null when it is busy or the request has ended.</summary>
    public Slot? TryAcquire(string alias)
    {
        lock (_lock)
        {
            if (_ended) return null;
            if (!_slots.TryGetValue(alias, out var slot)) _slots[alias] = slot = new Slot();
            if (slot.InUse) return null;
            slot.InUse = true;
            return slot;
        }
    }

    /// <summary>Gives the slot back; a connection that broke, or that outlived the request, is closed.</summary>
    public void Release(Slot slot)
    {
        DbConnection? close = null;
        lock (_lock)
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
        List<DbConnection> idle = [];
        lock (_lock)
        {
            _ended = true;
            foreach (var slot in _slots.Values)
            {
                if (slot.InUse || slot.Connection is null) continue;
                idle.Add(slot.Connection);
                slot.Connection = null;
            }
        }
        foreach (var connection in idle) connection.Dispose();
    }
}

/// <summary>A connection for one operation: the request's (given back after) or one of its own (closed after).</summary>
internal readonly struct Lease(DbConnection connection, ConnectionScope? scope, ConnectionScope.Slot? slot) : IDisposable, IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;

    public void Dispose()
    {
        if (slot is null) Connection.Dispose();
        else scope!.Release(slot);
    }

    public ValueTask DisposeAsync()
    {
        if (slot is null) return Connection.DisposeAsync();
        scope!.Release(slot);
        return ValueTask.CompletedTask;
    }
}
