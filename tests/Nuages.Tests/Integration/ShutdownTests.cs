using System.Net;
using Nuages.Http;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Integration;

public class ShutdownTests
{
    [Fact]
    public async Task Shutdown_lets_requests_finish_then_aborts_long_polls()
    {
        var pollStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pollCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var shortStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = TestSite.Create(s =>
        {
            s.AllowedHosts = ["127.0.0.1"];
            s.ShutdownTimeout = TimeSpan.FromSeconds(6); // room for the short request on a busy machine (the whole suite runs beside it)
        },
            Path("poll/", async (HttpRequest request) =>
            {
                pollStarted.SetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, request.Aborted);
                }
                catch (OperationCanceledException)
                {
                    pollCancelled.SetResult();
                    throw;
                }
                return new HttpResponse("never");
            }),
            Path("short/", async (HttpRequest _) =>
            {
                shortStarted.SetResult();
                await Task.Delay(100);
                return new HttpResponse("finished during shutdown");
            }));
        var server = await app.StartAsync("127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = server.Address };
        var poll = http.GetAsync("/poll/");
        var shortRequest = http.GetAsync("/short/");
        await Task.WhenAll(pollStarted.Task, shortStarted.Task).WaitAsync(TimeSpan.FromSeconds(10));

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        var finished = await shortRequest.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal("finished during shutdown", await finished.Content.ReadAsStringAsync());
        await pollCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => poll.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
