using System.Text.RegularExpressions;
using Nuages.Http;

namespace Nuages.Middleware;


/// <summary>Django's GZipMiddleware logic, shared by the middleware and <c>gzip_page</c>.</summary>
internal static partial class GzipResponses
{
    [GeneratedRegex(@"\bgzip\b")]
    private static partial Regex AcceptsGzip();

    public static HttpResponse Process(HttpRequest request, HttpResponse response, int maxRandomBytes = Gzip.MaxRandomBytes)
    {
        if (!response.Streaming && response.Content.Length < 200) return response; // as django/middleware/gzip.py does
        if (response["Content-Encoding"] is not null) return response; // as django/middleware/gzip.py does
        HttpHeaders.PatchVary(response, ["Accept-Encoding"]); // As django/middleware/gzip.py does: before the accept check
        if (!AcceptsGzip().IsMatch(request.Headers.Get("Accept-Encoding") ?? "")) return response; // as django/middleware/gzip.py does
        if (response is StreamingHttpResponse streaming)
        {
            // As django/middleware/gzip.py does: a sync body stays sync, an async body async; the length is unknown now.
            if (streaming.IsAsync) streaming.AsyncTransform = parts => Gzip.CompressSequenceAsync(parts, maxRandomBytes);
            else streaming.SyncTransform = parts => Gzip.CompressSequence(parts, maxRandomBytes);
            response.Headers.Remove("Content-Length");
        }
        else
        {
            var compressed = Gzip.Compress(response.Content, maxRandomBytes);
            if (compressed.Length >= response.Content.Length) return response; // as django/middleware/gzip.py does
            response.Content = compressed;
            response["Content-Length"] = compressed.Length.ToString(System.Globalization.CultureInfo.InvariantCulture); // as django/middleware/gzip.py does
        }
        if (response["ETag"] is { } etag && etag.StartsWith('"')) response["ETag"] = "W/" + etag; // as django/middleware/gzip.py does
        response["Content-Encoding"] = "gzip";
        return response;
    }
}
