using System.Net;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

/// <summary>Streaming through a real Kestrel, over HTTP/1.1 and h2c: each part reaches the client while the view is still producing.</summary>
public class StreamingTests
{
    private static readonly SemaphoreSlim NextEvent = new(0);

    public static HttpResponse Events(HttpRequest request) => new EventStreamResponse(Produce(request.Aborted), heartbeat: TimeSpan.Zero);

    private static async IAsyncEnumerable<ServerSentEvent> Produce([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        for (var i = 1; i <= 3; i++)
        {
            // The next event is produced only once the client has seen the previous one: proof that each is flushed.
            await NextEvent.WaitAsync(token);
            yield return new ServerSentEvent($"event {i}", Id: i.ToString());
        }
    }

    [Theory] // as django/core/handlers/asgi.py does
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task Each_part_is_sent_as_it_is_produced(string version)
    {
        var app = TestSite.Create(s => s.AllowedHosts = ["127.0.0.1"], Path("events/", Events));
        await using var server = await app.StartAsync("127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = server.Address };
        using var message = new HttpRequestMessage(HttpMethod.Get, "/events/") { Version = Version.Parse(version), VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        NextEvent.Release();
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal($"id: {i}", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal($"data: event {i}", await reader.ReadLineAsync());
            Assert.Equal("", await reader.ReadLineAsync());
            NextEvent.Release();
        }
        Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
