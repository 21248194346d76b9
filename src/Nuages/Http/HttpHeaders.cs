using System.Text.RegularExpressions;

namespace Nuages.Http;

/// <summary>Django's header helpers of django/utils/cache.py: <c>patch_cache_control</c>, <c>patch_vary_headers</c>, <c>get_max_age</c>, <c>patch_response_headers</c>, <c>has_vary_header</c>.</summary>
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

    /// <summary>The names a response's Vary lists, as written (empty without one).</summary>
    public static string[] VaryNames(HttpResponse response) =>
        response["Vary"] is { } vary ? Delimiter().Split(vary) : [];

    /// <summary>Whether the response's Vary names <paramref name="header"/>, without case or surrounding spaces (Django's <c>has_vary_header</c>: <c>Vary: * </c> is the wildcard).</summary>
    public static bool HasVaryHeader(HttpResponse response, string header)
    {
        foreach (var name in VaryNames(response))
            if (name.Trim().Equals(header.Trim(), StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>The max-age of the response's Cache-Control, or null when it has none or it is not an integer (Django's <c>get_max_age</c>).</summary>
    public static int? GetMaxAge(HttpResponse response)
    {
        if (response["Cache-Control"] is not { } cacheControl) return null;
        int? maxAge = null;
        foreach (var field in Delimiter().Split(cacheControl))
        {
            var eq = field.IndexOf('=');
            if (eq < 0)
            {
                // a bare directive is True in Django's dictionary of them, and int(True) is 1
                if (field.Equals("max-age", StringComparison.OrdinalIgnoreCase)) maxAge = 1;
                continue;
            }
            if (!field[..eq].Equals("max-age", StringComparison.OrdinalIgnoreCase)) continue;
            // the last max-age wins, as Django's dict() of the directives keeps the last; Python's int() allows spaces around the digits
            maxAge = int.TryParse(field[(eq + 1)..].Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        }
        return maxAge;
    }

    /// <summary>Expires (unless set) and Cache-Control max-age for <paramref name="seconds"/>, at least 0 (Django's <c>patch_response_headers</c>).</summary>
    public static void PatchResponseHeaders(HttpResponse response, int seconds, DateTimeOffset now)
    {
        seconds = Math.Max(0, seconds);
        response.Headers.SetDefault("Expires", ResponseCookie.HttpDate(now.AddSeconds(seconds)));
        PatchCacheControl(response, [("max-age", seconds)]);
    }
}
