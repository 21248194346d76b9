using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Nuages.Http;

/// <summary>
/// Django's <c>get_conditional_response</c> and its helpers: RFC 9110 preconditions in their §13.2.2
/// order (as django/views/decorators/http.py), strong comparison for If-Match and weak for If-None-Match, invalid headers ignored.
/// </summary>
internal static partial class ConditionalRequests
{
    [GeneratedRegex("""\A((?:W/)?"[^"]*")\z""")]
    private static partial Regex ETagPattern();

    private static readonly string[] DateFormats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",  // RFC 1123
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",   // RFC 850
        "ddd MMM d HH:mm:ss yyyy",          // asctime
        "ddd MMM  d HH:mm:ss yyyy",
    ];

    /// <summary>As django/views/decorators/http.py does: a valid (possibly weak) ETag as is, anything else quoted into a strong one.</summary>
    public static string QuoteETag(string etag) => ETagPattern().IsMatch(etag) ? etag : $"\"{etag}\"";

    /// <summary>As django/views/decorators/http.py does: <c>*</c>, or the valid ETags of a comma-separated list (invalid ones dropped).</summary>
    public static List<string> ParseETags(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return [];
        if (header.Trim() == "*") return ["*"];
        var etags = new List<string>();
        foreach (var item in header.Split(','))
            if (ETagPattern().Match(item.Trim()) is { Success: true } match) etags.Add(match.Groups[1].Value);
        return etags;
    }

    /// <summary>An HTTP date as Unix seconds, or null when it is not one (as django/views/decorators/http.py).</summary>
    public static long? ParseHttpDate(string? header)
    {
        if (header is null) return null;
        return DateTimeOffset.TryParseExact(header.Trim(), DateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var date)
            ? date.ToUnixTimeSeconds()
            : null;
    }

    /// <summary>The 304 or 412 the preconditions call for, or null to go on.</summary>
    public static HttpResponse? Evaluate(HttpRequest request, string? etag, long? lastModified) => Evaluate(request, etag, lastModified, null);

    /// <summary>
    /// The same for a response already made (ConditionalGetMiddleware): a non-2xx response is left alone
    /// (as django/views/decorators/http.py), and a 304 keeps the response's caching headers and cookies (as django/views/decorators/http.py).
    /// </summary>
    public static HttpResponse? Evaluate(HttpRequest request, string? etag, long? lastModified, HttpResponse? response)
    {
        if (response is not null && response.StatusCode is < 200 or >= 300) return null;
        var ifMatch = ParseETags(request.Headers.Get("If-Match"));
        var ifUnmodifiedSince = ParseHttpDate(request.Headers.Get("If-Unmodified-Since"));
        var ifNoneMatch = ParseETags(request.Headers.Get("If-None-Match"));
        var ifModifiedSince = ParseHttpDate(request.Headers.Get("If-Modified-Since"));
        var safe = request.Method is "GET" or "HEAD";

        if (ifMatch.Count > 0 && !IfMatchPasses(etag, ifMatch)) return PreconditionFailed(request);
        if (ifMatch.Count == 0 && ifUnmodifiedSince is { } ius && !(lastModified is { } lm1 && lm1 <= ius)) return PreconditionFailed(request);
        if (ifNoneMatch.Count > 0 && !IfNoneMatchPasses(etag, ifNoneMatch)) return safe ? NotModified(response) : PreconditionFailed(request);
        if (ifNoneMatch.Count == 0 && ifModifiedSince is { } ims && lastModified is { } lm2 && lm2 <= ims && safe) return NotModified(response);
        return null;
    }

    private static readonly string[] KeptBy304 = ["Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Last-Modified", "Vary"];

    private static HttpResponseNotModified NotModified(HttpResponse? from)
    {
        var response = new HttpResponseNotModified();
        if (from is null) return response;
        foreach (var header in KeptBy304)
            if (from[header] is { } value) response[header] = value;
        response.CopyCookiesFrom(from);
        return response;
    }

    // As django/views/decorators/http.py does: strong comparison; "*" needs an ETag.
    private static bool IfMatchPasses(string? etag, List<string> etags) =>
        etag is not null && (etags is ["*"] || !etag.StartsWith("W/", StringComparison.Ordinal) && etags.Contains(etag));

    // As django/views/decorators/http.py does: weak comparison; "*" matches any ETag.
    private static bool IfNoneMatchPasses(string? etag, List<string> etags)
    {
        if (etag is null) return true;
        if (etags is ["*"]) return false;
        var target = Weakless(etag);
        return !etags.Any(e => Weakless(e) == target);
    }

    private static string Weakless(string etag) => etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag;

    /// <summary>As django/views/decorators/http.py does: 412 with an empty body, logged once as "Precondition Failed".</summary>
    private static HttpResponse PreconditionFailed(HttpRequest request)
    {
        var response = new HttpResponse("", status: 412);
        Http.RequestLog.PreconditionFailed(request.RequestLogger, request.Path);
        response.HasBeenLogged = true;
        return response;
    }
}
