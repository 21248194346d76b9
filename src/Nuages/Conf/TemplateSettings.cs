namespace Nuages.Conf;

/// <summary>
/// The template engine's settings (Django's <c>TEMPLATES</c> entry for its template language: <c>DIRS</c>,
/// <c>APP_DIRS</c> and <c>OPTIONS</c>), as <c>s.Templates.Dirs.Add("templates")</c> or the <c>Templates</c> section of
/// appsettings.json.
/// </summary>
public sealed class TemplateSettings
{
    /// <summary>Directories searched first, in order (<c>DIRS</c>); relative ones are under the content root.</summary>
    public List<string> Dirs { get; set; } = [];

    /// <summary>Whether each installed app's <c>templates/</c> directory is searched after them (<c>APP_DIRS</c>).</summary>
    public bool AppDirs { get; set; } = true;

    /// <summary>Whether variables are HTML-escaped (<c>OPTIONS["autoescape"]</c>).</summary>
    public bool Autoescape { get; set; } = true;

    /// <summary>What an invalid variable renders as; <c>%s</c> is replaced by its name (<c>OPTIONS["string_if_invalid"]</c>).</summary>
    public string StringIfInvalid { get; set; } = "";

    /// <summary>
    /// Context processors (<c>OPTIONS["context_processors"]</c>), run for templates rendered with a request: the
    /// built-ins by name — <c>debug</c>, <c>request</c>, <c>static</c>, <c>tz</c> (Django's
    /// <c>django.template.context_processors.*</c> names work too) — or a static method
    /// <c>Namespace.Type.Method</c> taking an <c>HttpRequest</c> and returning a dictionary. CSRF's is always on.
    /// </summary>
    public List<string> ContextProcessors { get; set; } = ["request"];

    /// <summary>Libraries available in every template without <c>{% load %}</c> (<c>OPTIONS["builtins"]</c>), by load name or type name.</summary>
    public List<string> Builtins { get; set; } = [];

    /// <summary>Extra libraries by load name → full type name (<c>OPTIONS["libraries"]</c>); the installed apps' libraries are found by themselves.</summary>
    public Dictionary<string, string> Libraries { get; set; } = [];

    /// <summary>Whether errors keep the template's position for the debug page (<c>OPTIONS["debug"]</c>); null follows <c>Debug</c>.</summary>
    public bool? Debug { get; set; }

    /// <summary>
    /// Whether compiled templates are kept (Django's cached loader); null keeps them when <c>Debug</c> is off. When they
    /// are kept in debug mode, a template whose file changed is read again.
    /// </summary>
    public bool? Cached { get; set; }
}
