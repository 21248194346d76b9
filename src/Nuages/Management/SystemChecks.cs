using System.Text;
using Nuages.Urls;

namespace Nuages.Management;

/// <summary>A problem found by <c>check</c>, with Django's check id where one exists.</summary>
internal sealed record CheckMessage(string Id, string Message, string? Hint, bool IsError)
{
    public override string ToString() => $"?: ({Id}) {Message}" + (Hint is null ? "" : $"\n\tHINT: {Hint}");
}

/// <summary>Django's system checks that apply to a Nuages site: settings and URL patterns.</summary>
internal static class SystemChecks
{
    public static List<CheckMessage> Run(NuagesApp app, bool deploy)
    {
        var problems = new List<CheckMessage>();
        var settings = app.Settings;
        foreach (var (route, name, _, _) in app.Handler.Resolver.Describe())
        {
            if (route.StartsWith('/'))
                problems.Add(new("urls.W002", $"Your URL pattern '{route}' has a route beginning with a '/'. Remove this slash as it is unnecessary.", null, false));
            if (name is not null && name.Split(':')[^1].Contains(':'))
                problems.Add(new("urls.W003", $"Your URL pattern '{route}' [name='{name}'] has a name including a ':'. Remove the colon, to avoid ambiguous namespace references.", null, false));
        }
        CheckNamespaces(app.Handler.Resolver.Patterns, "", problems);
        if (deploy)
        {
            if (Async.AsyncSafety.UnsafeAllowed) // spec S-42
                problems.Add(new("async.E001",
                    $"You should not set the {Async.AsyncSafety.AllowUnsafeVariable} environment variable in deployment. This disables async safety protection.", null, true));
            if (settings.Debug)
                problems.Add(new("security.W018", "You should not have Debug set to true in deployment.", null, false));
            if (settings.AllowedHosts.Count == 0)
                problems.Add(new("security.W020", "AllowedHosts must not be empty in deployment.", null, false));
            if (settings.SecretKey.Length < 50 || settings.SecretKey.Distinct().Count() < 5)
                problems.Add(new("security.W009",
                    "Your SecretKey has less than 50 characters or less than 5 unique characters.",
                    "Generate a long and random value for SecretKey, otherwise many of Nuages' security-critical features will be vulnerable to attack.", false));
        }
        return problems;
    }

    private static void CheckNamespaces(IReadOnlyList<UrlPattern> patterns, string prefix, List<CheckMessage> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            if (pattern.Include is not { } include) continue;
            if (include.Namespace is { } ns && !seen.Add(ns))
                problems.Add(new("urls.W005", $"URL namespace '{prefix}{ns}' isn't unique. You may not be able to reverse all URLs in this namespace", null, false));
            CheckNamespaces(include.Patterns, include.Namespace is null ? prefix : $"{prefix}{include.Namespace}:", problems);
        }
    }

    public static string Format(List<CheckMessage> problems)
    {
        if (problems.Count == 0) return "System check identified no issues (0 silenced).\n";
        var sb = new StringBuilder();
        var errors = problems.Where(p => p.IsError).ToList();
        var warnings = problems.Where(p => !p.IsError).ToList();
        sb.Append(errors.Count > 0 ? "SystemCheckError: System check identified some issues:\n" : "System check identified some issues:\n");
        if (errors.Count > 0) sb.Append("\nERRORS:\n").AppendJoin("\n", errors).Append('\n');
        if (warnings.Count > 0) sb.Append("\nWARNINGS:\n").AppendJoin("\n", warnings).Append('\n');
        sb.Append($"\nSystem check identified {problems.Count} issue{(problems.Count == 1 ? "" : "s")} (0 silenced).\n");
        return sb.ToString();
    }
}
