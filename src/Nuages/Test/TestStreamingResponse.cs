using System.Runtime.CompilerServices;
using Nuages.Http;

namespace Nuages.Test;

/// <summary>A streaming response read as it comes, from <see cref="AsyncClient.StreamAsync"/>.</summary>
public sealed class TestStreamingResponse
{
    private readonly HttpRequest _request;
    private readonly CancellationToken _aborted;

    internal TestStreamingResponse(HttpResponse response, HttpRequest request, CancellationToken aborted)
    {
        Response = response;
        _request = request;
        _aborted = aborted;
    }

    /// <summary>The response as the view returned it.</summary>
    public HttpResponse Response { get; }

    /// <summary>The status code.</summary>
    public int StatusCode => Response.StatusCode;

    /// <summary>A header's value, or null.</summary>
    public string? this[string header] => Response.Headers[header];

    /// <summary>
    /// The body's parts as the view produces them; stop enumerating whenever the test has seen enough (the view's
    /// iterator is disposed, its <c>finally</c> runs). A response that does not stream gives its content as one part.
    /// </summary>
    public async IAsyncEnumerable<byte[]> Parts([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            if (Response is not StreamingHttpResponse streaming)
            {
                yield return Response.Content;
                yield break;
            }
            using var both = CancellationTokenSource.CreateLinkedTokenSource(_aborted, cancellationToken);
            await foreach (var part in streaming.EnumeratePartsAsync(both.Token).ConfigureAwait(false))
                if (part.Length > 0) yield return part;
        }
        finally
        {
            _request.Close();
        }
    }

    /// <summary>The parts as text, in the response's charset.</summary>
    public async IAsyncEnumerable<string> TextParts([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var encoding = Response.GetEncoding();
        await foreach (var part in Parts(cancellationToken).ConfigureAwait(false)) yield return encoding.GetString(part);
    }
}
