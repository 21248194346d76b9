using Nuages.Http;
using Nuages.Views.Decorators;

namespace Nuages.Middleware;

/// <summary>
/// Django's CsrfViewMiddleware: unsafe requests must carry the token of the <c>csrftoken</c> cookie (form
/// field <c>csrfmiddlewaretoken</c> or <c>X-CSRFToken</c> header) and pass the Origin/Referer checks, or get
/// 403; views marked <see cref="CsrfExemptAttribute"/> are skipped. Inline in both modes.
/// </summary>
[NonBlocking]
public sealed class CsrfViewMiddleware(Next next) : MiddlewareMixin(next)
{
    /// <inheritdoc />
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        Csrf.ProcessRequest(request);
        return null;
    }

    /// <inheritdoc />
    protected internal override HttpResponse? ProcessView(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        var exempt = request.ResolverMatch?.View.Descriptor.Decorators.OfType<CsrfExemptAttribute>().Any() ?? false;
        return Csrf.Check(request, exempt) is { } reason ? Csrf.Reject(request, reason) : null;
    }

    /// <inheritdoc />
    protected override HttpResponse ProcessResponse(HttpRequest request, HttpResponse response) => Csrf.ProcessResponse(request, response);
}
