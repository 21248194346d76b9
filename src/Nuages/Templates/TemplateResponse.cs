using Nuages.Http;

namespace Nuages.Templates;

/// <summary>
/// A response rendered from a template after the view returns (Django's <c>TemplateResponse</c>): middleware
/// <c>ProcessTemplateResponse</c> hooks can change <see cref="TemplateNames"/> or <see cref="ContextData"/> first.
/// It renders with <see cref="Template.RenderAsync"/> — awaited by the async handler, run through
/// <c>AsyncToSync</c> by the sync one — so the context may hold QuerySets, tasks and async sequences.
/// </summary>
public class TemplateResponse : RenderableResponse
{
    /// <summary>A response that will render <paramref name="template"/> (or the first of several names that exists) with <paramref name="context"/>.</summary>
    public TemplateResponse(HttpRequest request, string template, object? context = null, string? contentType = null, int status = 200)
        : this(request, [template], context, contentType, status)
    {
    }

    /// <summary>The same with several template names, the first that exists being used (Django's <c>select_template</c>).</summary>
    public TemplateResponse(HttpRequest request, string[] templates, object? context = null, string? contentType = null, int status = 200)
        : base(contentType, status)
    {
        Request = request;
        TemplateNames = templates;
        ContextData = context;
    }

    /// <summary>The request, for the context processors.</summary>
    public HttpRequest Request { get; }

    /// <summary>The template names, tried in order.</summary>
    public string[] TemplateNames { get; set; }

    /// <summary>The variables (a dictionary or an object).</summary>
    public object? ContextData { get; set; }

    /// <summary>The template that renders.</summary>
    public Template ResolveTemplate()
    {
        var engine = Engine.Current;
        return TemplateNames.Length == 1 ? engine.GetTemplate(TemplateNames[0]) : engine.SelectTemplate(TemplateNames);
    }

    /// <inheritdoc/>
    protected override string RenderContent() => ResolveTemplate().Render(ContextData, Request);

    /// <inheritdoc/>
    protected override ValueTask<string> RenderContentAsync() => ResolveTemplate().RenderAsync(ContextData, Request, Request.Aborted);

    /// <summary>Renders into the render buffer and encodes it, no string made of the page; a subclass that renders its own way is called.</summary>
    private protected override byte[] RenderBytes()
    {
        if (!RendersAsTemplateResponse) return base.RenderBytes();
        return RenderBuffer.Finish(ResolveTemplate().RenderToBuffer(ContextData, Request), GetEncoding());
    }

    /// <inheritdoc cref="RenderBytes"/>
    private protected override async ValueTask<byte[]> RenderBytesAsync()
    {
        if (!RendersAsTemplateResponse) return await base.RenderBytesAsync().ConfigureAwait(false);
        return RenderBuffer.Finish(await ResolveTemplate().RenderToBufferAsync(ContextData, Request, Request.Aborted).ConfigureAwait(false), GetEncoding());
    }

    // whether the response's type renders as TemplateResponse does (a subclass may override either form), found once per type
    private bool RendersAsTemplateResponse => GetType() == typeof(TemplateResponse) || TemplateWays.GetOrAdd(GetType(), static type =>
        DeclaringType(type, nameof(RenderContent)) == typeof(TemplateResponse) && DeclaringType(type, nameof(RenderContentAsync)) == typeof(TemplateResponse));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, bool> TemplateWays = new();
}
