using System.Text.Json.Nodes;
using Nuages.Channels;

namespace Nuages.Tests.Channels;

/// <summary>The in-memory channel layer as Channels' tests/test_inmemorychannel.py exercises it.</summary>
public class InMemoryChannelLayerTests
{
    private static JsonObject Message(string type, string? text = null) => text is null ? new JsonObject { ["type"] = type } : new JsonObject { ["type"] = type, ["text"] = text };

    [Fact]
    public async Task A_message_sent_is_received_once_as_a_copy_and_a_receiver_may_wait_for_it()
    {
        var layer = new InMemoryChannelLayer();
        var sent = Message("test.message", "Ahoy-hoy!");
        await layer.SendAsync("test-channel-1", sent);
        sent["text"] = "changed after sending";
        var received = await layer.ReceiveAsync("test-channel-1");
        Assert.Equal("{\"type\":\"test.message\",\"text\":\"Ahoy-hoy!\"}", received.ToJsonString());

        var waiting = layer.ReceiveAsync("test-channel-2");
        Assert.False(waiting.IsCompleted);
        await layer.SendAsync("test-channel-2", Message("later"));
        Assert.Equal("later", (string)(await waiting.WaitAsync(TimeSpan.FromSeconds(10)))["type"]!);

        using var cancel = new CancellationTokenSource();
        var never = layer.ReceiveAsync("test-channel-3", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => never);
        await layer.SendAsync("test-channel-3", Message("kept")); // a receiver that gave up takes nothing
        Assert.Equal("kept", (string)(await layer.ReceiveAsync("test-channel-3"))["type"]!);
    }

    [Fact]
    public async Task A_channel_holds_its_capacity_then_refuses_with_ChannelFull()
    {
        var layer = new InMemoryChannelLayer { Capacity = 3, ChannelCapacity = new Dictionary<string, int> { ["small.*"] = 1 } };
        for (var i = 0; i < 3; i++) await layer.SendAsync("test-channel-1", Message("test.message"));
        var full = await Assert.ThrowsAsync<ChannelFull>(() => layer.SendAsync("test-channel-1", Message("test.message")));
        Assert.Equal("test-channel-1", full.Channel);
        await layer.SendAsync("small.one", Message("first"));
        await Assert.ThrowsAsync<ChannelFull>(() => layer.SendAsync("small.one", Message("second")));
        Assert.Equal((3, 1, 3), (layer.GetCapacity("test-channel-1"), layer.GetCapacity("small.one"), layer.GetCapacity("smallish")));
    }

    [Fact]
    public async Task Groups_reach_their_members_skip_full_ones_and_expire()
    {
        var now = new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);
        var layer = new InMemoryChannelLayer { Capacity = 1, Now = () => now };
        await layer.GroupAddAsync("test-group", "test-gr-chan-1");
        await layer.GroupAddAsync("test-group", "test-gr-chan-2");
        await layer.GroupAddAsync("test-group", "test-gr-chan-3");
        await layer.GroupDiscardAsync("test-group", "test-gr-chan-2");
        await layer.SendAsync("test-gr-chan-3", Message("filler")); // full: it will miss the group's message
        await layer.GroupSendAsync("test-group", Message("message.1"));
        Assert.Equal("message.1", (string)(await layer.ReceiveAsync("test-gr-chan-1"))["type"]!);
        Assert.Equal("filler", (string)(await layer.ReceiveAsync("test-gr-chan-3"))["type"]!);
        using (var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => layer.ReceiveAsync("test-gr-chan-2", quick.Token));

        // a message left unread past its expiry takes its channel out of every group
        await layer.SendAsync("test-gr-chan-1", Message("stale"));
        now += TimeSpan.FromSeconds(61);
        await layer.GroupSendAsync("test-group", Message("message.2"));
        Assert.Equal("message.2", (string)(await layer.ReceiveAsync("test-gr-chan-3"))["type"]!);
        using (var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => layer.ReceiveAsync("test-gr-chan-1", quick.Token));

        // memberships end after the group expiry (a day)
        now += TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1);
        await layer.GroupSendAsync("test-group", Message("message.3"));
        using (var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => layer.ReceiveAsync("test-gr-chan-3", quick.Token));
    }

    [Fact]
    public async Task Names_are_checked_new_channels_are_unique_and_flush_forgets_everything()
    {
        var layer = new InMemoryChannelLayer();
        var name = await layer.NewChannelAsync();
        Assert.Matches(@"^specific\.\.inmemory![a-zA-Z]{12}$", name); // Channels' own name: "specific." + ".inmemory!" + 12 letters
        Assert.NotEqual(name, await layer.NewChannelAsync());
        Assert.Equal("specific..inmemory!", ChannelLayer.NonLocalName(name));
        await layer.SendAsync(name, Message("hi"));
        Assert.Equal("hi", (string)(await layer.ReceiveAsync(name))["type"]!);

        Assert.Equal("Channel name must be a valid unicode string with length < 100 containing only ASCII alphanumerics, hyphens, underscores, or periods. (Parameter 'name')",
            (await Assert.ThrowsAsync<ArgumentException>(() => layer.SendAsync("bad name", Message("x")))).Message);
        await Assert.ThrowsAsync<ArgumentException>(() => layer.SendAsync(new string('a', 100), Message("x")));
        Assert.StartsWith("Group name must be a valid unicode string", (await Assert.ThrowsAsync<ArgumentException>(() => layer.GroupAddAsync("bad!group", "chan"))).Message);
        await Assert.ThrowsAsync<ArgumentException>(() => layer.SendAsync("chan", new JsonObject { ["type"] = "x", ["__asgi_channel__"] = "y" }));

        await layer.SendAsync("kept", Message("x"));
        await layer.GroupAddAsync("g", "kept2");
        await layer.FlushAsync();
        await layer.GroupSendAsync("g", Message("after-flush"));
        using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => layer.ReceiveAsync("kept", quick.Token));
    }
}

/// <summary>Settings.ChannelLayers and ChannelLayers.Get, as Channels' CHANNEL_LAYERS and get_channel_layer.</summary>
public class ChannelLayersTests
{
    [Fact]
    public async Task The_sites_layers_are_made_once_from_the_settings_and_none_is_null()
    {
        using (Nuages.Tests.Support.TestSite.Create(_ => { }).Enter())
            Assert.Null(ChannelLayers.Get()); // no CHANNEL_LAYERS: get_channel_layer() is None

        using var site = Nuages.Tests.Support.TestSite.Create(s =>
        {
            s.ChannelLayers["default"] = new() { Backend = "channels.layers.InMemoryChannelLayer", Capacity = 1 };
            s.ChannelLayers["odd"] = new() { Backend = "channels_redis.core.RedisChannelLayer" };
            s.ChannelLayers["nope"] = new() { Backend = "channels.layers.Nope" };
        }).Enter();
        var layer = Assert.IsType<InMemoryChannelLayer>(ChannelLayers.Get());
        Assert.Same(layer, ChannelLayers.Get("default"));
        await layer.SendAsync("one", new JsonObject { ["type"] = "x" });
        await Assert.ThrowsAsync<ChannelFull>(() => layer.SendAsync("one", new JsonObject { ["type"] = "x" }));
        Assert.Null(ChannelLayers.Get("missing"));
        Assert.Equal("The channel layer 'odd' is a Redis layer and needs its server: set Hosts, as [\"redis://127.0.0.1:6379/0\"].",
            Assert.Throws<InvalidChannelLayerError>(() => ChannelLayers.Get("odd")).Message);
        Assert.Equal("Cannot import BACKEND 'channels.layers.Nope' specified for nope: Nuages has the 'inmemory', 'redis' and 'postgres' layers.",
            Assert.Throws<InvalidChannelLayerError>(() => ChannelLayers.Get("nope")).Message);
    }
}
