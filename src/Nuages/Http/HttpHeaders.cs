using System.Text.RegularExpressions;

namespace Nuages.Http;

/// <summary>Django's <c>patch_cache_control</c> and <c>patch_vary_headers</c>.</summary>
internal static partial class HttpHeaders
{
    [GeneratedRegex(@"\s*,\s*")]
    private static partial Regex Delimiter();

    /// <summary>A directive value: true renders bare, anything else as <c>name=value</c>.</summary>
    public static void PatchCacheControl(HttpResponse response, IReadOnlyList<(string Name, object Value)> directives)
    {
        var order = new List<string>();
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var noCache = new List<object>();
        void Set(string name, object value)
        {
            if (name == "no-cache")
            {
                if (!noCache.Contains(value)) noCache.Add(value);
            }
            else values[name] = value;
            if (!order.Contains(name)) order.Add(name);
        }
        if (response["Cache-Control"] is { Length: > 0 } existing)
        {
            foreach (var field in Delimiter().Split(existing))
            {
                var eq = field.IndexOf('=');
                if (eq < 0) Set(field.ToLowerInvariant(), true);
                else Set(field[..eq].ToLowerInvariant(), field[(eq + 1)..]);
            }
        }
        var incoming = directives.Select(d => (Name: d.Name.Replace('_', '-').ToLowerInvariant(), d.Value)).ToList();
        // As django/views/decorators/cache.py does: both define max-age: the smaller wins.
        var maxAge = incoming.FindIndex(d => d.Name == "max-age");
        if (maxAge >= 0 && values.TryGetValue("max-age", out var current) && int.TryParse(current.ToString(), out var had)
            && incoming[maxAge].Value is int wanted)
            incoming[maxAge] = ("max-age", Math.Min(had, wanted));
        // As django/views/decorators/cache.py does: public and private exclude each other.
        if (incoming.Any(d => d.Name == "private") && values.Remove("public")) order.Remove("public");
        else if (incoming.Any(d => d.Name == "public") && values.Remove("private")) order.Remove("private");
        foreach (var (name, value) in incoming) Set(name, value);
        var items = new List<string>();
        foreach (var name in order)
        {
            if (name == "no-cache")
            {
                // As django/views/decorators/cache.py does: a bare no-cache covers every field.
                if (noCache.Contains(true)) items.Add("no-cache");
                else items.AddRange(noCache.Select(field => $"no-cache={field}"));
            }
            else if (values.TryGetValue(name, out var value)) items.Add(Render(name, value));
        }
        response["Cache-Control"] = string.Join(", ", items); // As django/views/decorators/cache.py does: nothing → empty header
    }

    private static string Render(string name, object value) => value switch
    {
        true => name,
        false => $"{name}=False",
        _ => $"{name}={Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}",
    };

    /// <summary>Adds header names to Vary, once each, case-insensitively; <c>*</c> wins (as django/views/decorators/vary.py).</summary>
    public static void PatchVary(HttpResponse response, IEnumerable<string> names)
    {
        var vary = response["Vary"] is { } existing ? Delimiter().Split(existing).ToList() : [];
        var present = vary.Select(v => v.ToLowerInvariant()).ToHashSet();
        vary.AddRange(names.Where(n => !present.Contains(n.ToLowerInvariant())));
        response["Vary"] = vary.Contains("*") ? "*" : string.Join(", ", vary);
    }
}
