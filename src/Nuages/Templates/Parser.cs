namespace Nuages.Templates;

/// <summary>
/// Turns tokens into nodes (Django's <c>Parser</c>). A tag's compiler uses it to parse the tag's content up to its
/// end tag: <c>var body = parser.Parse("endmytag"); parser.DeleteFirstToken();</c>.
/// </summary>
public sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly List<(string Command, Token Token)> _commandStack = [];

    internal Parser(List<Token> tokens, Engine engine, string? templateName)
    {
        _tokens = tokens;
        _tokens.Reverse();
        Engine = engine;
        TemplateName = templateName;
        foreach (var library in engine.BuiltinLibraries) AddLibrary(library);
    }

    /// <summary>The engine the template belongs to.</summary>
    public Engine Engine { get; }

    /// <summary>The template's name, when it has one.</summary>
    public string? TemplateName { get; }

    /// <summary>The tags available here: the built-ins and those loaded so far.</summary>
    public Dictionary<string, TagCompiler> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>The filters available here.</summary>
    public Dictionary<string, FilterDefinition> Filters { get; } = new(StringComparer.Ordinal);

    /// <summary>Data tags keep while the template is parsed (Django's <c>extra_data</c>).</summary>
    public Dictionary<string, object?> ExtraData { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses until one of <paramref name="parseUntil"/> (left as the next token) or the end.</summary>
    public NodeList Parse(params string[] parseUntil)
    {
        var nodes = new NodeList();
        while (_tokens.Count > 0)
        {
            var token = NextToken();
            switch (token.Type)
            {
                case TokenType.Text:
                    Extend(nodes, new TextNode(token.Contents), token);
                    break;
                case TokenType.Var:
                    if (token.Contents.Length == 0) throw Error(token, $"Empty variable tag on line {token.Line}");
                    FilterExpression expression;
                    try { expression = CompileFilter(token.Contents); }
                    catch (TemplateSyntaxError e) { throw Error(token, e); }
                    Extend(nodes, new VariableNode(expression), token);
                    break;
                case TokenType.Block:
                    var command = token.Contents.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
                        ?? throw Error(token, $"Empty block tag on line {token.Line}");
                    if (parseUntil.Contains(command))
                    {
                        PrependToken(token);
                        return nodes;
                    }
                    _commandStack.Add((command, token));
                    if (!Tags.TryGetValue(command, out var compile)) throw InvalidBlockTag(token, command, parseUntil);
                    Node node;
                    try { node = compile(this, token); }
                    catch (Exception e) { throw Error(token, e); }
                    Extend(nodes, node, token);
                    _commandStack.RemoveAt(_commandStack.Count - 1);
                    break;
            }
        }
        if (parseUntil.Length > 0) throw UnclosedBlockTag(parseUntil);
        return nodes;
    }

    /// <summary>Skips tokens up to and including <paramref name="endTag"/> (for <c>comment</c>).</summary>
    public void SkipPast(string endTag)
    {
        while (_tokens.Count > 0)
        {
            var token = NextToken();
            if (token.Type == TokenType.Block && token.Contents == endTag) return;
        }
        throw UnclosedBlockTag([endTag]);
    }

    /// <summary>Takes the next token.</summary>
    public Token NextToken()
    {
        var token = _tokens[^1];
        _tokens.RemoveAt(_tokens.Count - 1);
        return token;
    }

    /// <summary>Puts a token back.</summary>
    public void PrependToken(Token token) => _tokens.Add(token);

    /// <summary>Drops the next token (the end tag a compiler parsed up to).</summary>
    public void DeleteFirstToken() => _tokens.RemoveAt(_tokens.Count - 1);

    /// <summary>Adds a library's tags and filters.</summary>
    public void AddLibrary(Library library)
    {
        foreach (var (name, tag) in library.Tags) Tags[name] = tag;
        foreach (var (name, filter) in library.Filters) Filters[name] = filter;
    }

    /// <summary>Parses a filter expression.</summary>
    public FilterExpression CompileFilter(string text) => new(text, this);

    /// <summary>The filter named <paramref name="name"/>; throws Django's "Invalid filter" otherwise.</summary>
    public FilterDefinition FindFilter(string name) =>
        Filters.TryGetValue(name, out var filter) ? filter : throw new TemplateSyntaxError($"Invalid filter: '{name}'");

    private void Extend(NodeList nodes, Node node, Token token)
    {
        if (node.MustBeFirst && nodes.ContainsNonText)
            throw Error(token, $"{{% {token.Contents} %}} must be the first tag in {(TemplateName is null ? "the template" : Core.PythonRepr.Of(TemplateName))}.");
        if (node is not TextNode) nodes.ContainsNonText = true;
        node.Token = token;
        nodes.Add(node);
    }

    /// <summary>An error about <paramref name="token"/> (the innermost token wins, as in Django).</summary>
    public TemplateSyntaxError Error(Token token, string message) => Error(token, new TemplateSyntaxError(message));

    private TemplateSyntaxError Error(Token token, Exception exception)
    {
        var error = exception as TemplateSyntaxError ?? new TemplateSyntaxError(exception.Message);
        error.Token ??= token;
        error.TemplateName ??= TemplateName;
        return error;
    }

    private TemplateSyntaxError InvalidBlockTag(Token token, string command, string[] parseUntil) => Error(token, parseUntil.Length > 0
        ? $"Invalid block tag on line {token.Line}: '{command}', expected {TextList(parseUntil.Select(p => $"'{p}'").ToList(), "or")}. Did you forget to register or load this tag?"
        : $"Invalid block tag on line {token.Line}: '{command}'. Did you forget to register or load this tag?");

    private TemplateSyntaxError UnclosedBlockTag(string[] parseUntil)
    {
        var (command, token) = _commandStack[^1];
        _commandStack.RemoveAt(_commandStack.Count - 1);
        return Error(token, $"Unclosed tag on line {token.Line}: '{command}'. Looking for one of: {string.Join(", ", parseUntil)}.");
    }

    /// <summary>django/utils/text.py's <c>get_text_list</c>: <c>'a', 'b' or 'c'</c>.</summary>
    internal static string TextList(IReadOnlyList<string> items, string last) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} {last} {items[^1]}",
    };
}
