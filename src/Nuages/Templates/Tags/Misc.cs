using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nuages.Http;

namespace Nuages.Templates;

internal sealed class FilterNode(FilterExpression filter, NodeList nodes) : Node
{
    public override IEnumerable<NodeList> Children => [nodes];

    public static Node Parse(Parser parser, Token token)
    {
        var rest = token.Contents.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        var expression = parser.CompileFilter("var|" + (rest.Length > 1 ? rest[1] : ""));
        foreach (var name in expression.FilterNames)
            if (name is "escape" or "safe")
                throw new TemplateSyntaxError($"\"filter {name}\" is not permitted.  Use the \"autoescape\" tag instead.");
        var nodes = parser.Parse("endfilter");
        parser.DeleteFirstToken();
        return new FilterNode(expression, nodes);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var content = await CaptureAsync(nodes, context).ConfigureAwait(false);
        using var scope = context.Push();
        context["var"] = new SafeString(content);
        // as defaulttags.FilterNode: the filtered value is written as it is, not escaped again
        output.Append(TemplateValues.ToText(await filter.ResolveAsync(context).ConfigureAwait(false)));
    }
}

internal sealed class FirstOfNode(FilterExpression[] values, string? asVar) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents().Skip(1).ToList();
        string? asVar = null;
        if (bits.Count < 1) throw new TemplateSyntaxError("'firstof' statement requires at least one argument");
        if (bits.Count >= 2 && bits[^2] == "as")
        {
            asVar = bits[^1];
            bits.RemoveRange(bits.Count - 2, 2);
        }
        return new FirstOfNode([.. bits.Select(parser.CompileFilter)], asVar);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        object? first = "";
        foreach (var v in values)
        {
            var value = await v.ResolveAsync(context, ignoreFailures: true).ConfigureAwait(false);
            if (!TemplateValues.IsTrue(value)) continue;
            first = value;
            break;
        }
        if (asVar is not null)
        {
            var rendered = new StringBuilder();
            AppendValue(rendered, first, context);
            context[asVar] = new SafeString(rendered.ToString());
            return;
        }
        AppendValue(output, first, context);
    }
}

internal sealed class SpacelessNode(NodeList nodes) : Node
{
    public override IEnumerable<NodeList> Children => [nodes];

    public static Node Parse(Parser parser, Token token)
    {
        var nodes = parser.Parse("endspaceless");
        parser.DeleteFirstToken();
        return new SpacelessNode(nodes);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output) =>
        output.Append(Regex.Replace((await CaptureAsync(nodes, context).ConfigureAwait(false)).Trim(), @">\s+<", "><"));
}

internal sealed class TemplateTagNode(string text) : Node
{
    private static readonly Dictionary<string, string> Mapping = new()
    {
        ["openblock"] = "{%", ["closeblock"] = "%}", ["openvariable"] = "{{", ["closevariable"] = "}}",
        ["openbrace"] = "{", ["closebrace"] = "}", ["opencomment"] = "{#", ["closecomment"] = "#}",
    };

    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.Contents.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (bits.Length != 2) throw new TemplateSyntaxError("'templatetag' statement takes one argument");
        return Mapping.TryGetValue(bits[1], out var text) ? new TemplateTagNode(text)
            : throw new TemplateSyntaxError($"Invalid templatetag argument: '{bits[1]}'. Must be one of: [{string.Join(", ", Mapping.Keys.Select(k => $"'{k}'"))}]");
    }

    public override ValueTask RenderAsync(Context context, StringBuilder output)
    {
        output.Append(text);
        return default;
    }
}

internal sealed class WidthRatioNode(FilterExpression value, FilterExpression max, FilterExpression width, string? asVar) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        string? asVar = null;
        if (bits.Count == 6)
        {
            if (bits[4] != "as") throw new TemplateSyntaxError("Invalid syntax in widthratio tag. Expecting 'as' keyword");
            asVar = bits[5];
        }
        else if (bits.Count != 4) throw new TemplateSyntaxError("widthratio takes at least three arguments");
        return new WidthRatioNode(parser.CompileFilter(bits[1]), parser.CompileFilter(bits[2]), parser.CompileFilter(bits[3]), asVar);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var v = await value.ResolveAsync(context).ConfigureAwait(false);
        object? maxValue;
        long maxWidth;
        try
        {
            maxValue = await max.ResolveAsync(context).ConfigureAwait(false);
            var w = await width.ResolveAsync(context).ConfigureAwait(false);
            maxWidth = TemplateValues.ToInteger(w) ?? throw new TemplateSyntaxError("widthratio final argument must be a number");
        }
        catch (VariableDoesNotExist)
        {
            return;
        }
        string result;
        if (!TryFloat(v, out var a) || !TryFloat(maxValue, out var b)) result = "";
        else if (b == 0) result = "0";
        else
        {
            var ratio = a / b * maxWidth;
            result = double.IsFinite(ratio) ? Math.Round(ratio, MidpointRounding.ToEven).ToString("0", CultureInfo.InvariantCulture) : "";
        }
        if (asVar is not null) context[asVar] = result;
        else output.Append(result);
    }

    internal static bool TryFloat(object? value, out double result)
    {
        result = 0;
        switch (value)
        {
            case null: return false;
            case bool b: result = b ? 1 : 0; return true;
            case string or SafeString:
                var s = value.ToString()!.Trim();
                if (s.Equals("inf", StringComparison.OrdinalIgnoreCase) || s.Equals("infinity", StringComparison.OrdinalIgnoreCase)) { result = double.PositiveInfinity; return true; }
                if (s.Equals("nan", StringComparison.OrdinalIgnoreCase)) { result = double.NaN; return true; }
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
            default:
                if (!TemplateValues.IsNumber(value)) return false;
                result = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return true;
        }
    }
}

internal sealed class WithNode(List<(string Name, FilterExpression Value)> values, NodeList nodes) : Node
{
    public override IEnumerable<NodeList> Children => [nodes];

    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        var remaining = bits.Skip(1).ToList();
        var values = DefaultTags.TokenKwargs(remaining, parser, legacy: true);
        if (values.Count == 0) throw new TemplateSyntaxError($"'{bits[0]}' expected at least one variable assignment");
        if (remaining.Count > 0) throw new TemplateSyntaxError($"'{bits[0]}' received an invalid token: '{remaining[0]}'");
        var nodes = parser.Parse("endwith");
        parser.DeleteFirstToken();
        return new WithNode(values, nodes);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var resolved = new List<(string, object?)>(values.Count);
        foreach (var (name, value) in values) resolved.Add((name, await value.ResolveAsync(context).ConfigureAwait(false)));
        using var scope = context.Push();
        foreach (var (name, value) in resolved) context[name] = value;
        await nodes.RenderAsync(context, output).ConfigureAwait(false);
    }
}

internal sealed class UrlNode(FilterExpression view, List<FilterExpression> args, List<(string Name, FilterExpression Value)> kwargs, string? asVar) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count < 2) throw new TemplateSyntaxError($"'{bits[0]}' takes at least one argument, a URL pattern name.");
        var view = parser.CompileFilter(bits[1]);
        var rest = bits.Skip(2).ToList();
        string? asVar = null;
        if (rest.Count >= 2 && rest[^2] == "as")
        {
            asVar = rest[^1];
            rest.RemoveRange(rest.Count - 2, 2);
        }
        var args = new List<FilterExpression>();
        var kwargs = new List<(string, FilterExpression)>();
        foreach (var bit in rest)
        {
            var match = DefaultTags.KwargPattern().Match(bit);
            if (!match.Success) throw new TemplateSyntaxError("Malformed arguments to url tag");
            if (match.Groups[1].Success) kwargs.Add((match.Groups[1].Value, parser.CompileFilter(match.Groups[2].Value)));
            else args.Add(parser.CompileFilter(match.Groups[2].Value));
        }
        return new UrlNode(view, args, kwargs, asVar);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var positional = new List<object?>();
        foreach (var a in args) positional.Add(Plain(await a.ResolveAsync(context).ConfigureAwait(false)));
        Dictionary<string, object?>? named = null;
        if (kwargs.Count > 0)
        {
            named = [];
            foreach (var (name, value) in kwargs) named[name] = Plain(await value.ResolveAsync(context).ConfigureAwait(false));
        }
        var viewName = TemplateValues.ToText(await view.ResolveAsync(context).ConfigureAwait(false));
        var currentApp = context.Request?.ResolverMatch?.Namespace;
        var url = "";
        try
        {
            url = Urls.Routes.Reverse(viewName, named, positional.Count > 0 ? positional : null, string.IsNullOrEmpty(currentApp) ? null : currentApp);
        }
        catch (Urls.NoReverseMatch) when (asVar is not null) { }
        if (asVar is not null) context[asVar] = url;
        else AppendValue(output, url, context);
    }

    private static object? Plain(object? value) => value is SafeString s ? s.Value : value;
}

internal sealed class NowNode(string format, string? asVar) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        string? asVar = null;
        if (bits.Count == 4 && bits[^2] == "as")
        {
            asVar = bits[^1];
            bits.RemoveRange(bits.Count - 2, 2);
        }
        if (bits.Count != 2) throw new TemplateSyntaxError("'now' statement takes one argument");
        return new NowNode(bits[1][1..^1], asVar);
    }

    public override ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var settings = context.Template?.Engine.SiteSettings;
        var zone = TimeZoneInfo.Utc;
        if (settings is not null && settings.TimeZone != "UTC")
        {
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone); }
            catch (TimeZoneNotFoundException) { }
        }
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
        var formatted = DateFormat.Format(now, DateFormat.Named(format));
        if (asVar is not null) context[asVar] = formatted;
        else AppendValue(output, formatted, context);
        return default;
    }
}

internal sealed class LoremNode(FilterExpression count, char method, bool common) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents().Skip(1).ToList();
        var common = true;
        if (bits.Count > 0 && bits[^1] == "random")
        {
            common = false;
            bits.RemoveAt(bits.Count - 1);
        }
        var method = 'b';
        if (bits.Count > 0 && bits[^1] is "w" or "p" or "b")
        {
            method = bits[^1][0];
            bits.RemoveAt(bits.Count - 1);
        }
        var count = bits.Count > 0 ? bits[^1] : "1";
        if (bits.Count > 1) throw new TemplateSyntaxError("Incorrect format for 'lorem' tag");
        return new LoremNode(parser.CompileFilter(count), method, common);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var n = TemplateValues.ToInteger(await count.ResolveAsync(context).ConfigureAwait(false)) ?? 1;
        output.Append(method switch
        {
            'w' => LoremIpsum.Words((int)n, common),
            'p' => string.Join("\n\n", LoremIpsum.Paragraphs((int)n, common).Select(p => $"<p>{p}</p>")),
            _ => string.Join("\n\n", LoremIpsum.Paragraphs((int)n, common)),
        });
    }
}

internal sealed class QueryStringNode(List<FilterExpression> args, List<(string Name, FilterExpression Value)> kwargs, string? asVar) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents().Skip(1).ToList();
        string? asVar = null;
        if (bits.Count >= 2 && bits[^2] == "as")
        {
            asVar = bits[^1];
            bits.RemoveRange(bits.Count - 2, 2);
        }
        var args = new List<FilterExpression>();
        var kwargs = new List<(string, FilterExpression)>();
        foreach (var bit in bits)
        {
            var match = DefaultTags.KwargPattern().Match(bit);
            if (match.Groups[1].Success) kwargs.Add((match.Groups[1].Value, parser.CompileFilter(match.Groups[2].Value)));
            else if (kwargs.Count > 0) throw new TemplateSyntaxError("'querystring' received a positional argument after a keyword argument");
            else args.Add(parser.CompileFilter(bit));
        }
        return new QueryStringNode(args, kwargs, asVar);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var query = new QueryDict();
        var sources = new List<object?>();
        foreach (var a in args) sources.Add(await a.ResolveAsync(context).ConfigureAwait(false));
        if (sources.Count == 0) sources.Add(context.Request?.Query);
        foreach (var source in sources)
        {
            switch (source)
            {
                case null: break;
                case QueryDict q:
                    foreach (var key in q.Keys) query.SetList(key, q.GetList(key));
                    break;
                case System.Collections.IDictionary d:
                    foreach (System.Collections.DictionaryEntry e in d) Set(query, TemplateValues.ToText(e.Key), e.Value);
                    break;
                default:
                    throw new TemplateSyntaxError($"querystring requires mappings for positional arguments (got {TemplateValues.Repr(source)} instead).");
            }
        }
        foreach (var (name, value) in kwargs) Set(query, name, await value.ResolveAsync(context).ConfigureAwait(false));
        var result = "?" + query.UrlEncode();
        if (asVar is not null) context[asVar] = result;
        else AppendValue(output, result, context);
    }

    private static void Set(QueryDict query, string key, object? value)
    {
        if (value is null) query.Remove(key);
        else if (value is System.Collections.IEnumerable e and not string)
            query.SetList(key, [.. e.Cast<object?>().Select(TemplateValues.ToText)]);
        else query.SetList(key, [TemplateValues.ToText(value)]);
    }
}

internal static class PartialNodes
{
    public static Node ParseDefinition(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count is < 2 or > 3 || bits.Count == 3 && bits[2] != "inline")
            throw new TemplateSyntaxError("'partialdef' tag requires a single argument, the partial's name, and may be followed by 'inline'.");
        var name = bits[1];
        var nodes = parser.Parse("endpartialdef");
        var end = parser.NextToken();
        if (end.Contents != "endpartialdef" && end.Contents != "endpartialdef " + name)
            throw parser.Error(end, $"Invalid block tag on line {end.Line}: '{end.Contents}', expected 'endpartialdef' or 'endpartialdef {name}'. Did you forget to register or load this tag?");
        if (parser.ExtraData.GetValueOrDefault("partials") is not Dictionary<string, NodeList> partials) parser.ExtraData["partials"] = partials = [];
        if (!partials.TryAdd(name, nodes)) throw new TemplateSyntaxError($"Partial '{name}' is already defined in the '{parser.TemplateName ?? "unknown"}' template.");
        return new PartialUse(name, nodes, inline: bits.Count == 3);
    }

    public static Node ParseUse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count != 2) throw new TemplateSyntaxError("'partial' tag requires a single argument");
        var name = bits[1];
        return new PartialUse(name, null, inline: true) { Partials = parser.ExtraData };
    }

    internal sealed class PartialUse(string name, NodeList? nodes, bool inline) : Node
    {
        public Dictionary<string, object?>? Partials { get; init; }

        public string Name { get; } = name;

        public NodeList? Definition { get; } = nodes;

        public override IEnumerable<NodeList> Children => Definition is null ? [] : [Definition];

        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            if (!inline) return;
            var body = Definition;
            if (body is null)
            {
                if (Partials?.GetValueOrDefault("partials") is not Dictionary<string, NodeList> partials || !partials.TryGetValue(Name, out body))
                    throw new TemplateSyntaxError($"Partial '{Name}' is not defined in the current template.");
            }
            await body.RenderAsync(context, output).ConfigureAwait(false);
        }
    }
}
