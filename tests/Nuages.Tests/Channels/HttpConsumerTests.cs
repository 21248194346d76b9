using System.Text;
using System.Text.Json.Nodes;
using Nuages.Channels;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Channels;

/// <summary>Channels' test consumer: a JSON value posted, the same value answered.</summary>
public sealed class ValueConsumer : AsyncHttpConsumer
{
    public override Task HandleAsync(byte[] body)
    {
        var data = JsonNode.Parse(body)!;
        return SendResponseAsync(200, Encoding.UTF8.GetBytes(new JsonObject { ["value"] = data["value"]!.DeepClone() }.ToJsonString()),
            [new("Content-Type", "application/json")]);
    }
}

/// <summary>Server-sent events of a post's group: one event per live.comment, until live.end.</summary>
public sealed class LiveConsumer : AsyncHttpConsumer
{
    public static Probe Probe { get; set; } = new();

    private string Group => "live_" + Scope.UrlRoute["post"];

    public override async Task HandleAsync(byte[] body)
    {
        await ChannelLayer!.GroupAddAsync(Group, ChannelName!);
        await SendHeadersAsync(headers: [new("Content-Type", "text/event-stream"), new("Cache-Control", "no-cache")]);
        await SendBodyAsync(Encoding.UTF8.GetBytes(": listening\n\n"), moreBody: true);
        Probe.Add("listening");
    }

    public Task LiveComment(JsonObject message) => SendBodyAsync(Encoding.UTF8.GetBytes($"data: {message["text"]}\n\n"), moreBody: true);

    public Task LiveEnd(JsonObject message) => SendBodyAsync(Encoding.UTF8.GetBytes("event: end\ndata: bye\n\n"));

    public override async Task DisconnectAsync()
    {
        await ChannelLayer!.GroupDiscardAsync(Group, ChannelName!);
        Probe.Add("disconnect");
        Probe.Disconnected.TrySetResult(0);
    }
}

/// <summary>AsyncHttpConsumer through HttpCommunicator and through Kestrel, as a stream of server-sent events fed by a group.</summary>
[Collection(nameof(LiveConsumer))]
public class HttpConsumerTests
{
    [Fact]
    public async Task The_communicator_posts_a_body_and_gets_the_whole_response()
    {
        var communicator = new HttpCommunicator(() => new ValueConsumer(), "POST", "/test/", Encoding.UTF8.GetBytes("""{"value": "foo"}"""));
        var (status, headers, body) = await communicator.GetResponseAsync();
        Assert.Equal(200, status);
        Assert.Equal([new("Content-Type", "application/json")], headers);
        Assert.Equal("""{"value":"foo"}""", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_stream_of_events_follows_the_group_until_its_end_or_the_client_leaving()
    {
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.ChannelLayers["default"] = new Nuages.Conf.ChannelLayerSettings();
        }, Path("live/<slug:post>/", AsyncHttpConsumer.AsView<LiveConsumer>()));
        await using var server = await app.StartAsync("127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = server.Address };
        async Task Send(string type, string? text = null)
        {
            using (app.Enter()) await ChannelLayers.Get()!.GroupSendAsync("live_hello", new JsonObject { ["type"] = type, ["text"] = text });
        }

        // to the end the site sends
        LiveConsumer.Probe = new Probe();
        using (var response = await http.GetAsync("/live/hello/", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal(": listening", await reader.ReadLineAsync());
            await reader.ReadLineAsync();
            await Send("live.comment", "first!");
            Assert.Equal("data: first!", await reader.ReadLineAsync());
            await reader.ReadLineAsync();
            await Send("live.end");
            Assert.Equal("event: end\ndata: bye\n\n", await reader.ReadToEndAsync());
            await LiveConsumer.Probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // until the client leaves
        LiveConsumer.Probe = new Probe();
        var leaving = await http.GetAsync("/live/hello/", HttpCompletionOption.ResponseHeadersRead);
        var stream = await leaving.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        await stream.ReadAtLeastAsync(buffer, ": listening\n\n".Length);
        leaving.Dispose();
        await Send("live.comment", "anyone?"); // the write fails: the stream ends and the consumer hears http.disconnect
        await LiveConsumer.Probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["listening", "disconnect"], LiveConsumer.Probe.Events);
    }
}
