namespace Nuages.Urls;

/// <summary>
/// The prefix <c>Reverse</c> puts before every URL: <c>/</c>, or the request's script name when the
/// site is mounted below one (as django/core/handlers/asgi.py). Set per request only when it differs from <c>/</c>, so the
/// common case costs nothing.
/// </summary>
public static class ScriptPrefix
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>The prefix in effect, ending with <c>/</c>.</summary>
    public static string Value => Current.Value ?? "/";

    internal static void Set(string? scriptName) =>
        Current.Value = string.IsNullOrEmpty(scriptName) ? null : scriptName.TrimEnd('/') + "/";
}
