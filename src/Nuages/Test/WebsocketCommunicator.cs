using System.Text.Json.Nodes;
using System.Threading.Channels;
using Nuages.Channels;

namespace Nuages.Test;

/// <summary>
/// Drives one consumer in process, as Channels' <c>WebsocketCommunicator</c> does: <see cref="ConnectAsync"/>, then
/// <see cref="SendToAsync"/> / <see cref="ReceiveFromAsync"/> (with a timeout), <see cref="DisconnectAsync"/>. With a
/// channel layer, several communicators talk through its groups as real connections would.
/// </summary>
public sealed class WebsocketCommunicator : IAsyncDisposable
{
    private readonly Func<Consumer>? _consumer;
    private readonly Scope _scope;
    private ChannelLayer? _layer;
    private readonly NuagesApp? _app;
    private readonly string _path = "/";
    private readonly Channel<ConsumerEvent> _input = Channel.CreateUnbounded<ConsumerEvent>();
    private readonly Channel<JsonObject> _output = Channel.CreateUnbounded<JsonObject>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    /// <summary>A communicator for a consumer made by <paramref name="consumer"/> at <paramref name="path"/>.</summary>
    public WebsocketCommunicator(Func<Consumer> consumer, string path = "/", ChannelLayer? layer = null,
        IReadOnlyList<string>? subprotocols = null, IReadOnlyDictionary<string, object?>? urlRoute = null)
    {
        _consumer = consumer;
        _layer = layer;
        var question = path.IndexOf('?', StringComparison.Ordinal);
        _scope = new Scope
        {
            Path = question < 0 ? path : path[..question], QueryString = question < 0 ? "" : path[(question + 1)..],
            Subprotocols = subprotocols ?? [], UrlRoute = urlRoute ?? new Dictionary<string, object?>(),
        };
    }

    /// <summary>
    /// A communicator for the consumer <paramref name="app"/>'s WebSocket patterns route <paramref name="path"/> to, with
    /// the route's values in the scope and the consumer's layer from the site's <c>ChannelLayers</c> — Channels'
    /// <c>WebsocketCommunicator(application, path)</c> over a <c>URLRouter</c>.
    /// </summary>
    public WebsocketCommunicator(NuagesApp app, string path, IReadOnlyList<string>? subprotocols = null, IReadOnlyList<(string Name, string Value)>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(path);
        _app = app;
        var question = path.IndexOf('?', StringComparison.Ordinal);
        _path = question < 0 ? path : path[..question];
        var route = WebSocketRouter.Of(app.Site).Value?.Resolve(_path);
        _consumer = route?.Consumer;
        _scope = new Scope
        {
            Path = _path, QueryString = question < 0 ? "" : path[(question + 1)..], Subprotocols = subprotocols ?? [], Headers = headers ?? [],
            UrlRoute = route?.Kwargs ?? new Dictionary<string, object?>(), UrlRouteArgs = route?.Args ?? [],
        };
    }

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Whether the consumer has stopped.</summary>
    public bool Finished => _running is { IsCompleted: true };

    /// <summary>Connects: (true, the subprotocol accepted) or (false, the close code) — Channels' <c>connect()</c>.</summary>
    public async Task<(bool Connected, object? SubprotocolOrCode)> ConnectAsync(TimeSpan? timeout = null)
    {
        // As Channels' URLRouter raises ValueError for a path no route matches.
        var consumer = _consumer ?? throw new InvalidOperationException($"No route found for path '{_path}'.");
        var instance = consumer();
        using (_app?.Enter())
        {
            if (_app is not null) _layer = ChannelLayers.Get(instance.ChannelLayerAlias);
            _running = instance.RunAsync(_scope, _input, null, m => _output.Writer.WriteAsync(m).AsTask(), _layer, _stop.Token);
        }
        await _input.Writer.WriteAsync(WebsocketEvents.Connect()).ConfigureAwait(false);
        var answer = await ReceiveOutputAsync(timeout).ConfigureAwait(false);
        return (string?)answer["type"] switch
        {
            "websocket.accept" => (true, (string?)answer["subprotocol"]),
            "websocket.close" => (false, (int?)answer["code"] ?? 1000),
            var other => throw new InvalidOperationException($"Unexpected answer to connect: {other}"),
        };
    }

    /// <summary>Sends a text or binary frame to the consumer.</summary>
    public Task SendToAsync(string? text = null, byte[]? bytes = null)
    {
        var message = new JsonObject { ["type"] = "websocket.receive" };
        if (text is not null) message["text"] = text;
        else if (bytes is not null) message["bytes"] = Convert.ToBase64String(bytes);
        else throw new ArgumentException("You must pass one of bytes or text.");
        return _input.Writer.WriteAsync(message).AsTask();
    }

    /// <summary>Sends <paramref name="data"/> as a JSON text frame.</summary>
    public Task SendJsonToAsync(JsonNode? data) => SendToAsync(text: data?.ToJsonString() ?? "null");

    /// <summary>The next event the consumer sent, waiting up to <paramref name="timeout"/> (one second by default).</summary>
    public async Task<JsonObject> ReceiveOutputAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _output.Reader.ReadAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (_running is { IsFaulted: true } failed) await failed.ConfigureAwait(false); // the consumer's own exception
            throw new TimeoutException($"The consumer sent nothing within {(timeout ?? DefaultTimeout).TotalSeconds} s.");
        }
    }

    /// <summary>The next frame the consumer sent: its text, or its bytes as base64 — Channels' <c>receive_from()</c>.</summary>
    public async Task<string?> ReceiveFromAsync(TimeSpan? timeout = null)
    {
        var message = await ReceiveOutputAsync(timeout).ConfigureAwait(false);
        if ((string?)message["type"] != "websocket.send") throw new InvalidOperationException($"Expected type 'websocket.send', but was '{message["type"]}'");
        return (string?)message["text"] ?? (string?)message["bytes"];
    }

    /// <summary>The next text frame, parsed as JSON.</summary>
    public async Task<JsonNode?> ReceiveJsonFromAsync(TimeSpan? timeout = null) => JsonNode.Parse((await ReceiveFromAsync(timeout).ConfigureAwait(false))!);

    /// <summary>Whether the consumer sends nothing for <paramref name="timeout"/> (Channels' <c>receive_nothing()</c>).</summary>
    public async Task<bool> ReceiveNothingAsync(TimeSpan? timeout = null)
    {
        if (_output.Reader.Count > 0) return false;
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMilliseconds(100));
        try
        {
            return !await _output.Reader.WaitToReadAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>Disconnects with <paramref name="code"/> and waits for the consumer to stop.</summary>
    public async Task DisconnectAsync(int code = 1000, TimeSpan? timeout = null)
    {
        await _input.Writer.WriteAsync(WebsocketEvents.Disconnect(code)).ConfigureAwait(false);
        if (_running is not null) await _running.WaitAsync(timeout ?? DefaultTimeout).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            try
            {
                await _running.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // disposal ends the consumer; what it threw was reported by the receive that saw it
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }
        _stop.Dispose();
    }
}

/// <summary>
/// Drives one HTTP consumer in process, as Channels' <c>HttpCommunicator</c>: the request goes in, and
/// <see cref="GetResponseAsync"/> gives the status, headers and whole body once the consumer has sent its last part.
/// </summary>
public sealed class HttpCommunicator(Func<AsyncHttpConsumer> consumer, string method, string path, byte[]? body = null,
    IReadOnlyList<(string Name, string Value)>? headers = null, ChannelLayer? layer = null)
{
    /// <summary>The response, waiting up to <paramref name="timeout"/> (one second by default) for all of it.</summary>
    public async Task<(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)> GetResponseAsync(TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(1));
        var question = path.IndexOf('?', StringComparison.Ordinal);
        var run = HttpConsumerRun.Start(consumer(), new Scope
        {
            Type = "http", Path = question < 0 ? path : path[..question], QueryString = question < 0 ? "" : path[(question + 1)..], Headers = headers ?? [],
            Extra = { ["method"] = method.ToUpperInvariant() },
        }, body ?? [], layer);
        try
        {
            var (status, responseHeaders, first, more) = await run.StartAsync(limit.Token).ConfigureAwait(false);
            using var all = new MemoryStream();
            await foreach (var part in (more ? run.RestAsync(first, limit.Token) : One(first, run)).ConfigureAwait(false)) all.Write(part);
            return (status, responseHeaders, all.ToArray());
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new TimeoutException($"The consumer did not finish its response within {(timeout ?? TimeSpan.FromSeconds(1)).TotalSeconds} s.");
        }
    }

    private static async IAsyncEnumerable<byte[]> One(byte[] body, HttpConsumerRun run)
    {
        yield return body;
        await run.EndAsync().ConfigureAwait(false);
    }
}
