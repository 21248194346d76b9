using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nuages.Conf;
using HttpRequest = Nuages.Http.HttpRequest;

namespace Nuages.Test;

/// <summary>A file to send in a multipart POST built by the test clients.</summary>
public sealed record TestFile(string FileName, byte[] Content, string ContentType = "application/octet-stream");

/// <summary>
/// Builds requests as a client would send them, for calling views directly, as Django's
/// <c>RequestFactory</c>: host <c>testserver</c>, remote address 127.0.0.1, POST data multipart by
/// default, JSON when the content type says so.
/// </summary>
public class RequestFactory
{
    /// <summary>The boundary of multipart bodies, Django's.</summary>
    public const string Boundary = "BoUnDaRyStRiNg";

    /// <summary>The content type POST uses unless told otherwise.</summary>
    public const string MultipartContent = "multipart/form-data; boundary=" + Boundary;

    private readonly Settings _settings;

    /// <summary>A factory for <paramref name="app"/>'s settings.</summary>
    public RequestFactory(NuagesApp app) : this(app.Settings) { }

    /// <summary>A factory for the given settings (defaults when null).</summary>
    public RequestFactory(Settings? settings = null) => _settings = settings ?? new Settings { Debug = true };

    /// <summary>Headers added to every request.</summary>
    public Dictionary<string, string> DefaultHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A GET; <paramref name="data"/> (an anonymous object or dictionary) becomes the query string.</summary>
    public HttpRequest Get(string path, object? data = null, IDictionary<string, string>? headers = null, bool secure = false) =>
        Generic("GET", WithQuery(path, data), [], null, headers, secure);

    /// <summary>A POST: <paramref name="data"/> is encoded as <paramref name="contentType"/> says (multipart, urlencoded, JSON), or sent as is when it is a string or bytes.</summary>
    public HttpRequest Post(string path, object? data = null, string contentType = MultipartContent, IDictionary<string, string>? headers = null, bool secure = false) =>
        Generic("POST", path, Encode(data, contentType), contentType, headers, secure);

    /// <summary>A PUT with a raw or JSON body.</summary>
    public HttpRequest Put(string path, object? data = null, string contentType = "application/octet-stream", IDictionary<string, string>? headers = null, bool secure = false) =>
        Generic("PUT", path, Encode(data, contentType), contentType, headers, secure);

    /// <summary>A PATCH with a raw or JSON body.</summary>
    public HttpRequest Patch(string path, object? data = null, string contentType = "application/octet-stream", IDictionary<string, string>? headers = null, bool secure = false) =>
        Generic("PATCH", path, Encode(data, contentType), contentType, headers, secure);

    /// <summary>A DELETE with an optional raw or JSON body.</summary>
    public HttpRequest Delete(string path, object? data = null, string contentType = "application/octet-stream", IDictionary<string, string>? headers = null, bool secure = false) =>
        Generic("DELETE", path, Encode(data, contentType), contentType, headers, secure);

    /// <summary>A HEAD; <paramref name="data"/> becomes the query string.</summary>
    public HttpRequest Head(string path, object? data = null, IDictionary<string, string>? headers = null, bool secure = false) =>
        Generic("HEAD", WithQuery(path, data), [], null, headers, secure);

    /// <summary>An OPTIONS.</summary>
    public HttpRequest Options(string path, IDictionary<string, string>? headers = null, bool secure = false) =>
        Generic("OPTIONS", path, [], null, headers, secure);

    /// <summary>A TRACE.</summary>
    public HttpRequest Trace(string path, IDictionary<string, string>? headers = null, bool secure = false) =>
        Generic("TRACE", path, [], null, headers, secure);

    /// <summary>Any method, path (with its query string), body and headers.</summary>
    public HttpRequest Generic(string method, string path, byte[] body, string? contentType = null, IDictionary<string, string>? headers = null, bool secure = false)
    {
        var headerStore = new HeaderDictionary { ["Host"] = "testserver" };
        foreach (var (name, value) in DefaultHeaders) headerStore[name] = value;
        if (headers is not null)
            foreach (var (name, value) in headers) headerStore[name] = value;
        if (body.Length > 0 || contentType is not null)
        {
            headerStore["Content-Length"] = body.Length.ToString(CultureInfo.InvariantCulture);
            if (contentType is not null) headerStore["Content-Type"] = contentType;
        }
        var question = path.IndexOf('?');
        var query = question < 0 ? "" : path[(question + 1)..];
        var rawPath = question < 0 ? path : path[..question];
        var decodedPath = Uri.UnescapeDataString(rawPath.Length == 0 ? "/" : rawPath);
        var script = _settings.ForceScriptName ?? "";
        if (script.Length > 0 && !decodedPath.StartsWith(script, StringComparison.Ordinal)) decodedPath = script.TrimEnd('/') + decodedPath;
        var source = new Http.FixedRequestSource("127.0.0.1", "0", "testserver", secure ? "443" : "80");
        return new HttpRequest(_settings, method.ToUpperInvariant(), decodedPath, script, query, headerStore, body, secure ? "https" : "http", source, Aborted);
    }

    /// <summary>The Aborted token given to built requests (cancel it to simulate a client that went away).</summary>
    public CancellationToken Aborted { get; set; }

    private static string WithQuery(string path, object? data)
    {
        var encoded = UrlEncode(data);
        if (encoded.Length == 0) return path;
        return path + (path.Contains('?') ? "&" : "?") + encoded;
    }

    internal static string UrlEncode(object? data)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in Pairs(data))
        {
            if (sb.Length > 0) sb.Append('&');
            sb.Append(Http.QueryDict.QuotePlus(key)).Append('=').Append(Http.QueryDict.QuotePlus(Format(value)));
        }
        return sb.ToString();
    }

    private static byte[] Encode(object? data, string contentType)
    {
        switch (data)
        {
            case null:
                return [];
            case byte[] bytes:
                return bytes;
            case string text:
                return Encoding.UTF8.GetBytes(text);
        }
        if (contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)) return EncodeMultipart(data);
        if (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)) return Encoding.UTF8.GetBytes(UrlEncode(data));
        if (contentType.Contains("json", StringComparison.OrdinalIgnoreCase)) return JsonSerializer.SerializeToUtf8Bytes(data, data.GetType());
        throw new ArgumentException($"Cannot encode {data.GetType().Name} as '{contentType}'; pass the body as a string or bytes.", nameof(data));
    }

    /// <summary>Django's <c>encode_multipart</c>: one part per value, files with their name and type.</summary>
    internal static byte[] EncodeMultipart(object data)
    {
        using var body = new MemoryStream();
        void Line(string text) => body.Write(Encoding.UTF8.GetBytes(text + "\r\n"));
        foreach (var (key, value) in Pairs(data))
        {
            Line("--" + Boundary);
            if (value is TestFile file)
            {
                Line($"Content-Disposition: form-data; name=\"{key}\"; filename=\"{file.FileName}\"");
                Line($"Content-Type: {file.ContentType}");
                Line("");
                body.Write(file.Content);
                Line("");
            }
            else
            {
                Line($"Content-Disposition: form-data; name=\"{key}\"");
                Line("");
                Line(Format(value));
            }
        }
        Line("--" + Boundary + "--");
        return body.ToArray();
    }

    /// <summary>The (key, value) pairs of an anonymous object or dictionary; a list value gives one pair per item.</summary>
    internal static IEnumerable<(string Key, object? Value)> Pairs(object? data)
    {
        IEnumerable<(string, object?)> top = data switch
        {
            null => [],
            IEnumerable<KeyValuePair<string, string>> pairs => pairs.Select(p => (p.Key, (object?)p.Value)),
            IEnumerable<KeyValuePair<string, object?>> pairs => pairs.Select(p => (p.Key, p.Value)),
            IDictionary dict => Entries(dict),
            _ => data.GetType().GetProperties().Select(p => (p.Name, p.GetValue(data))),
        };
        foreach (var (key, value) in top)
        {
            if (value is IEnumerable items and not string and not byte[])
                foreach (var item in items) yield return (key, item);
            else yield return (key, value);
        }
    }

    private static IEnumerable<(string, object?)> Entries(IDictionary dict)
    {
        foreach (DictionaryEntry entry in dict) yield return (entry.Key.ToString()!, entry.Value);
    }

    private static string Format(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>The same as <see cref="RequestFactory"/>, for async views (requests are the same objects in Nuages).</summary>
public sealed class AsyncRequestFactory : RequestFactory
{
    /// <summary>A factory for <paramref name="app"/>'s settings.</summary>
    public AsyncRequestFactory(NuagesApp app) : base(app) { }

    /// <summary>A factory for the given settings (defaults when null).</summary>
    public AsyncRequestFactory(Settings? settings = null) : base(settings) { }
}
