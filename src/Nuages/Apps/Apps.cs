using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Apps;

/// <summary>The installed apps of a site (Django's <c>apps</c> registry), made from <c>Settings.InstalledApps</c> when the site is created.</summary>
public sealed class AppRegistry
{
    private readonly AppConfig[] _apps;

    internal AppRegistry(Settings settings)
    {
        var apps = new List<AppConfig>();
        foreach (var name in settings.InstalledApps)
        {
            var type = Resolve(name);
            apps.Add((AppConfig)Activator.CreateInstance(type)!);
        }
        var duplicates = apps.GroupBy(a => a.Label).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new ImproperlyConfigured($"Application labels aren't unique, duplicates: {string.Join(", ", duplicates)}");
        _apps = [.. apps];
    }

    /// <summary>The apps, in <c>InstalledApps</c> order.</summary>
    public IReadOnlyList<AppConfig> All => _apps;

    /// <summary>The app with <paramref name="label"/>; throws naming the installed labels when there is none (Django's <c>get_app_config</c>).</summary>
    public AppConfig Get(string label) => _apps.FirstOrDefault(a => a.Label == label)
        ?? throw new LookupError($"No installed app with label '{label}'. Installed: {(_apps.Length == 0 ? "none" : string.Join(", ", _apps.Select(a => a.Label)))}.");

    /// <summary>Whether an app with <paramref name="label"/> is installed.</summary>
    public bool IsInstalled(string label) => _apps.Any(a => a.Label == label);

    /// <summary>The models of every installed app.</summary>
    public IEnumerable<Type> Models => _apps.SelectMany(a => a.Models);

    private static Type Resolve(string name)
    {
        var type = TypeNames.Resolve(name);
        if (type is null)
            throw new ImproperlyConfigured($"The installed app '{name}' was not found: give the full name (Namespace.Type) of an AppConfig class, or use s.InstalledApps.Add<TApp>().");
        if (!type.IsSubclassOf(typeof(AppConfig)) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            throw new ImproperlyConfigured($"The installed app '{name}' is not an AppConfig: derive a class with a public parameterless constructor from Nuages.Apps.AppConfig.");
        return type;
    }
}

/// <summary>No installed app has the label asked for (Django's <c>LookupError</c>).</summary>
public sealed class LookupError(string message) : Exception(message);
