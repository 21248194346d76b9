using System.Collections.Concurrent;
using System.Reflection;

namespace Nuages.Apps;

/// <summary>
/// An application of a site, Django's <c>AppConfig</c>: a class with a label, whose namespace holds its models, and a
/// directory for its templates and static files. List it in <c>Settings.InstalledApps</c>
/// (<c>s.InstalledApps.Add&lt;BlogConfig&gt;()</c>, or its full type name in appsettings.json). A model belongs to the
/// app whose namespace is the longest prefix of its own, as a Django model belongs to the app of its module: its label
/// is <c>blog.Post</c> and its table <c>blog_post</c>, Django's defaults.
/// </summary>
public abstract class AppConfig
{
    private static readonly ConcurrentDictionary<Type, AppConfig?> ByModel = new();
    private static readonly ConcurrentDictionary<Assembly, AppConfig[]> ByAssembly = new();
    private IReadOnlyList<Type>? _models;

    /// <summary>The app's label, unique in a site: by default the class name without a <c>Config</c> or <c>App</c> suffix, in snake_case (<c>BlogConfig</c> → <c>blog</c>).</summary>
    public virtual string Label
    {
        get
        {
            var name = GetType().Name;
            foreach (var suffix in new[] { "AppConfig", "Config", "App" })
                if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal)) { name = name[..^suffix.Length]; break; }
            return System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
        }
    }

    /// <summary>Django's <c>name</c>: the namespace the app's models live in; by default the class's own.</summary>
    public virtual string Name => GetType().Namespace ?? Label;

    /// <summary>A human name (Django's <c>verbose_name</c>): the label, capitalized, with spaces.</summary>
    public virtual string VerboseName => Label.Length == 0 ? "" : char.ToUpperInvariant(Label[0]) + Label[1..].Replace('_', ' ');

    /// <summary>
    /// The app's directory (Django's <c>AppConfig.path</c>), holding <c>templates/</c> and <c>static/</c>: by default
    /// <c>{label}/</c> beside the site's program (copy the folders to the output, or override this).
    /// </summary>
    public virtual string Path => System.IO.Path.Combine(AppContext.BaseDirectory, Label);

    /// <summary>Where the app's templates are looked for (<c>APP_DIRS</c>).</summary>
    public string TemplatesDirectory => System.IO.Path.Combine(Path, "templates");

    /// <summary>Where the app's static files are looked for.</summary>
    public string StaticDirectory => System.IO.Path.Combine(Path, "static");

    /// <summary>The namespace of the app's migrations.</summary>
    public virtual string MigrationsNamespace => Name + ".Migrations";

    /// <summary>The app's models: the <c>Model&lt;T&gt;</c> classes of its assembly in its namespace (or below) that belong to no narrower app.</summary>
    public virtual IReadOnlyList<Type> Models => _models ??= [.. GetType().Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && IsModel(t) && Of(t)?.GetType() == GetType())
        .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    /// <summary>Called once the site that installs the app is created (Django's <c>ready()</c>).</summary>
    public virtual void Ready()
    {
    }

    /// <summary>The app a model belongs to, or null (a model listed in <c>app.Models</c> of a one-file site).</summary>
    public static AppConfig? Of(Type model) => ByModel.GetOrAdd(model, static m =>
    {
        AppConfig? best = null;
        foreach (var app in Declared(m.Assembly))
        {
            var ns = app.Name;
            var inside = m.Namespace == ns || (m.Namespace?.StartsWith(ns + ".", StringComparison.Ordinal) ?? false);
            if (inside && (best is null || ns.Length > best.Name.Length)) best = app;
        }
        return best;
    });

    /// <summary>The AppConfig classes an assembly declares, made once each.</summary>
    private static AppConfig[] Declared(Assembly assembly) => ByAssembly.GetOrAdd(assembly, static a =>
        [.. a.GetTypes().Where(t => t.IsSubclassOf(typeof(AppConfig)) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (AppConfig)Activator.CreateInstance(t)!)]);

    private static bool IsModel(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Db.Models.Model<>)) return true;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => $"<AppConfig: {Label}>";
}

/// <summary>
/// An app that acts after <c>migrate</c> (Django's <c>post_migrate</c> signal): the auth app makes every model's
/// default permissions there. Called once per run of <c>migrate</c> (and <c>NuagesApp.MigrateAsync</c>), after the
/// migrations, with every installed app.
/// </summary>
public interface IPostMigrate
{
    /// <summary>Runs after the migrations of <paramref name="apps"/> on the database <paramref name="alias"/>.</summary>
    Task PostMigrateAsync(IReadOnlyList<AppConfig> apps, string alias, CancellationToken cancellationToken = default);
}

