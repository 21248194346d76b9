using Nuages.Http;

namespace Nuages.Test;

/// <summary>
/// What <see cref="Client"/> and <see cref="AsyncClient"/> share: the cookie jar, building requests
/// through a <see cref="RequestFactory"/>, and deciding where a redirect leads.
/// </summary>
internal sealed class ClientSession(NuagesApp app, IDictionary<string, string>? defaultHeaders, bool enforceCsrfChecks)
{
    private const int MaxRedirects = 20;

    public RequestFactory Factory { get; } = CreateFactory(app, defaultHeaders);

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    private static RequestFactory CreateFactory(NuagesApp app, IDictionary<string, string>? headers)
    {
        var factory = new RequestFactory(app);
        if (headers is not null)
            foreach (var (name, value) in headers) factory.DefaultHeaders[name] = value;
        return factory;
    }

    public HttpRequest Build(string method, string path, object? data, string? contentType, IDictionary<string, string>? headers, bool secure, CancellationToken aborted = default)
    {
        lock (Factory)
        {
            Factory.Aborted = aborted;
            return BuildWithFactory(method, path, data, contentType, headers, secure);
        }
    }

    private HttpRequest BuildWithFactory(string method, string path, object? data, string? contentType, IDictionary<string, string>? headers, bool secure)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Cookies.Count > 0) all["Cookie"] = string.Join("; ", Cookies.Select(c => $"{c.Key}={ResponseCookie.Quote(c.Value)}"));
        if (headers is not null)
            foreach (var (name, value) in headers) all[name] = value;
        var request = method switch
        {
            "GET" => Factory.Get(path, data, all, secure),
            "HEAD" => Factory.Head(path, data, all, secure),
            "POST" => Factory.Post(path, data, contentType ?? RequestFactory.MultipartContent, all, secure),
            "PUT" => Factory.Put(path, data, contentType ?? "application/octet-stream", all, secure),
            "PATCH" => Factory.Patch(path, data, contentType ?? "application/octet-stream", all, secure),
            "DELETE" => Factory.Delete(path, data, contentType ?? "application/octet-stream", all, secure),
            "OPTIONS" => Factory.Options(path, all, secure),
            "TRACE" => Factory.Trace(path, all, secure),
            _ => Factory.Generic(method, path, data as byte[] ?? [], contentType, all, secure),
        };
        // As Django's test client: CSRF checks are off unless asked for.
        Middleware.Csrf.State(request).DontEnforceChecks = !enforceCsrfChecks;
        return request;
    }

    /// <summary>Keeps the cookies a response sets; an expired one (Max-Age 0) is forgotten.</summary>
    public void Store(HttpResponse response)
    {
        foreach (var cookie in response.Cookies.Values)
        {
            if (cookie.MaxAge == 0) Cookies.Remove(cookie.Name);
            else Cookies[cookie.Name] = cookie.Value;
        }
    }

    /// <summary>What a client actually receives: no body for HEAD, 1xx, 204 and 304 (Django's <c>conditional_content_removal</c>).</summary>
    public static byte[] Received(HttpRequest request, HttpResponse response, byte[] content) =>
        request.Method == "HEAD" || response.StatusCode is < 200 or 204 or 304 ? [] : content;

    public static void ThrowIfUnhandled(HttpRequest request, bool raise)
    {
        if (raise) request.UnhandledException?.Throw();
    }

    /// <summary>
    /// Where a redirect response leads, as Django's client follows it: 307/308 repeat the method and
    /// body, other redirects become a GET. Null when <paramref name="response"/> is not a redirect.
    /// </summary>
    public static (string Method, string Path, bool KeepBody)? NextHop(HttpResponse response, HttpRequest request, List<(string Url, int StatusCode)> chain)
    {
        if (response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers["Location"] is not { } location) return null;
        chain.Add((location, response.StatusCode));
        if (chain.Count > MaxRedirects) throw new InvalidOperationException("Too many redirects.");
        var target = new Uri(new Uri($"{request.Scheme}://testserver{request.GetFullPath()}"), location);
        var path = target.PathAndQuery;
        if (chain.Take(chain.Count - 1).Contains(chain[^1])) throw new InvalidOperationException("Redirect loop detected.");
        var keep = response.StatusCode is 307 or 308;
        return (keep ? request.Method : "GET", path, keep);
    }
}
