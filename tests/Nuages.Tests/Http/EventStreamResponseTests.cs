using Nuages.Http;

namespace Nuages.Tests.Http;

public class EventStreamResponseTests
{
    [Fact]
    public void Events_are_framed_as_text_event_stream()
    {
        Assert.Equal("data: hello\n\n", new ServerSentEvent("hello").Format());
        Assert.Equal("id: 7\nevent: update\nretry: 1500\ndata: line one\ndata: line two\n\n",
            new ServerSentEvent("line one\r\nline two", Event: "update", Id: "7", Retry: TimeSpan.FromMilliseconds(1500)).Format());
        Assert.Throws<ArgumentException>(() => new ServerSentEvent("x", Event: "bad\nname").Format());
    }

    [Fact]
    public void Headers_say_event_stream_and_no_caching()
    {
        var response = new EventStreamResponse(Empty());
        Assert.Equal("text/event-stream", response["Content-Type"]);
        Assert.Equal("no-cache", response["Cache-Control"]);
        Assert.True(response.IsAsync);
    }

    private static async IAsyncEnumerable<ServerSentEvent> Empty()
    {
        await Task.Yield();
        yield break;
    }

    [Fact]
    public async Task Heartbeats_fill_the_silence_between_events()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async IAsyncEnumerable<ServerSentEvent> Slow()
        {
            await release.Task;
            yield return new ServerSentEvent("finally", Id: "1");
        }

        var response = new EventStreamResponse(Slow(), heartbeat: TimeSpan.FromMilliseconds(10));
        var parts = new List<string>();
        await foreach (var part in response.EnumeratePartsAsync(CancellationToken.None))
        {
            var text = System.Text.Encoding.UTF8.GetString(part);
            parts.Add(text);
            if (text == ": heartbeat\n\n") release.TrySetResult();
        }
        Assert.Equal(": heartbeat\n\n", parts[0]);
        Assert.Equal("id: 1\ndata: finally\n\n", parts[^1]);
    }

    [Fact]
    public void Last_event_id_comes_from_the_reconnecting_client()
    {
        var request = new Nuages.Test.RequestFactory().Get("/events/", headers: new Dictionary<string, string> { ["Last-Event-ID"] = "41" });
        Assert.Equal("41", EventStreamResponse.LastEventId(request));
    }
}
