using System.Globalization;
using System.Text.RegularExpressions;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;
using Nuages.Views.Decorators;

namespace Nuages.Middleware;

/// <summary>
/// Django's CommonMiddleware: refuses DisallowedUserAgents (403), redirects to <c>www.</c> with PrependWww,
/// turns a 404 for <c>/path</c> into a 301 to <c>/path/</c> when that resolves (AppendSlash, query string
/// kept, views marked NoAppendSlash excepted), and sets Content-Length on buffered responses. It only
/// inspects the request and the URL patterns, so it runs inline in both modes.
/// </summary>
[NonBlocking]
public sealed class CommonMiddleware : MiddlewareMixin
{
    private readonly Settings _settings;
    private readonly Regex[] _disallowedAgents;

    /// <summary>Builds the middleware.</summary>
    public CommonMiddleware(Next next, Settings settings) : base(next)
    {
        _settings = settings;
        _disallowedAgents = [.. settings.DisallowedUserAgents.Select(pattern => new Regex(pattern, RegexOptions.CultureInvariant))];
    }

    /// <inheritdoc />
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        if (request.Headers.Get("User-Agent") is { } agent && _disallowedAgents.Any(regex => regex.IsMatch(agent)))
            throw new PermissionDenied("Forbidden user agent");
        var host = request.GetHost();
        if (!_settings.PrependWww || host.Length == 0 || host.StartsWith("www.", StringComparison.Ordinal)) return null;
        var path = ShouldRedirectWithSlash(request) ? FullPathWithSlash(request) : request.GetFullPath();
        return new HttpResponsePermanentRedirect($"{request.Scheme}://www.{host}{path}");
    }

    /// <inheritdoc />
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response)
    {
        if (response.StatusCode == 404 && ShouldRedirectWithSlash(request))
            return new HttpResponsePermanentRedirect(FullPathWithSlash(request));
        if (!response.Streaming && !response.Headers.Contains("Content-Length"))
            response["Content-Length"] = response.Content.Length.ToString(CultureInfo.InvariantCulture);
        return response;
    }

    private bool ShouldRedirectWithSlash(HttpRequest request)
    {
        if (!_settings.AppendSlash || request.PathInfo.EndsWith('/')) return false;
        var resolver = Urls.UrlResolver.Current;
        if (resolver is null || resolver.Resolve(request.PathInfo) is not null) return false;
        return resolver.Resolve(request.PathInfo + "/") is { } match
               && !match.View.Descriptor.Decorators.OfType<NoAppendSlashAttribute>().Any(); // as django/views/decorators/common.py does
    }

    private string FullPathWithSlash(HttpRequest request)
    {
        var path = request.GetFullPath(forceAppendSlash: true);
        if (path.StartsWith("//", StringComparison.Ordinal)) path = "/%2F" + path[2..]; // never a scheme-relative URL
        if (_settings.Debug && request.Method is "POST" or "PUT" or "PATCH")
            throw new InvalidOperationException(
                $"You called this URL via {request.Method}, but the URL doesn't end in a slash and you have AppendSlash set. " +
                $"Nuages can't redirect to the slash URL while maintaining {request.Method} data. Change your form to point to " +
                $"{request.GetHost()}{path} (note the trailing slash), or set AppendSlash to false in your Nuages settings.");
        return path;
    }
}
