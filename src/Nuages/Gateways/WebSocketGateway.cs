using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nuages.Async;
using Nuages.Channels;
using Nuages.Conf;

namespace Nuages.Gateways;

/// <summary>
/// Serves WebSocket handshakes on the async gateway, as Daphne serves them to Channels: the host and <c>Origin</c>
/// checked, the path routed to a consumer (<c>app.WebSocketPatterns</c>), the scope built once with the installed apps'
/// part (session, user), then the consumer run for the connection's life with the ASGI WebSocket events. A handshake
/// nobody accepts (no route, a refused origin, a consumer that closes in <c>Connect</c>) is answered 403, as Daphne
/// answers it; an exception in a handler closes the socket with 1011 and is logged; shutdown closes every socket with
/// 1001; a client slower than the site fills a bounded send queue and is closed with 1008.
/// </summary>
internal sealed class WebSocketGateway(Site site, IReadOnlyList<IConnectionSetup> setups, ILoggerFactory loggers, CancellationToken stopping)
{
    private readonly ILogger _serverLogger = loggers.CreateLogger("Nuages.Server");
    private readonly IReadOnlyList<IConnectionSetup> _setups = setups;
    private readonly Settings _settings = site.Settings;
    private readonly ILogger _logger = loggers.CreateLogger("Nuages.Channels");
    private int _open;

    public async Task ServeAsync(HttpContext context)
    {
        if (!KestrelExchange.HostAllowed(_settings, context))
        {
            await KestrelExchange.RefuseAsync(context, 400).ConfigureAwait(false);
            return;
        }
        var path = context.Request.PathBase.Add(context.Request.Path).Value ?? "/";
        if (WebSocketRouter.Of(site).Value?.Resolve(path) is not { } route)
        {
            GatewayLog.WebSocketNoRoute(_logger, path);
            await KestrelExchange.RefuseAsync(context, 403).ConfigureAwait(false);
            return;
        }
        var origin = context.Request.Headers.Origin is { Count: > 0 } header ? header.ToString() : null;
        if (!OriginValidator.IsValid(origin, OriginValidator.AllowedOrigins(_settings)))
        {
            GatewayLog.WebSocketOrigin(_logger, origin ?? "(none)", path);
            await KestrelExchange.RefuseAsync(context, 403).ConfigureAwait(false);
            return;
        }
        var open = Interlocked.Increment(ref _open);
        try
        {
            if (_settings.WebSocketMaxConnections > 0 && open > _settings.WebSocketMaxConnections)
            {
                GatewayLog.WebSocketLimit(_logger, _settings.WebSocketMaxConnections);
                await KestrelExchange.RefuseAsync(context, 503).ConfigureAwait(false);
                return;
            }
            using (site.Enter())
            using (var connection = new Connection(this, context, route, path))
                await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>One WebSocket: the consumer's events in, its messages out through a bounded send queue.</summary>
    private sealed class Connection(WebSocketGateway gateway, HttpContext context, ConsumerRoute route, string path) : IDisposable, IFrameSink
    {
        private const int Connecting = 0, Accepted = 1, Closing = 2, Refused = 3;
        private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

        private readonly Settings _settings = gateway._settings;
        // The consumer's inbox: the connection's events, and the layer's messages the consumer copies in. One at a time,
        // so that a client is not read further ahead than its consumer.
        private readonly Channel<ConsumerEvent> _incoming = Channel.CreateBounded<ConsumerEvent>(new BoundedChannelOptions(1) { SingleReader = true, AllowSynchronousContinuations = true });
        private readonly Channel<Outgoing> _outgoing = Channel.CreateUnbounded<Outgoing>(); // not SingleReader: its Count is read
        private readonly CancellationTokenSource _abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        private readonly CancellationTokenSource _consumerDone = new();
        private readonly SemaphoreSlim _sendLock = new(1, 1);
        private WebSocket? _socket;
        private int _state;
        private int? _closeCode;
        private long _queued;
        private int _disconnectCode = 1006;
        private long _lastMessage = Environment.TickCount64;
        private Task _reading = Task.CompletedTask;
        private Task _writing = Task.CompletedTask;

        private sealed record Outgoing(byte[]? Data, WebSocketMessageType Type, int? CloseCode = null, string? Reason = null);

        public async Task RunAsync()
        {
            Scope scope;
            Consumer consumer;
            ChannelLayer? layer;
            using (ThreadSensitiveContext.EnterAsyncRequest(context.RequestAborted, Site.Current))
            {
                var request = KestrelExchange.BuildRequest(_settings, context, []);
                foreach (var setup in gateway._setups) setup.SetUp(request);
                scope = new Scope
                {
                    Path = path, QueryString = request.QueryString, Request = request, UrlRoute = route.Kwargs, UrlRouteArgs = route.Args,
                    Headers = [.. context.Request.Headers.SelectMany(h => h.Value.Select(v => (h.Key.ToLowerInvariant(), v ?? "")))],
                    Cookies = request.Cookies, Subprotocols = [.. context.WebSockets.WebSocketRequestedProtocols],
                    Client = context.Connection.RemoteIpAddress is { } ip ? (ip.ToString(), context.Connection.RemotePort) : null,
                };
                consumer = route.Consumer();
                consumer.Frames = this;
                layer = ChannelLayers.Get(consumer.ChannelLayerAlias);
            }
            using var shutdown = gateway.OnStopping(this);
            using var idle = _settings.WebSocketIdleTimeout is { } limit ? new Timer(_ => CheckIdle(limit), null, limit / 4, limit / 4) : null;
            try
            {
                // No token: however the socket ends, the consumer hears of it as websocket.disconnect, after the handler
                // it is running, as Channels' consumers do.
                _incoming.Writer.TryWrite(WebsocketEvents.Connect());
                await consumer.RunAsync(scope, _incoming, null, SendAsync, layer, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a handler's exception ends its connection, never the server (Daphne's "Exception inside application")
            catch (Exception e)
#pragma warning restore CA1031
            {
                GatewayLog.WebSocketException(gateway._logger, e, e.Message, path);
                if (!await RefuseAsync(500).ConfigureAwait(false)) Close(1011, null);
            }
            await _consumerDone.CancelAsync().ConfigureAwait(false);
            // The consumer stopped without answering: refused, as Daphne refuses a handshake its application left.
            await RefuseAsync(403).ConfigureAwait(false);
            Close(1000, null);
            // The close handshake, bounded: a client that never answers is dropped.
            var ended = Task.WhenAll(_reading, _writing);
            if (await Task.WhenAny(ended, Task.Delay(CloseGrace)).ConfigureAwait(false) != ended) await _abort.CancelAsync().ConfigureAwait(false);
            await ended.ConfigureAwait(false);
            if (_settings.AccessLog && _socket is not null) GatewayLog.WebSocketDisconnect(gateway._serverLogger, path, Client, _disconnectCode);
        }

        private string? Client => context.Connection.RemoteIpAddress?.ToString();

        public void Dispose()
        {
            _socket?.Dispose();
            _abort.Dispose();
            _consumerDone.Dispose();
            _sendLock.Dispose();
        }

        private async Task ReadLoopAsync(WebSocket socket)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            int? code = null;
            try
            {
                while (true)
                {
                    var length = 0;
                    var tooBig = false;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (length == buffer.Length)
                        {
                            if (length >= _settings.WebSocketMaxMessageSize) tooBig = true;
                            else
                            {
                                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _settings.WebSocketMaxMessageSize + 1));
                                buffer.AsSpan(0, length).CopyTo(larger);
                                ArrayPool<byte>.Shared.Return(buffer);
                                buffer = larger;
                            }
                        }
                        result = await socket.ReceiveAsync(tooBig ? buffer.AsMemory() : buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                        if (!tooBig) length += result.Count;
                        if (length > _settings.WebSocketMaxMessageSize) tooBig = true;
                    }
                    while (!result.EndOfMessage);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        code = _closeCode ?? (int?)socket.CloseStatus ?? 1005;
                        if (Interlocked.CompareExchange(ref _state, Closing, Accepted) == Accepted)
                            _outgoing.Writer.TryWrite(new Outgoing(null, WebSocketMessageType.Close, (int?)socket.CloseStatus ?? 1000));
                        _outgoing.Writer.TryComplete();
                        break;
                    }
                    Volatile.Write(ref _lastMessage, Environment.TickCount64);
                    if (tooBig)
                    {
                        GatewayLog.WebSocketTooBig(gateway._logger, path, _settings.WebSocketMaxMessageSize);
                        Close(1009, "Message too big");
                        continue;
                    }
                    if (Volatile.Read(ref _state) != Accepted || _consumerDone.IsCancellationRequested) continue;
                    var frame = ConsumerEvent.Frame(buffer.AsSpan(0, length).ToArray(), result.MessageType == WebSocketMessageType.Text);
                    try
                    {
                        await _incoming.Writer.WriteAsync(frame, _consumerDone.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (_consumerDone.IsCancellationRequested)
                    {
                    }
                }
            }
#pragma warning disable CA1031 // however the socket failed (the client gone, a failed keep-alive, the server dropping it), the consumer hears of it
            catch (Exception)
#pragma warning restore CA1031
            {
                code = _closeCode ?? 1006;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            _disconnectCode = code ?? 1006;
            _outgoing.Writer.TryComplete();
            await DisconnectedAsync().ConfigureAwait(false);
        }

        /// <summary>Tells the consumer the socket is gone (once; after what it was sent before).</summary>
        private async Task DisconnectedAsync()
        {
            try
            {
                await _incoming.Writer.WriteAsync(WebsocketEvents.Disconnect(_disconnectCode), _consumerDone.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the consumer has stopped already
            }
        }

        // ---- the consumer's send ----

        private Task SendAsync(JsonObject message)
        {
            var type = (string?)message["type"];
            if (type == "websocket.send" && Volatile.Read(ref _state) != Connecting)
            {
                Send(message);
                return Task.CompletedTask;
            }
            return SendSlowAsync(type, message);
        }

        private async Task SendSlowAsync(string? type, JsonObject message)
        {
            switch (type)
            {
                case "websocket.accept":
                    await AcceptAsync((string?)message["subprotocol"]).ConfigureAwait(false);
                    break;
                case "websocket.send":
                    // As Daphne does: a send before accept accepts.
                    await AcceptAsync(null).ConfigureAwait(false);
                    Send(message);
                    break;
                case "websocket.close":
                    if (await RefuseAsync(403).ConfigureAwait(false)) _incoming.Writer.TryWrite(WebsocketEvents.Disconnect(_disconnectCode));
                    else Close((int?)message["code"] ?? 1000, (string?)message["reason"]);
                    break;
                default:
                    throw new InvalidOperationException($"Cannot handle message type {type}!");
            }
        }

        private void Send(JsonObject message)
        {
            var (text, bytes) = WebsocketEvents.Frame(message);
            if (text is null && bytes is null) throw new ArgumentException("A websocket.send message must have 'text' or 'bytes'.", nameof(message));
            Enqueue(text is not null ? Encoding.UTF8.GetBytes(text) : bytes!, text is not null ? WebSocketMessageType.Text : WebSocketMessageType.Binary);
        }

        public bool TrySend(byte[] data, bool text)
        {
            if (Volatile.Read(ref _state) == Connecting) return false;
            Enqueue(data, text ? WebSocketMessageType.Text : WebSocketMessageType.Binary);
            return true;
        }

        /// <summary>Answers a handshake not yet accepted with <paramref name="status"/>; false when it was answered already.</summary>
        private async Task<bool> RefuseAsync(int status)
        {
            if (Interlocked.CompareExchange(ref _state, Refused, Connecting) != Connecting) return false;
            await KestrelExchange.RefuseAsync(context, status).ConfigureAwait(false);
            return true;
        }

        private async Task AcceptAsync(string? subprotocol)
        {
            if (Volatile.Read(ref _state) != Connecting) return;
            var accept = new WebSocketAcceptContext { SubProtocol = subprotocol, KeepAliveInterval = _settings.WebSocketPingInterval };
            if (_settings.WebSocketPingInterval > TimeSpan.Zero) accept.KeepAliveTimeout = _settings.WebSocketPingTimeout;
            _socket = await context.WebSockets.AcceptWebSocketAsync(accept).ConfigureAwait(false);
            // PERF: the socket's reads and writes take no token (a cancellable one sends every frame down the WebSocket's
            // slow path); dropping the connection aborts the socket instead, which ends what is pending on it.
            var socket = _socket;
            _abort.Token.UnsafeRegister(static s => ((WebSocket)s!).Abort(), socket);
            Volatile.Write(ref _state, Accepted);
            if (_settings.AccessLog) GatewayLog.WebSocketConnect(gateway._serverLogger, path, Client);
            _reading = ReadLoopAsync(_socket);
            _writing = WriteLoopAsync(_socket);
        }

        private void Enqueue(byte[] data, WebSocketMessageType type)
        {
            if (Volatile.Read(ref _state) != Accepted) return; // closing or closed: dropped, as Daphne drops it
            var before = Interlocked.Add(ref _queued, data.Length) - data.Length;
            if (before > 0 && before + data.Length > _settings.WebSocketSendQueueLimit)
            {
                GatewayLog.WebSocketSlowClient(gateway._logger, path, before, _settings.WebSocketSendQueueLimit);
                Interlocked.Add(ref _queued, -data.Length);
                Close(1008, "Client too slow");
                return;
            }
            // PERF: nothing waiting and no send under way: written now, as a plain handler writes; the queue only when the socket is busy.
            if (_outgoing.Reader.Count == 0 && _sendLock.Wait(0))
            {
                if (_outgoing.Reader.Count == 0)
                {
                    ValueTask sending;
                    try
                    {
                        sending = _socket!.SendAsync(data.AsMemory(), type, true, CancellationToken.None);
                    }
                    catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
                    {
                        _sendLock.Release();
                        _abort.Cancel();
                        return;
                    }
                    if (sending.IsCompletedSuccessfully)
                    {
                        Interlocked.Add(ref _queued, -data.Length);
                        _sendLock.Release();
                    }
                    else _ = SentAsync(sending, data.Length);
                    return;
                }
                _sendLock.Release();
            }
            _outgoing.Writer.TryWrite(new Outgoing(data, type));
        }

        private async Task SentAsync(ValueTask sending, int length)
        {
            try
            {
                await sending.ConfigureAwait(false);
                Interlocked.Add(ref _queued, -length);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }

        /// <summary>Starts the close handshake once; the client has <see cref="CloseGrace"/> to answer before it is dropped.</summary>
        private void Close(int code, string? reason)
        {
            if (Interlocked.CompareExchange(ref _state, Closing, Accepted) != Accepted) return;
            _closeCode = code;
            _outgoing.Writer.TryWrite(new Outgoing(null, WebSocketMessageType.Close, code, reason));
            _abort.CancelAfter(CloseGrace);
        }

        private async Task WriteLoopAsync(WebSocket socket)
        {
            try
            {
                while (await _outgoing.Reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    // what is queued goes out in order, under the lock a direct send takes too
                    await _sendLock.WaitAsync(_abort.Token).ConfigureAwait(false);
                    try
                    {
                        while (_outgoing.Reader.TryRead(out var item))
                        {
                            if (item.Type == WebSocketMessageType.Close)
                            {
                                await socket.CloseOutputAsync((WebSocketCloseStatus)item.CloseCode!.Value, item.Reason, CancellationToken.None).ConfigureAwait(false);
                                return;
                            }
                            Interlocked.Add(ref _queued, -item.Data!.Length);
                            if (Volatile.Read(ref _state) != Accepted) continue; // closing: the close goes before what is left
                            await socket.SendAsync(item.Data.AsMemory(), item.Type, true, CancellationToken.None).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        _sendLock.Release();
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
            }
        }

        private void CheckIdle(TimeSpan limit)
        {
            if (Volatile.Read(ref _state) == Accepted && Environment.TickCount64 - Volatile.Read(ref _lastMessage) > (long)limit.TotalMilliseconds)
                Close(1000, null);
        }

        /// <summary>Server shutdown: the socket closed with 1001 (going away).</summary>
        public void GoingAway() => Close(1001, "Server shutting down");
    }

    private CancellationTokenRegistration OnStopping(Connection connection) => stopping.Register(static c => ((Connection)c!).GoingAway(), connection);
}
