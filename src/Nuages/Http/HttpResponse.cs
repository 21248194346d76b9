using Nuages.Conf;
using System.Text;

namespace Nuages.Http;

/// <summary>
/// An HTTP response, Django's <c>HttpResponse</c>: a status, headers, cookies and a body that is
/// buffered here and streamed by <see cref="StreamingHttpResponse"/>. Without a content type it is
/// <c>text/html; charset=&lt;DefaultCharset&gt;</c>.
/// </summary>
public class HttpResponse
{
    private byte[] _content = [];
    private string? _reasonPhrase;
    private string? _charset;
    private Dictionary<string, ResponseCookie>? _cookies;

    /// <summary>A response with a text body encoded in the response's charset.</summary>
    public HttpResponse(string content = "", string? contentType = null, int status = 200, string? reason = null, string? charset = null)
        : this(contentType, status, reason, charset)
    {
        _content = Encode(content);
    }

    /// <summary>A response with a rendered page's text (a render buffer, finished here), encoded without a string made of it.</summary>
    internal HttpResponse(StringBuilder content, string? contentType, int status)
        : this(contentType, status, null, null)
    {
        _content = Templates.RenderBuffer.Finish(content, GetEncoding());
    }

    /// <summary>A response with a binary body.</summary>
    public HttpResponse(byte[] content, string? contentType = null, int status = 200, string? reason = null, string? charset = null)
        : this(contentType, status, reason, charset)
    {
        _content = content;
    }

    /// <summary>For subclasses that set their body themselves (streaming responses).</summary>
    protected HttpResponse(string? contentType, int status, string? reason, string? charset)
    {
        if (status is < 100 or > 599) throw new ArgumentOutOfRangeException(nameof(status), status, "HTTP status code must be an integer from 100 to 599.");
        StatusCode = status;
        _reasonPhrase = reason;
        _charset = charset;
        Headers["Content-Type"] = contentType ?? $"{ResponseDefaults.ContentType}; charset={Charset}";
    }

    /// <summary>The status code.</summary>
    public int StatusCode { get; set; }

    /// <summary>The reason phrase: the one given, else the standard one for <see cref="StatusCode"/>.</summary>
    public string ReasonPhrase
    {
        get => _reasonPhrase ?? ReasonPhrases.For(StatusCode);
        set => _reasonPhrase = value;
    }

    internal bool HasCustomReasonPhrase => _reasonPhrase is not null;

    /// <summary>The charset of text content: the one given, else the Content-Type's, else the default.</summary>
    public string Charset
    {
        get
        {
            if (_charset is not null) return _charset;
            var type = Headers["Content-Type"];
            if (type is not null)
            {
                // PERF: a site's responses mostly share one content type: its charset is parsed once, not per response
                var parsed = s_lastType;
                if (parsed is null || !string.Equals(parsed.Type, type, StringComparison.Ordinal))
                    s_lastType = parsed = new ContentTypeCharset(type, HeaderParameters.Parse(type).Params.TryGetValue("charset", out var cs) ? cs : null);
                if (parsed.Charset is not null) return parsed.Charset;
            }
            return ResponseDefaults.Charset;
        }
        set => _charset = value;
    }

    /// <summary>The headers (not cookies).</summary>
    public ResponseHeaders Headers { get; } = new();

    private sealed record ContentTypeCharset(string Type, string? Charset);

    private static ContentTypeCharset? s_lastType; // the content type last parsed, and its charset parameter

    /// <summary>A header, or null: <c>response["Cache-Control"] = "no-cache"</c>, as in Django.</summary>
    public string? this[string header]
    {
        get => Headers[header];
        set => Headers[header] = value;
    }

    /// <summary>The cookies this response sets, by name.</summary>
    public IReadOnlyDictionary<string, ResponseCookie> Cookies => _cookies ??= new(StringComparer.Ordinal);

    /// <summary>Whether a cookie is set, without making the dictionary of a response that has none.</summary>
    internal bool HasCookies => _cookies is { Count: > 0 };

    /// <summary>Whether the body is streamed rather than held in <see cref="Content"/>.</summary>
    public virtual bool Streaming => false;

    /// <summary>The body. Streaming responses have none and throw.</summary>
    public virtual byte[] Content
    {
        get => _content;
        set => _content = value;
    }

    /// <summary>The body decoded with <see cref="Charset"/>.</summary>
    public string Text => GetEncoding().GetString(Content);

    /// <summary>Appends text to the body, as a file-like object would.</summary>
    public void Write(string text) => Content = [.. _content, .. Encode(text)];

    /// <summary>
    /// Sets a cookie. <paramref name="maxAge"/> also sets <c>expires</c>; an <paramref name="expires"/>
    /// date becomes a Max-Age, as Django does. <paramref name="sameSite"/> is Lax, Strict or None.
    /// </summary>
    public void SetCookie(string key, string value = "", long? maxAge = null, DateTimeOffset? expires = null, string? path = "/",
        string? domain = null, bool secure = false, bool httpOnly = false, string? sameSite = null)
    {
        if (expires is { } date)
        {
            if (maxAge is not null) throw new ArgumentException("'expires' and 'max_age' can't be used together.");
            // Django adds a second so a cookie expiring "now" is not expired before it is sent.
            maxAge = Math.Max(0, (long)(date - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1)).TotalSeconds);
        }
        Store(key, value, maxAge, null, path, domain, secure, httpOnly, sameSite);
    }

    internal void Store(string key, string value, long? maxAge, string? expires, string? path, string? domain, bool secure, bool httpOnly, string? sameSite)
    {
        ResponseCookie.CheckName(key);
        ResponseCookie.CheckAttribute(path);
        ResponseCookie.CheckAttribute(domain);
        var cookies = (Dictionary<string, ResponseCookie>)Cookies;
        var cookie = new ResponseCookie(key, value);
        if (expires is not null) cookie.Expires = expires;
        if (maxAge is { } age)
        {
            cookie.MaxAge = age;
            cookie.Expires ??= ResponseCookie.HttpDate(DateTimeOffset.UtcNow.AddSeconds(age));
        }
        cookie.Path = path;
        cookie.Domain = domain;
        cookie.Secure = secure;
        cookie.HttpOnly = httpOnly;
        if (sameSite is not null)
        {
            if (!(sameSite.Equals("lax", StringComparison.OrdinalIgnoreCase) || sameSite.Equals("none", StringComparison.OrdinalIgnoreCase) || sameSite.Equals("strict", StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException("samesite must be \"lax\", \"none\", or \"strict\".", nameof(sameSite));
            cookie.SameSite = sameSite;
        }
        cookies[key] = cookie;
    }

    internal void CopyCookiesFrom(HttpResponse other)
    {
        var cookies = (Dictionary<string, ResponseCookie>)Cookies;
        foreach (var (name, cookie) in other.Cookies) cookies[name] = cookie;
    }

    /// <summary>Expires a cookie in the browser: empty value, Max-Age 0, expires in 1970.</summary>
    public void DeleteCookie(string key, string path = "/", string? domain = null, string? sameSite = null)
    {
        // Browsers refuse to overwrite __Secure-/__Host- and SameSite=None cookies without Secure.
        var secure = key.StartsWith("__Secure-", StringComparison.Ordinal) || key.StartsWith("__Host-", StringComparison.Ordinal)
                     || string.Equals(sameSite, "none", StringComparison.OrdinalIgnoreCase);
        Store(key, "", 0, "Thu, 01 Jan 1970 00:00:00 GMT", path, domain, secure, false, sameSite);
    }

    /// <summary>A view's own Content-Security-Policy, set by <c>CspOverride</c>; an empty policy sends none.</summary>
    public IReadOnlyDictionary<string, object?>? CspConfig { get; set; }

    /// <summary>A view's own report-only policy, set by <c>CspReportOnlyOverride</c>.</summary>
    public IReadOnlyDictionary<string, object?>? CspReportOnlyConfig { get; set; }

    /// <summary>Set by the XFrameOptionsExempt decorator: XFrameOptionsMiddleware then adds no header.</summary>
    public bool XFrameOptionsExempt { get; set; }

    /// <summary>Whether the status was already logged (Django logs each response ≥ 400 once).</summary>
    internal bool HasBeenLogged { get; set; }

    internal Encoding GetEncoding() => HttpRequest.TryGetEncoding(Charset, out var enc) ? enc : HttpRequest.Utf8NoBom;

    /// <summary>Encodes text in this response's charset.</summary>
    protected byte[] Encode(string text) => text.Length == 0 ? [] : GetEncoding().GetBytes(text);

    /// <inheritdoc />
    public override string ToString() => $"<{GetType().Name} status_code={StatusCode}, \"{Headers["Content-Type"]}\">";
}

/// <summary>Defaults that responses read when built: the site's charset and content type (process-wide, as Django's settings).</summary>
/// <summary>The current site's <c>DefaultCharset</c> and <c>DefaultContentType</c> (Django's defaults without a site).</summary>
internal static class ResponseDefaults
{
    public static string Charset => Site.TryCurrent?.Settings.DefaultCharset ?? "utf-8";

    public static string ContentType => Site.TryCurrent?.Settings.DefaultContentType ?? "text/html";
}
