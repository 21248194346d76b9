using System.Runtime.CompilerServices;
using System.Text;

namespace Nuages.Http;

/// <summary>One server-sent event: its data (several lines allowed), and optionally an event name, an id and a retry delay.</summary>
public sealed record ServerSentEvent(string Data, string? Event = null, string? Id = null, TimeSpan? Retry = null)
{
    /// <summary>The event in the <c>text/event-stream</c> framing: <c>id:</c>, <c>event:</c>, <c>retry:</c>, one <c>data:</c> per line, a blank line.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        if (Id is not null) sb.Append("id: ").Append(SingleLine(Id, nameof(Id))).Append('\n');
        if (Event is not null) sb.Append("event: ").Append(SingleLine(Event, nameof(Event))).Append('\n');
        if (Retry is { } retry) sb.Append("retry: ").Append((long)retry.TotalMilliseconds).Append('\n');
        foreach (var line in Data.Replace("\r\n", "\n").Split('\n')) sb.Append("data: ").Append(line).Append('\n');
        return sb.Append('\n').ToString();
    }

    private static string SingleLine(string value, string field) =>
        value.Contains('\n') || value.Contains('\r') ? throw new ArgumentException($"A server-sent event's {field} must be a single line.", field) : value;
}

/// <summary>
/// A server-sent events stream (<c>text/event-stream</c>) over an async sequence of events, sent as they
/// come; while none comes, a comment line (<c>: heartbeat</c>) every <c>heartbeat</c> keeps proxies
/// from closing the connection. When the client leaves, the sequence is cancelled and disposed.
/// </summary>
public sealed class EventStreamResponse : StreamingHttpResponse
{
    /// <summary>Streams <paramref name="events"/>, with a heartbeat every <paramref name="heartbeat"/> (default 15 s; zero for none).</summary>
    public EventStreamResponse(IAsyncEnumerable<ServerSentEvent> events, TimeSpan? heartbeat = null, TimeProvider? time = null)
        : base(Frame(events, heartbeat ?? TimeSpan.FromSeconds(15), time ?? TimeProvider.System), "text/event-stream")
    {
        Headers["Cache-Control"] = "no-cache";
        Headers["X-Accel-Buffering"] = "no"; // tells nginx not to buffer the stream
    }

    /// <summary>The id of the last event the client saw, sent back when it reconnects (the <c>Last-Event-ID</c> header).</summary>
    public static string? LastEventId(HttpRequest request) => request.Headers.Get("Last-Event-ID");

    private static async IAsyncEnumerable<string> Frame(IAsyncEnumerable<ServerSentEvent> events, TimeSpan heartbeat, TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var source = events.GetAsyncEnumerator(cancellationToken);
        var next = source.MoveNextAsync().AsTask();
        while (true)
        {
            if (heartbeat > TimeSpan.Zero && !next.IsCompleted)
            {
                using var beat = new CancellationTokenSource();
                var timer = Task.Delay(heartbeat, time, beat.Token);
                if (await Task.WhenAny(next, timer).ConfigureAwait(false) == timer)
                {
                    yield return ": heartbeat\n\n";
                    continue;
                }
                await beat.CancelAsync().ConfigureAwait(false);
            }
            if (!await next.ConfigureAwait(false)) yield break;
            yield return source.Current.Format();
            next = source.MoveNextAsync().AsTask();
        }
    }
}
