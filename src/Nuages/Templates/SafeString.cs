using System.Text;

namespace Nuages.Templates;

/// <summary>
/// A string marked safe for HTML (Django's <c>SafeString</c>, made by <c>mark_safe</c>): autoescaping leaves it as it is.
/// Mark only text you built from escaped parts or trust entirely.
/// </summary>
public sealed class SafeString(string value) : IEquatable<SafeString>
{
    /// <summary>The empty safe string.</summary>
    public static readonly SafeString Empty = new("");

    /// <summary>The text.</summary>
    public string Value { get; } = value ?? "";

    /// <summary>The text.</summary>
    public override string ToString() => Value;

    /// <inheritdoc/>
    public bool Equals(SafeString? other) => other is not null && other.Value == Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SafeString s ? s.Value == Value : obj is string t && t == Value;

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Django's <c>django.utils.html</c> escaping, and <c>mark_safe</c>.</summary>
public static class Html
{
    /// <summary>Django's <c>mark_safe</c>.</summary>
    public static SafeString MarkSafe(object? value) => value as SafeString ?? new SafeString(value as string ?? TemplateValues.ToText(value));

    /// <summary>Whether <paramref name="value"/> is marked safe.</summary>
    public static bool IsSafe(object? value) => value is SafeString;

    /// <summary>
    /// Django's <c>escape</c>: &amp;, &lt;, &gt;, " and ' as entities (<c>&amp;#x27;</c> for the quote, as Python's
    /// <c>html.escape</c>), even in text already marked safe; the result is safe.
    /// </summary>
    public static SafeString Escape(object? value) => new(EscapeText(value is string s ? s : TemplateValues.ToText(value)));

    /// <summary>Django's <c>conditional_escape</c>: escapes unless the value is marked safe.</summary>
    public static SafeString ConditionalEscape(object? value) => value as SafeString ?? Escape(value);

    /// <summary>The escaped text.</summary>
    public static string EscapeText(string text)
    {
        var i = text.AsSpan().IndexOfAny("&<>\"'");
        if (i < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        AppendEscaped(sb, text);
        return sb.ToString();
    }

    /// <summary>Appends <paramref name="text"/> escaped.</summary>
    public static void AppendEscaped(StringBuilder output, string text)
    {
        var span = text.AsSpan();
        while (true)
        {
            var i = span.IndexOfAny("&<>\"'");
            if (i < 0) { output.Append(span); return; }
            output.Append(span[..i]);
            output.Append(span[i] switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&quot;", _ => "&#x27;" });
            span = span[(i + 1)..];
        }
    }
}
