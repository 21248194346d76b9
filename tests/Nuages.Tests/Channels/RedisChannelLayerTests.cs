using System.Text.Json.Nodes;
using Nuages.Channels;
using Nuages.Tests.Cache;

namespace Nuages.Tests.Channels;

/// <summary>The Redis layer as channels_redis' tests/test_core.py exercises it; two layers on one server stand for two processes.</summary>
public class RedisChannelLayerTests
{
    private static RedisChannelLayer Layer(string prefix, int capacity = 100, int expirySeconds = 60, int groupExpirySeconds = 86_400) =>
        new("default", CacheTests.RedisUrl!)
        {
            Prefix = "test-" + prefix + "-" + Guid.NewGuid().ToString("N")[..8], Capacity = capacity,
            Expiry = TimeSpan.FromSeconds(expirySeconds), GroupExpiry = TimeSpan.FromSeconds(groupExpirySeconds),
        };

    [RedisFact]
    public async Task A_message_is_received_once_in_order_and_a_waiting_receiver_wakes_for_it()
    {
        await using var layer = Layer("send");
        await layer.SendAsync("test-channel-1", LayerProbe.Message("test.message", "Ahoy-hoy!"));
        await layer.SendAsync("test-channel-1", LayerProbe.Message("test.message", "second"));
        Assert.Equal("{\"type\":\"test.message\",\"text\":\"Ahoy-hoy!\"}", (await layer.ReceiveAsync("test-channel-1")).ToJsonString());
        Assert.Equal("second", (string)(await layer.ReceiveAsync("test-channel-1"))["text"]!);
        Assert.True(await LayerProbe.Nothing(layer, "test-channel-1"));

        var waiting = layer.ReceiveAsync("test-channel-2");
        await Task.Delay(100);
        await layer.SendAsync("test-channel-2", LayerProbe.Message("later"));
        Assert.Equal("later", (string)(await waiting.WaitAsync(TimeSpan.FromSeconds(10)))["type"]!);
    }

    [RedisFact]
    public async Task A_full_channel_refuses_with_ChannelFull_and_an_oversize_message_is_refused_with_its_size()
    {
        await using var layer = Layer("full", capacity: 2);
        await layer.SendAsync("test-channel-1", LayerProbe.Message("one"));
        await layer.SendAsync("test-channel-1", LayerProbe.Message("two"));
        Assert.Equal("test-channel-1", (await Assert.ThrowsAsync<ChannelFull>(() => layer.SendAsync("test-channel-1", LayerProbe.Message("three")))).Channel);
        Assert.Equal("one", (string)(await layer.ReceiveAsync("test-channel-1"))["type"]!);
        await layer.SendAsync("test-channel-1", LayerProbe.Message("three"));

        var big = LayerProbe.Message("big", new string('x', 1024 * 1024));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => layer.SendAsync("test-channel-1", big));
        Assert.StartsWith("The message is 1,048,600 bytes as JSON; the Redis channel layer 'default' carries at most 1,048,576.", error.Message, StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task Messages_expire_unread()
    {
        await using var layer = Layer("expiry", expirySeconds: 1);
        await layer.SendAsync("test-channel-1", LayerProbe.Message("stale"));
        var name = await layer.NewChannelAsync();
        await layer.SendAsync(name, LayerProbe.Message("stale too"));
        await Task.Delay(1500);
        Assert.True(await LayerProbe.Nothing(layer, "test-channel-1"));
        Assert.True(await LayerProbe.Nothing(layer, name));
    }

    [RedisFact]
    public async Task Process_channels_and_groups_reach_across_processes()
    {
        var prefix = "test-cross-" + Guid.NewGuid().ToString("N")[..8];
        await using var one = new RedisChannelLayer("default", CacheTests.RedisUrl!) { Prefix = prefix };
        await using var two = new RedisChannelLayer("default", CacheTests.RedisUrl!) { Prefix = prefix };
        var ann = await one.NewChannelAsync();
        var bob = await two.NewChannelAsync();
        var cat = await two.NewChannelAsync();
        Assert.Matches(@"^specific\.\.[a-zA-Z]{12}![a-zA-Z]{12}$", ann);
        Assert.NotEqual(ChannelLayer.NonLocalName(ann), ChannelLayer.NonLocalName(bob));
        Assert.Equal(ChannelLayer.NonLocalName(bob), ChannelLayer.NonLocalName(cat));

        Assert.StartsWith("Wrong client prefix", (await Assert.ThrowsAsync<ArgumentException>(() => one.ReceiveAsync(bob))).Message, StringComparison.Ordinal);
        await one.SendAsync(bob, LayerProbe.Message("direct"));
        Assert.Equal("direct", (string)(await two.ReceiveAsync(bob).WaitAsync(TimeSpan.FromSeconds(10)))["type"]!);

        await one.GroupAddAsync("room", ann);
        await two.GroupAddAsync("room", bob);
        await two.GroupAddAsync("room", cat);
        await two.GroupDiscardAsync("room", cat);
        await two.GroupSendAsync("room", LayerProbe.Message("chat.message", "hello"));
        Assert.Equal("hello", (string)(await one.ReceiveAsync(ann).WaitAsync(TimeSpan.FromSeconds(10)))["text"]!);
        Assert.Equal("hello", (string)(await two.ReceiveAsync(bob).WaitAsync(TimeSpan.FromSeconds(10)))["text"]!);
        Assert.True(await LayerProbe.Nothing(two, cat));

        await one.FlushAsync();
        await two.GroupSendAsync("room", LayerProbe.Message("after flush"));
        Assert.True(await LayerProbe.Nothing(one, ann));
    }

    [RedisFact]
    public async Task Group_membership_expires()
    {
        await using var layer = Layer("group-expiry", groupExpirySeconds: 1);
        var name = await layer.NewChannelAsync();
        await layer.GroupAddAsync("room", name);
        await Task.Delay(1500);
        await layer.GroupSendAsync("room", LayerProbe.Message("too late"));
        Assert.True(await LayerProbe.Nothing(layer, name));
    }

    [RedisFact]
    public async Task The_site_makes_a_redis_layer_from_its_settings_and_consumers_talk_through_it()
    {
        var app = Support.TestSite.Create(s => s.ChannelLayers["default"] = new Nuages.Conf.ChannelLayerSettings
        {
            Backend = "channels_redis.core.RedisChannelLayer", Hosts = [CacheTests.RedisUrl!], Prefix = "test-site-" + Guid.NewGuid().ToString("N")[..8],
        });
        app.WebSocketPatterns(Nuages.Channels.WebSocketRoutes.WebSocketPath<RoomConsumer>("ws/chat/<slug:room>/"));
        using (app.Enter()) Assert.IsType<RedisChannelLayer>(ChannelLayers.Get());
        await using var ann = new Nuages.Test.WebsocketCommunicator(app, "/ws/chat/lobby/");
        await using var bob = new Nuages.Test.WebsocketCommunicator(app, "/ws/chat/lobby/");
        Assert.True((await ann.ConnectAsync(TimeSpan.FromSeconds(10))).Connected); // the first connects to Redis
        Assert.True((await bob.ConnectAsync(TimeSpan.FromSeconds(10))).Connected);
        await ann.SendToAsync(text: "over redis");
        Assert.Equal("lobby: over redis", await bob.ReceiveFromAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("lobby: over redis", await ann.ReceiveFromAsync(TimeSpan.FromSeconds(10)));
    }
}
