using Nuages.Core;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Http;
using Nuages.Templates;

namespace Nuages.Views.Generic;

/// <summary>
/// Django's <c>DetailView</c> (django/views/generic/detail.py): GET renders <c>{app}/{model}_detail.html</c> with the row
/// the URL names by <c>pk</c> or <c>slug</c> as <c>object</c> and <c>{model}</c>; no such row is a 404. Its async form is
/// <see cref="AsyncDetailView{T}"/>.
/// <code>Path("posts/&lt;slug:slug&gt;/", View.AsView&lt;DetailView&lt;Post&gt;&gt;())</code>
/// </summary>
public class DetailView<T> : TemplateView where T : Model<T>, new()
{
    /// <summary>The rows looked in (Django's <c>queryset</c>); all of the model's when null.</summary>
    public QuerySet<T>? Queryset { get; set; }

    /// <summary>The model field the slug is matched against.</summary>
    public string SlugField { get; set; } = "slug";

    /// <summary>The URL's name of the slug.</summary>
    public string SlugUrlKwarg { get; set; } = "slug";

    /// <summary>The URL's name of the primary key.</summary>
    public string PkUrlKwarg { get; set; } = "pk";

    /// <summary>Whether both pk and slug must match when the URL gives both.</summary>
    public bool QueryPkAndSlug { get; set; }

    /// <summary>The context name of the row besides <c>object</c>; the model name when null.</summary>
    public string? ContextObjectName { get; set; }

    /// <summary>The end of the template name made from the model (<c>_detail</c>).</summary>
    public string TemplateNameSuffix { get; set; } = "_detail";

    /// <summary>The row shown, set by GET (Django's <c>self.object</c>).</summary>
#pragma warning disable CA1720 // Django's name, which templates and mixins use
    public T? Object { get; protected set; }
#pragma warning restore CA1720

    /// <summary>The rows looked in (Django's <c>get_queryset</c>).</summary>
    public virtual QuerySet<T> GetQueryset() => Queryset?.All() ?? Model<T>.Objects.All();

    /// <summary>The query for the URL's row (Django's <c>get_object</c> before its <c>get()</c>).</summary>
    protected QuerySet<T> ObjectQuery(QuerySet<T>? queryset)
    {
        queryset ??= GetQueryset();
        Kwargs.TryGetValue(PkUrlKwarg, out var pk);
        Kwargs.TryGetValue(SlugUrlKwarg, out var slug);
        if (pk is not null) queryset = queryset.Filter("pk", pk);
        if (slug is not null && (pk is null || QueryPkAndSlug)) queryset = queryset.Filter(SlugField, slug);
        if (pk is null && slug is null)
            throw new ImproperlyConfigured($"Generic detail view {GetType().Name} must be called with either an object pk or a slug in the URLconf.");
        return queryset;
    }

    private protected static Http404 NotFound() => new($"No {ModelNames.VerboseName(typeof(T))} found matching the query");

    /// <summary>The URL's row, or a 404 (Django's <c>get_object</c>).</summary>
    public virtual T GetObject(QuerySet<T>? queryset = null)
    {
        try
        {
            return ObjectQuery(queryset).Get();
        }
        catch (Model<T>.DoesNotExist)
        {
            throw NotFound();
        }
    }

    /// <summary>The async form of <see cref="GetObject"/>.</summary>
    public virtual async Task<T> GetObjectAsync(QuerySet<T>? queryset = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ObjectQuery(queryset).GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Model<T>.DoesNotExist)
        {
            throw NotFound();
        }
    }

    /// <summary>The context name of the row (Django's <c>get_context_object_name</c>).</summary>
    public virtual string? GetContextObjectName() => ContextObjectName ?? ModelNames.ModelName(typeof(T));

    /// <inheritdoc/>
    public override string[] GetTemplateNames() =>
        [.. TemplateName is { } name ? [name] : Array.Empty<string>(), ModelNames.TemplateName(typeof(T), TemplateNameSuffix)];

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Object is not null)
        {
            context["object"] = Object;
            if (GetContextObjectName() is { } name) context[name] = Object;
        }
        if (extra is not null)
            foreach (var (key, value) in new Context(extra).Flatten()) context[key] = value;
        return base.GetContextData(context);
    }

    /// <summary>GET: the row rendered.</summary>
    public override HttpResponse Get(HttpRequest request)
    {
        Object = GetObject();
        return RenderToResponse(GetContextData());
    }
}

/// <summary><see cref="DetailView{T}"/> with an async GET: the row is read with async I/O.</summary>
public class AsyncDetailView<T> : DetailView<T> where T : Model<T>, new()
{
    /// <summary>GET, async.</summary>
    public new async Task<HttpResponse> Get(HttpRequest request)
    {
        Object = await GetObjectAsync(cancellationToken: request.Aborted).ConfigureAwait(false);
        return RenderToResponse(GetContextData());
    }
}
