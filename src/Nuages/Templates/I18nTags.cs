using System.Text;

namespace Nuages.Templates;

/// <summary>
/// The <c>i18n</c>, <c>l10n</c> and <c>tz</c> libraries as Django has them with translation off (<c>USE_I18N = False</c>):
/// <c>{% translate %}</c> and <c>{% blocktranslate %}</c> give their text (with the plural chosen by the count, as
/// English's plural rule), so templates written for translated sites render here. Nuages has no catalogs yet.
/// </summary>
internal static class I18nTags
{
    private static readonly (string Code, string Name, string Local, bool Bidi)[] Languages =
    [
        ("en", "English", "English", false), ("en-us", "English", "English", false), ("en-gb", "British English", "British English", false),
        ("fr", "French", "français", false), ("de", "German", "Deutsch", false), ("es", "Spanish", "español", false),
        ("it", "Italian", "italiano", false), ("nl", "Dutch", "Nederlands", false), ("pt", "Portuguese", "Português", false),
        ("pt-br", "Brazilian Portuguese", "Português Brasileiro", false), ("ru", "Russian", "Русский", false), ("ja", "Japanese", "日本語", false),
        ("zh-hans", "Simplified Chinese", "简体中文", false), ("ar", "Arabic", "العربيّة", true), ("he", "Hebrew", "עברית", true),
    ];

    public static readonly Library I18n = new Library()
        .Tag("translate", ParseTranslate).Tag("trans", ParseTranslate)
        .Tag("blocktranslate", ParseBlockTranslate).Tag("blocktrans", ParseBlockTranslate)
        .Tag("get_current_language", (p, t) => AsVariable(p, t, c => c.Template?.Engine.SiteSettings.LanguageCode ?? "en-us"))
        .Tag("get_current_language_bidi", (p, t) => AsVariable(p, t, _ => TemplateValues.Box(false)))
        .Tag("get_available_languages", (p, t) => AsVariable(p, t, _ => Languages.Select(l => (object?)new List<object?> { l.Code, l.Name }).ToList()))
        .Tag("get_language_info", ParseLanguageInfo)
        .Tag("language", ParseLanguage)
        .Filter("language_name", (v, _, _) => Info(DefaultFilters.Str(v))?.Name ?? "")
        .Filter("language_name_local", (v, _, _) => Info(DefaultFilters.Str(v))?.Local ?? "")
        .Filter("language_name_translated", (v, _, _) => Info(DefaultFilters.Str(v))?.Name ?? "")
        .Filter("language_bidi", (v, _, _) => TemplateValues.Box(Info(DefaultFilters.Str(v))?.Bidi ?? false));

    public static readonly Library L10n = new Library()
        .Tag("localize", (parser, token) =>
        {
            var bits = token.Contents.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (bits.Length > 2 || bits.Length == 2 && bits[1] is not ("on" or "off"))
                throw new TemplateSyntaxError($"{bits[0]} argument should be 'on' or 'off'");
            return Block(parser, "endlocalize");
        })
        .Filter("localize", (v, _, _) => Node.Localize(v), isSafe: false)
        .Filter("unlocalize", (v, _, _) => TemplateValues.ToText(v), isSafe: false);

    public static readonly Library Tz = new Library()
        .Tag("get_current_timezone", (p, t) => AsVariable(p, t, c => c.Template?.Engine.SiteSettings.TimeZone ?? "UTC"))
        .Tag("localtime", (parser, token) => Block(parser, "endlocaltime"))
        .Tag("timezone", (parser, token) =>
        {
            var bits = token.SplitContents();
            if (bits.Count != 2) throw new TemplateSyntaxError($"'{bits[0]}' takes one argument (timezone)");
            return Block(parser, "endtimezone");
        })
        .Filter("localtime", (v, _, _) => v)
        .Filter("utc", (v, _, _) => v is DateTimeOffset o ? o.ToUniversalTime() : v is DateTime { Kind: DateTimeKind.Local } d ? d.ToUniversalTime() : v)
        .Filter("timezone", (v, a, _) => ToZone(v, DefaultFilters.Str(a)), FilterArgument.Required);

    private static (string Code, string Name, string Local, bool Bidi)? Info(string code)
    {
        foreach (var language in Languages) if (string.Equals(language.Code, code, StringComparison.OrdinalIgnoreCase)) return language;
        return null;
    }

    private static object? ToZone(object? value, string zone)
    {
        TimeZoneInfo info;
        try { info = TimeZoneInfo.FindSystemTimeZoneById(zone); }
        catch (TimeZoneNotFoundException) { return ""; }
        return value switch
        {
            DateTimeOffset o => TimeZoneInfo.ConvertTime(o, info),
            DateTime { Kind: DateTimeKind.Unspecified } d => TimeZoneInfo.ConvertTime(new DateTimeOffset(d, TimeSpan.Zero), info),
            DateTime d => TimeZoneInfo.ConvertTime(new DateTimeOffset(d.ToUniversalTime(), TimeSpan.Zero), info),
            _ => "",
        };
    }

    private static ContentNode Block(Parser parser, string end)
    {
        var nodes = parser.Parse(end);
        parser.DeleteFirstToken();
        return new ContentNode(nodes);
    }

    private sealed class ContentNode(NodeList nodes) : Node
    {
        public override IEnumerable<NodeList> Children => [nodes];

        public override ValueTask RenderAsync(Context context, StringBuilder output) => nodes.RenderAsync(context, output);
    }

    private static SetNode AsVariable(Parser parser, Token token, Func<Context, object?> value)
    {
        var bits = token.Contents.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (bits.Length != 3 || bits[1] != "as")
            throw new TemplateSyntaxError($"'{bits[0]}' requires 'as variable' (got {TemplateValues.Repr(bits.ToList())})");
        return new SetNode(bits[2], value);
    }

    private sealed class SetNode(string name, Func<Context, object?> value) : Node
    {
        public override ValueTask RenderAsync(Context context, StringBuilder output)
        {
            context[name] = value(context);
            return default;
        }
    }

    private static Node ParseLanguageInfo(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count != 5 || bits[1] != "for" || bits[3] != "as")
            throw new TemplateSyntaxError($"'{bits[0]}' requires 'for string as variable' (got {TemplateValues.Repr(bits.Skip(1).ToList())})");
        var code = parser.CompileFilter(bits[2]);
        return new SetNode(bits[4], context =>
        {
            var text = TemplateValues.ToText(code.Resolve(context));
            var info = Info(text) ?? throw new KeyError($"Unknown language code {text}.");
            return new Dictionary<string, object?> { ["bidi"] = info.Bidi, ["code"] = info.Code, ["name"] = info.Name, ["name_local"] = info.Local, ["name_translated"] = info.Name };
        });
    }

    private static Node ParseLanguage(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count != 2) throw new TemplateSyntaxError($"'{bits[0]}' takes one argument (language)");
        return Block(parser, "endlanguage");
    }

    private static Node ParseTranslate(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count < 2) throw new TemplateSyntaxError($"'{bits[0]}' takes at least one argument");
        var message = parser.CompileFilter(bits[1]);
        var remaining = bits.Skip(2).ToList();
        var seen = new HashSet<string>();
        string? asVar = null;
        while (remaining.Count > 0)
        {
            var option = remaining[0];
            remaining.RemoveAt(0);
            if (!seen.Add(option)) throw new TemplateSyntaxError($"The '{option}' option was specified more than once.");
            switch (option)
            {
                case "noop":
                    break;
                case "context":
                    if (remaining.Count == 0) throw new TemplateSyntaxError($"No argument provided to the '{bits[0]}' tag for the context option.");
                    var value = remaining[0];
                    remaining.RemoveAt(0);
                    if (value is "as" or "noop") throw new TemplateSyntaxError($"Invalid argument '{value}' provided to the '{bits[0]}' tag for the context option");
                    parser.CompileFilter(value);
                    break;
                case "as":
                    if (remaining.Count == 0) throw new TemplateSyntaxError($"No argument provided to the '{bits[0]}' tag for the as option.");
                    asVar = remaining[0];
                    remaining.RemoveAt(0);
                    break;
                default:
                    throw new TemplateSyntaxError($"Unknown argument for '{bits[0]}' tag: '{option}'. The only options available are 'noop', 'context' \"xxx\", and 'as VAR'.");
            }
        }
        return new TranslateNode(message, asVar);
    }

    private sealed class TranslateNode(FilterExpression message, string? asVar) : Node
    {
        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            var rendered = new StringBuilder();
            AppendValue(rendered, await message.ResolveAsync(context).ConfigureAwait(false), context);
            if (asVar is not null) context[asVar] = new SafeString(rendered.ToString());
            else output.Append(rendered);
        }
    }

    private static Node ParseBlockTranslate(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        var tag = bits[0];
        var remaining = bits.Skip(1).ToList();
        var seen = new HashSet<string>();
        var with = new List<(string, FilterExpression)>();
        (string Name, FilterExpression Value)? count = null;
        string? asVar = null;
        var trimmed = false;
        while (remaining.Count > 0)
        {
            var option = remaining[0];
            remaining.RemoveAt(0);
            if (!seen.Add(option)) throw new TemplateSyntaxError($"The '{option}' option was specified more than once.");
            switch (option)
            {
                case "with":
                    with = DefaultTags.TokenKwargs(remaining, parser, legacy: true);
                    if (with.Count == 0) throw new TemplateSyntaxError($"\"with\" in '{tag}' tag needs at least one keyword argument.");
                    break;
                case "count":
                    var counted = DefaultTags.TokenKwargs(remaining, parser, legacy: true);
                    if (counted.Count != 1) throw new TemplateSyntaxError($"\"count\" in '{tag}' tag expected exactly one keyword argument.");
                    count = counted[0];
                    break;
                case "context":
                    if (remaining.Count == 0) throw new TemplateSyntaxError($"\"context\" in '{tag}' tag expected exactly one argument.");
                    parser.CompileFilter(remaining[0]);
                    remaining.RemoveAt(0);
                    break;
                case "trimmed":
                    trimmed = true;
                    break;
                case "asvar":
                    if (remaining.Count == 0) throw new TemplateSyntaxError($"No argument provided to the '{tag}' tag for the asvar option.");
                    asVar = remaining[0];
                    remaining.RemoveAt(0);
                    break;
                default:
                    throw new TemplateSyntaxError($"Unknown argument for '{tag}' tag: '{option}'.");
            }
        }
        var singular = new List<Token>();
        var plural = new List<Token>();
        var end = "end" + tag;
        Token next;
        while (true)
        {
            next = parser.NextToken();
            if (next.Type is TokenType.Var or TokenType.Text) singular.Add(next);
            else break;
        }
        if (count is not null && next.Contents.Trim() == "plural")
        {
            while (true)
            {
                next = parser.NextToken();
                if (next.Type is TokenType.Var or TokenType.Text) plural.Add(next);
                else break;
            }
        }
        else if (next.Contents.Trim() == "plural")
            throw new TemplateSyntaxError($"'{tag}' doesn't allow other block tags inside it");
        if (next.Contents != end)
            throw new TemplateSyntaxError($"'{tag}' doesn't allow other block tags (seen '{next.Contents}') inside it");
        foreach (var part in singular.Concat(plural))
            if (part.Type == TokenType.Var && part.Contents.Contains('|', StringComparison.Ordinal))
                throw new TemplateSyntaxError($"'{tag}' doesn't allow filters inside it ('{part.Contents}')");
        return new BlockTranslateNode(tag, with, count, singular, count is null ? null : plural, trimmed, asVar);
    }

    private sealed class BlockTranslateNode(string tag, List<(string Name, FilterExpression Value)> with, (string Name, FilterExpression Value)? count,
        List<Token> singular, List<Token>? plural, bool trimmed, string? asVar) : Node
    {
        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            var values = new List<(string, object?)>();
            foreach (var (name, value) in with) values.Add((name, await value.ResolveAsync(context).ConfigureAwait(false)));
            var text = new StringBuilder();
            using (context.Push())
            {
                foreach (var (name, value) in values) context[name] = value;
                var tokens = singular;
                if (count is { } c && plural is not null)
                {
                    var n = await c.Value.ResolveAsync(context).ConfigureAwait(false);
                    if (!TemplateValues.IsNumber(n))
                        throw new TemplateSyntaxError($"'{c.Name}' argument to '{tag}' tag must be a number.");
                    context[c.Name] = n;
                    if (!TemplateValues.Equals(n, 1)) tokens = plural;
                }
                var invalid = context.Template?.Engine.StringIfInvalid ?? "";
                var raw = new StringBuilder();
                foreach (var token in tokens)
                {
                    if (token.Type == TokenType.Text) raw.Append(token.Contents);
                    else raw.Append('\0').Append(token.Contents).Append('\0');
                }
                var message = raw.ToString();
                if (trimmed) message = TrimWhitespace(message);
                var parts = message.Split('\0');
                for (var i = 0; i < parts.Length; i++)
                {
                    if (i % 2 == 0) { text.Append(parts[i]); continue; }
                    var value = context.TryGetValue(parts[i], out var found) ? found
                        : invalid.Contains("%s", StringComparison.Ordinal) ? invalid.Replace("%s", parts[i], StringComparison.Ordinal) : invalid;
                    AppendValue(text, value is null ? null : await Accessors.SettleAsync(value, context, last: true).ConfigureAwait(false), context);
                }
            }
            if (asVar is not null) context[asVar] = text.ToString(); // a plain string, as Django stores it: escaped again where printed
            else output.Append(text);
        }

        /// <summary>django/utils/translation's <c>trim_whitespace</c>: each line stripped, lines joined by a space.</summary>
        private static string TrimWhitespace(string s) =>
            string.Join(' ', s.Trim().Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));
    }
}

/// <summary>Python's <c>KeyError</c>, where Django lets one through (an unknown language code).</summary>
public sealed class KeyError(string message) : Exception(message);
