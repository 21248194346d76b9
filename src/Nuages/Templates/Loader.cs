using Nuages.Http;

namespace Nuages.Templates;

/// <summary>
/// Django's <c>django.template.loader</c>: the current site's templates by name. <c>GetTemplate("page.html#card")</c>
/// gives the partial <c>card</c> of <c>page.html</c> (Django 6.0's partials).
/// </summary>
public static class Loader
{
    /// <summary>Django's <c>get_template</c>.</summary>
    public static Template GetTemplate(string name) => Engine.Current.GetTemplate(name);

    /// <summary>Django's <c>select_template</c>: the first of <paramref name="names"/> that exists.</summary>
    public static Template SelectTemplate(params string[] names) => Engine.Current.SelectTemplate(names);

    /// <summary>Django's <c>render_to_string</c>, rendering in sync code.</summary>
    public static string RenderToString(string name, object? context = null, HttpRequest? request = null) =>
        Engine.Current.RenderToString(name, context, request);

    /// <summary><c>render_to_string</c> for async code (see <see cref="Template.RenderAsync"/>).</summary>
    public static ValueTask<string> RenderToStringAsync(string name, object? context = null, HttpRequest? request = null, CancellationToken cancellationToken = default) =>
        Engine.Current.RenderToStringAsync(name, context, request, cancellationToken);
}
