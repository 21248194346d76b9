using Nuages.Http;

namespace Nuages.Test;

/// <summary>
/// Django's test <c>Client</c>: runs whole requests through the site in-process (no sockets), in sync
/// mode — sync views run on the calling thread. Keeps cookies between requests, follows redirects on
/// request, and re-raises the exception of a view that failed with a 500 unless told not to.
/// </summary>
public sealed class Client(NuagesApp app, bool raiseRequestException = true, IDictionary<string, string>? headers = null, bool enforceCsrfChecks = false)
{
    private readonly ClientSession _session = new(app, headers, enforceCsrfChecks);

    /// <summary>The cookies the client sends, by name.</summary>
    public Dictionary<string, string> Cookies => _session.Cookies;

    /// <summary>GET <paramref name="path"/>; <paramref name="data"/> becomes the query string.</summary>
    public TestResponse Get(string path, object? data = null, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false) =>
        Request("GET", path, data, null, follow, headers, secure);

    /// <summary>POST <paramref name="data"/> encoded as <paramref name="contentType"/> (multipart by default).</summary>
    public TestResponse Post(string path, object? data = null, string contentType = RequestFactory.MultipartContent, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false) =>
        Request("POST", path, data, contentType, follow, headers, secure);

    /// <summary>PUT a raw or JSON body.</summary>
    public TestResponse Put(string path, object? data = null, string contentType = "application/octet-stream", bool follow = false, IDictionary<string, string>? headers = null, bool secure = false) =>
        Request("PUT", path, data, contentType, follow, headers, secure);

    /// <summary>PATCH a raw or JSON body.</summary>
    public TestResponse Patch(string path, object? data = null, string contentType = "application/octet-stream", bool follow = false, IDictionary<string, string>? headers = null, bool secure = false) =>
        Request("PATCH", path, data, contentType, follow, headers, secure);

    /// <summary>DELETE, with an optional body.</summary>
    public TestResponse Delete(string path, object? data = null, string contentType = "application/octet-stream", bool follow = false, IDictionary<string, string>? headers = null, bool secure = false) =>
        Request("DELETE", path, data, contentType, follow, headers, secure);

    /// <summary>HEAD <paramref name="path"/>.</summary>
    public TestResponse Head(string path, object? data = null, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false) =>
        Request("HEAD", path, data, null, follow, headers, secure);

    /// <summary>OPTIONS <paramref name="path"/>.</summary>
    public TestResponse Options(string path, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false) =>
        Request("OPTIONS", path, null, null, follow, headers, secure);

    /// <summary>TRACE <paramref name="path"/>.</summary>
    public TestResponse Trace(string path, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false) =>
        Request("TRACE", path, null, null, follow, headers, secure);

    /// <summary>Any method.</summary>
    public TestResponse Request(string method, string path, object? data = null, string? contentType = null, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false)
    {
        var chain = new List<(string Url, int StatusCode)>();
        while (true)
        {
            var request = _session.Build(method, path, data, contentType, headers, secure);
            var response = app.Handler.GetResponse(request);
            ClientSession.ThrowIfUnhandled(request, raiseRequestException);
            _session.Store(response);
            if (follow && ClientSession.NextHop(response, request, chain) is { } hop)
            {
                (method, path) = (hop.Method, hop.Path);
                if (!hop.KeepBody) (data, contentType) = (null, null);
                continue;
            }
            var content = ReadContent(response);
            request.Close();
            return new TestResponse(response, request, ClientSession.Received(request, response, content), chain);
        }
    }

    private static byte[] ReadContent(HttpResponse response)
    {
        if (response is not StreamingHttpResponse streaming) return response.Content;
        using var buffer = new MemoryStream();
        if (streaming.IsAsync)
        {
            // Through AsyncToSync, as a sync gateway reads async content: its thread-sensitive calls come back here.
            Async.AsyncToSync.Run(async () =>
            {
                await foreach (var part in streaming.EnumeratePartsAsync(CancellationToken.None).ConfigureAwait(false)) buffer.Write(part);
            });
        }
        else
        {
            foreach (var part in streaming.EnumerateParts()) buffer.Write(part);
        }
        return buffer.ToArray();
    }
}
