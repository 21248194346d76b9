using System.Collections;
using System.Text;

namespace Nuages.Templates;

/// <summary>A parsed <c>{% if %}</c> condition (django/template/smartif.py): literals and operators with Python's precedence.</summary>
internal abstract class Condition
{
    /// <summary>The value (Python's operators return operands: <c>a or b</c> is <c>a</c> when it is true).</summary>
    public abstract ValueTask<object?> EvalAsync(Context context);
}

internal sealed class LiteralCondition(FilterExpression value, string text) : Condition
{
    public string Text { get; } = text;

    public override ValueTask<object?> EvalAsync(Context context) => value.ResolveAsync(context, ignoreFailures: true);
}

internal sealed class OperatorCondition(string op, Condition first, Condition? second) : Condition
{
    public override async ValueTask<object?> EvalAsync(Context context)
    {
        try
        {
            switch (op)
            {
                case "or":
                    var left = await first.EvalAsync(context).ConfigureAwait(false);
                    return TemplateValues.IsTrue(left) ? left : await second!.EvalAsync(context).ConfigureAwait(false);
                case "and":
                    var l = await first.EvalAsync(context).ConfigureAwait(false);
                    return !TemplateValues.IsTrue(l) ? l : await second!.EvalAsync(context).ConfigureAwait(false);
                case "not":
                    return !TemplateValues.IsTrue(await first.EvalAsync(context).ConfigureAwait(false));
            }
            var a = await first.EvalAsync(context).ConfigureAwait(false);
            var b = await second!.EvalAsync(context).ConfigureAwait(false);
            return op switch
            {
                "in" => In(a, b),
                "not in" => !In(a, b),
                "is" => Is(a, b),
                "is not" => !Is(a, b),
                "==" => TemplateValues.Equals(a, b),
                "!=" => !TemplateValues.Equals(a, b),
                ">" => TemplateValues.Compare(a, b) > 0,
                ">=" => TemplateValues.Compare(a, b) >= 0,
                "<" => TemplateValues.Compare(a, b) < 0,
                "<=" => TemplateValues.Compare(a, b) <= 0,
                _ => false,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false; // as smartif's operators do
        }
    }

    /// <summary>Python's <c>in</c>: a substring, a dictionary key, an item; a TypeError (false) otherwise.</summary>
    internal static bool In(object? item, object? container)
    {
        switch (container)
        {
            case string s:
                return item is string or SafeString ? s.Contains(item.ToString()!, StringComparison.Ordinal) : throw new InvalidOperationException("'in <string>' requires string as left operand");
            case SafeString s:
                return item is string or SafeString ? s.Value.Contains(item.ToString()!, StringComparison.Ordinal) : throw new InvalidOperationException("'in <string>' requires string as left operand");
            case IDictionary d:
                foreach (var key in d.Keys) if (TemplateValues.Equals(key, item)) return true;
                return false;
            case IEnumerable e:
                foreach (var x in e) if (TemplateValues.Equals(x, item)) return true;
                return false;
            case ITemplateLookup l when item is string name:
                return l.TryLookup(name, out _);
            default:
                throw new InvalidOperationException($"argument of type '{TemplateValues.PythonType(container)}' is not iterable");
        }
    }

    private static bool Is(object? a, object? b) => a is null || b is null ? a is null && b is null
        : a is bool x && b is bool y ? x == y
        : ReferenceEquals(a, b);
}

/// <summary>django/template/smartif.py's <c>IfParser</c>: a Pratt parser with Python's binding powers.</summary>
internal sealed class IfParser
{
    private static readonly Dictionary<string, int> Binding = new(StringComparer.Ordinal)
    {
        ["or"] = 6, ["and"] = 7, ["not"] = 8, ["in"] = 9, ["not in"] = 9, ["is"] = 10, ["is not"] = 10,
        ["=="] = 10, ["!="] = 10, [">"] = 10, [">="] = 10, ["<"] = 10, ["<="] = 10,
    };

    private readonly List<string> _tokens;
    private readonly Parser _parser;
    private int _position;
    private string? _current;

    public IfParser(Parser parser, List<string> tokens)
    {
        _parser = parser;
        // "not in" and "is not" are single operators
        var merged = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] == "is" && i + 1 < tokens.Count && tokens[i + 1] == "not") { merged.Add("is not"); i++; }
            else if (tokens[i] == "not" && i + 1 < tokens.Count && tokens[i + 1] == "in") { merged.Add("not in"); i++; }
            else merged.Add(tokens[i]);
        }
        _tokens = merged;
        // as smartif's IfParser: every literal is compiled when the tag is, so a bad one fails first
        foreach (var token in _tokens)
            if (!Binding.ContainsKey(token)) _literals[token] = _parser.CompileFilter(token);
    }

    private readonly Dictionary<string, FilterExpression> _literals = new(StringComparer.Ordinal);

    public Condition Parse()
    {
        _current = Next();
        var result = Expression(0);
        if (_current is not null) throw new TemplateSyntaxError($"Unused '{Display(_current)}' at end of if expression.");
        return result;
    }

    private string? Next() => _position < _tokens.Count ? _tokens[_position++] : null;

    private static int LeftBinding(string? token) => token is not null && Binding.TryGetValue(token, out var bp) ? bp : 0;

    private Condition Expression(int rbp)
    {
        var token = _current;
        _current = Next();
        var left = Nud(token);
        while (rbp < LeftBinding(_current))
        {
            token = _current;
            _current = Next();
            left = Led(token!, left);
        }
        return left;
    }

    private Condition Nud(string? token)
    {
        if (token is null) throw new TemplateSyntaxError("Unexpected end of expression in if tag.");
        if (token == "not") return new OperatorCondition("not", Expression(Binding["not"]), null);
        if (Binding.ContainsKey(token)) throw new TemplateSyntaxError($"Not expecting '{token}' in this position in if tag.");
        return new LiteralCondition(_literals[token], token);
    }

    private OperatorCondition Led(string token, Condition left)
    {
        if (!Binding.TryGetValue(token, out var bp) || token == "not") throw new TemplateSyntaxError($"Not expecting '{token}' as infix operator in if tag.");
        return new OperatorCondition(token, left, Expression(bp));
    }

    private static string Display(string token) => token;
}

internal sealed class IfNode(List<(Condition? Condition, NodeList Nodes)> branches) : Node
{
    public override IEnumerable<NodeList> Children => branches.Select(b => b.Nodes);

    public static Node Parse(Parser parser, Token token)
    {
        var branches = new List<(Condition?, NodeList)>();
        var condition = new IfParser(parser, token.SplitContents().Skip(1).ToList()).Parse();
        var nodes = parser.Parse("elif", "else", "endif");
        branches.Add((condition, nodes));
        var next = parser.NextToken();
        while (next.Contents.StartsWith("elif", StringComparison.Ordinal))
        {
            condition = new IfParser(parser, next.SplitContents().Skip(1).ToList()).Parse();
            nodes = parser.Parse("elif", "else", "endif");
            branches.Add((condition, nodes));
            next = parser.NextToken();
        }
        if (next.Contents == "else")
        {
            nodes = parser.Parse("endif");
            branches.Add((null, nodes));
            next = parser.NextToken();
        }
        if (next.Contents != "endif") throw new TemplateSyntaxError($"Malformed template tag at line {next.Line}: \"{next.Contents}\"");
        return new IfNode(branches);
    }

    public override async ValueTask RenderAsync(Context context, StringBuilder output)
    {
        foreach (var (condition, nodes) in branches)
        {
            if (condition is not null)
            {
                object? match;
                try { match = await condition.EvalAsync(context).ConfigureAwait(false); }
                catch (VariableDoesNotExist) { match = null; }
                if (!TemplateValues.IsTrue(match)) continue;
            }
            await nodes.RenderAsync(context, output).ConfigureAwait(false);
            return;
        }
    }
}
