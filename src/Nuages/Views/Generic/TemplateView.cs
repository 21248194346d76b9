using Nuages.Core;
using Nuages.Http;
using Nuages.Templates;

namespace Nuages.Views.Generic;

/// <summary>
/// Django's <c>TemplateView</c>: answers GET with <see cref="TemplateName"/> rendered (a <see cref="TemplateResponse"/>)
/// with <see cref="GetContextData"/> — the URL's named values and <c>view</c>. Route it with
/// <c>Path("about/", View.AsView&lt;AboutView&gt;())</c>, or without a class: <c>TemplateView.AsView("about.html")</c>.
/// </summary>
public class TemplateView : View
{
    /// <summary>The template (Django's <c>template_name</c>).</summary>
    public virtual string? TemplateName { get; set; }

    /// <summary>The content type of the response (Django's <c>content_type</c>); null for the site's default.</summary>
    public virtual string? ContentType { get; set; }

    /// <summary>A view class for <paramref name="templateName"/> alone (Django's <c>TemplateView.as_view(template_name=…)</c>).</summary>
    public static Delegate AsView(string templateName) => AsView<TemplateView>(v => v.TemplateName = templateName);

    /// <summary>The template names tried (Django's <c>get_template_names</c>).</summary>
    public virtual string[] GetTemplateNames() => TemplateName is { } name ? [name]
        : throw new ImproperlyConfigured("TemplateResponseMixin requires either a definition of 'template_name' or an implementation of 'get_template_names()'");

    /// <summary>The template's variables (Django's <c>get_context_data</c>): the URL's named values, <c>view</c>, and <paramref name="extra"/>.</summary>
    public virtual Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Kwargs) context[key] = value;
        context.TryAdd("view", this);
        if (extra is not null)
        {
            var c = new Context(extra);
            foreach (var (key, value) in c.Flatten()) context[key] = value;
        }
        return context;
    }

    /// <summary>Django's <c>render_to_response</c>.</summary>
    public virtual TemplateResponse RenderToResponse(object? context) => new(Request, GetTemplateNames(), context, ContentType);

    /// <summary>GET: the template with the context.</summary>
    public virtual HttpResponse Get(HttpRequest request) => RenderToResponse(GetContextData());
}
