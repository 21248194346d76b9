using System.Collections.Concurrent;

namespace Nuages.Conf;

/// <summary>
/// Lists of types in the settings (<c>Middleware</c>, <c>InstalledApps</c>) hold full type names, as configuration files
/// write them; code adds by type: <c>s.Middleware.Add&lt;CsrfViewMiddleware&gt;()</c>. A type added so is found again
/// by its name without searching the loaded assemblies.
/// </summary>
public static class TypeNames
{
    private static readonly ConcurrentDictionary<string, Type> Known = new(StringComparer.Ordinal);

    /// <summary>Adds <typeparamref name="T"/>'s full name to the list (<c>s.InstalledApps.Add&lt;BlogConfig&gt;()</c>).</summary>
    public static List<string> Add<T>(this List<string> names)
    {
        var type = typeof(T);
        Known[type.FullName!] = type;
        names.Add(type.FullName!);
        return names;
    }

    /// <summary>The type a setting names: one added by type, else an assembly-qualified name, else a search of the loaded assemblies.</summary>
    internal static Type? Resolve(string name)
    {
        if (Known.TryGetValue(name, out var known)) return known;
        if (Type.GetType(name, throwOnError: false) is { } type) return type;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            if (assembly.GetType(name, throwOnError: false) is { } found) return found;
        return null;
    }
}
