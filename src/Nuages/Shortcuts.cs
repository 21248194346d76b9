using System.Linq.Expressions;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Http;

namespace Nuages;

/// <summary>
/// Django's shortcuts for views: a page from a template, the row or a 404, the rows or a 404 (as django/shortcuts.py). Use with <c>using static Nuages.Shortcuts;</c>.
/// </summary>
public static class Shortcuts
{
    /// <summary>
    /// A URL from a URL name or a URL (Django's <c>resolve_url</c>): <c>./</c> and <c>../</c> paths as they are, then a
    /// reverse of the name; what does not reverse is taken as a URL when it looks like one (it has a / or a .).
    /// </summary>
    public static string ResolveUrl(string to)
    {
        if (to.StartsWith("./", StringComparison.Ordinal) || to.StartsWith("../", StringComparison.Ordinal)) return to;
        try
        {
            return Urls.Routes.Reverse(to);
        }
        catch (Urls.NoReverseMatch) when (to.Contains('/', StringComparison.Ordinal) || to.Contains('.', StringComparison.Ordinal))
        {
            return to;
        }
    }

    /// <summary>A redirect to a URL name or a URL (Django's <c>redirect</c>), resolved by <see cref="ResolveUrl"/>.</summary>
    public static HttpResponseRedirect Redirect(string to) => new(ResolveUrl(to));

    /// <summary>
    /// Django's <c>render</c>: the template rendered now with <paramref name="context"/> and the request's context
    /// processors. It renders synchronously, as Django does: a QuerySet in the context is read with a sync query, so in
    /// an async view use <see cref="RenderAsync"/>.
    /// </summary>
    public static HttpResponse Render(HttpRequest request, string template, object? context = null, string? contentType = null, int status = 200) =>
        new(Templates.Engine.Current.GetTemplate(template).RenderToBuffer(context, request), contentType, status);

    /// <summary>
    /// <c>render</c> for async views: values of the context that are tasks are awaited and QuerySets are read with
    /// async queries while the page renders, where Django would raise SynchronousOnlyOperation.
    /// </summary>
    public static async Task<HttpResponse> RenderAsync(HttpRequest request, string template, object? context = null, string? contentType = null, int status = 200) =>
        new(await Templates.Engine.Current.GetTemplate(template).RenderToBufferAsync(context, request, request.Aborted).ConfigureAwait(false), contentType, status);

    /// <summary>Django's <c>render_to_string</c>.</summary>
    public static string RenderToString(string template, object? context = null, HttpRequest? request = null) =>
        Templates.Engine.Current.RenderToString(template, context, request);

    /// <summary>The one row of <paramref name="query"/> for which <paramref name="predicate"/> holds, else <see cref="Http404"/>.</summary>
    public static T GetObjectOr404<T>(QuerySet<T> query, Expression<Func<T, bool>> predicate) where T : Model<T>, new()
    {
        try
        {
            return query.Get(predicate);
        }
        catch (Model<T>.DoesNotExist)
        {
            throw NoMatch<T>();
        }
    }

    /// <summary>GetObjectOr404, asynchronously (Django's aget_object_or_404).</summary>
    public static async Task<T> GetObjectOr404Async<T>(QuerySet<T> query, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) where T : Model<T>, new()
    {
        try
        {
            return await query.GetAsync(predicate, cancellationToken).ConfigureAwait(false);
        }
        catch (Model<T>.DoesNotExist)
        {
            throw NoMatch<T>();
        }
    }

    /// <summary>The rows of <paramref name="query"/>, else <see cref="Http404"/> when there are none.</summary>
    public static List<T> GetListOr404<T>(QuerySet<T> query) where T : Model<T>, new() =>
        query.ToList() is { Count: > 0 } rows ? rows : throw NoMatch<T>();

    /// <summary>GetListOr404, asynchronously (Django's aget_list_or_404).</summary>
    public static async Task<List<T>> GetListOr404Async<T>(QuerySet<T> query, CancellationToken cancellationToken = default) where T : Model<T>, new() =>
        await query.ToListAsync(cancellationToken).ConfigureAwait(false) is { Count: > 0 } rows ? rows : throw NoMatch<T>();

    private static Http404 NoMatch<T>() => new($"No {typeof(T).Name} matches the given query.");
}
