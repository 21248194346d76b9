using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Urls;

namespace Nuages.Http;

/// <summary>
/// An HTTP request as a view sees it, Django's <c>HttpRequest</c>. The body has been read in full
/// before the view runs; the query string, form, files and cookies are parsed on first access.
/// </summary>
public sealed partial class HttpRequest
{
    private readonly Settings _settings;
    private QueryDict? _query;
    private RequestHeaders? _headers;

    /// <summary>
    /// What many requests never touch — the parsed form, files and cookies, META, items, a spooled body, the security
    /// marks — kept apart and made on first use.
    /// </summary>
    // PERF: a request that touches none of it is ~130 B smaller (about a third of the object).
    private sealed class Seldom
    {
        public QueryDict? Form;
        public UploadedFileDict? Files;
        public Dictionary<string, string>? Cookies;
        public RequestMeta? Meta;
        public Dictionary<string, object?>? Items;
        public (string Type, IReadOnlyDictionary<string, string> Params)? ContentType;
        public Encoding? Encoding;
        public string? Scheme;
        public byte[]? SpooledCopy;
        public List<IDisposable>? Resources;
        public SpooledBody? Spool;
        public RequestDataTooBig? BodyError;
        public string? CspNonce;
        public bool CsrfProcessingDone;
        public RequestFeatures? Features;
        public IReadOnlyList<string>? SensitivePostParameters;
        public System.Runtime.ExceptionServices.ExceptionDispatchInfo? UnhandledException;
    }

    private Seldom? _seldom;

    // Made once even when two threads of one request ask at once (an async view's concurrent tasks), so no write is lost.
    private Seldom More => _seldom ?? Interlocked.CompareExchange(ref _seldom, new Seldom(), null) ?? _seldom;

    internal HttpRequest(
        Settings settings, string method, string path, string scriptName, string queryString,
        IHeaderDictionary headers, byte[] body, string scheme, RequestSource source, CancellationToken aborted)
    {
        _settings = settings;
        Method = method;
        Path = path;
        ScriptName = scriptName;
        // As django/core/handlers/asgi.py does: the script name is removed from the path as a plain string prefix.
        PathInfo = scriptName.Length > 0 && path.StartsWith(scriptName, StringComparison.Ordinal) ? path[scriptName.Length..] : path;
        if (PathInfo.Length == 0) PathInfo = "/";
        QueryString = queryString;
        RawHeaders = headers;
        _body = body;
        _connectionScheme = string.IsNullOrEmpty(scheme) ? "http" : scheme; // as django/core/handlers/asgi.py does
        Source = source;
        Aborted = aborted;
    }

    /// <summary>The method, upper-cased (as django/core/handlers/asgi.py).</summary>
    public string Method { get; }

    /// <summary>The full path, script name included, decoded (<c>/blog/2024/</c>).</summary>
    public string Path { get; }

    /// <summary>The path below <see cref="ScriptName"/>: what URL patterns are matched against.</summary>
    public string PathInfo { get; }

    /// <summary>The prefix the site is mounted under (<c>ForceScriptName</c>, else the server's path base), or empty.</summary>
    public string ScriptName { get; }

    /// <summary>The raw query string, without the <c>?</c>.</summary>
    public string QueryString { get; }

    /// <summary>
    /// <c>http</c> or <c>https</c>: the connection's, unless <see cref="Settings.SecureProxySslHeader"/> names a header a
    /// TLS-terminating proxy sets — then that header decides, when the request has it (Django's <c>HttpRequest.scheme</c>).
    /// </summary>
    public string Scheme => More.Scheme ??= ProxiedScheme() ?? _connectionScheme;

    private readonly string _connectionScheme;

    private string? ProxiedScheme()
    {
        if (_settings.SecureProxySslHeader is not [var header, var secureValue]) return null;
        if (Meta.Get(header) is not { } value) return null;
        var first = value.Split(',', 2)[0];
        return first.Trim() == secureValue ? "https" : "http";
    }

    /// <summary>Whether the request came over HTTPS (or, behind a proxy, reached it over HTTPS).</summary>
    public bool IsSecure => Scheme == "https";

    /// <summary>The request body, read in full before the view runs.</summary>
    public byte[] Body => BodyError is { } error ? throw error : Spool is { } spool ? More.SpooledCopy ??= spool.Span.ToArray() : _body;

    private readonly byte[] _body;

    /// <summary>The body when it was spooled to a temporary file rather than kept in memory.</summary>
    internal SpooledBody? Spool
    {
        get => _seldom?.Spool;
        set
        {
            if (value is not null || _seldom is not null) More.Spool = value;
        }
    }

    /// <summary>The body without copying it (a spooled body stays in its file).</summary>
    internal ReadOnlySpan<byte> BodySpan => BodyError is { } error ? throw error : Spool is { } spool ? spool.Span : _body;

    /// <summary>Temporary files to delete when the request ends.</summary>
    internal void RegisterResource(IDisposable resource) => (More.Resources ??= []).Add(resource);

    /// <summary>Django's <c>request.close()</c>: the spooled body and uploaded temporary files go (as django/core/handlers/asgi.py).</summary>
    internal void Close()
    {
        Spool?.Dispose();
        if (_seldom?.Resources is not { } resources) return;
        foreach (var resource in resources) resource.Dispose();
        _seldom.Resources = null;
    }

    /// <summary>
    /// Set by the sync gateway when the body was over <c>DataUploadMaxMemorySize</c>: reading it (or the
    /// form) raises this, which answers 400, as Django's WSGI handler does (as django/core/handlers/wsgi.py).
    /// </summary>
    internal RequestDataTooBig? BodyError
    {
        get => _seldom?.BodyError;
        set => More.BodyError = value;
    }

    /// <summary>Fires when the client goes away; pass it to long awaits, or rely on the framework's own awaits doing so.</summary>
    public CancellationToken Aborted { get; }

    /// <summary>The URL pattern that matched, with its arguments; set once resolution has run.</summary>
    public ResolverMatch? ResolverMatch { get; internal set; }

    internal IHeaderDictionary RawHeaders { get; }
    internal RequestSource Source { get; }

    /// <summary>The CSP nonce of this request, once <c>Csp.GetNonce</c> has made it.</summary>
    public string? CspNonce
    {
        get => _seldom?.CspNonce;
        internal set => More.CspNonce = value;
    }

    /// <summary>Set once the CSRF check has passed for this request (Django's <c>csrf_processing_done</c>).</summary>
    public bool CsrfProcessingDone
    {
        get => _seldom?.CsrfProcessingDone ?? false;
        set => More.CsrfProcessingDone = value;
    }

    /// <summary>What higher layers attach to this request (the CSRF middleware's state), by type.</summary>
    public RequestFeatures Features => More.Features ??= new();

    /// <summary>The logger factory of the site serving this request.</summary>
    internal Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    /// <summary>The POST fields error reports must hide (set by <c>SensitivePostParameters</c>); <c>["__ALL__"]</c> for all.</summary>
    public IReadOnlyList<string>? SensitivePostParameters
    {
        get => _seldom?.SensitivePostParameters;
        set => More.SensitivePostParameters = value;
    }

    /// <summary>The request's share of the async machinery (its sync thread, its switch count).</summary>
    internal Async.RequestScope? Scope { get; set; }

    /// <summary>How many times serving this request crossed between sync and async code (ARCHITECTURE rule 2).</summary>
    public int AdapterSwitches => Scope?.Switches ?? 0;

    /// <summary>The exception a view raised that became a 500; the test clients re-raise it, as Django's do.</summary>
    internal System.Runtime.ExceptionServices.ExceptionDispatchInfo? UnhandledException
    {
        get => _seldom?.UnhandledException;
        set => More.UnhandledException = value;
    }
    internal Settings Settings => _settings;

    /// <summary>The <c>Nuages.Request</c> logger of the site serving this request.</summary>
    internal Microsoft.Extensions.Logging.ILogger RequestLogger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The request headers, case-insensitive.</summary>
    public RequestHeaders Headers => _headers ??= new RequestHeaders(RawHeaders);

    /// <summary>CGI-style request metadata, computed on access (Django's <c>META</c>).</summary>
    public RequestMeta Meta => More.Meta ??= new RequestMeta(this);

    /// <summary>Per-request attributes set by middleware and views (the user, the session…).</summary>
    public IDictionary<string, object?> Items => More.Items ??= new(StringComparer.Ordinal);

    /// <summary>The query-string fields (Django's <c>GET</c>), parsed on first access.</summary>
    public QueryDict Query => _query ??= QueryDict.ParseImmutable(QueryString, Encoding, _settings.DataUploadMaxNumberFields);

    /// <summary>
    /// The fields of a POST body sent as <c>application/x-www-form-urlencoded</c> or
    /// <c>multipart/form-data</c> (Django's <c>POST</c>); empty for other methods and content types.
    /// </summary>
    public QueryDict Form
    {
        get
        {
            if (More.Form is null) LoadFormAndFiles();
            return More.Form!;
        }
    }

    /// <summary>The files of a <c>multipart/form-data</c> POST, by field name.</summary>
    public UploadedFileDict Files
    {
        get
        {
            if (More.Files is null) LoadFormAndFiles();
            return More.Files!;
        }
    }

    /// <summary>The request cookies by name, parsed on first access as Django's <c>parse_cookie</c>.</summary>
    public IReadOnlyDictionary<string, string> Cookies => More.Cookies ??= CookieParser.Parse(Headers.Get("Cookie"));

    /// <summary>The media type of the body, lower-cased, without parameters (<c>application/json</c>); empty when none was sent.</summary>
    public string ContentType => ParsedContentType.Type;

    /// <summary>The parameters of the Content-Type header (<c>charset</c>, <c>boundary</c>…).</summary>
    public IReadOnlyDictionary<string, string> ContentParams => ParsedContentType.Params;

    /// <summary>The encoding of form data and query strings: the body's <c>charset</c>, else the default charset.</summary>
    public Encoding Encoding
    {
        get => More.Encoding ??= ContentParams.TryGetValue("charset", out var cs) && TryGetEncoding(cs, out var enc) ? enc : GetEncoding(_settings.DefaultCharset);
        set
        {
            More.Encoding = value;
            _query = null;
            More.Form = null;
        }
    }

    private (string Type, IReadOnlyDictionary<string, string> Params) ParsedContentType =>
        More.ContentType ??= HeaderParameters.Parse(Headers.Get("Content-Type") ?? "");

    /// <summary>
    /// The host the client asked for, validated against <see cref="Settings.AllowedHosts"/>;
    /// throws <see cref="DisallowedHost"/> (answered 400) when it is not allowed.
    /// </summary>
    public string GetHost()
    {
        var host = RawHost();
        if (IsAllowedHost(_settings, host)) return host;
        var (domain, _) = SplitDomainPort(host);
        if (domain == "testserver" && Source.AllowsTestServer) return host;
        var message = $"Invalid HTTP_HOST header: {PyRepr(host)}.";
        message += domain.Length > 0
            ? $" You may need to add {PyRepr(domain)} to ALLOWED_HOSTS."
            : " The domain name provided is not valid according to RFC 1034/1035.";
        throw new DisallowedHost(message);
    }

    /// <summary>The port the client asked for (from the Host header, else the server's).</summary>
    public string GetPort()
    {
        // Django's USE_X_FORWARDED_PORT: behind a proxy, the port the client asked the proxy for.
        if (_settings.UseXForwardedPort && Headers.Get("X-Forwarded-Port") is { } forwarded) return forwarded;
        var (_, port) = SplitDomainPort(RawHost());
        return port.Length > 0 ? port : Source.ServerPort ?? (IsSecure ? "443" : "80");
    }

    /// <summary>The path and query string, URI-escaped (<c>/search/?q=caf%C3%A9</c>).</summary>
    public string GetFullPath(bool forceAppendSlash = false)
    {
        var path = EscapeUriPath(Path);
        if (forceAppendSlash && !path.EndsWith('/')) path += "/";
        // Django encodes the query defensively (iri_to_uri): RFC 3986 wants it ASCII, without spaces or backslashes.
        return QueryString.Length > 0 ? path + "?" + HttpResponseRedirect.IriToUri(QueryString) : path;
    }

    /// <summary>
    /// An absolute URI for <paramref name="location"/> (relative or absolute), or for this request
    /// when it is null, built from the scheme and the validated host.
    /// </summary>
    public string BuildAbsoluteUri(string? location = null) =>
        // Django's build_absolute_uri ends in iri_to_uri: CR, LF, spaces, backslashes and non-ASCII leave encoded,
        // whichever way the URI was put together.
        HttpResponseRedirect.IriToUri(JoinAbsoluteUri(location));

    private string JoinAbsoluteUri(string? location)
    {
        var schemeHost = $"{Scheme}://{GetHost()}";
        if (location is null) return schemeHost + GetFullPath();
        if (Uri.TryCreate(location, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "ftp" && !location.StartsWith('/'))
            return location;
        if (location.StartsWith("//", StringComparison.Ordinal)) return Scheme + ":" + location;
        if (location.StartsWith('/') && !location.Contains("/./") && !location.Contains("/../")) return schemeHost + location;
        return new Uri(new Uri(schemeHost + EscapeUriPath(Path)), location).AbsoluteUri;
    }

    /// <inheritdoc />
    public override string ToString() => $"<HttpRequest: {Method} {PyRepr(GetFullPath())}>";

    private string RawHost()
    {
        // Django's USE_X_FORWARDED_HOST: behind a proxy, the host the client asked the proxy for.
        if (_settings.UseXForwardedHost && Headers.Get("X-Forwarded-Host") is { } forwarded) return forwarded;
        // Django reads HTTP_HOST whenever the header is there, empty included (an empty one is a DisallowedHost);
        // only a request without it falls back to the server's address.
        var host = Headers.Get("Host");
        if (host is not null) return host;
        var server = Source.ServerName ?? "";
        var port = _settings.UseXForwardedPort && Headers.Get("X-Forwarded-Port") is { } forwardedPort ? forwardedPort : Source.ServerPort;
        return port is null || port == (IsSecure ? "443" : "80") ? server : server + ":" + port;
    }

    private void LoadFormAndFiles()
    {
        var more = More;
        if (Method != "POST")
        {
            more.Form = QueryDict.Empty;
            more.Files = UploadedFileDict.Empty;
            return;
        }
        switch (ContentType)
        {
            case "multipart/form-data":
                if (BodyError is { } tooBig) throw tooBig;
                var (form, files) = MultipartParser.Parse(this, _settings);
                more.Form = form;
                more.Files = files;
                break;
            case "application/x-www-form-urlencoded":
                if (_settings.DataUploadMaxMemorySize is { } max && BodySpan.Length > max)
                    throw new RequestDataTooBig(RequestLimitMessages.RequestDataTooBig);
                more.Form = QueryDict.ParseImmutable(Encoding.Latin1.GetString(Body), Encoding, _settings.DataUploadMaxNumberFields);
                more.Files = UploadedFileDict.Empty;
                break;
            default:
                more.Form = QueryDict.Empty;
                more.Files = UploadedFileDict.Empty;
                break;
        }
    }

    /// <summary>
    /// The encoding a charset names, as Django's <c>codecs.lookup</c> check in <c>_set_content_type_params</c>:
    /// an unknown or unsupported name (UTF-7, which .NET refuses to decode) is not an error — the caller falls
    /// back to the default charset, as Django does on <c>LookupError</c>.
    /// </summary>
    internal static bool TryGetEncoding(string name, out Encoding encoding)
    {
        if (name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            encoding = Utf8NoBom;
            return true;
        }
        try
        {
            // Code pages (windows-1252, shift_jis…) come from the framework's provider, asked directly rather than
            // registered process-wide.
            encoding = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            encoding = Utf8NoBom;
            return false;
        }
    }

    /// <summary>The encoding of a charset a site configured (checked at startup, so it exists).</summary>
    internal static Encoding GetEncoding(string name) =>
        TryGetEncoding(name, out var encoding) ? encoding : throw new ArgumentException($"'{name}' is not a known encoding.", nameof(name));

    internal static readonly Encoding Utf8NoBom = new UTF8Encoding(false);

    [GeneratedRegex(@"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:[0-9]+)?$")]
    private static partial Regex HostPattern();

    /// <summary>Django's <c>split_domain_port</c>: lower-cased domain without a trailing dot, and the port.</summary>
    internal static (string Domain, string Port) SplitDomainPort(string host)
    {
        host = host.ToLowerInvariant();
        var match = HostPattern().Match(host);
        if (!match.Success) return ("", "");
        var domain = match.Groups[1].Value;
        var port = match.Groups[2].Success ? match.Groups[2].Value[1..] : "";
        return (domain.EndsWith('.') ? domain[..^1] : domain, port);
    }

    /// <summary>Whether <paramref name="host"/> (a Host header) names a domain of the site's <c>AllowedHosts</c>.</summary>
    internal static bool IsAllowedHost(Settings settings, string host)
    {
        var (domain, _) = SplitDomainPort(host);
        return domain.Length > 0 && ValidateHost(domain, settings.EffectiveAllowedHosts);
    }

    /// <summary>Django's <c>validate_host</c>: <c>*</c>, an exact name, or <c>.example.com</c> for it and its subdomains.</summary>
    internal static bool ValidateHost(string domain, IReadOnlyList<string> allowed)
    {
        foreach (var raw in allowed)
        {
            var pattern = raw.ToLowerInvariant();
            if (pattern == "*") return true;
            if (pattern.StartsWith('.') ? domain.EndsWith(pattern, StringComparison.Ordinal) || domain == pattern[1..] : domain == pattern)
                return true;
        }
        return false;
    }

    /// <summary>Python's repr of a string, used where Django's messages quote user input.</summary>
    internal static string PyRepr(string s) => Core.PythonRepr.Of(s);

    /// <summary>Django's <c>escape_uri_path</c>: percent-encodes all but the characters a path may carry as they are.</summary>
    internal static string EscapeUriPath(string path) => UriEncoding.Quote(path, "/:@&+$,-_.!~*'()");
}

public sealed partial class HttpRequest
{
    /// <summary>The absolute URI for error pages: never throws, even when the host is not allowed.</summary>
    internal string BuildAbsoluteUriSafe()
    {
        try
        {
            return BuildAbsoluteUri();
        }
        catch (DisallowedHost)
        {
            return $"{Scheme}://{RawHost()}{GetFullPath()}";
        }
    }
}
