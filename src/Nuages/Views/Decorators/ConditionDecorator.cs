using Nuages.Async;
using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>
/// Django's <c>condition</c> (and <c>etag</c>, <c>last_modified</c>): computes the resource's ETag and
/// Last-Modified before the view, answers 304 or 412 when the request's preconditions say so without
/// calling the view, and adds both headers to GET and HEAD responses (as django/views/decorators/http.py). The functions may be
/// sync or async; they get the request (route values are in <c>request.ResolverMatch.Kwargs</c>).
/// </summary>
public sealed class ConditionDecorator : ViewDecoratorAttribute
{
    private readonly Func<HttpRequest, ValueTask<string?>>? _etag;
    private readonly Func<HttpRequest, ValueTask<DateTimeOffset?>>? _lastModified;
    private readonly string _key = "nuages.condition." + Guid.NewGuid().ToString("N");

    internal ConditionDecorator(Func<HttpRequest, ValueTask<string?>>? etag, Func<HttpRequest, ValueTask<DateTimeOffset?>>? lastModified)
    {
        _etag = etag;
        _lastModified = lastModified;
    }

    /// <inheritdoc />
    public override HttpResponse? Before(HttpRequest request)
    {
        // Sync functions complete at once: only async ones cost a switch.
        var pending = BeforeAsync(request);
        return pending.IsCompletedSuccessfully ? pending.Result : AsyncToSync.Run(pending.AsTask);
    }

    /// <inheritdoc />
    public override async ValueTask<HttpResponse?> BeforeAsync(HttpRequest request)
    {
        string? etag = null;
        long? lastModified = null;
        if (_lastModified is not null && await _lastModified(request).ConfigureAwait(false) is { } modified)
            lastModified = modified.ToUnixTimeSeconds(); // As django/views/decorators/http.py does: whole seconds
        if (_etag is not null && await _etag(request).ConfigureAwait(false) is { } tag)
            etag = ConditionalRequests.QuoteETag(tag);
        request.Items[_key] = (etag, lastModified);
        return ConditionalRequests.Evaluate(request, etag, lastModified);
    }

    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        if (request.Method is not ("GET" or "HEAD") || !request.Items.TryGetValue(_key, out var computed)) return response;
        var (etag, lastModified) = ((string?, long?))computed!;
        if (lastModified is { } seconds) response.Headers.SetDefault("Last-Modified", ResponseCookie.HttpDate(DateTimeOffset.FromUnixTimeSeconds(seconds)));
        if (etag is not null) response.Headers.SetDefault("ETag", etag);
        return response;
    }

    /// <summary>A date without an offset is taken as UTC (as django/views/decorators/http.py).</summary>
    internal static DateTimeOffset? AsUtc(DateTime? date) => date is { } d
        ? new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime())
        : null;
}
