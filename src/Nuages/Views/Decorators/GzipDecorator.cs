using System.Text.RegularExpressions;
using Nuages.Http;

using Nuages.Middleware;

namespace Nuages.Views.Decorators;

/// <summary>Django's <c>gzip_page</c>: GZipMiddleware around one view.</summary>
public sealed class GzipPageAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    protected override bool AfterRendering => true; // the compressed body is of the rendered page

    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response) => GzipResponses.Process(request, response);
}
