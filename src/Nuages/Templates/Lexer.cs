using System.Text.RegularExpressions;

namespace Nuages.Templates;

/// <summary>The kinds of token (Django's <c>TokenType</c>).</summary>
public enum TokenType
{
    /// <summary>Text between tags.</summary>
    Text,

    /// <summary><c>{{ … }}</c>.</summary>
    Var,

    /// <summary><c>{% … %}</c>.</summary>
    Block,

    /// <summary><c>{# … #}</c>.</summary>
    Comment,
}

/// <summary>A token of a template: its kind, its contents (tag delimiters stripped) and where it is.</summary>
public sealed partial class Token(TokenType type, string contents, int line, int start, int end)
{
    /// <summary>The kind.</summary>
    public TokenType Type { get; } = type;

    /// <summary>The contents, without the delimiters and trimmed for tags.</summary>
    public string Contents { get; } = contents;

    /// <summary>The line it starts on (1-based).</summary>
    public int Line { get; } = line;

    /// <summary>Where it starts in the source.</summary>
    public int Start { get; } = start;

    /// <summary>Where it ends in the source.</summary>
    public int End { get; } = end;

    /// <summary>
    /// The contents split on spaces, keeping quoted strings whole (Django's <c>split_contents</c>, with
    /// <c>smart_split</c>): <c>url "a b" x</c> gives <c>url</c>, <c>"a b"</c>, <c>x</c>.
    /// </summary>
    public List<string> SplitContents()
    {
        var bits = new List<string>();
        var all = SmartSplit().Matches(Contents);
        for (var i = 0; i < all.Count; i++)
        {
            var bit = all[i].Value;
            if (bit.StartsWith("_(\"", StringComparison.Ordinal) || bit.StartsWith("_('", StringComparison.Ordinal))
            {
                var sentinel = bit[2] + ")";
                var parts = new List<string> { bit };
                while (!bit.EndsWith(sentinel, StringComparison.Ordinal) && i + 1 < all.Count)
                {
                    bit = all[++i].Value;
                    parts.Add(bit);
                }
                bit = string.Join(' ', parts);
            }
            bits.Add(bit);
        }
        return bits;
    }

    /// <summary>django/utils/text.py's <c>smart_split_re</c>.</summary>
    [GeneratedRegex("""((?:[^\s'"]*(?:(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')[^\s'"]*)+)|\S+)""")]
    private static partial Regex SmartSplit();

    /// <summary>As Django shows a token: <c>&lt;Block token: "if x..."&gt;</c>.</summary>
    public override string ToString() => $"<{Type} token: \"{(Contents.Length > 20 ? Contents[..20] : Contents).Replace("\n", "", StringComparison.Ordinal)}...\">";
}

/// <summary>Splits a template's source into tokens (Django's <c>Lexer</c>, with the positions of its <c>DebugLexer</c>).</summary>
internal static partial class Lexer
{
    [GeneratedRegex(@"(\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\})")]
    private static partial Regex TagPattern();

    public static List<Token> Tokenize(string source)
    {
        var tokens = new List<Token>();
        string? verbatim = null;
        var line = 1;
        var last = 0;
        foreach (Match match in TagPattern().Matches(source))
        {
            if (match.Index > last) Add(TokenType.Text, source[last..match.Index], last, match.Index);
            var text = match.Value;
            var start = text[..2];
            if (start == "{%")
            {
                var content = text[2..^2].Trim();
                if (verbatim is not null)
                {
                    if (content != verbatim) Add(TokenType.Text, text, match.Index, match.Index + match.Length);
                    else
                    {
                        verbatim = null;
                        Add(TokenType.Block, content, match.Index, match.Index + match.Length, text);
                    }
                }
                else
                {
                    if (content.StartsWith("verbatim", StringComparison.Ordinal) && (content.Length == 8 || content[8] == ' '))
                        verbatim = "end" + content;
                    Add(TokenType.Block, content, match.Index, match.Index + match.Length, text);
                }
            }
            else if (verbatim is not null) Add(TokenType.Text, text, match.Index, match.Index + match.Length);
            else Add(start == "{{" ? TokenType.Var : TokenType.Comment, text[2..^2].Trim(), match.Index, match.Index + match.Length, text);
            last = match.Index + match.Length;
        }
        if (last < source.Length) Add(TokenType.Text, source[last..], last, source.Length);
        return tokens;

        void Add(TokenType type, string contents, int from, int to, string? raw = null)
        {
            tokens.Add(new Token(type, contents, line, from, to));
            foreach (var c in raw ?? contents) if (c == '\n') line++;
        }
    }
}
