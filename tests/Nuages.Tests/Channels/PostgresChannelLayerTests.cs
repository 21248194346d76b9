using System.Text.Json.Nodes;
using Nuages.Channels;
using Nuages.Tests.Db;

namespace Nuages.Tests.Channels;

/// <summary>The PostgreSQL layer (LISTEN/NOTIFY and two tables); two layers on one database stand for two processes.</summary>
public sealed class PostgresChannelLayerTests : IAsyncLifetime
{
    private static string ConnectionString => Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!;

    private readonly string _prefix = "t_" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<PostgresChannelLayer> _layers = [];

    private PostgresChannelLayer Layer(int capacity = 100, int expirySeconds = 60, int groupExpirySeconds = 86_400)
    {
        var layer = new PostgresChannelLayer("default", ConnectionString)
        {
            Prefix = _prefix, Capacity = capacity, Expiry = TimeSpan.FromSeconds(expirySeconds), GroupExpiry = TimeSpan.FromSeconds(groupExpirySeconds),
        };
        _layers.Add(layer);
        return layer;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var layer in _layers) await layer.DisposeAsync();
        if (string.IsNullOrEmpty(ConnectionString)) return;
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP TABLE IF EXISTS {_prefix}_channel_message, {_prefix}_channel_group", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [PostgresFact]
    public async Task A_shared_channel_gives_each_message_to_one_receiver_in_order_with_its_capacity()
    {
        var one = Layer(capacity: 2);
        var two = Layer(capacity: 2);
        await one.SendAsync("worker", LayerProbe.Message("job", "first"));
        await one.SendAsync("worker", LayerProbe.Message("job", "second"));
        Assert.Equal("worker", (await Assert.ThrowsAsync<ChannelFull>(() => one.SendAsync("worker", LayerProbe.Message("job", "third")))).Channel);
        Assert.Equal("first", (string)(await two.ReceiveAsync("worker"))["text"]!);
        Assert.Equal("second", (string)(await one.ReceiveAsync("worker"))["text"]!);
        Assert.True(await LayerProbe.Nothing(two, "worker"));

        var waiting = two.ReceiveAsync("worker");
        await Task.Delay(100);
        await one.SendAsync("worker", LayerProbe.Message("job", "woken"));
        Assert.Equal("woken", (string)(await waiting.WaitAsync(TimeSpan.FromSeconds(10)))["text"]!);
    }

    [PostgresFact]
    public async Task Process_channels_and_groups_reach_across_processes_small_or_over_notifys_limit()
    {
        var one = Layer();
        var two = Layer();
        var ann = await one.NewChannelAsync();
        var bob = await two.NewChannelAsync();
        var cat = await two.NewChannelAsync();
        Assert.StartsWith("Wrong client prefix", (await Assert.ThrowsAsync<ArgumentException>(() => one.ReceiveAsync(bob))).Message, StringComparison.Ordinal);

        await one.SendAsync(bob, LayerProbe.Message("direct"));
        Assert.Equal("direct", (string)(await two.ReceiveAsync(bob).WaitAsync(TimeSpan.FromSeconds(10)))["type"]!);
        var large = new string('é', 20_000); // 40,000 bytes: through the table
        await one.SendAsync(cat, LayerProbe.Message("large", large));
        Assert.Equal(large, (string)(await two.ReceiveAsync(cat).WaitAsync(TimeSpan.FromSeconds(10)))["text"]!);

        await one.GroupAddAsync("room", ann);
        await two.GroupAddAsync("room", bob);
        await two.GroupAddAsync("room", cat);
        await two.GroupDiscardAsync("room", cat);
        await one.GroupSendAsync("room", LayerProbe.Message("chat.message", "hello"));
        await one.GroupSendAsync("room", LayerProbe.Message("chat.message", large));
        Assert.Equal("hello", (string)(await one.ReceiveAsync(ann).WaitAsync(TimeSpan.FromSeconds(10)))["text"]!);
        Assert.Equal("hello", (string)(await two.ReceiveAsync(bob).WaitAsync(TimeSpan.FromSeconds(10)))["text"]!);
        Assert.Equal(large, (string)(await two.ReceiveAsync(bob).WaitAsync(TimeSpan.FromSeconds(10)))["text"]!);
        Assert.Equal(large, (string)(await one.ReceiveAsync(ann).WaitAsync(TimeSpan.FromSeconds(10)))["text"]!);
        Assert.True(await LayerProbe.Nothing(two, cat));

        await two.FlushAsync();
        await one.GroupSendAsync("room", LayerProbe.Message("after flush"));
        Assert.True(await LayerProbe.Nothing(one, ann));
    }

    [PostgresFact]
    public async Task Messages_and_group_memberships_expire()
    {
        var layer = Layer(expirySeconds: 1, groupExpirySeconds: 1);
        await layer.SendAsync("worker", LayerProbe.Message("stale"));
        var name = await layer.NewChannelAsync();
        await layer.GroupAddAsync("room", name);
        await Task.Delay(1500);
        Assert.True(await LayerProbe.Nothing(layer, "worker"));
        await layer.GroupSendAsync("room", LayerProbe.Message("too late"));
        Assert.True(await LayerProbe.Nothing(layer, name));
    }

    [PostgresFact]
    public async Task The_site_makes_a_postgres_layer_on_one_of_its_databases()
    {
        var app = Support.TestSite.Create(s =>
        {
            s.Databases["default"] = OrmDatabase.Settings("postgres");
            s.ChannelLayers["default"] = new Nuages.Conf.ChannelLayerSettings { Backend = "postgres", Prefix = _prefix };
            s.ChannelLayers["wrong"] = new Nuages.Conf.ChannelLayerSettings { Backend = "postgres", Database = "missing" };
        });
        app.WebSocketPatterns(WebSocketRoutes.WebSocketPath<RoomConsumer>("ws/chat/<slug:room>/"));
        using (app.Enter())
        {
            _layers.Add(Assert.IsType<PostgresChannelLayer>(ChannelLayers.Get()));
            Assert.Equal("The channel layer 'wrong' is a PostgreSQL layer on the database 'missing', which is not a PostgreSQL database of Settings.Databases.",
                Assert.Throws<InvalidChannelLayerError>(() => ChannelLayers.Get("wrong")).Message);
        }
        await using var ann = new Nuages.Test.WebsocketCommunicator(app, "/ws/chat/lobby/");
        await using var bob = new Nuages.Test.WebsocketCommunicator(app, "/ws/chat/lobby/");
        Assert.True((await ann.ConnectAsync(TimeSpan.FromSeconds(10))).Connected);
        Assert.True((await bob.ConnectAsync(TimeSpan.FromSeconds(10))).Connected);
        await ann.SendToAsync(text: "over postgres");
        Assert.Equal("lobby: over postgres", await bob.ReceiveFromAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("lobby: over postgres", await ann.ReceiveFromAsync(TimeSpan.FromSeconds(10)));
    }
}
