using System.Net;
using System.Net.WebSockets;
using System.Text;
using Nuages.Channels;
using Nuages.Contrib.Auth;
using Nuages.Contrib.Sessions;
using Nuages.Test;
using Nuages.Tests.Contrib.Auth;
using static Nuages.Channels.WebSocketRoutes;

namespace Nuages.Tests.Channels;

/// <summary>Greets the logged-in user of the session cookie, refuses anyone else (the AuthMiddlewareStack use of Channels' tutorial).</summary>
public sealed class WhoConsumer : AsyncWebsocketConsumer
{
    public override async Task ConnectAsync()
    {
        var request = Scope.Request!;
        var user = await request.GetUserAsync();
        if (!user.IsAuthenticated)
        {
            await CloseAsync();
            return;
        }
        await AcceptAsync();
        var visits = (await request.Session.GetAsync<long?>("ws_visits") ?? 0) + 1;
        await request.Session.SetAsync("ws_visits", visits);
        await request.Session.SaveAsync();
        await SendAsync(text: $"hello {user.GetUsername()} ({visits})");
    }
}

/// <summary>The session and the user in a WebSocket's scope, from the sessions and auth apps; the communicator over a site's routes.</summary>
public class ScopeAuthTests
{
    private static async Task<string> Greeting(NuagesServer server, string? cookie)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", "http://127.0.0.1");
        if (cookie is not null) socket.Options.SetRequestHeader("Cookie", cookie);
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{server.Address.Authority}/ws/who/"), CancellationToken.None);
        }
        catch (WebSocketException)
        {
            return "refused " + (int)socket.HttpStatusCode;
        }
        var buffer = new byte[256];
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    [Fact]
    public async Task The_session_cookie_gives_the_scope_its_session_and_user()
    {
        var app = AuthTests.Site("sqlite", s => s.AllowedHosts.Add("127.0.0.1"));
        AuthTests.CreateUser(app, "ann", "s3cret");
        var client = new AsyncClient(app);
        Assert.Equal("user ann", (await client.PostAsync("/login/", new { username = "ann", password = "s3cret" })).Text);
        var cookie = "sessionid=" + client.Cookies["sessionid"];
        app.WebSocketPatterns(WebSocketPath<WhoConsumer>("ws/who/"));
        await using var server = await app.StartAsync("127.0.0.1:0");

        Assert.Equal("hello ann (1)", await Greeting(server, cookie));
        Assert.Equal("hello ann (2)", await Greeting(server, cookie)); // the consumer saved the session
        Assert.Equal("refused 403", await Greeting(server, null));
        Assert.Equal("refused 403", await Greeting(server, "sessionid=forged"));
        Assert.Equal(HttpStatusCode.OK, (await new HttpClient().GetAsync(new Uri(server.Address, "/who/"))).StatusCode);
    }

    [Fact]
    public async Task A_communicator_over_the_sites_routes_gets_the_route_values_and_refuses_an_unknown_path()
    {
        var app = Support.TestSite.Create(s => s.ChannelLayers["default"] = new Nuages.Conf.ChannelLayerSettings());
        app.WebSocketPatterns(Nuages.Urls.Routes.Path("ws/", Nuages.Urls.Routes.Include([WebSocketPath<RoomConsumer>("chat/<slug:room>/")])));
        await using var ann = new WebsocketCommunicator(app, "/ws/chat/lobby/");
        await using var bob = new WebsocketCommunicator(app, "/ws/chat/lobby/");
        Assert.True((await ann.ConnectAsync()).Connected);
        Assert.True((await bob.ConnectAsync()).Connected);
        await ann.SendToAsync(text: "hi");
        Assert.Equal("lobby: hi", await bob.ReceiveFromAsync()); // through the site's default layer
        await using var lost = new WebsocketCommunicator(app, "/ws/nope/");
        Assert.Equal("No route found for path '/ws/nope/'.", (await Assert.ThrowsAsync<InvalidOperationException>(() => lost.ConnectAsync())).Message);
    }
}
