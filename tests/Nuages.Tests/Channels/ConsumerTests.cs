using System.Text.Json.Nodes;
using Nuages.Channels;
using Nuages.Test;

namespace Nuages.Tests.Channels;

/// <summary>A room: echoes frames, joins its group, and relays group messages (the chat of Channels' tutorial).</summary>
public sealed class RoomConsumer : AsyncWebsocketConsumer
{
    private string Room => (string)Scope.UrlRoute["room"]!;

    protected override IReadOnlyList<string> Groups => ["chat_" + Room];

    public override Task ConnectAsync() => Room == "closed" ? CloseAsync(4003) : AcceptAsync(Scope.Subprotocols.FirstOrDefault());

    public override async Task ReceiveAsync(string? text = null, byte[]? bytes = null)
    {
        if (bytes is not null)
        {
            await SendAsync(bytes: [.. bytes.Reverse()]);
            return;
        }
        if (text == "boom") throw new InvalidOperationException("a handler failed");
        if (text == "bye")
        {
            await SendAsync(text: "goodbye", close: true);
            return;
        }
        await ChannelLayer!.GroupSendAsync("chat_" + Room, new JsonObject { ["type"] = "chat.message", ["text"] = text });
    }

    /// <summary>chat.message, sent to the group: relayed to this connection.</summary>
    public Task ChatMessage(JsonObject message) => SendAsync(text: $"{Room}: {message["text"]}");
}

/// <summary>AsyncWebsocketConsumer through WebsocketCommunicator, as Channels' tests/test_generic_websocket.py drives its consumers.</summary>
public class ConsumerTests
{
    private static WebsocketCommunicator Room(string room, ChannelLayer layer, params string[] subprotocols) =>
        new(() => new RoomConsumer(), $"/ws/chat/{room}/", layer, subprotocols, new Dictionary<string, object?> { ["room"] = room });

    [Fact]
    public async Task A_group_message_reaches_every_connection_of_the_room_and_no_other()
    {
        var layer = new InMemoryChannelLayer();
        await using var ann = Room("lobby", layer, "chat.v1");
        await using var bob = Room("lobby", layer);
        await using var eve = Room("kitchen", layer);
        Assert.Equal((true, (object?)"chat.v1"), await ann.ConnectAsync());
        Assert.Equal((true, (object?)null), await bob.ConnectAsync());
        Assert.True((await eve.ConnectAsync()).Connected);

        await ann.SendToAsync(text: "hello");
        Assert.Equal("lobby: hello", await ann.ReceiveFromAsync());
        Assert.Equal("lobby: hello", await bob.ReceiveFromAsync());
        Assert.True(await eve.ReceiveNothingAsync());

        await bob.SendToAsync(bytes: [1, 2, 3]);
        Assert.Equal(Convert.ToBase64String([3, 2, 1]), await bob.ReceiveFromAsync());

        // a disconnected connection leaves its group
        await bob.DisconnectAsync();
        Assert.True(bob.Finished);
        await ann.SendToAsync(text: "anyone?");
        Assert.Equal("lobby: anyone?", await ann.ReceiveFromAsync());
    }

    [Fact]
    public async Task Connect_may_refuse_send_may_close_and_a_handler_error_reaches_the_caller()
    {
        var layer = new InMemoryChannelLayer();
        await using var closed = Room("closed", layer);
        Assert.Equal((false, (object?)4003), await closed.ConnectAsync());

        await using var polite = Room("hall", layer);
        await polite.ConnectAsync();
        await polite.SendToAsync(text: "bye");
        Assert.Equal("goodbye", await polite.ReceiveFromAsync());
        Assert.Equal("{\"type\":\"websocket.close\"}", (await polite.ReceiveOutputAsync()).ToJsonString());

        await using var broken = Room("hall", layer);
        await broken.ConnectAsync();
        await broken.SendToAsync(text: "boom");
        Assert.Equal("a handler failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => broken.ReceiveFromAsync())).Message);
    }
}

/// <summary>The websocket-shootout protocol: echo back, or broadcast to the group then answer broadcastResult.</summary>
public sealed class ShootoutConsumer : AsyncJsonWebsocketConsumer
{
    protected override IReadOnlyList<string> Groups => ["shootout"];

    public override async Task ReceiveJsonAsync(JsonNode? content)
    {
        var type = (string?)content?["type"];
        if (type == "echo") await SendJsonAsync(content);
        else if (type == "broadcast")
        {
            await ChannelLayer!.GroupSendAsync("shootout", new JsonObject { ["type"] = "shootout.broadcast", ["payload"] = content!["payload"]?.DeepClone() });
            await SendJsonAsync(new JsonObject { ["type"] = "broadcastResult", ["payload"] = content!["payload"]?.DeepClone() });
        }
    }

    public Task ShootoutBroadcast(JsonObject message) => SendJsonAsync(new JsonObject { ["type"] = "broadcast", ["payload"] = message["payload"]?.DeepClone() });
}

/// <summary>AsyncJsonWebsocketConsumer, as Channels' JSON consumer tests drive it.</summary>
public class JsonConsumerTests
{
    [Fact]
    public async Task Json_frames_are_parsed_answered_and_broadcast()
    {
        var layer = new InMemoryChannelLayer();
        await using var one = new WebsocketCommunicator(() => new ShootoutConsumer(), "/ws/", layer);
        await using var two = new WebsocketCommunicator(() => new ShootoutConsumer(), "/ws/", layer);
        await one.ConnectAsync();
        await two.ConnectAsync();
        await one.SendJsonToAsync(new JsonObject { ["type"] = "echo", ["payload"] = new JsonObject { ["n"] = 1 } });
        Assert.Equal("{\"type\":\"echo\",\"payload\":{\"n\":1}}", (await one.ReceiveJsonFromAsync())!.ToJsonString());
        await one.SendJsonToAsync(new JsonObject { ["type"] = "broadcast", ["payload"] = "hi" });
        var first = (await one.ReceiveJsonFromAsync())!.ToJsonString();
        var second = (await one.ReceiveJsonFromAsync())!.ToJsonString();
        Assert.Equal(["{\"type\":\"broadcast\",\"payload\":\"hi\"}", "{\"type\":\"broadcastResult\",\"payload\":\"hi\"}"], new[] { first, second }.Order(StringComparer.Ordinal));
        Assert.Equal("{\"type\":\"broadcast\",\"payload\":\"hi\"}", (await two.ReceiveJsonFromAsync())!.ToJsonString());
        await two.SendToAsync(bytes: [1]);
        Assert.Equal("No text section for incoming WebSocket frame!", (await Assert.ThrowsAsync<InvalidOperationException>(() => two.ReceiveFromAsync())).Message);
    }
}
