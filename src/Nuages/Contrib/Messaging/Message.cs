using Nuages.Templates;

namespace Nuages.Contrib.Messaging;

/// <summary>Django's message levels (django/contrib/messages/constants.py).</summary>
public static class MessageLevels
{
    /// <summary>Development notes; below the default <c>MessageLevel</c>, so not stored unless it is lowered.</summary>
    public const int Debug = 10;

    /// <summary>Information.</summary>
    public const int Info = 20;

    /// <summary>An action succeeded.</summary>
    public const int Success = 25;

    /// <summary>Something to watch.</summary>
    public const int Warning = 30;

    /// <summary>An action failed.</summary>
    public const int Error = 40;

    /// <summary>Django's <c>DEFAULT_TAGS</c>: the CSS class of each level.</summary>
    public static readonly IReadOnlyDictionary<int, string> DefaultTags = new Dictionary<int, string>
    {
        [Debug] = "debug", [Info] = "info", [Success] = "success", [Warning] = "warning", [Error] = "error",
    };
}

/// <summary>
/// One message (Django's <c>Message</c>): a level, the text (shown as HTML when <see cref="IsSafe"/>), and extra tags.
/// In a template, <c>{{ message }}</c> is its text and <c>{{ message.tags }}</c> its CSS classes.
/// </summary>
public sealed class Message(int level, string text, string? extraTags = null, bool isSafe = false) : IStringValue
{
    /// <summary>The level (<see cref="MessageLevels"/>).</summary>
    public int Level { get; } = level;

    /// <summary>The text.</summary>
    public string Text { get; } = text;

    /// <summary>Whether the text is HTML to show as it is (Django's <c>mark_safe</c> message).</summary>
    public bool IsSafe { get; } = isSafe;

    /// <summary>Tags of the message's own; null when none were given (Django keeps "" and None apart).</summary>
    public string? ExtraTags { get; } = extraTags;

    /// <summary>The tag of the level: Django's default tags, with the <c>MessageTags</c> setting over them.</summary>
    public string LevelTag { get; internal set; } = MessageLevels.DefaultTags.GetValueOrDefault(level, "");

    /// <summary>The extra tags then the level's tag, space-separated (Django's <c>tags</c>).</summary>
    public string Tags => string.Join(' ', new[] { ExtraTags, LevelTag }.Where(t => !string.IsNullOrEmpty(t)));

    object IStringValue.Text => IsSafe ? new SafeString(Text) : Text;

    /// <summary>The text.</summary>
    public override string ToString() => Text;

    /// <summary>Equal when the level and the text are (Django's <c>__eq__</c>).</summary>
    public override bool Equals(object? obj) => obj is Message other && other.Level == Level && other.Text == Text;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Level, Text);
}
