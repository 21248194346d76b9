using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>
/// A view decorator: put it on a view method as an attribute (<c>[NeverCache]</c>) or wrap a view
/// delegate with <see cref="Decorators"/> (<c>ViewDecorators.NeverCache(view)</c>). Either way the view keeps
/// its mode — a sync view stays sync and an async view stays async (as django/utils/decorators.py) — because decorators
/// run around the view's own call rather than replacing it. <see cref="Before"/> may answer instead of
/// the view (spec C4); <see cref="After"/> changes the view's response in place (spec C3).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public abstract class ViewDecoratorAttribute : Attribute
{
    /// <summary>Runs before a sync view: return a response to answer without calling it.</summary>
    public virtual HttpResponse? Before(HttpRequest request) => null;

    /// <summary>Runs before an async view; by default the same as <see cref="Before"/>.</summary>
    public virtual ValueTask<HttpResponse?> BeforeAsync(HttpRequest request) => new(Before(request));

    /// <summary>Runs after the view (and after a response from <see cref="Before"/>): return the response.</summary>
    public virtual HttpResponse After(HttpRequest request, HttpResponse response) => response;

    /// <summary>Runs after an async view (and after a response from <see cref="BeforeAsync"/>); by default the same as <see cref="After"/>.</summary>
    public virtual ValueTask<HttpResponse> AfterAsync(HttpRequest request, HttpResponse response) => new(After(request, response));

    /// <summary>
    /// Whether <see cref="After"/> waits until a response rendered later (a template response) is rendered, as
    /// Django's decorators made from middleware do (<c>decorator_from_middleware</c> defers <c>process_response</c>
    /// with <c>add_post_render_callback</c>, whose return value replaces the response): the CSRF decorators, whose
    /// cookie depends on the template using the token, <c>cache_page</c>, <c>gzip_page</c>, <c>conditional_page</c>.
    /// </summary>
    protected virtual bool AfterRendering => false;

    /// <summary><see cref="After"/> now, or once the response is rendered when <see cref="AfterRendering"/>.</summary>
    internal HttpResponse RunAfter(HttpRequest request, HttpResponse response)
    {
        if (!Defer(request, response)) return After(request, response);
        return response;
    }

    /// <summary><see cref="AfterAsync"/> now, or once the response is rendered when <see cref="AfterRendering"/>.</summary>
    internal ValueTask<HttpResponse> RunAfterAsync(HttpRequest request, HttpResponse response) =>
        Defer(request, response) ? new(response) : AfterAsync(request, response);

    private bool Defer(HttpRequest request, HttpResponse response)
    {
        if (!AfterRendering || response is not RenderableResponse { IsRendered: false } deferred) return false;
        // what After returns replaces the rendered response, as a post-render callback's return value does in Django
        deferred.AddPostRenderCallback(async (rendered, async) => async ? await AfterAsync(request, rendered).ConfigureAwait(false) : After(request, rendered));
        return true;
    }
}

/// <summary>A view delegate wrapped by a decorator: what <see cref="Decorators"/> returns, unwrapped when routes are compiled.</summary>
internal sealed class DecoratedView(Delegate inner, ViewDecoratorAttribute decorator)
{
    public Delegate Inner { get; } = inner;

    public ViewDecoratorAttribute Decorator { get; } = decorator;

    /// <summary>Never called: the compiled route calls the inner view with the decorators around it.</summary>
#pragma warning disable CA1822 // an instance method: it is what the view delegate binds to
    public HttpResponse Invoke(HttpRequest request) =>
        throw new InvalidOperationException("A decorated view is called through its URL pattern, which unwraps it.");
#pragma warning restore CA1822
}
