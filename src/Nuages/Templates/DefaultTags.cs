using System.Text;
using System.Text.RegularExpressions;
using Nuages.Http;

namespace Nuages.Templates;

/// <summary>Django's built-in tags (django/template/defaulttags.py and loader_tags.py), with Django's messages.</summary>
internal static partial class DefaultTags
{
    public static readonly Library Library = new Library()
        .Tag("autoescape", Autoescape).Tag("block", BlockNode.Parse).Tag("comment", Comment).Tag("csrf_token", (_, _) => new CsrfTokenNode())
        .Tag("cycle", CycleNode.Parse).Tag("debug", (_, _) => new DebugNode()).Tag("extends", ExtendsNode.Parse).Tag("filter", FilterNode.Parse)
        .Tag("firstof", FirstOfNode.Parse).Tag("for", ForNode.Parse).Tag("if", IfNode.Parse).Tag("ifchanged", IfChangedNode.Parse)
        .Tag("include", IncludeNode.Parse).Tag("load", Load).Tag("lorem", LoremNode.Parse).Tag("now", NowNode.Parse)
        .Tag("partialdef", PartialNodes.ParseDefinition).Tag("partial", PartialNodes.ParseUse).Tag("querystring", QueryStringNode.Parse)
        .Tag("regroup", RegroupNode.Parse).Tag("resetcycle", ResetCycleNode.Parse).Tag("spaceless", SpacelessNode.Parse)
        .Tag("templatetag", TemplateTagNode.Parse).Tag("url", UrlNode.Parse).Tag("verbatim", Verbatim).Tag("widthratio", WidthRatioNode.Parse)
        .Tag("with", WithNode.Parse);

    /// <summary>django/template/base.py's <c>kwarg_re</c>.</summary>
    [GeneratedRegex(@"^(?:(\w+)=)?(.+)$", RegexOptions.Singleline)]
    internal static partial Regex KwargPattern();

    /// <summary>
    /// django/template/base.py's <c>token_kwargs</c>: <c>name=value</c> bits (or, with <paramref name="legacy"/>,
    /// <c>value as name</c>) taken off the front of <paramref name="bits"/>, until one is not.
    /// </summary>
    internal static List<(string Name, FilterExpression Value)> TokenKwargs(List<string> bits, Parser parser, bool legacy)
    {
        var kwargs = new List<(string, FilterExpression)>();
        if (bits.Count == 0) return kwargs;
        var match = KwargPattern().Match(bits[0]);
        var kwargFormat = match.Success && match.Groups[1].Success;
        if (!kwargFormat)
        {
            if (!legacy || bits.Count < 3 || bits[1] != "as") return kwargs;
        }
        while (bits.Count > 0)
        {
            if (kwargFormat)
            {
                match = KwargPattern().Match(bits[0]);
                if (!match.Success || !match.Groups[1].Success) return kwargs;
                kwargs.Add((match.Groups[1].Value, parser.CompileFilter(match.Groups[2].Value)));
                bits.RemoveAt(0);
            }
            else
            {
                if (bits.Count < 3 || bits[1] != "as") return kwargs;
                kwargs.Add((bits[2], parser.CompileFilter(bits[0])));
                bits.RemoveRange(0, 3);
            }
            if (bits.Count > 0)
            {
                if (!kwargFormat)
                {
                    if (bits[0] != "and") return kwargs;
                    bits.RemoveAt(0);
                }
            }
        }
        return kwargs;
    }

    /// <summary>Django's <c>Context.set_upward</c>: sets where the name already is, else in the innermost layer.</summary>
    internal static void SetUpward(Context context, string name, object? value) => context.SetUpward(name, value);

    private static Node Autoescape(Parser parser, Token token)
    {
        var args = token.Contents.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (args.Length != 2) throw new TemplateSyntaxError("'autoescape' tag requires exactly one argument.");
        if (args[1] is not ("on" or "off")) throw new TemplateSyntaxError("'autoescape' argument should be 'on' or 'off'");
        var nodes = parser.Parse("endautoescape");
        parser.DeleteFirstToken();
        return new AutoescapeNode(args[1] == "on", nodes);
    }

    private sealed class AutoescapeNode(bool on, NodeList nodes) : Node
    {
        public override IEnumerable<NodeList> Children => [nodes];

        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            var old = context.Autoescape;
            context.Autoescape = on;
            try { await nodes.RenderAsync(context, output).ConfigureAwait(false); }
            finally { context.Autoescape = old; }
        }
    }

    private static Node Comment(Parser parser, Token token)
    {
        parser.SkipPast("endcomment");
        return new EmptyNode();
    }

    private sealed class EmptyNode : Node
    {
        public override ValueTask RenderAsync(Context context, StringBuilder output) => default;
    }

    private static Node Verbatim(Parser parser, Token token)
    {
        var nodes = parser.Parse("endverbatim");
        parser.DeleteFirstToken();
        var content = new StringBuilder();
        foreach (var node in nodes) content.Append(((TextNode)node).Text);
        return new TextNode(content.ToString());
    }

    private sealed class CsrfTokenNode : Node
    {
        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            context.TryGetValue("csrf_token", out var token);
            var value = token is null ? null : await Accessors.SettleAsync(token, context, last: false).ConfigureAwait(false);
            if (value is null || !TemplateValues.IsTrue(value)) return;
            var text = TemplateValues.ToText(value);
            if (text == "NOTPROVIDED") return;
            output.Append("<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"");
            Html.AppendEscaped(output, text);
            output.Append("\">");
        }
    }

    private sealed class DebugNode : Node
    {
        public override ValueTask RenderAsync(Context context, StringBuilder output)
        {
            if (context.Template?.Engine.SiteSettings.Debug != true) return default;
            Html.AppendEscaped(output, TemplateValues.ToText(context.Flatten()));
            return default;
        }
    }

    private static Node Load(Parser parser, Token token)
    {
        var bits = token.Contents.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (bits.Length >= 4 && bits[^2] == "from")
        {
            var name = bits[^1];
            var library = Find(name);
            var subset = new Library();
            foreach (var item in bits[1..^2])
            {
                if (library.Tags.TryGetValue(item, out var tag)) subset.Tag(item, tag);
                else if (library.Filters.TryGetValue(item, out var filter)) subset.Filter(filter);
                else throw new TemplateSyntaxError($"'{item}' is not a valid tag or filter in tag library '{name}'");
            }
            parser.AddLibrary(subset);
        }
        else foreach (var name in bits[1..]) parser.AddLibrary(Find(name));
        return new EmptyNode();

        Library Find(string name) => parser.Engine.TryGetLibrary(name, out var library) ? library
            : throw new TemplateSyntaxError($"'{name}' is not a registered tag library. Must be one of:\n{string.Join("\n", parser.Engine.LibraryNames)}");
    }
}
