using System.Globalization;
using Nuages.Core;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Http;
using Nuages.Pagination;
using Nuages.Templates;

namespace Nuages.Views.Generic;

/// <summary>
/// Django's <c>ListView</c> (django/views/generic/list.py): GET renders <c>{app}/{model}_list.html</c> with the rows of
/// <see cref="GetQueryset"/> as <c>object_list</c> and <c>{model}_list</c>; with <see cref="PaginateBy"/>, one page of
/// them, the page number from the URL's or the query's <c>page</c> (<c>last</c> for the last), and <c>paginator</c>,
/// <c>page_obj</c>, <c>is_paginated</c>. A page that does not exist is a 404. Its async form is <see cref="AsyncListView{T}"/>.
/// <code>Path("posts/", View.AsView&lt;ListView&lt;Post&gt;&gt;(v =&gt; { v.PaginateBy = 10; v.Ordering = ["-published"]; }))</code>
/// </summary>
public class ListView<T> : TemplateView where T : Model<T>, new()
{
    /// <summary>The rows (Django's <c>queryset</c>); all of the model's when null.</summary>
    public QuerySet<T>? Queryset { get; set; }

    /// <summary>The ordering applied to the rows (Django's <c>ordering</c>).</summary>
    public string[]? Ordering { get; set; }

    /// <summary>The rows per page; no pagination when null.</summary>
    public int? PaginateBy { get; set; }

    /// <summary>How many rows a last page may hold before it becomes a page of its own.</summary>
    public int PaginateOrphans { get; set; }

    /// <summary>The context name of the rows besides <c>object_list</c>; <c>{model}_list</c> when null.</summary>
    public string? ContextObjectName { get; set; }

    /// <summary>Whether an empty list renders (true) or is a 404.</summary>
    public bool AllowEmpty { get; set; } = true;

    /// <summary>The name of the page number in the URL or the query string.</summary>
    public string PageKwarg { get; set; } = "page";

    /// <summary>The end of the template name made from the model (<c>_list</c>).</summary>
    public string TemplateNameSuffix { get; set; } = "_list";

    /// <summary>The rows being shown, set by GET.</summary>
    public QuerySet<T>? ObjectList { get; protected set; }

    /// <summary>The rows (Django's <c>get_queryset</c>): <see cref="Queryset"/> or the model's, ordered by <see cref="GetOrdering"/>.</summary>
    public virtual QuerySet<T> GetQueryset()
    {
        var queryset = Queryset?.All() ?? Model<T>.Objects.All();
        return GetOrdering() is { Length: > 0 } ordering ? queryset.OrderBy(ordering) : queryset;
    }

    /// <summary>The ordering (Django's <c>get_ordering</c>).</summary>
    public virtual string[]? GetOrdering() => Ordering;

    /// <summary>The page size for these rows (Django's <c>get_paginate_by</c>).</summary>
    public virtual int? GetPaginateBy(QuerySet<T> queryset) => PaginateBy;

    /// <summary>The paginator (Django's <c>get_paginator</c>).</summary>
    public virtual Paginator<T> GetPaginator(QuerySet<T> queryset, int perPage, int orphans = 0, bool allowEmptyFirstPage = true) =>
        new(queryset, perPage, orphans, allowEmptyFirstPage);

    /// <summary>The context name of the rows (Django's <c>get_context_object_name</c>).</summary>
    public virtual string? GetContextObjectName() => ContextObjectName ?? ModelNames.ModelName(typeof(T)) + "_list";

    /// <inheritdoc/>
    public override string[] GetTemplateNames() =>
        [.. TemplateName is { } name ? [name] : Array.Empty<string>(), ModelNames.TemplateName(typeof(T), TemplateNameSuffix)];

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null) =>
        Async.SyncMode.Result(ContextData(extra, false, default), "A list view");

    /// <summary>The async form of <see cref="GetContextData"/>: the page is counted and read with async I/O.</summary>
    public virtual ValueTask<Dictionary<string, object?>> GetContextDataAsync(object? extra = null, CancellationToken cancellationToken = default) =>
        ContextData(extra, true, cancellationToken);

    /// <summary>GET: the rows rendered; an empty list a 404 unless <see cref="AllowEmpty"/>.</summary>
    public override HttpResponse Get(HttpRequest request)
    {
        ObjectList = GetQueryset();
        if (!AllowEmpty && !ObjectList.Exists()) throw EmptyList();
        return RenderToResponse(GetContextData());
    }

    private protected Http404 EmptyList() => new($"Empty list and “{GetType().Name.Split('`')[0]}.allow_empty” is False.");

    private async ValueTask<Dictionary<string, object?>> ContextData(object? extra, bool async, CancellationToken cancellationToken)
    {
        var queryset = ObjectList ?? GetQueryset();
        var context = new Dictionary<string, object?>(StringComparer.Ordinal);
        object? rows = queryset;
        if (GetPaginateBy(queryset) is { } pageSize)
        {
            var paginator = GetPaginator(queryset, pageSize, PaginateOrphans, AllowEmpty);
            var number = PageNumber(async ? await paginator.NumPagesAsync(cancellationToken).ConfigureAwait(false) : paginator.NumPages);
            Page<T> page;
            try
            {
                page = async ? await paginator.PageAsync(number, cancellationToken).ConfigureAwait(false) : paginator.Page(number);
            }
            catch (InvalidPage e)
            {
                throw new Http404($"Invalid page ({number}): {e.Message}");
            }
            rows = page.ObjectList;
            context["paginator"] = paginator;
            context["page_obj"] = page;
            context["is_paginated"] = page.HasOtherPages();
        }
        else
        {
            context["paginator"] = null;
            context["page_obj"] = null;
            context["is_paginated"] = false;
        }
        context["object_list"] = rows;
        if (GetContextObjectName() is { } name) context[name] = rows;
        if (extra is not null)
            foreach (var (key, value) in new Context(extra).Flatten()) context[key] = value;
        return base.GetContextData(context);
    }

    /// <summary>The page asked for: the URL's, else the query's, else 1; "last" is the last page (Django's <c>paginate_queryset</c>).</summary>
    private int PageNumber(int numPages)
    {
        var page = Kwargs.TryGetValue(PageKwarg, out var fromUrl) && fromUrl is not null and not "" ? fromUrl : Request.Query.Get(PageKwarg) is { Length: > 0 } q ? q : (object)1;
        if (page is int i) return i;
        var text = Convert.ToString(page, CultureInfo.InvariantCulture)!;
        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) return number;
        return text == "last" ? numPages : throw new Http404("Page is not “last”, nor can it be converted to an int.");
    }
}

/// <summary>
/// <see cref="ListView{T}"/> with an async GET: the emptiness check, the count and the page are read with async I/O,
/// and an unpaginated QuerySet is read by the template's async rendering — no sync worker held.
/// </summary>
public class AsyncListView<T> : ListView<T> where T : Model<T>, new()
{
    /// <summary>GET, async.</summary>
    public new async Task<HttpResponse> Get(HttpRequest request)
    {
        ObjectList = GetQueryset();
        if (!AllowEmpty && !await ObjectList.ExistsAsync(request.Aborted).ConfigureAwait(false)) throw EmptyList();
        return RenderToResponse(await GetContextDataAsync(cancellationToken: request.Aborted).ConfigureAwait(false));
    }
}
