using System.Text;

namespace Nuages.Templates;

/// <summary>The blocks of an inheritance chain while it renders (Django's <c>BlockContext</c>): per name, the overrides, the most derived last.</summary>
internal sealed class BlockContext
{
    private readonly Dictionary<string, List<BlockNode>> _blocks = new(StringComparer.Ordinal);

    public void AddBlocks(IEnumerable<BlockNode> blocks)
    {
        foreach (var block in blocks)
        {
            if (!_blocks.TryGetValue(block.Name, out var list)) _blocks[block.Name] = list = [];
            list.Insert(0, block);
        }
    }

    public BlockNode? Pop(string name)
    {
        if (!_blocks.TryGetValue(name, out var list) || list.Count == 0) return null;
        var block = list[^1];
        list.RemoveAt(list.Count - 1);
        return block;
    }

    public void Push(string name, BlockNode block)
    {
        if (!_blocks.TryGetValue(name, out var list)) _blocks[name] = list = [];
        list.Add(block);
    }

    public BlockNode? Get(string name) => _blocks.TryGetValue(name, out var list) && list.Count > 0 ? list[^1] : null;
}

/// <summary>The <c>block</c> variable inside a block: <c>{{ block.super }}</c> renders the parent's content.</summary>
internal sealed class BlockReference(BlockNode block, Context? context) : ITemplateLookup
{
    public bool TryLookup(string name, out object? value)
    {
        value = null;
        if (name == "name") { value = block.Name; return true; }
        if (name != "super") return false;
        if (context is null)
            throw new TemplateSyntaxError("'BlockNode' object has no attribute 'context'. Did you use {{ block.super }} in a base template?");
        value = Super(context).AsTask();
        return true;
    }

    private async ValueTask<object?> Super(Context context)
    {
        if (context.Render.Blocks?.Get(block.Name) is null) return "";
        var output = new StringBuilder();
        await block.RenderAsync(context, output).ConfigureAwait(false);
        return new SafeString(output.ToString());
    }

    public override string ToString() => $"<Block Node: {block.Name}. Contents: {TemplateValues.Repr(block.Nodes.Select(n => n.GetType().Name).ToList())}>";
}

internal sealed class BlockNode(string name, NodeList nodes) : Node
{
    public string Name { get; } = name;

    public NodeList Nodes { get; } = nodes;

    public override IEnumerable<NodeList> Children => [Nodes];

    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.Contents.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (bits.Length != 2) throw new TemplateSyntaxError($"'{bits[0]}' tag takes only one argument");
        var name = bits[1];
        if (parser.ExtraData.GetValueOrDefault("loaded_blocks") is not HashSet<string> loaded) parser.ExtraData["loaded_blocks"] = loaded = [];
        if (!loaded.Add(name)) throw new TemplateSyntaxError($"'{bits[0]}' tag with name '{name}' appears more than once");
        var nodes = parser.Parse("endblock");
        var end = parser.NextToken();
        if (end.Contents != "endblock" && end.Contents != "endblock " + name)
            throw parser.Error(end, $"Invalid block tag on line {end.Line}: '{end.Contents.Split(' ')[0]}', expected 'endblock' or 'endblock {name}'. Did you forget to register or load this tag?");
        return new BlockNode(name, nodes);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var blocks = context.Render.Blocks;
        using var scope = context.Push();
        if (blocks is null)
        {
            context["block"] = new BlockReference(this, null);
            await Nodes.RenderAsync(context, output).ConfigureAwait(false);
            return;
        }
        var push = blocks.Pop(Name);
        var block = push ?? this;
        context["block"] = new BlockReference(block, context);
        await block.Nodes.RenderAsync(context, output).ConfigureAwait(false);
        if (push is not null) blocks.Push(Name, push);
    }
}

internal sealed class ExtendsNode(NodeList nodes, FilterExpression parentName) : Node
{
    private readonly Dictionary<string, BlockNode> _blocks = nodes.NodesOfType<BlockNode>().GroupBy(b => b.Name).ToDictionary(g => g.Key, g => g.First());

    public override bool MustBeFirst => true;

    public override IEnumerable<NodeList> Children => [nodes];

    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count != 2) throw new TemplateSyntaxError($"'{bits[0]}' takes one argument");
        bits[1] = RelativePath.Construct(parser.TemplateName, bits[1], allowRecursion: false);
        var parent = parser.CompileFilter(bits[1]);
        var nodes = parser.Parse();
        if (nodes.NodesOfType<ExtendsNode>().Any()) throw new TemplateSyntaxError($"'{bits[0]}' cannot appear more than once in the same template");
        return new ExtendsNode(nodes, parent);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var parent = await GetParentAsync(context).ConfigureAwait(false);
        var blocks = context.Render.Blocks ??= new BlockContext();
        blocks.AddBlocks(_blocks.Values);
        foreach (var node in parent.Nodes)
        {
            if (node is TextNode) continue;
            if (node is not ExtendsNode)
                blocks.AddBlocks(parent.Nodes.NodesOfType<BlockNode>().GroupBy(b => b.Name).Select(g => g.First()));
            break;
        }
        await parent.RenderInto(context, output).ConfigureAwait(false);
    }

    private async ValueTask<Template> GetParentAsync(Context context)
    {
        var parent = await parentName.ResolveAsync(context).ConfigureAwait(false);
        if (!TemplateValues.IsTrue(parent))
        {
            var message = $"Invalid template name in 'extends' tag: {TemplateValues.Repr(parent)}.";
            if (parentName.HasFilters || parentName.Var is { IsLiteral: false }) message += $" Got this from the '{parentName.Token}' variable.";
            throw new TemplateSyntaxError(message);
        }
        if (parent is Template template) return template;
        var engine = context.Template!.Engine;
        if (context.Render["extends_context"] is not List<string> history)
        {
            history = [];
            if (context.Template?.Origin is { } origin) history.Add(origin.Path);
            context.Render["extends_context"] = history;
        }
        var found = engine.Find(TemplateValues.ToText(parent), history);
        if (found.Origin is { } foundOrigin) history.Add(foundOrigin.Path);
        return found;
    }
}

internal sealed class IncludeNode(FilterExpression template, List<(string Name, FilterExpression Value)> extra, bool only) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count < 2) throw new TemplateSyntaxError($"'{bits[0]}' tag takes at least one argument: the name of the template to be included.");
        var options = new HashSet<string>();
        var extra = new List<(string, FilterExpression)>();
        var only = false;
        var remaining = bits.Skip(2).ToList();
        while (remaining.Count > 0)
        {
            var option = remaining[0];
            remaining.RemoveAt(0);
            if (!options.Add(option)) throw new TemplateSyntaxError($"The '{option}' option was specified more than once.");
            if (option == "with")
            {
                extra = DefaultTags.TokenKwargs(remaining, parser, legacy: false);
                if (extra.Count == 0) throw new TemplateSyntaxError($"\"with\" in '{bits[0]}' tag needs at least one keyword argument.");
            }
            else if (option == "only") only = true;
            else throw new TemplateSyntaxError($"Unknown argument for '{bits[0]}' tag: '{option}'.");
        }
        bits[1] = RelativePath.Construct(parser.TemplateName, bits[1], allowRecursion: true);
        return new IncludeNode(parser.CompileFilter(bits[1]), extra, only);
    }

    private Template? _cached; // a constant name in an engine that keeps templates: looked up once

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var engine = context.Template!.Engine;
        var compiled = _cached;
        if (compiled is null || compiled.Engine != engine) compiled = await FindAsync(context, engine).ConfigureAwait(false);
        var values = new List<(string, object?)>(extra.Count);
        foreach (var (name, expression) in extra) values.Add((name, await expression.ResolveAsync(context).ConfigureAwait(false)));
        using var state = context.Render.PushState();
        if (only)
        {
            var isolated = context.NewIsolated(null);
            foreach (var (name, v) in values) isolated[name] = v;
            await compiled.RenderInto(isolated, output).ConfigureAwait(false);
            return;
        }
        using var scope = context.Push();
        foreach (var (name, v) in values) context[name] = v;
        await compiled.RenderInto(context, output).ConfigureAwait(false);
    }

    private async ValueTask<Template> FindAsync(Context context, Engine engine)
    {
        var value = await template.ResolveAsync(context).ConfigureAwait(false);
        if (value is Template given) return given;
        var names = value switch
        {
            string or SafeString => [RelativePath.Construct(context.Template?.Name, TemplateValues.ToText(value), allowRecursion: true, quoted: false)],
            System.Collections.IEnumerable e => e.Cast<object?>().Select(TemplateValues.ToText).ToArray(),
            _ => TemplateValues.IsTrue(value) ? [TemplateValues.ToText(value)] : Array.Empty<string>(),
        };
        var found = names.Length == 1 ? engine.GetTemplate(names[0]) : engine.SelectTemplate(names);
        if (template.IsConstant && engine.Cached && !engine.Debug) _cached = found;
        return found;
    }
}

/// <summary>django/template/loader_tags.py's <c>construct_relative_path</c>: <c>"./x.html"</c> and <c>"../x.html"</c> relative to the template's own name.</summary>
internal static class RelativePath
{
    public static string Construct(string? current, string relative, bool allowRecursion, bool quoted = true)
    {
        var name = relative;
        var quote = "";
        if (quoted)
        {
            if (relative.Length < 2 || relative[0] is not ('"' or '\'') || relative[^1] != relative[0]) return relative;
            quote = relative[0].ToString();
            name = relative[1..^1];
        }
        if (!name.StartsWith("./", StringComparison.Ordinal) && !name.StartsWith("../", StringComparison.Ordinal)) return relative;
        if (current is null) return relative;
        var folder = current.Contains('/', StringComparison.Ordinal) ? current[..current.LastIndexOf('/')] : "";
        var parts = (folder.Length == 0 ? [] : folder.Split('/')).ToList();
        foreach (var part in name.Split('/'))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0)
                    throw new TemplateSyntaxError($"The relative path '{relative}' points outside the file hierarchy that template '{current}' is in.");
                parts.RemoveAt(parts.Count - 1);
            }
            else parts.Add(part);
        }
        var result = string.Join('/', parts);
        if (result == current && !allowRecursion)
            throw new TemplateSyntaxError($"The relative path '{relative}' was translated to template name '{current}', the same template in which the tag appears.");
        return quote + result + quote;
    }
}
