using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Nuages.Http;
using Nuages.Views;

namespace Nuages.Channels;

/// <summary>
/// Channels' <c>AsyncHttpConsumer</c>, for long-poll and server-sent-event endpoints that listen to a group:
/// <see cref="HandleAsync"/> gets the request body; answer with <see cref="SendResponseAsync"/>, or start a stream with
/// <see cref="SendHeadersAsync"/> and <c>SendBodyAsync(…, moreBody: true)</c>, then send more from the layer's message
/// handlers until one sends the last part. <see cref="DisconnectAsync"/> runs when the response is done or the client
/// leaves. Mounted among the HTTP patterns with <see cref="AsView{TConsumer}"/>, so the site's middleware, sessions and
/// users apply: <c>Path("live/&lt;slug:post&gt;/", AsyncHttpConsumer.AsView&lt;LiveComments&gt;())</c>.
/// Unlike Channels' own (issue #1302), a consumer whose handler left the response open keeps running for the stream.
/// </summary>
public abstract class AsyncHttpConsumer : AsyncConsumer
{
    private readonly List<byte[]> _body = [];
    private bool _streaming;
    private bool _finished;

    /// <summary>The request, once the whole body has arrived.</summary>
    public abstract Task HandleAsync(byte[] body);

    /// <summary>The response is done or the client left: leave groups, release what the consumer holds.</summary>
    public virtual Task DisconnectAsync() => Task.CompletedTask;

    /// <summary>Starts the response: its status and headers (sent with the first part of the body).</summary>
    public Task SendHeadersAsync(int status = 200, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var list = new JsonArray();
        foreach (var (name, value) in headers ?? []) list.Add(new JsonArray(name, value));
        return BaseSendAsync(new JsonObject { ["type"] = "http.response.start", ["status"] = status, ["headers"] = list });
    }

    /// <summary>Sends a part of the body; <paramref name="moreBody"/> keeps the response open for more.</summary>
    public async Task SendBodyAsync(byte[] body, bool moreBody = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        _streaming = moreBody;
        _finished = !moreBody;
        await BaseSendAsync(new JsonObject { ["type"] = "http.response.body", ["body"] = Convert.ToBase64String(body), ["more_body"] = moreBody }).ConfigureAwait(false);
    }

    /// <summary>A whole response at once.</summary>
    public async Task SendResponseAsync(int status, byte[] body, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        await SendHeadersAsync(status, headers).ConfigureAwait(false);
        await SendBodyAsync(body).ConfigureAwait(false);
    }

    /// <summary>The <c>http.request</c> event: the body gathered, then <see cref="HandleAsync"/>.</summary>
    public async Task HttpRequest(JsonObject message)
    {
        if (message["body"] is { } part) _body.Add(Convert.FromBase64String(part.GetValue<string>()));
        if (message["more_body"]?.GetValue<bool>() == true) return;
        await HandleAsync([.. _body.SelectMany(b => b)]).ConfigureAwait(false);
        if (_streaming && !_finished) return;
        await DisconnectAsync().ConfigureAwait(false);
        throw new StopConsumer();
    }

    /// <summary>The <c>http.disconnect</c> event: <see cref="DisconnectAsync"/>, then the consumer stops.</summary>
    public async Task HttpDisconnect(JsonObject message)
    {
        await DisconnectAsync().ConfigureAwait(false);
        throw new StopConsumer();
    }

    /// <summary>The view that serves each request with a new <typeparamref name="TConsumer"/> (Channels' <c>as_asgi()</c> under <c>"http"</c>).</summary>
    public static Delegate AsView<TConsumer>() where TConsumer : AsyncHttpConsumer, new() => View.AsView<ConsumerView<TConsumer>>();
}

/// <summary>Runs an HTTP consumer for one request: its events in, its response out as the view's (streamed) response.</summary>
internal sealed class ConsumerView<TConsumer> : View where TConsumer : AsyncHttpConsumer, new()
{
    public Task<HttpResponse> Get(HttpRequest request) => ServeAsync(request);

    public Task<HttpResponse> Post(HttpRequest request) => ServeAsync(request);

    public Task<HttpResponse> Put(HttpRequest request) => ServeAsync(request);

    public Task<HttpResponse> Patch(HttpRequest request) => ServeAsync(request);

    public Task<HttpResponse> Delete(HttpRequest request) => ServeAsync(request);

    private async Task<HttpResponse> ServeAsync(HttpRequest request)
    {
        var consumer = new TConsumer();
        var run = HttpConsumerRun.Start(consumer, new Scope
        {
            Type = "http", Path = request.Path, QueryString = request.QueryString, Request = request, UrlRoute = Kwargs, UrlRouteArgs = Args,
            Headers = [.. request.Headers.Select(h => (h.Key.ToLowerInvariant(), h.Value))], Cookies = request.Cookies,
        }, request.Body, ChannelLayers.Get(consumer.ChannelLayerAlias));
        var (status, headers, first, more) = await run.StartAsync(request.Aborted).ConfigureAwait(false);
        HttpResponse response;
        if (!more)
        {
            await run.EndAsync().ConfigureAwait(false);
            response = new HttpResponse(first, status: status);
        }
        else response = new StreamingHttpResponse(run.RestAsync(first, request.Aborted), status: status);
        foreach (var (name, value) in headers) response.Headers[name] = value;
        return response;
    }
}

/// <summary>One HTTP consumer running: what it sends, read as a response; what the client does, given as events.</summary>
internal sealed class HttpConsumerRun
{
    private readonly Channel<ConsumerEvent> _input = Channel.CreateUnbounded<ConsumerEvent>();
    private readonly Channel<JsonObject> _output = Channel.CreateUnbounded<JsonObject>();
    private Task _running = Task.CompletedTask;

    public static HttpConsumerRun Start(Consumer consumer, Scope scope, byte[] body, ChannelLayer? layer)
    {
        var run = new HttpConsumerRun();
        run._input.Writer.TryWrite(new JsonObject { ["type"] = "http.request", ["body"] = Convert.ToBase64String(body), ["more_body"] = false });
        run._running = consumer.RunAsync(scope, run._input, null, m => run._output.Writer.WriteAsync(m).AsTask(), layer, CancellationToken.None);
        run._running.ContinueWith(t => run._output.Writer.TryComplete(t.Exception?.InnerException), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return run;
    }

    /// <summary>The status, headers and first part of the body.</summary>
    public async Task<(int Status, List<KeyValuePair<string, string>> Headers, byte[] Body, bool More)> StartAsync(CancellationToken cancellationToken)
    {
        var start = await NextAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The HTTP consumer stopped without sending a response (http.response.start).");
        if ((string?)start["type"] != "http.response.start") throw new InvalidOperationException($"The HTTP consumer sent {start["type"]} before http.response.start.");
        var headers = start["headers"]!.AsArray().Select(h => new KeyValuePair<string, string>((string)h![0]!, (string)h[1]!)).ToList();
        var (body, more) = Body(await NextAsync(cancellationToken).ConfigureAwait(false));
        return ((int)start["status"]!, headers, body, more);
    }

    /// <summary>The rest of a streamed body, part by part; the consumer hears http.disconnect at the end or when the client leaves.</summary>
    public async IAsyncEnumerable<byte[]> RestAsync(byte[] first, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            yield return first;
            while (true)
            {
                var (body, more) = Body(await NextAsync(cancellationToken).ConfigureAwait(false));
                if (body.Length > 0) yield return body;
                if (!more) break;
            }
        }
        finally
        {
            await EndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Tells the consumer the response is over and waits for it to stop.</summary>
    public async Task EndAsync()
    {
        _input.Writer.TryWrite(new JsonObject { ["type"] = "http.disconnect" });
        await _running.ConfigureAwait(false);
    }

    private async Task<JsonObject?> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _output.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException closed) when (closed.InnerException is null)
        {
            return null;
        }
        catch (ChannelClosedException closed)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(closed.InnerException!);
            throw;
        }
    }

    private static (byte[] Body, bool More) Body(JsonObject? message) =>
        message is null ? ([], false)
        : (string?)message["type"] == "http.response.body"
            ? (message["body"] is { } body ? Convert.FromBase64String(body.GetValue<string>()) : [], message["more_body"]?.GetValue<bool>() == true)
            : throw new InvalidOperationException($"The HTTP consumer sent {message["type"]} where http.response.body was expected.");
}
