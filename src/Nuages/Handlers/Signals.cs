using Nuages.Gateways;
using System.Collections.Immutable;
using Nuages.Async;
using Nuages.Http;

namespace Nuages.Handlers;

/// <summary>What a request signal tells its receivers: the request (null when it could not be built) and the gateway.</summary>
public sealed record RequestSignal(HttpRequest? Request, ServerGateway Gateway);

/// <summary>
/// A Django signal: receivers connected once, called on every send. Sync receivers run together on the
/// request's sync thread (never on the thread pool); async receivers run concurrently.
/// </summary>
public sealed class Signal
{
    private ImmutableArray<Action<RequestSignal>> _sync = [];
    private ImmutableArray<Func<RequestSignal, Task>> _async = [];

    /// <summary>Connects a sync receiver.</summary>
    public void Connect(Action<RequestSignal> receiver) => ImmutableInterlocked.Update(ref _sync, list => list.Add(receiver));

    /// <summary>Connects an async receiver.</summary>
    public void Connect(Func<RequestSignal, Task> receiver) => ImmutableInterlocked.Update(ref _async, list => list.Add(receiver));

    /// <summary>Disconnects a receiver; returns whether it was connected.</summary>
    public bool Disconnect(Delegate receiver)
    {
        var removed = false;
        if (receiver is Action<RequestSignal> sync)
            ImmutableInterlocked.Update(ref _sync, list => Without(list, sync, ref removed));
        if (receiver is Func<RequestSignal, Task> async)
            ImmutableInterlocked.Update(ref _async, list => Without(list, async, ref removed));
        return removed;
    }

    private static ImmutableArray<T> Without<T>(ImmutableArray<T> list, T item, ref bool removed)
    {
        var index = list.IndexOf(item);
        if (index < 0) return list;
        removed = true;
        return list.RemoveAt(index);
    }

    /// <summary>Whether any receiver is connected: sending to none costs nothing.</summary>
    public bool HasReceivers => _sync.Length > 0 || _async.Length > 0;

    /// <summary>Whether a sync receiver is connected (it runs on the request's sync thread).</summary>
    public bool HasSyncReceivers => _sync.Length > 0;

    /// <summary>Sends from async code: sync receivers through thread-sensitive SyncToAsync (as django/core/handlers/asgi.py), async ones concurrently.</summary>
    internal async ValueTask SendAsync(RequestSignal signal)
    {
        var sync = _sync;
        var async = _async;
        if (sync.Length > 0) await SyncToAsync.RunShielded(() => RunSync(sync, signal));
        if (async.Length == 1) await async[0](signal).ConfigureAwait(false);
        else if (async.Length > 1) await Task.WhenAll(async.Select(receiver => receiver(signal))).ConfigureAwait(false);
    }

    /// <summary>Sends from sync code: sync receivers here, async ones through AsyncToSync.</summary>
    internal void Send(RequestSignal signal)
    {
        RunSync(_sync, signal);
        var async = _async;
        if (async.Length > 0) AsyncToSync.Run(() => Task.WhenAll(async.Select(receiver => receiver(signal))));
    }

    private static bool RunSync(ImmutableArray<Action<RequestSignal>> receivers, RequestSignal signal)
    {
        foreach (var receiver in receivers) receiver(signal);
        return true;
    }
}

/// <summary>
/// A site's request signals, Django's <c>request_started</c> and <c>request_finished</c> (<c>app.Signals</c>).
/// They belong to the site rather than the process, so two sites in one process do not hear each other.
/// </summary>
public sealed class RequestSignals
{
    /// <summary>Sent once the request body has been read, before the middleware and the view.</summary>
    public Signal RequestStarted { get; } = new();

    /// <summary>Sent exactly once per request that got past body reading, when its response is done (sent, or abandoned by a disconnect).</summary>
    public Signal RequestFinished { get; } = new();
}
