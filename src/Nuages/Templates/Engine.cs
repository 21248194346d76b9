using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Nuages.Conf;
using Nuages.Http;

namespace Nuages.Templates;

/// <summary>
/// A site's template engine (Django's <c>Engine</c> for its template language), made from <c>Settings.Templates</c>
/// and the installed apps: it finds templates through its loaders, compiles each once, and keeps the libraries
/// <c>{% load %}</c> can name. <see cref="Current"/> is the current site's.
/// </summary>
public sealed class Engine
{
    private readonly ConcurrentDictionary<string, (Template? Template, TemplateDoesNotExist? Missing, DateTime Stamp)> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Library> _libraries = new(StringComparer.Ordinal);
    private readonly List<Func<HttpRequest, IEnumerable<KeyValuePair<string, object?>>>> _processors = [];

    /// <summary>An engine with <paramref name="options"/>, loading templates from <paramref name="loaders"/> (tests, tools).</summary>
    public Engine(TemplateSettings options, IEnumerable<TemplateLoader> loaders, bool debug = false, Settings? settings = null)
    {
        Options = options;
        Debug = options.Debug ?? debug;
        Cached = options.Cached ?? !debug;
        Loaders = [.. loaders];
        SiteSettings = settings ?? new Settings();
        _libraries["static"] = StaticTags.Library;
        _libraries["i18n"] = I18nTags.I18n;
        _libraries["l10n"] = I18nTags.L10n;
        _libraries["tz"] = I18nTags.Tz;
        _libraries["cache"] = CacheTags.Library;
        foreach (var (name, typeName) in options.Libraries) _libraries[name] = Library.FromType(LibraryType(typeName));
        var builtins = new List<Library> { DefaultTags.Library, DefaultFilters.Library };
        foreach (var name in options.Builtins)
            builtins.Add(_libraries.TryGetValue(name, out var library) ? library : Library.FromType(LibraryType(name)));
        BuiltinLibraries = builtins;
        foreach (var name in options.ContextProcessors) _processors.Add(ContextProcessors.Resolve(name));
    }

    private static Type LibraryType(string name) => TypeNames.Resolve(name)
        ?? throw new Core.ImproperlyConfigured($"The template library '{name}' cannot be found: give the full name of a class with [TemplateLibrary] (Namespace.Class).");

    /// <summary>The options it was made with.</summary>
    public TemplateSettings Options { get; }

    /// <summary>Whether errors carry the template position.</summary>
    public bool Debug { get; }

    /// <summary>Whether compiled templates are kept.</summary>
    public bool Cached { get; }

    /// <summary>What an invalid variable renders as.</summary>
    public string StringIfInvalid => Options.StringIfInvalid;

    /// <summary>Whether autoescaping starts on.</summary>
    public bool Autoescape => Options.Autoescape;

    /// <summary>The loaders, in the order they are asked.</summary>
    public IReadOnlyList<TemplateLoader> Loaders { get; }

    /// <summary>The libraries every template has.</summary>
    public IReadOnlyList<Library> BuiltinLibraries { get; }

    internal Settings SiteSettings { get; }

    /// <summary>The current site's engine.</summary>
    public static Engine Current => Site.Current.Feature<Engine>(static _ => throw new InvalidOperationException("No template engine: the site was not created by NuagesApp.Create."));

    /// <summary>Makes the engine of a site from its settings and installed apps (when the site is created, so that a wrong library name fails then).</summary>
    internal static void Install(Site site, Apps.AppRegistry apps) => site.Feature(_ => ForSite(site.Settings, apps));

    private static Engine ForSite(Settings settings, Apps.AppRegistry apps)
    {
        var options = settings.Templates;
        var loaders = new List<TemplateLoader>();
        if (options.Dirs.Count > 0) loaders.Add(new FileSystemLoader(options.Dirs.Select(d => Path.IsPathRooted(d) ? d : Path.Combine(AppContext.BaseDirectory, d))));
        if (options.AppDirs) loaders.Add(new FileSystemLoader(apps.All.Select(a => a.TemplatesDirectory), "app_directories"));
        var engine = new Engine(options, loaders, settings.Debug, settings);
        foreach (var app in apps.All)
            foreach (var type in app.GetType().Assembly.GetTypes())
                if (type.GetCustomAttribute<TemplateLibraryAttribute>() is { } library && (type.Namespace ?? "").StartsWith(app.Name, StringComparison.Ordinal))
                    engine.AddLibrary(library.Name ?? Library.Snake(type.Name), Library.FromType(type));
        return engine;
    }

    /// <summary>Makes a library loadable as <c>{% load name %}</c>.</summary>
    public void AddLibrary(string name, Library library) => _libraries[name] = library;

    /// <summary>The library loaded as <paramref name="name"/>.</summary>
    internal bool TryGetLibrary(string name, out Library library) => _libraries.TryGetValue(name, out library!);

    internal IEnumerable<string> LibraryNames => _libraries.Keys.Order(StringComparer.Ordinal);

    /// <summary>Compiles a template from source (Django's <c>Engine.from_string</c>).</summary>
    public Template FromString(string source, string? name = null) => new(source, this, name, null);

    /// <summary>The template named <paramref name="name"/> (Django's <c>get_template</c>); throws <see cref="TemplateDoesNotExist"/> listing where it looked.</summary>
    public Template GetTemplate(string name)
    {
        var hash = name.LastIndexOf('#');
        if (hash <= 0) return Find(name, skip: null);
        // Django 6.0's "page.html#partial": the partial of a template, rendered alone
        var template = Find(name[..hash], skip: null);
        return template.Partials.TryGetValue(name[(hash + 1)..], out var nodes) ? new Template(template, name, nodes) : throw new TemplateDoesNotExist(name);
    }

    /// <summary>The first of <paramref name="names"/> that exists (Django's <c>select_template</c>).</summary>
    public Template SelectTemplate(params string[] names)
    {
        if (names.Length == 0) throw new TemplateDoesNotExist("No template names provided");
        var tried = new List<(string, string, string)>();
        foreach (var name in names)
        {
            try { return GetTemplate(name); }
            catch (TemplateDoesNotExist missing) { tried.AddRange(missing.Tried); }
        }
        throw new TemplateDoesNotExist(string.Join(", ", names), tried);
    }

    /// <summary>Renders the template <paramref name="name"/> (Django's <c>render_to_string</c>), with the request's context processors when a request is given.</summary>
    public string RenderToString(string name, object? context = null, HttpRequest? request = null) => GetTemplate(name).Render(context, request);

    /// <summary>The async form: awaits the values the context holds (see <see cref="Template.RenderAsync"/>).</summary>
    public ValueTask<string> RenderToStringAsync(string name, object? context = null, HttpRequest? request = null, CancellationToken cancellationToken = default) =>
        GetTemplate(name).RenderAsync(context, request, cancellationToken);

    /// <summary>Finds a template, skipping the origins in <paramref name="skip"/> (an <c>extends</c> of a template of the same name).</summary>
    internal Template Find(string name, IReadOnlyCollection<string>? skip)
    {
        // an extends of a template of the same name skips origins: its answer is kept under the name and what it skipped
        var key = skip is null || skip.Count == 0 ? name : name + "\0" + string.Join('\0', skip);
        var cacheable = Cached;
        if (cacheable && _cache.TryGetValue(key, out var hit) && Fresh(hit.Template, hit.Stamp))
            return hit.Template ?? throw new TemplateDoesNotExist(name, hit.Missing!.Tried);
        var tried = new List<(string, string, string)>();
        foreach (var loader in Loaders)
        {
            foreach (var origin in loader.Sources(name))
            {
                if (skip is not null && skip.Contains(origin.Path))
                {
                    tried.Add((origin.Path, loader.Name, "Skipped to avoid recursion"));
                    continue;
                }
                var source = loader.Read(origin);
                if (source is null)
                {
                    tried.Add((origin.Path, loader.Name, "Source does not exist"));
                    continue;
                }
                var template = new Template(source.Value.Text, this, name, origin);
                if (cacheable) _cache[key] = (template, null, source.Value.Stamp);
                return template;
            }
        }
        var missing = new TemplateDoesNotExist(name, tried);
        if (cacheable && !Debug) _cache[key] = (null, missing, default);
        throw missing;
    }

    private bool Fresh(Template? template, DateTime stamp) =>
        !Debug || template?.Origin is not { } origin || origin.Loader.Stamp(origin) == stamp;

    /// <summary>The context processors' variables for <paramref name="request"/>, CSRF's first (Django's <c>RequestContext</c>).</summary>
    internal void RunProcessors(HttpRequest request, Context context)
    {
        context.Update(ContextProcessors.Csrf(request));
        foreach (var processor in _processors) context.Update(processor(request));
    }
}

/// <summary>Where a template was found: the loader and the path (or name) it gave.</summary>
public sealed record TemplateOrigin(string Path, string TemplateName, TemplateLoader Loader);

/// <summary>Finds template sources by name (Django's template loaders).</summary>
public abstract class TemplateLoader
{
    /// <summary>The loader's name, for <see cref="TemplateDoesNotExist.Tried"/>.</summary>
    public abstract string Name { get; }

    /// <summary>The places a template of this name could be, in order.</summary>
    public abstract IEnumerable<TemplateOrigin> Sources(string templateName);

    /// <summary>The source at <paramref name="origin"/> and a stamp that changes with it, or null when it does not exist.</summary>
    public abstract (string Text, DateTime Stamp)? Read(TemplateOrigin origin);

    /// <summary>The stamp of the source now (its file's write time), to tell a changed template.</summary>
    public virtual DateTime Stamp(TemplateOrigin origin) => default;
}

/// <summary>
/// Templates in directories (Django's <c>filesystem.Loader</c>, and its <c>app_directories.Loader</c> over the
/// installed apps' <c>templates/</c>): a name that would leave a directory (<c>../secret</c>) is not looked up there.
/// </summary>
public sealed class FileSystemLoader(IEnumerable<string> directories, string name = "filesystem") : TemplateLoader
{
    private readonly string[] _directories = [.. directories.Select(Path.GetFullPath)];

    /// <inheritdoc/>
    public override string Name { get; } = name;

    /// <inheritdoc/>
    public override IEnumerable<TemplateOrigin> Sources(string templateName)
    {
        foreach (var directory in _directories)
        {
            string path;
            try { path = Path.GetFullPath(Path.Combine(directory, templateName)); }
            catch (ArgumentException) { continue; }
            var root = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
            if (!path.StartsWith(root, StringComparison.Ordinal)) continue; // Django's safe_join refuses it
            yield return new TemplateOrigin(path, templateName, this);
        }
    }

    /// <inheritdoc/>
    public override (string Text, DateTime Stamp)? Read(TemplateOrigin origin)
    {
        try { return (File.ReadAllText(origin.Path, Encoding.UTF8), File.GetLastWriteTimeUtc(origin.Path)); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <inheritdoc/>
    public override DateTime Stamp(TemplateOrigin origin) => File.GetLastWriteTimeUtc(origin.Path);
}

/// <summary>Templates held in a dictionary (Django's <c>locmem.Loader</c>), for tests.</summary>
public sealed class LocMemLoader(IDictionary<string, string> templates) : TemplateLoader
{
    /// <inheritdoc/>
    public override string Name => "locmem";

    /// <inheritdoc/>
    public override IEnumerable<TemplateOrigin> Sources(string templateName) => [new TemplateOrigin(templateName, templateName, this)];

    /// <inheritdoc/>
    public override (string Text, DateTime Stamp)? Read(TemplateOrigin origin) =>
        templates.TryGetValue(origin.Path, out var text) ? (text, default) : null;
}

/// <summary>A compiled template (Django's <c>Template</c>): render it with a dictionary or an object, and a request for the context processors.</summary>
public sealed class Template
{
    internal Template(string source, Engine engine, string? name, TemplateOrigin? origin)
    {
        Source = source;
        Engine = engine;
        Name = name;
        Origin = origin;
        try
        {
            var parser = new Parser(Lexer.Tokenize(source), engine, name);
            Nodes = parser.Parse();
            Partials = parser.ExtraData.GetValueOrDefault("partials") as Dictionary<string, NodeList> ?? [];
        }
        catch (TemplateSyntaxError error)
        {
            error.TemplateName ??= name;
            error.TemplateSource ??= source;
            throw;
        }
    }

    /// <summary>A partial of <paramref name="template"/>, as a template of its own.</summary>
    internal Template(Template template, string name, NodeList nodes)
    {
        Source = template.Source;
        Engine = template.Engine;
        Name = name;
        Origin = template.Origin;
        Nodes = nodes;
        Partials = template.Partials;
    }

    /// <summary>The partials the template defines (<c>{% partialdef %}</c>), by name.</summary>
    public IReadOnlyDictionary<string, NodeList> Partials { get; } = new Dictionary<string, NodeList>();

    /// <summary>A template compiled from <paramref name="source"/> with the current site's engine.</summary>
    public Template(string source) : this(source, Engine.Current, null, null)
    {
    }

    /// <summary>The source.</summary>
    public string Source { get; }

    /// <summary>The engine.</summary>
    public Engine Engine { get; }

    /// <summary>The name it was loaded by.</summary>
    public string? Name { get; }

    /// <summary>Where it was found.</summary>
    public TemplateOrigin? Origin { get; }

    /// <summary>The compiled nodes.</summary>
    public NodeList Nodes { get; }

    private int _sizeHint = 256;

    /// <summary>
    /// Renders in sync code (Django's <c>render</c>): a QuerySet in the context is read synchronously, as in Django,
    /// so in async code use <see cref="RenderAsync"/>.
    /// </summary>
    public string Render(object? context = null, HttpRequest? request = null) => RenderBuffer.Finish(RenderToBuffer(context, request));

    /// <summary>
    /// Renders in async code, beyond Django: values that are <c>Task</c>s or <c>ValueTask</c>s are awaited, async
    /// sequences (a <c>QuerySet</c>, a related manager's <c>All()</c>) are read with <c>await foreach</c>, a method's
    /// <c>…Async</c> twin is called, and a <c>ForeignKey</c> loads its row asynchronously.
    /// </summary>
    public async ValueTask<string> RenderAsync(object? context = null, HttpRequest? request = null, CancellationToken cancellationToken = default) =>
        RenderBuffer.Finish(await RenderToBufferAsync(context, request, cancellationToken).ConfigureAwait(false));

    /// <summary>Renders (sync) into the thread's render buffer, which the caller finishes with <see cref="RenderBuffer.Finish(StringBuilder)"/> or its encoding twin.</summary>
    internal StringBuilder RenderToBuffer(object? context, HttpRequest? request)
    {
        var timing = Diagnostics.SpanTiming.Template(Name);
        try
        {
            var c = Prepare(context, request, isAsync: false, default);
            var output = RenderBuffer.Take(_sizeHint);
            var rendering = RenderInto(c, output);
            if (!rendering.IsCompletedSuccessfully) rendering.AsTask().GetAwaiter().GetResult();
            if (output.Length + 64 > _sizeHint) _sizeHint = output.Length + 64;
            return output;
        }
        finally
        {
            timing.StopTemplate(Name);
        }
    }

    /// <summary>Renders (async) into a render buffer, which the caller finishes with <see cref="RenderBuffer.Finish(StringBuilder)"/> or its encoding twin.</summary>
    internal async ValueTask<StringBuilder> RenderToBufferAsync(object? context, HttpRequest? request, CancellationToken cancellationToken)
    {
        var timing = Diagnostics.SpanTiming.Template(Name);
        try
        {
            var c = Prepare(context, request, isAsync: true, cancellationToken);
            var output = RenderBuffer.Take(_sizeHint);
            await RenderInto(c, output).ConfigureAwait(false);
            if (output.Length + 64 > _sizeHint) _sizeHint = output.Length + 64;
            return output;
        }
        finally
        {
            timing.StopTemplate(Name);
        }
    }

    private Context Prepare(object? values, HttpRequest? request, bool isAsync, CancellationToken cancellationToken)
    {
        var context = values as Context ?? new Context { Autoescape = Engine.Autoescape };
        context.IsAsync = isAsync;
        context.CancellationToken = cancellationToken;
        if (request is not null && context.Request is null)
        {
            context.Request = request;
            Engine.RunProcessors(request, context);
        }
        if (values is not Context)
        {
            context.Push();
            context.Update(values);
        }
        return context;
    }

    /// <summary>Renders into <paramref name="output"/> with a context already made (what <c>include</c> does).</summary>
    public ValueTask RenderInto(Context context, StringBuilder output)
    {
        var outer = context.Template;
        context.Template = this;
        ValueTask rendering;
        try
        {
            rendering = Nodes.RenderAsync(context, output);
        }
        catch
        {
            context.Template = outer;
            throw;
        }
        if (rendering.IsCompletedSuccessfully)
        {
            context.Template = outer;
            return default;
        }
        return Finish(rendering, context, outer);
    }

    private static async ValueTask Finish(ValueTask rendering, Context context, Template? outer)
    {
        try
        {
            await rendering.ConfigureAwait(false);
        }
        finally
        {
            context.Template = outer;
        }
    }
}
