using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Nodes;

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

    /// <summary>The URL route's values (Channels' <c>scope["url_route"]["kwargs"]</c>).</summary>
    public IReadOnlyDictionary<string, object?> UrlRoute { get; init; } = new Dictionary<string, object?>();

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
/// Channels' <c>AsyncConsumer</c>: receives the connection's events and, with a channel layer, the messages of its own
/// channel, and calls the handler their <c>type</c> names — <c>chat.message</c> calls <c>ChatMessage(JsonObject)</c>,
/// as Channels calls <c>chat_message</c> — one at a time, in order. A handler throwing <see cref="StopConsumer"/> ends it.
/// </summary>
public abstract class AsyncConsumer
{
    private static readonly ConcurrentDictionary<(Type, string), Func<AsyncConsumer, JsonObject, Task>?> Handlers = new();
    private Func<JsonObject, Task>? _send;

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
    public async Task RunAsync(Scope scope, Func<CancellationToken, Task<JsonObject>> receive, Func<JsonObject, Task> send, ChannelLayer? layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receive);
        Scope = scope;
        _send = send;
        ChannelLayer = layer;
        if (layer is not null) ChannelName = await layer.NewChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<JsonObject> fromConnection = receive(stop.Token);
        Task<JsonObject>? fromLayer = layer is null ? null : layer.ReceiveAsync(ChannelName!, stop.Token);
        try
        {
            while (true)
            {
                var done = fromLayer is null ? fromConnection : await Task.WhenAny(fromConnection, fromLayer).ConfigureAwait(false);
                var message = await done.ConfigureAwait(false);
                if (done == fromConnection) fromConnection = receive(stop.Token);
                else fromLayer = layer!.ReceiveAsync(ChannelName!, stop.Token);
                await DispatchAsync(message).ConfigureAwait(false);
            }
        }
        catch (StopConsumer)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Calls the handler of <paramref name="message"/>'s type (Channels' <c>dispatch</c>).</summary>
    protected virtual Task DispatchAsync(JsonObject message)
    {
        var type = message["type"]?.GetValue<string>() ?? throw new ArgumentException("A message has no 'type'.", nameof(message));
        if (type.StartsWith('_')) throw new ArgumentException($"Malformed type in message (leading underscore): {type}", nameof(message));
        var handler = Handlers.GetOrAdd((GetType(), type), static key => Find(key.Item1, key.Item2));
        return handler is null ? throw new InvalidOperationException($"No handler for message type {type}") : handler(this, message);
    }

    /// <summary>The handler of a type: <c>chat.message</c> → a method <c>ChatMessage(JsonObject)</c> returning a Task, compiled once.</summary>
    private static Func<AsyncConsumer, JsonObject, Task>? Find(Type consumer, string type)
    {
        var name = string.Concat(type.Split('.', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        var method = consumer.GetMethod(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, [typeof(JsonObject)]);
        if (method is null || !typeof(Task).IsAssignableFrom(method.ReturnType)) return null;
        var self = Expression.Parameter(typeof(AsyncConsumer));
        var message = Expression.Parameter(typeof(JsonObject));
        return Expression.Lambda<Func<AsyncConsumer, JsonObject, Task>>(
            Expression.Convert(Expression.Call(Expression.Convert(self, consumer), method, message), typeof(Task)), self, message).Compile();
    }
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
        if (ChannelLayer is { } layer)
            foreach (var group in Groups) await layer.GroupAddAsync(group, ChannelName!).ConfigureAwait(false);
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

    /// <summary>The client asks to connect: accept (the default), or <see cref="CloseAsync"/> to refuse.</summary>
    public virtual Task ConnectAsync() => AcceptAsync();

    /// <summary>Accepts the connection, with a subprotocol the client offered if any.</summary>
    public Task AcceptAsync(string? subprotocol = null) =>
        BaseSendAsync(new JsonObject { ["type"] = "websocket.accept", ["subprotocol"] = subprotocol });

    /// <summary>The <c>websocket.receive</c> event: a frame, to <see cref="ReceiveAsync"/>.</summary>
    public Task WebsocketReceive(JsonObject message)
    {
        if (message["text"] is { } text) return ReceiveAsync(text: text.GetValue<string>());
        return ReceiveAsync(bytes: message["bytes"] is { } bytes ? Convert.FromBase64String(bytes.GetValue<string>()) : null);
    }

    /// <summary>A text or binary frame from the client.</summary>
    public virtual Task ReceiveAsync(string? text = null, byte[]? bytes = null) => Task.CompletedTask;

    /// <summary>Sends a text or binary frame; <paramref name="close"/> closes after it.</summary>
    public async Task SendAsync(string? text = null, byte[]? bytes = null, bool close = false)
    {
        if (text is not null) await BaseSendAsync(new JsonObject { ["type"] = "websocket.send", ["text"] = text }).ConfigureAwait(false);
        else if (bytes is not null) await BaseSendAsync(new JsonObject { ["type"] = "websocket.send", ["bytes"] = Convert.ToBase64String(bytes) }).ConfigureAwait(false);
        else throw new ArgumentException("You must pass one of bytes or text.");
        if (close) await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the connection (1000 unless a code is given), or refuses it before it is accepted.</summary>
    public Task CloseAsync(int? code = null, string? reason = null)
    {
        var message = new JsonObject { ["type"] = "websocket.close" };
        if (code is not null) message["code"] = code;
        if (reason is not null) message["reason"] = reason;
        return BaseSendAsync(message);
    }

    /// <summary>The <c>websocket.disconnect</c> event: leaves <see cref="Groups"/>, calls <see cref="DisconnectAsync"/>, then stops.</summary>
    public async Task WebsocketDisconnect(JsonObject message)
    {
        if (ChannelLayer is { } layer)
            foreach (var group in Groups) await layer.GroupDiscardAsync(group, ChannelName!).ConfigureAwait(false);
        await DisconnectAsync(message["code"]?.GetValue<int>() ?? 1000).ConfigureAwait(false);
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
    /// <inheritdoc/>
    public sealed override Task ReceiveAsync(string? text = null, byte[]? bytes = null) =>
        text is not null ? ReceiveJsonAsync(DecodeJson(text))
            : throw new InvalidOperationException("No text section for incoming WebSocket frame!");

    /// <summary>A JSON message from the client (Channels' <c>receive_json</c>).</summary>
    public virtual Task ReceiveJsonAsync(JsonNode? content) => Task.CompletedTask;

    /// <summary>Sends <paramref name="content"/> as a JSON text frame (Channels' <c>send_json</c>).</summary>
    public Task SendJsonAsync(JsonNode? content, bool close = false) => SendAsync(text: EncodeJson(content), close: close);

    /// <summary>Parses a frame (Channels' <c>decode_json</c>); override for another encoding.</summary>
    protected virtual JsonNode? DecodeJson(string text) => JsonNode.Parse(text);

    /// <summary>Writes a frame (Channels' <c>encode_json</c>); override for another encoding.</summary>
    protected virtual string EncodeJson(JsonNode? content) => content?.ToJsonString() ?? "null";
}
