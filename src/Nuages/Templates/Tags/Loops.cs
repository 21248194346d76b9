using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Nuages.Templates;

/// <summary>The <c>forloop</c> variable of a <c>{% for %}</c>: counter, counter0, revcounter, revcounter0, first, last, length, parentloop.</summary>
public sealed class ForLoop : ITemplateLookup
{
    private Dictionary<object, object?>? _state;

    /// <summary>What <c>ifchanged</c> tags inside the loop remember, by tag (made for the first).</summary>
    internal Dictionary<object, object?> State => _state ??= new(ReferenceEqualityComparer.Instance);

    private object? _parent;
    private bool _outermost; // no forloop around: parentloop is an empty dictionary, made when read

    /// <summary>The loop variable of a loop over <paramref name="length"/> items, inside what the context's <c>forloop</c> held when <paramref name="outermost"/> is false.</summary>
    internal ForLoop(bool outermost, object? parent, int length) => (_outermost, _parent, Length) = (outermost, parent, length);

    /// <summary>The outer loop's (what the context's <c>forloop</c> held), or an empty dictionary (Django's <c>context.get('forloop', {})</c>).</summary>
    public object? ParentLoop
    {
        get
        {
            if (!_outermost) return _parent;
            _outermost = false;
            return _parent = new Dictionary<string, object?>();
        }
    }

    /// <summary>0-based index.</summary>
    public int Counter0 { get; internal set; }

    /// <summary>1-based index.</summary>
    public int Counter => Counter0 + 1;

    /// <summary>Items left, this one included.</summary>
    public int Revcounter => Length - Counter0;

    /// <summary>Items left after this one.</summary>
    public int Revcounter0 => Length - Counter0 - 1;

    /// <summary>Whether this is the first item.</summary>
    public bool First => Counter0 == 0;

    /// <summary>Whether this is the last item.</summary>
    public bool Last => Counter0 == Length - 1;

    /// <summary>The number of items.</summary>
    public int Length { get; }

    /// <inheritdoc/>
    public bool TryLookup(string name, out object? value)
    {
        value = name switch
        {
            "counter" => TemplateValues.Box(Counter),
            "counter0" => TemplateValues.Box(Counter0),
            "revcounter" => TemplateValues.Box(Revcounter),
            "revcounter0" => TemplateValues.Box(Revcounter0),
            "first" => TemplateValues.Box(First),
            "last" => TemplateValues.Box(Last),
            "length" => TemplateValues.Box(Length),
            "parentloop" => ParentLoop,
            _ => Variable.Invalid,
        };
        return value != Variable.Invalid;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{{'parentloop': {TemplateValues.Repr(ParentLoop)}, 'counter0': {Counter0}, 'counter': {Counter}, 'revcounter': {Revcounter}, 'revcounter0': {Revcounter0}, 'first': {(First ? "True" : "False")}, 'last': {(Last ? "True" : "False")}}}";
}

internal sealed partial class ForNode(string[] loopVars, FilterExpression sequence, bool reversed, NodeList loop, NodeList? empty) : Node
{
    public override IEnumerable<NodeList> Children => empty is null ? [loop] : [loop, empty];

    [GeneratedRegex(" *, *")]
    private static partial Regex Comma();

    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count < 4) throw new TemplateSyntaxError($"'for' statements should have at least four words: {token.Contents}");
        var reversed = bits[^1] == "reversed";
        var inIndex = bits.Count + (reversed ? -3 : -2);
        if (bits[inIndex] != "in") throw new TemplateSyntaxError($"'for' statements should use the format 'for x in y': {token.Contents}");
        var loopVars = Comma().Split(string.Join(' ', bits.Skip(1).Take(inIndex - 1)));
        foreach (var v in loopVars)
            if (v.Length == 0 || v.IndexOfAny([' ', '"', '\'', '|']) >= 0)
                throw new TemplateSyntaxError($"'for' tag received an invalid argument: {token.Contents}");
        var sequence = parser.CompileFilter(bits[inIndex + 1]);
        var loop = parser.Parse("empty", "endfor");
        NodeList? empty = null;
        if (parser.NextToken().Contents == "empty")
        {
            empty = parser.Parse("endfor");
            parser.DeleteFirstToken();
        }
        return new ForNode(loopVars, sequence, reversed, loop, empty);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var outermost = !context.TryGetValue("forloop", out var parent);
        using var scope = context.Push();
        var value = await sequence.ResolveAsync(context, ignoreFailures: true).ConfigureAwait(false);
        var items = value is IList list ? list : await Accessors.ListAsync(value, context).ConfigureAwait(false);
        if (items.Count < 1)
        {
            if (empty is not null) await empty.RenderAsync(context, output).ConfigureAwait(false);
            return;
        }
        var count = items.Count;
        var forloop = new ForLoop(outermost, parent, count);
        context["forloop"] = forloop;
        var unpack = loopVars.Length > 1;
        for (var i = 0; i < count; i++)
        {
            forloop.Counter0 = i;
            var item = items[reversed ? count - 1 - i : i];
            if (unpack)
            {
                var parts = Unpack(item);
                if (parts.Count != loopVars.Length)
                    throw new ArgumentException($"Need {loopVars.Length} values to unpack in for loop; got {parts.Count}. ");
                using (context.Push())
                {
                    for (var v = 0; v < loopVars.Length; v++) context[loopVars[v]] = parts[v];
                    await loop.RenderAsync(context, output).ConfigureAwait(false);
                }
            }
            else
            {
                context[loopVars[0]] = item;
                await loop.RenderAsync(context, output).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The parts of an item, as Python unpacks it (a tuple, a list, a pair, a string's characters).</summary>
    internal static IReadOnlyList<object?> Unpack(object? item) => item switch
    {
        null => [null],
        string s => [.. s.Select(c => (object?)c.ToString())],
        ITuple t => [.. Enumerable.Range(0, t.Length).Select(i => t[i])],
        IList l => [.. l.Cast<object?>()],
        _ when item.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) =>
            [t.GetProperty("Key")!.GetValue(item), t.GetProperty("Value")!.GetValue(item)],
        IEnumerable e => [.. e.Cast<object?>()],
        _ => [item],
    };
}

internal sealed class CycleNode(FilterExpression[] values, string? name, bool silent) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var args = token.SplitContents();
        if (args.Count < 2) throw new TemplateSyntaxError("'cycle' tag requires at least two arguments");
        if (args.Count == 2)
        {
            var reference = args[1];
            if (parser.ExtraData.GetValueOrDefault("named_cycle_nodes") is not Dictionary<string, CycleNode> named)
                throw new TemplateSyntaxError($"No named cycles in template. '{reference}' is not defined");
            return named.TryGetValue(reference, out var found) ? found : throw new TemplateSyntaxError($"Named cycle '{reference}' does not exist");
        }
        var asForm = false;
        var quiet = false;
        if (args.Count > 4)
        {
            if (args[^3] == "as")
            {
                if (args[^1] != "silent") throw new TemplateSyntaxError($"Only 'silent' flag is allowed after cycle's name, not '{args[^1]}'.");
                asForm = quiet = true;
                args.RemoveAt(args.Count - 1);
            }
            else if (args[^2] == "as") asForm = true;
        }
        CycleNode node;
        if (asForm)
        {
            var cycleName = args[^1];
            node = new CycleNode([.. args.Skip(1).Take(args.Count - 3).Select(parser.CompileFilter)], cycleName, quiet);
            if (parser.ExtraData.GetValueOrDefault("named_cycle_nodes") is not Dictionary<string, CycleNode> named)
                parser.ExtraData["named_cycle_nodes"] = named = [];
            named[cycleName] = node;
        }
        else node = new CycleNode([.. args.Skip(1).Select(parser.CompileFilter)], null, false);
        parser.ExtraData["last_cycle_node"] = node;
        return node;
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var index = context.Render[this] is int i ? i : 0;
        context.Render[this] = (index + 1) % values.Length;
        var value = await values[index].ResolveAsync(context).ConfigureAwait(false);
        if (name is not null) context.SetUpward(name, value);
        if (silent) return;
        AppendValue(output, value, context);
    }

    public void Reset(Context context) => context.Render[this] = 0;
}

internal sealed class ResetCycleNode(CycleNode node) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var args = token.SplitContents();
        if (args.Count > 2) throw new TemplateSyntaxError($"'{args[0]}' tag accepts at most one argument.");
        if (args.Count == 2)
        {
            return parser.ExtraData.GetValueOrDefault("named_cycle_nodes") is Dictionary<string, CycleNode> named && named.TryGetValue(args[1], out var found)
                ? new ResetCycleNode(found) : throw new TemplateSyntaxError($"Named cycle '{args[1]}' does not exist.");
        }
        return parser.ExtraData.GetValueOrDefault("last_cycle_node") is CycleNode last ? new ResetCycleNode(last) : throw new TemplateSyntaxError("No cycles in template.");
    }

    public override ValueTask RenderAsync(Context context, StringBuilder output)
    {
        node.Reset(context);
        return default;
    }
}

internal sealed class IfChangedNode(NodeList whenChanged, NodeList? otherwise, FilterExpression[] watched) : Node
{
    public override IEnumerable<NodeList> Children => otherwise is null ? [whenChanged] : [whenChanged, otherwise];

    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        var whenChanged = parser.Parse("else", "endifchanged");
        NodeList? otherwise = null;
        if (parser.NextToken().Contents == "else")
        {
            otherwise = parser.Parse("endifchanged");
            parser.DeleteFirstToken();
        }
        return new IfChangedNode(whenChanged, otherwise, [.. bits.Skip(1).Select(parser.CompileFilter)]);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        // the state lives in the innermost loop, so it starts again with each turn of an outer one
        var state = context.TryGetValue("forloop", out var loop) && loop is ForLoop forloop ? forloop.State : null;
        var previous = state is not null ? state.GetValueOrDefault(this) : context.Render[this];
        object? current;
        string? rendered = null;
        if (watched.Length > 0)
        {
            var values = new List<object?>();
            foreach (var w in watched) values.Add(await w.ResolveAsync(context, ignoreFailures: true).ConfigureAwait(false));
            current = values;
        }
        else current = rendered = await CaptureAsync(whenChanged, context).ConfigureAwait(false);
        if (!TemplateValues.Equals(current, previous) || previous is null && current is not null && state is not null && !state.ContainsKey(this))
        {
            if (state is not null) state[this] = current;
            else context.Render[this] = current;
            if (rendered is not null) output.Append(rendered);
            else await whenChanged.RenderAsync(context, output).ConfigureAwait(false);
        }
        else if (otherwise is not null) await otherwise.RenderAsync(context, output).ConfigureAwait(false);
    }
}

/// <summary>One group of <c>{% regroup %}</c>: <c>grouper</c> and <c>list</c> (Django's <c>GroupedResult</c> named tuple).</summary>
public sealed class GroupedResult(object? grouper, List<object?> list) : ITemplateLookup, ITuple
{
    /// <summary>The value the items share.</summary>
    public object? Grouper { get; } = grouper;

    /// <summary>The items.</summary>
    public List<object?> List { get; } = list;

    /// <inheritdoc/>
    public object? this[int index] => index == 0 ? Grouper : List;

    /// <inheritdoc/>
    public int Length => 2;

    /// <inheritdoc/>
    public bool TryLookup(string name, out object? value)
    {
        value = name switch { "grouper" or "0" => Grouper, "list" or "1" => List, _ => null };
        return name is "grouper" or "list" or "0" or "1";
    }

    /// <inheritdoc/>
    public override string ToString() => $"GroupedResult(grouper={TemplateValues.Repr(Grouper)}, list={TemplateValues.Repr(List)})";
}

internal sealed class RegroupNode(FilterExpression target, FilterExpression expression, string name) : Node
{
    public static Node Parse(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count != 6) throw new TemplateSyntaxError("'regroup' tag takes five arguments");
        var target = parser.CompileFilter(bits[1]);
        if (bits[2] != "by") throw new TemplateSyntaxError("second argument to 'regroup' tag must be 'by'");
        if (bits[4] != "as") throw new TemplateSyntaxError("next-to-last argument to 'regroup' tag must be 'as'");
        return new RegroupNode(target, parser.CompileFilter(bits[5] + "." + bits[3]), bits[5]);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var items = await target.ResolveAsync(context, ignoreFailures: true).ConfigureAwait(false);
        if (items is null)
        {
            context[name] = new List<object?>();
            return;
        }
        var groups = new List<object?>();
        GroupedResult? group = null;
        foreach (var item in await Accessors.ListAsync(items, context).ConfigureAwait(false))
        {
            context[name] = item;
            var key = await expression.ResolveAsync(context, ignoreFailures: true).ConfigureAwait(false);
            if (group is null || !TemplateValues.Equals(group.Grouper, key))
            {
                group = new GroupedResult(key, []);
                groups.Add(group);
            }
            group.List.Add(item);
        }
        context[name] = groups;
    }
}
