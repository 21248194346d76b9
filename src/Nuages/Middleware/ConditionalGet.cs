using System.Security.Cryptography;
using Nuages.Http;

namespace Nuages.Middleware;


/// <summary>
/// Django's ConditionalGetMiddleware logic, shared by the middleware and <c>conditional_page</c>: for GET
/// only (as django/middleware/http.py), give the response a strong MD5 ETag if it has none (as django/middleware/http.py), then answer 304/412
/// from the request's preconditions against the response's ETag and Last-Modified.
/// </summary>
internal static class ConditionalGet
{
    public static HttpResponse Process(HttpRequest request, HttpResponse response)
    {
        if (request.Method != "GET") return response;
        if (response["ETag"] is null && NeedsETag(response) && !response.Streaming && response.Content.Length > 0)
#pragma warning disable CA5351 // not security: Django's ConditionalGetMiddleware ETag is the md5 of the content
            response["ETag"] = ConditionalRequests.QuoteETag(Convert.ToHexStringLower(MD5.HashData(response.Content)));
#pragma warning restore CA5351
        var etag = response["ETag"];
        var lastModified = ConditionalRequests.ParseHttpDate(response["Last-Modified"]);
        if (etag is null && lastModified is null) return response;
        return ConditionalRequests.Evaluate(request, etag, lastModified, response) ?? response;
    }

    private static bool NeedsETag(HttpResponse response) =>
        (response["Cache-Control"] ?? "").Split(',').All(item => !item.Trim().Equals("no-store", StringComparison.OrdinalIgnoreCase));
}
