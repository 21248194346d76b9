using System.Buffers;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Nuages.Channels;

/// <summary>
/// What a consumer knows of its connection (Channels' scope), built once per connection: the path, query string,
/// headers, cookies, the URL route's values, and the session and user when those apps are installed.
/// </summary>
public sealed class Scope
{
    /// <summary>The kind of connection: <c>websocket</c> or <c>http</c>.</summary>
    public string Type { get; init; } = "websocket";

    /// <summary>The path, decoded.</summary>
    public string Path { get; init; } = "/";

    /// <summary>The query string, undecoded, without <c>?</c>.</summary>
    public string QueryString { get; init; } = "";

    /// <summary>The request headers, names lower-cased, in order.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>The subprotocols the client offered.</summary>
    public IReadOnlyList<string> Subprotocols { get; init; } = [];

    /// <summary>The cookies.</summary>
    public IReadOnlyDictionary<string, string> Cookies { get; init; } = new Dictionary<string, string>();

    /// <summary>The URL route's named values, converted as the route's converters say (Channels' <c>scope["url_route"]["kwargs"]</c>).</summary>
    public IReadOnlyDictionary<string, object?> UrlRoute { get; init; } = new Dictionary<string, object?>();

    /// <summary>The URL route's unnamed values, for a <c>WebSocketRePath</c> with unnamed groups (Channels' <c>scope["url_route"]["args"]</c>).</summary>
    public IReadOnlyList<object?> UrlRouteArgs { get; init; } = [];

    /// <summary>The client's address and port (Channels' <c>scope["client"]</c>); null in process.</summary>
    public (string Host, int Port)? Client { get; init; }

    /// <summary>
    /// The opening handshake as an HTTP request: its headers, cookies and, when the sessions and auth apps are
    /// installed, <c>Scope.Request.Session</c> and <c>await Scope.Request.GetUserAsync()</c> — what Channels'
    /// <c>AuthMiddlewareStack</c> puts in <c>scope["session"]</c> and <c>scope["user"]</c>. Null in process unless given.
    /// </summary>
    public Http.HttpRequest? Request { get; init; }

    /// <summary>More values a middleware put in the scope (Channels' scope keys of your own).</summary>
    public Dictionary<string, object?> Extra { get; } = new(StringComparer.Ordinal);
}

/// <summary>Ends a consumer's life from a handler (Channels' <c>StopConsumer</c>).</summary>
public sealed class StopConsumer() : Exception("The consumer stopped.");

/// <summary>Raised in <c>ConnectAsync</c> to accept the connection (Channels' <c>AcceptConnection</c>).</summary>
public sealed class AcceptConnection() : Exception("The connection is accepted.");

/// <summary>Raised in <c>ConnectAsync</c> to refuse the connection (Channels' <c>DenyConnection</c>).</summary>
public sealed class DenyConnection() : Exception("The connection is refused.");

/// <summary>
/// What Channels' <c>AsyncConsumer</c> and <c>SyncConsumer</c> share: the connection's events and, with a channel layer,
/// the messages of its own channel, each given to the handler its <c>type</c> names — <c>chat.message</c> calls
/// <c>ChatMessage(JsonObject)</c>, as Channels calls <c>chat_message</c> — one at a time, in order. A handler returning a
/// Task is awaited; a handler returning nothing is sync and runs on the connection's own thread (one per connection,
/// never the thread pool). A handler throwing <see cref="StopConsumer"/> ends the consumer; any other exception ends it
/// too and reaches the server, which closes the socket with 1011 and logs it.
/// </summary>
public abstract class Consumer
{
    private static readonly ConcurrentDictionary<(Type, string), Handler?> Handlers = new();
    private static readonly ConcurrentDictionary<Type, bool> DirectFrames = new();
    private static int _threads;
    private Func<JsonObject, Task>? _send;
    private Async.SyncWorker? _thread;

    private sealed record Handler(Func<Consumer, JsonObject, Task>? Async, Action<Consumer, JsonObject>? Sync);

    /// <summary>The connection's scope.</summary>
    public Scope Scope { get; private set; } = new();

    /// <summary>The alias of the layer the consumer listens on (Channels' <c>channel_layer_alias</c>).</summary>
    public virtual string ChannelLayerAlias => ChannelLayers.DefaultAlias;

    /// <summary>The layer, when the site has one under <see cref="ChannelLayerAlias"/>.</summary>
    public ChannelLayer? ChannelLayer { get; private set; }

    /// <summary>The consumer's own channel on the layer (Channels' <c>channel_name</c>).</summary>
    public string? ChannelName { get; private set; }

    /// <summary>Sends an event to the connection (Channels' <c>base_send</c>).</summary>
    protected Task BaseSendAsync(JsonObject message) => (_send ?? throw new InvalidOperationException("The consumer is not running."))(message);

    /// <summary>
    /// Runs the consumer for one connection until it stops: events from <paramref name="receive"/>, messages from its
    /// channel on the layer, each to its handler.
    /// </summary>
    public Task RunAsync(Scope scope, Func<CancellationToken, Task<JsonObject>> receive, Func<JsonObject, Task> send, ChannelLayer? layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receive);
        return RunAsync(scope, Channel.CreateBounded<ConsumerEvent>(new BoundedChannelOptions(1) { SingleReader = true }), receive, send, layer, cancellationToken);
    }

    /// <summary>
    /// The loop: one event at a time from <paramref name="inbox"/>, where the connection's events arrive (written by the
    /// server or the communicator, or copied from <paramref name="receive"/>) and where the layer's messages for this
    /// consumer are copied.
    /// </summary>
    internal async Task RunAsync(Scope scope, Channel<ConsumerEvent> inbox, Func<CancellationToken, Task<JsonObject>>? receive, Func<JsonObject, Task> send, ChannelLayer? layer, CancellationToken cancellationToken)
    {
        var direct = DirectFrames.GetOrAdd(GetType(), static type => ReceivesFramesDirectly(type));
        Scope = scope;
        _send = send;
        ChannelLayer = layer;
        if (this is SyncConsumer) _thread = new Async.SyncWorker($"nuages-consumer-{Interlocked.Increment(ref _threads)}");
        using var context = Async.ThreadSensitiveContext.EnterConsumer(Conf.Site.TryCurrent, _thread, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var feeding = receive is null ? Task.CompletedTask : Pump(receive, inbox, stop.Token);
        var listening = Task.CompletedTask;
        try
        {
            if (layer is not null)
            {
                ChannelName = await layer.NewChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var channel = ChannelName;
                listening = Pump(ct => layer.ReceiveAsync(channel, ct), inbox, stop.Token);
            }
            while (true)
            {
                var item = await inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await (item.Message is null && direct ? ReceiveFrameAsync(item.Data!, item.Text) : DispatchAsync(item.ToMessage())).ConfigureAwait(false);
                }
                finally
                {
                    context.EndConsumerEvent();
                }
            }
        }
        catch (StopConsumer)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(feeding, listening).ConfigureAwait(false);
            _thread?.Stop();
        }
    }

    // What a source gives (the layer's messages for this consumer, a connection's events), copied into the inbox and
    // waiting there while the consumer is busy. It ends when the consumer stops; what else ends it (the layer failing)
    // ends the consumer with that error.
    private static async Task Pump(Func<CancellationToken, Task<JsonObject>> source, Channel<ConsumerEvent> inbox, CancellationToken stop)
    {
        try
        {
            while (true) await inbox.Writer.WriteAsync(await source(stop).ConfigureAwait(false), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // handed to the consumer's loop, which throws it
        catch (Exception e)
        {
            inbox.Writer.TryComplete(e);
        }
#pragma warning restore CA1031
    }

    /// <summary>
    /// Where the server writes the frames the consumer sends, without a <c>websocket.send</c> event made and read back;
    /// null in process (the communicator sees events).
    /// </summary>
    internal IFrameSink? Frames { get; set; }

    /// <summary>
    /// A frame the server read, given to the consumer without a <c>websocket.receive</c> event made for it: what
    /// <c>WebsocketReceive</c> would do with that event. Only for consumers whose <see cref="DispatchAsync"/> and
    /// <c>WebsocketReceive</c> are the framework's own.
    /// </summary>
    private protected virtual Task ReceiveFrameAsync(byte[] data, bool text) => DispatchAsync(WebsocketEvents.Receive(data, text));

    // PERF: a frame from the server skips the event when nothing but the framework's own code would read it.
    private static bool ReceivesFramesDirectly(Type type)
    {
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var receive = type.GetMethod("WebsocketReceive", Flags, [typeof(JsonObject)]);
        return type.GetMethod(nameof(DispatchAsync), Flags, [typeof(JsonObject)])?.DeclaringType == typeof(Consumer)
            && receive?.DeclaringType == typeof(AsyncWebsocketConsumer);
    }

    /// <summary>Calls the handler of <paramref name="message"/>'s type (Channels' <c>dispatch</c>).</summary>
    protected virtual Task DispatchAsync(JsonObject message)
    {
        var type = message["type"]?.GetValue<string>() ?? throw new ArgumentException("A message has no 'type'.", nameof(message));
        if (type.StartsWith('_')) throw new ArgumentException($"Malformed type in message (leading underscore): {type}", nameof(message));
        var handler = _last is { } last && last.Type == type ? last.Handler : Lookup(type);
        if (handler.Async is { } run) return run(this, message);
        var sync = handler.Sync!;
        return Async.SyncToAsync.Run(() => sync(this, message), threadSensitive: true, CancellationToken.None).AsTask();
    }

    private (string Type, Handler Handler)? _last;

    private Handler Lookup(string type)
    {
        var handler = Handlers.GetOrAdd((GetType(), type), static key => Find(key.Item1, key.Item2))
            ?? throw new InvalidOperationException($"No handler for message type {type}");
        _last = (type, handler);
        return handler;
    }

    /// <summary>The handler of a type: <c>chat.message</c> → a method <c>ChatMessage(JsonObject)</c> returning a Task or nothing, compiled once.</summary>
    private static Handler? Find(Type consumer, string type)
    {
        var name = string.Concat(type.Split('.', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        var method = consumer.GetMethod(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, [typeof(JsonObject)]);
        if (method is null) return null;
        var self = Expression.Parameter(typeof(Consumer));
        var message = Expression.Parameter(typeof(JsonObject));
        var call = Expression.Call(Expression.Convert(self, consumer), method, message);
        if (method.ReturnType == typeof(void))
            return new Handler(null, Expression.Lambda<Action<Consumer, JsonObject>>(call, self, message).Compile());
        return typeof(Task).IsAssignableFrom(method.ReturnType)
            ? new Handler(Expression.Lambda<Func<Consumer, JsonObject, Task>>(Expression.Convert(call, typeof(Task)), self, message).Compile(), null)
            : null;
    }
}

/// <summary>
/// Channels' <c>AsyncConsumer</c>: its handlers are async methods (<c>public async Task ChatMessage(JsonObject message)</c>),
/// run on the async side; sync ORM calls in them raise <c>SynchronousOnlyOperationException</c>, as in Django.
/// </summary>
public abstract class AsyncConsumer : Consumer;

/// <summary>
/// Channels' <c>SyncConsumer</c>: its handlers are sync methods (<c>public void ChatMessage(JsonObject message)</c>), all
/// of one connection run on one thread of the connection's own, so blocking calls and the sync ORM are fine in them.
/// </summary>
public abstract class SyncConsumer : Consumer
{
    /// <summary>Sends an event to the connection from a sync handler, waiting until it is queued (Channels' <c>base_send</c> through <c>async_to_sync</c>).</summary>
    protected void BaseSend(JsonObject message) => Async.AsyncToSync.Run(() => BaseSendAsync(message));
}

/// <summary>
/// Channels' <c>AsyncWebsocketConsumer</c>: <see cref="ConnectAsync"/> (accepts by default), <see cref="ReceiveAsync"/>
/// for each text or binary frame, <see cref="DisconnectAsync"/>; <see cref="AcceptAsync"/>, <see cref="SendAsync"/>,
/// <see cref="CloseAsync"/>; the channels of <see cref="Groups"/> joined on connect and left on disconnect.
/// </summary>
public abstract class AsyncWebsocketConsumer : AsyncConsumer
{
    /// <summary>Groups the connection belongs to while it is open (Channels' <c>groups</c>).</summary>
    protected virtual IReadOnlyList<string> Groups => [];

    /// <summary>The <c>websocket.connect</c> event: joins <see cref="Groups"/>, then <see cref="ConnectAsync"/>.</summary>
    public async Task WebsocketConnect(JsonObject message)
    {
        foreach (var group in Groups) await (ChannelLayer ?? throw NoGroups()).GroupAddAsync(group, ChannelName!).ConfigureAwait(false);
        try
        {
            await ConnectAsync().ConfigureAwait(false);
        }
        catch (AcceptConnection)
        {
            await AcceptAsync().ConfigureAwait(false);
        }
        catch (DenyConnection)
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Channels' error for groups without a layer.</summary>
    internal static InvalidChannelLayerError NoGroups() => new("BACKEND is unconfigured or doesn't support groups");

    /// <summary>The client asks to connect: accept (the default), or <see cref="CloseAsync"/> to refuse.</summary>
    public virtual Task ConnectAsync() => AcceptAsync();

    /// <summary>Accepts the connection, with a subprotocol the client offered if any.</summary>
    public Task AcceptAsync(string? subprotocol = null) => BaseSendAsync(WebsocketEvents.Accept(subprotocol));

    /// <summary>The <c>websocket.receive</c> event: a frame, to <see cref="ReceiveAsync"/>.</summary>
    public Task WebsocketReceive(JsonObject message)
    {
        var (text, bytes) = WebsocketEvents.Frame(message);
        return ReceiveAsync(text, bytes);
    }

    private protected override Task ReceiveFrameAsync(byte[] data, bool text) =>
        text ? ReceiveAsync(Encoding.UTF8.GetString(data)) : ReceiveAsync(bytes: data);

    /// <summary>A text or binary frame from the client.</summary>
    public virtual Task ReceiveAsync(string? text = null, byte[]? bytes = null) => Task.CompletedTask;

    /// <summary>Sends a text or binary frame; <paramref name="close"/> closes after it.</summary>
    public Task SendAsync(string? text = null, byte[]? bytes = null, bool close = false)
    {
        // PERF: an accepted connection takes the frame at once, as the websocket.send event would give it.
        if (!close && Frames is { } frames && (text is not null || bytes is not null)
            && frames.TrySend(text is not null ? Encoding.UTF8.GetBytes(text) : bytes.AsSpan().ToArray(), text is not null))
            return Task.CompletedTask;
        return SendEventAsync(text, bytes, close);
    }

    private protected async Task SendEventAsync(string? text, byte[]? bytes, bool close)
    {
        await BaseSendAsync(WebsocketEvents.Send(text, bytes)).ConfigureAwait(false);
        if (close) await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the connection (1000 unless a code is given), or refuses it before it is accepted.</summary>
    public Task CloseAsync(int? code = null, string? reason = null) => BaseSendAsync(WebsocketEvents.Close(code, reason));

    /// <summary>The <c>websocket.disconnect</c> event: leaves <see cref="Groups"/>, calls <see cref="DisconnectAsync"/>, then stops.</summary>
    public async Task WebsocketDisconnect(JsonObject message)
    {
        foreach (var group in Groups) await (ChannelLayer ?? throw NoGroups()).GroupDiscardAsync(group, ChannelName!).ConfigureAwait(false);
        await DisconnectAsync(WebsocketEvents.Code(message)).ConfigureAwait(false);
        throw new StopConsumer();
    }

    /// <summary>The connection closed, with its close code.</summary>
    public virtual Task DisconnectAsync(int code) => Task.CompletedTask;
}

/// <summary>
/// Channels' <c>AsyncJsonWebsocketConsumer</c>: text frames parsed as JSON for <see cref="ReceiveJsonAsync"/>,
/// <see cref="SendJsonAsync"/> to answer; a binary frame is refused as Channels refuses it.
/// </summary>
public abstract class AsyncJsonWebsocketConsumer : AsyncWebsocketConsumer
{
    private static readonly ConcurrentDictionary<Type, (bool Decode, bool Encode)> OwnCodec = new();
    private (bool Decode, bool Encode)? _ownCodec;

    // Whether DecodeJson and EncodeJson are this class's: then frames are parsed and written as UTF-8 bytes, with no
    // string between (the same JSON either way).
    private (bool Decode, bool Encode) Codec => _ownCodec ??= OwnCodec.GetOrAdd(GetType(), static type =>
    {
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.NonPublic;
        return (type.GetMethod(nameof(DecodeJson), Flags, [typeof(string)])?.DeclaringType == typeof(AsyncJsonWebsocketConsumer),
            type.GetMethod(nameof(EncodeJson), Flags, [typeof(JsonNode)])?.DeclaringType == typeof(AsyncJsonWebsocketConsumer));
    });

    private protected override Task ReceiveFrameAsync(byte[] data, bool text) =>
        text && Codec.Decode ? ReceiveJsonAsync(JsonNode.Parse(data)) : base.ReceiveFrameAsync(data, text);

    /// <inheritdoc/>
    public sealed override Task ReceiveAsync(string? text = null, byte[]? bytes = null) =>
        text is not null ? ReceiveJsonAsync(DecodeJson(text)) : throw WebsocketEvents.NoText();

    /// <summary>A JSON message from the client (Channels' <c>receive_json</c>).</summary>
    public virtual Task ReceiveJsonAsync(JsonNode? content) => Task.CompletedTask;

    /// <summary>Sends <paramref name="content"/> as a JSON text frame (Channels' <c>send_json</c>).</summary>
    public Task SendJsonAsync(JsonNode? content, bool close = false)
    {
        if (!close && Frames is { } frames && Codec.Encode && frames.TrySend(WebsocketEvents.Utf8Json(content), text: true)) return Task.CompletedTask;
        return SendAsync(text: EncodeJson(content), close: close);
    }

    /// <summary>Parses a frame (Channels' <c>decode_json</c>); override for another encoding.</summary>
    protected virtual JsonNode? DecodeJson(string text) => JsonNode.Parse(text);

    /// <summary>Writes a frame (Channels' <c>encode_json</c>); override for another encoding.</summary>
    protected virtual string EncodeJson(JsonNode? content) => content?.ToJsonString() ?? "null";
}

/// <summary>What a consumer's inbox holds: an event, or a frame the server read that becomes a <c>websocket.receive</c> event only if something would read it.</summary>
internal readonly struct ConsumerEvent
{
    private ConsumerEvent(JsonObject? message, byte[]? data, bool text) => (Message, Data, Text) = (message, data, text);

    /// <summary>The event; null for a frame.</summary>
    public JsonObject? Message { get; }

    /// <summary>A frame's payload.</summary>
    public byte[]? Data { get; }

    /// <summary>Whether the frame is text.</summary>
    public bool Text { get; }

    public static ConsumerEvent Frame(byte[] data, bool text) => new(null, data, text);

    public JsonObject ToMessage() => Message ?? WebsocketEvents.Receive(Data!, Text);

    public static implicit operator ConsumerEvent(JsonObject message) => new(message, null, false);
}

/// <summary>The server's side of a connection that takes a consumer's frames directly.</summary>
internal interface IFrameSink
{
    /// <summary>Sends a frame if the connection is accepted (dropped if it is closing); false when it is not accepted yet.</summary>
    bool TrySend(byte[] data, bool text);
}

/// <summary>The WebSocket events consumers send and receive, made and read in one place for the sync and async consumers.</summary>
internal static class WebsocketEvents
{
    public static JsonObject Connect() => new() { ["type"] = "websocket.connect" };

    public static JsonObject Disconnect(int code) => new() { ["type"] = "websocket.disconnect", ["code"] = code };

    public static JsonObject Accept(string? subprotocol) => new() { ["type"] = "websocket.accept", ["subprotocol"] = subprotocol };

    public static JsonObject Send(string? text, byte[]? bytes) =>
        text is not null ? new JsonObject { ["type"] = "websocket.send", ["text"] = text }
        : bytes is not null ? new JsonObject { ["type"] = "websocket.send", ["bytes"] = Convert.ToBase64String(bytes) }
        : throw new ArgumentException("You must pass one of bytes or text.");

    public static JsonObject Close(int? code, string? reason)
    {
        var message = new JsonObject { ["type"] = "websocket.close" };
        if (code is not null) message["code"] = code;
        if (reason is not null) message["reason"] = reason;
        return message;
    }

    public static JsonObject Receive(byte[] data, bool text) =>
        text ? new JsonObject { ["type"] = "websocket.receive", ["text"] = Encoding.UTF8.GetString(data) }
        : new JsonObject { ["type"] = "websocket.receive", ["bytes"] = Convert.ToBase64String(data) };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_json;
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary><paramref name="content"/> written as <c>ToJsonString</c> writes it, as UTF-8 bytes.</summary>
    public static byte[] Utf8Json(JsonNode? content)
    {
        if (content is null) return "null"u8.ToArray();
        var buffer = t_json ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        try
        {
            content.WriteTo(writer);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > 64 * 1024) (t_json, t_writer) = (null, null); // a large message's buffer is not kept
        }
    }

    public static (string? Text, byte[]? Bytes) Frame(JsonObject message) =>
        message["text"] is { } text ? (text.GetValue<string>(), null)
        : (null, message["bytes"] is { } bytes ? Convert.FromBase64String(bytes.GetValue<string>()) : null);

    public static int Code(JsonObject message) => message["code"]?.GetValue<int>() ?? 1000;

    // Channels' JSON consumers refuse a binary frame with this ValueError.
    public static InvalidOperationException NoText() => new("No text section for incoming WebSocket frame!");
}

/// <summary>
/// Channels' sync <c>WebsocketConsumer</c>: <see cref="Connect"/> (accepts by default), <see cref="Receive"/> for each
/// text or binary frame, <see cref="Disconnect"/>; <see cref="Accept"/>, <see cref="Send"/>, <see cref="Close"/>. Every
/// handler of one connection runs on one thread of its own, so the sync ORM and other blocking calls are fine here.
/// </summary>
public abstract class WebsocketConsumer : SyncConsumer
{
    /// <summary>Groups the connection belongs to while it is open (Channels' <c>groups</c>).</summary>
    protected virtual IReadOnlyList<string> Groups => [];

    /// <summary>The <c>websocket.connect</c> event: joins <see cref="Groups"/>, then <see cref="Connect"/>.</summary>
    public void WebsocketConnect(JsonObject message)
    {
        foreach (var group in Groups) Async.AsyncToSync.Run(() => (ChannelLayer ?? throw AsyncWebsocketConsumer.NoGroups()).GroupAddAsync(group, ChannelName!));
        try
        {
            Connect();
        }
        catch (AcceptConnection)
        {
            Accept();
        }
        catch (DenyConnection)
        {
            Close();
        }
    }

    /// <summary>The client asks to connect: accept (the default), or <see cref="Close"/> to refuse.</summary>
    public virtual void Connect() => Accept();

    /// <summary>Accepts the connection, with a subprotocol the client offered if any.</summary>
    public void Accept(string? subprotocol = null) => BaseSend(WebsocketEvents.Accept(subprotocol));

    /// <summary>The <c>websocket.receive</c> event: a frame, to <see cref="Receive"/>.</summary>
    public void WebsocketReceive(JsonObject message)
    {
        var (text, bytes) = WebsocketEvents.Frame(message);
        Receive(text, bytes);
    }

    /// <summary>A text or binary frame from the client.</summary>
    public virtual void Receive(string? text = null, byte[]? bytes = null)
    {
    }

    /// <summary>Sends a text or binary frame; <paramref name="close"/> closes after it.</summary>
    public void Send(string? text = null, byte[]? bytes = null, bool close = false)
    {
        BaseSend(WebsocketEvents.Send(text, bytes));
        if (close) Close();
    }

    /// <summary>Closes the connection (1000 unless a code is given), or refuses it before it is accepted.</summary>
    public void Close(int? code = null, string? reason = null) => BaseSend(WebsocketEvents.Close(code, reason));

    /// <summary>The <c>websocket.disconnect</c> event: leaves <see cref="Groups"/>, calls <see cref="Disconnect"/>, then stops.</summary>
    public void WebsocketDisconnect(JsonObject message)
    {
        foreach (var group in Groups) Async.AsyncToSync.Run(() => (ChannelLayer ?? throw AsyncWebsocketConsumer.NoGroups()).GroupDiscardAsync(group, ChannelName!));
        Disconnect(WebsocketEvents.Code(message));
        throw new StopConsumer();
    }

    /// <summary>The connection closed, with its close code.</summary>
    public virtual void Disconnect(int code)
    {
    }
}

/// <summary>
/// Channels' sync <c>JsonWebsocketConsumer</c>: text frames parsed as JSON for <see cref="ReceiveJson"/>,
/// <see cref="SendJson"/> to answer; a binary frame is refused as Channels refuses it.
/// </summary>
public abstract class JsonWebsocketConsumer : WebsocketConsumer
{
    /// <inheritdoc/>
    public sealed override void Receive(string? text = null, byte[]? bytes = null)
    {
        if (text is null) throw WebsocketEvents.NoText();
        ReceiveJson(DecodeJson(text));
    }

    /// <summary>A JSON message from the client (Channels' <c>receive_json</c>).</summary>
    public virtual void ReceiveJson(JsonNode? content)
    {
    }

    /// <summary>Sends <paramref name="content"/> as a JSON text frame (Channels' <c>send_json</c>).</summary>
    public void SendJson(JsonNode? content, bool close = false) => Send(text: EncodeJson(content), close: close);

    /// <summary>Parses a frame (Channels' <c>decode_json</c>); override for another encoding.</summary>
    protected virtual JsonNode? DecodeJson(string text) => JsonNode.Parse(text);

    /// <summary>Writes a frame (Channels' <c>encode_json</c>); override for another encoding.</summary>
    protected virtual string EncodeJson(JsonNode? content) => content?.ToJsonString() ?? "null";
}
