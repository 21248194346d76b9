using System.Text.Json;
using Nuages.Http;

namespace Nuages.Test;

/// <summary>What a test client got back: the response, its body (streamed bodies read in full), the request, and the redirects followed.</summary>
public sealed class TestResponse
{
    internal TestResponse(HttpResponse response, HttpRequest request, byte[] content, IReadOnlyList<(string Url, int StatusCode)> redirectChain)
    {
        Response = response;
        Request = request;
        Content = content;
        RedirectChain = redirectChain;
    }

    /// <summary>The response the handler produced.</summary>
    public HttpResponse Response { get; }

    /// <summary>The (last) request sent.</summary>
    public HttpRequest Request { get; }

    /// <summary>The status code.</summary>
    public int StatusCode => Response.StatusCode;

    /// <summary>A response header, or null.</summary>
    public string? this[string header] => Response.Headers[header];

    /// <summary>The response headers.</summary>
    public ResponseHeaders Headers => Response.Headers;

    /// <summary>The cookies the response set.</summary>
    public IReadOnlyDictionary<string, ResponseCookie> Cookies => Response.Cookies;

    /// <summary>The body, streamed bodies included.</summary>
    public byte[] Content { get; }

    /// <summary>The body decoded with the response's charset.</summary>
    public string Text => Response.GetEncoding().GetString(Content);

    /// <summary>The redirects followed to get here: (URL, status) pairs.</summary>
    public IReadOnlyList<(string Url, int StatusCode)> RedirectChain { get; }

    /// <summary>The body parsed as JSON; throws naming the content type when it is not JSON.</summary>
    public JsonElement Json()
    {
        var type = Response.Headers["Content-Type"] ?? "";
        if (!type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Content-Type header is \"{type}\", not \"application/json\"");
        return JsonDocument.Parse(Content).RootElement.Clone();
    }

    /// <summary>The body deserialized as <typeparamref name="T"/>.</summary>
    public T? Json<T>() => JsonSerializer.Deserialize<T>(Content);

    /// <inheritdoc />
    public override string ToString() => $"<TestResponse {StatusCode} {Request.Method} {Request.GetFullPath()}>";
}
