using Nuages.Http;

namespace Nuages.Test;

/// <summary>
/// Django's <c>AsyncClient</c>: runs whole requests through the site in-process in async mode, as the
/// async gateway does — async views run inline, sync views on a sync worker. Cookies, redirects and
/// re-raised exceptions as <see cref="Client"/>.
/// </summary>
public sealed class AsyncClient(NuagesApp app, bool raiseRequestException = true, IDictionary<string, string>? headers = null, bool enforceCsrfChecks = false)
{
    private readonly ClientSession _session = new(app, headers, enforceCsrfChecks);

    /// <summary>The cookies the client sends, by name.</summary>
    public Dictionary<string, string> Cookies => _session.Cookies;

    /// <summary>GET <paramref name="path"/>; <paramref name="data"/> becomes the query string.</summary>
    public Task<TestResponse> GetAsync(string path, object? data = null, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default) =>
        RequestAsync("GET", path, data, null, follow, headers, secure, cancellationToken);

    /// <summary>POST <paramref name="data"/> encoded as <paramref name="contentType"/> (multipart by default).</summary>
    public Task<TestResponse> PostAsync(string path, object? data = null, string contentType = RequestFactory.MultipartContent, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default) =>
        RequestAsync("POST", path, data, contentType, follow, headers, secure, cancellationToken);

    /// <summary>PUT a raw or JSON body.</summary>
    public Task<TestResponse> PutAsync(string path, object? data = null, string contentType = "application/octet-stream", bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default) =>
        RequestAsync("PUT", path, data, contentType, follow, headers, secure, cancellationToken);

    /// <summary>PATCH a raw or JSON body.</summary>
    public Task<TestResponse> PatchAsync(string path, object? data = null, string contentType = "application/octet-stream", bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default) =>
        RequestAsync("PATCH", path, data, contentType, follow, headers, secure, cancellationToken);

    /// <summary>DELETE, with an optional body.</summary>
    public Task<TestResponse> DeleteAsync(string path, object? data = null, string contentType = "application/octet-stream", bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default) =>
        RequestAsync("DELETE", path, data, contentType, follow, headers, secure, cancellationToken);

    /// <summary>HEAD <paramref name="path"/>.</summary>
    public Task<TestResponse> HeadAsync(string path, object? data = null, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default) =>
        RequestAsync("HEAD", path, data, null, follow, headers, secure, cancellationToken);

    /// <summary>OPTIONS <paramref name="path"/>.</summary>
    public Task<TestResponse> OptionsAsync(string path, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default) =>
        RequestAsync("OPTIONS", path, null, null, follow, headers, secure, cancellationToken);

    /// <summary>TRACE <paramref name="path"/>.</summary>
    public Task<TestResponse> TraceAsync(string path, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default) =>
        RequestAsync("TRACE", path, null, null, follow, headers, secure, cancellationToken);

    /// <summary>
    /// Any method. <paramref name="cancellationToken"/> is the request's <c>Aborted</c> token: cancel it to be the client
    /// that goes away (the view sees it, a streaming body stops).
    /// </summary>
    public async Task<TestResponse> RequestAsync(string method, string path, object? data = null, string? contentType = null, bool follow = false, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default)
    {
        var chain = new List<(string Url, int StatusCode)>();
        while (true)
        {
            var request = _session.Build(method, path, data, contentType, headers, secure, cancellationToken);
            var response = await app.Handler.GetResponseAsync(request).ConfigureAwait(false);
            ClientSession.ThrowIfUnhandled(request, raiseRequestException);
            _session.Store(response);
            if (follow && ClientSession.NextHop(response, request, chain) is { } hop)
            {
                (method, path) = (hop.Method, hop.Path);
                if (!hop.KeepBody) (data, contentType) = (null, null);
                continue;
            }
            var content = await ReadContentAsync(response, cancellationToken).ConfigureAwait(false);
            request.Close();
            return new TestResponse(response, request, ClientSession.Received(request, response, content), chain);
        }
    }

    /// <summary>
    /// GET a streaming response without reading it: its parts arrive as the view produces them, through
    /// <see cref="TestStreamingResponse.Parts"/>, so a test of a server-sent-events endpoint reads two events and stops —
    /// cancel <paramref name="cancellationToken"/> (the request's <c>Aborted</c>) and the stream ends as for a client that left.
    /// </summary>
    public async Task<TestStreamingResponse> StreamAsync(string path, object? data = null, IDictionary<string, string>? headers = null, bool secure = false, CancellationToken cancellationToken = default)
    {
        var request = _session.Build("GET", path, data, null, headers, secure, cancellationToken);
        var response = await app.Handler.GetResponseAsync(request).ConfigureAwait(false);
        ClientSession.ThrowIfUnhandled(request, raiseRequestException);
        _session.Store(response);
        return new TestStreamingResponse(response, request, cancellationToken);
    }

    private static async Task<byte[]> ReadContentAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        if (response is not StreamingHttpResponse streaming) return response.Content;
        using var buffer = new MemoryStream();
        await foreach (var part in streaming.EnumeratePartsAsync(cancellationToken).ConfigureAwait(false)) buffer.Write(part);
        return buffer.ToArray();
    }
}
