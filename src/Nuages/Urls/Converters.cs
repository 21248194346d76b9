using System.Collections.Concurrent;

namespace Nuages.Urls;

/// <summary>The converters usable in <c>Path</c> routes by name: the built-in ones and those registered by the site.</summary>
public static class Converters
{
    private static readonly ConcurrentDictionary<string, PathConverter> Registered = new(StringComparer.Ordinal)
    {
        ["int"] = new IntConverter(),
        ["str"] = new StringConverter(),
        ["slug"] = new SlugConverter(),
        ["uuid"] = new UuidConverter(),
        ["path"] = new PathSegmentsConverter(),
    };

    /// <summary>Makes <paramref name="converter"/> usable as <c>&lt;name:param&gt;</c>; register before building URL patterns.</summary>
    public static void Register(string name, PathConverter converter)
    {
        ArgumentNullException.ThrowIfNull(converter);
        if (!Registered.TryAdd(name, converter))
            throw new ArgumentException($"Converter '{name}' is already registered.", nameof(name));
    }

    internal static PathConverter? Get(string name) => Registered.GetValueOrDefault(name);

    internal static IEnumerable<string> Names => Registered.Keys.Order(StringComparer.Ordinal);
}
