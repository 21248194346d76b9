using Nuages.Http;

using Nuages.Middleware;

namespace Nuages.Views.Decorators;

/// <summary>Django's <c>conditional_page</c>: ConditionalGetMiddleware around one view.</summary>
public sealed class ConditionalPageAttribute : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response) => ConditionalGet.Process(request, response);
}
