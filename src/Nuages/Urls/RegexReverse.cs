using System.Text;

namespace Nuages.Urls;

/// <summary>
/// Turns a simple regular-expression route (literals, escapes and groups) into a template that
/// <c>Reverse</c> can fill; anything more (a quantifier or class outside a group, an alternation)
/// cannot be reversed and yields null.
/// </summary>
internal static class RegexReverse
{
    public static List<ReversePart>? Parse(string pattern, string[] names)
    {
        var parts = new List<ReversePart>();
        var literal = new StringBuilder();
        var groupIndex = 0;
        var i = pattern.StartsWith('^') ? 1 : 0;
        var end = pattern.Length;
        if (pattern.EndsWith(@"\Z", StringComparison.Ordinal) || pattern.EndsWith(@"\z", StringComparison.Ordinal)) end -= 2;
        else if (pattern.EndsWith('$') && !pattern.EndsWith(@"\$", StringComparison.Ordinal)) end -= 1;
        while (i < end)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= end || char.IsLetterOrDigit(pattern[i + 1])) return null;
                literal.Append(pattern[i + 1]);
                i += 2;
            }
            else if (c == '(')
            {
                var close = FindClose(pattern, i);
                if (close < 0) return null;
                var group = pattern[(i + 1)..close];
                string inner;
                if (group.StartsWith("?P<", StringComparison.Ordinal) || group.StartsWith("?<", StringComparison.Ordinal))
                {
                    var gt = group.IndexOf('>');
                    inner = group[(gt + 1)..];
                }
                else if (group.StartsWith('?')) return null;
                else inner = group;
                if (groupIndex >= names.Length) return null;
                if (literal.Length > 0) parts.Add(ReversePart.Text(literal.ToString()));
                literal.Clear();
                var name = names[groupIndex];
                parts.Add(ReversePart.Parameter(name, groupIndex, inner, null));
                groupIndex++;
                i = close + 1;
                if (i < end && pattern[i] is '?' or '*' or '+' or '{') return null;
            }
            else if (".*+?[]{}|^$".Contains(c)) return null;
            else
            {
                literal.Append(c);
                i++;
            }
        }
        if (literal.Length > 0) parts.Add(ReversePart.Text(literal.ToString()));
        return groupIndex == names.Length ? parts : null;
    }

    private static int FindClose(string pattern, int open)
    {
        var depth = 0;
        var inClass = false;
        for (var i = open; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\') { i++; continue; }
            if (inClass) { if (c == ']') inClass = false; continue; }
            if (c == '[') inClass = true;
            else if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return -1;
    }
}
