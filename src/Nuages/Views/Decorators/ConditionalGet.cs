using Nuages.Http;

using Nuages.Middleware;

namespace Nuages.Views.Decorators;

/// <summary>Django's <c>conditional_page</c>: ConditionalGetMiddleware around one view.</summary>
public sealed class ConditionalPageAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    protected override bool AfterRendering => true; // the ETag is of the rendered page; a 304 replaces it

    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response) => ConditionalGet.Process(request, response);
}
