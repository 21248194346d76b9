using System.Text.RegularExpressions;

namespace Nuages.Templates;

/// <summary>
/// A variable and its filters, <c>post.title|default:"Untitled"|upper</c> (Django's <c>FilterExpression</c>), parsed
/// once; resolving it looks the variable up and applies the filters, keeping text safe through filters that are.
/// </summary>
public sealed partial class FilterExpression
{
    private readonly (FilterDefinition Filter, object? Constant, Variable? Argument, bool HasArgument)[] _filters;

    /// <summary>Parses <paramref name="token"/> with the filters <paramref name="parser"/> knows.</summary>
    public FilterExpression(string token, Parser parser)
    {
        Token = token;
        var filters = new List<(FilterDefinition, object?, Variable?, bool)>();
        var upto = 0;
        var started = false;
        foreach (Match match in Pattern().Matches(token))
        {
            if (upto != match.Index)
                throw new TemplateSyntaxError($"Could not parse some characters: {token[..upto]}|{token[upto..match.Index]}|{token[match.Index..]}");
            if (!started)
            {
                started = true;
                if (match.Groups["constant"].Success)
                {
                    Constant = new Variable(match.Groups["constant"].Value).Literal;
                    IsConstant = true;
                }
                else if (match.Groups["var"].Success) Var = new Variable(match.Groups["var"].Value);
                else throw new TemplateSyntaxError($"Could not find variable at start of {token}.");
            }
            else
            {
                var name = match.Groups["filter_name"].Value;
                var filter = parser.FindFilter(name);
                object? constant = null;
                Variable? argument = null;
                var has = false;
                if (match.Groups["constant_arg"].Success) { constant = new Variable(match.Groups["constant_arg"].Value).Literal; has = true; }
                else if (match.Groups["var_arg"].Success)
                {
                    argument = new Variable(match.Groups["var_arg"].Value);
                    if (argument.IsLiteral) { constant = argument.Literal; argument = null; }
                    has = true;
                }
                filter.CheckArguments(has);
                filters.Add((filter, constant, argument, has));
            }
            upto = match.Index + match.Length;
        }
        if (upto != token.Length)
            throw new TemplateSyntaxError($"Could not parse the remainder: '{token[upto..]}' from '{token}'");
        _filters = [.. filters];
    }

    /// <summary>The text as written.</summary>
    public string Token { get; }

    /// <summary>The variable, unless the expression starts with a quoted constant.</summary>
    public Variable? Var { get; }

    /// <summary>Whether the expression starts with a quoted constant.</summary>
    public bool IsConstant { get; }

    /// <summary>The quoted constant it starts with.</summary>
    public object? Constant { get; }

    /// <summary>The names of the filters, in order.</summary>
    public IEnumerable<string> FilterNames => _filters.Select(f => f.Filter.Name);

    /// <summary>Whether there are filters.</summary>
    public bool HasFilters => _filters.Length > 0;

    /// <inheritdoc/>
    public override string ToString() => Token;

    /// <summary>Resolves synchronously (Django's <c>resolve</c>): what a tag that renders in sync code calls.</summary>
    public object? Resolve(Context context, bool ignoreFailures = false)
    {
        var task = ResolveAsync(context, ignoreFailures);
        return task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// The value: an invalid variable gives null with <paramref name="ignoreFailures"/>, else the engine's
    /// <c>string_if_invalid</c> — which, when not empty, is returned without applying the filters, as Django does.
    /// </summary>
    public ValueTask<object?> ResolveAsync(Context context, bool ignoreFailures = false)
    {
        object? value;
        if (Var is null) value = Constant;
        else
        {
            var resolving = Var.ResolveAsync(context);
            if (!resolving.IsCompletedSuccessfully) return Finish(context, resolving, ignoreFailures);
            value = resolving.Result;
        }
        if (value == Variable.Invalid)
        {
            if (ignoreFailures) value = null;
            else
            {
                var invalid = context.Template?.Engine.StringIfInvalid ?? "";
                if (invalid.Length > 0) return new(invalid.Contains("%s", StringComparison.Ordinal) ? invalid.Replace("%s", Var!.Text, StringComparison.Ordinal) : invalid);
                value = invalid;
            }
        }
        return _filters.Length == 0 ? new(value) : ApplyFilters(context, value);
    }

    private async ValueTask<object?> Finish(Context context, ValueTask<object?> resolving, bool ignoreFailures)
    {
        var value = await resolving.ConfigureAwait(false);
        if (value == Variable.Invalid)
        {
            if (ignoreFailures) value = null;
            else
            {
                var invalid = context.Template?.Engine.StringIfInvalid ?? "";
                if (invalid.Length > 0) return invalid.Contains("%s", StringComparison.Ordinal) ? invalid.Replace("%s", Var!.Text, StringComparison.Ordinal) : invalid;
                value = invalid;
            }
        }
        return _filters.Length == 0 ? value : await ApplyFilters(context, value).ConfigureAwait(false);
    }

    private ValueTask<object?> ApplyFilters(Context context, object? value)
    {
        for (var i = 0; i < _filters.Length; i++)
        {
            var (filter, constant, argument, has) = _filters[i];
            object? arg = constant;
            if (argument is not null)
            {
                var resolving = argument.ResolveAsync(context);
                if (!resolving.IsCompletedSuccessfully) return ApplyFiltersAsync(context, value, i, resolving);
                arg = Checked(argument, resolving.Result);
            }
            var applying = filter.Apply(value, arg, has, context);
            if (!applying.IsCompletedSuccessfully) return ApplyFiltersAsync(context, value, i, null, applying);
            value = applying.Result;
        }
        return new(value);
    }

    private async ValueTask<object?> ApplyFiltersAsync(Context context, object? value, int from, ValueTask<object?>? pendingArgument, ValueTask<object?>? pendingResult = null)
    {
        for (var i = from; i < _filters.Length; i++)
        {
            var (filter, constant, argument, has) = _filters[i];
            if (pendingResult is { } result)
            {
                value = await result.ConfigureAwait(false);
                pendingResult = null;
                continue;
            }
            object? arg = constant;
            if (pendingArgument is { } pending)
            {
                arg = Checked(argument!, await pending.ConfigureAwait(false));
                pendingArgument = null;
            }
            else if (argument is not null) arg = Checked(argument, await argument.ResolveAsync(context).ConfigureAwait(false));
            value = await filter.Apply(value, arg, has, context).ConfigureAwait(false);
        }
        return value;
    }

    private static object? Checked(Variable argument, object? value) =>
        value == Variable.Invalid ? throw new VariableDoesNotExist($"Failed lookup for key [{argument.Text}]") : value;

    // django/template/base.py's filter_raw_string
    [GeneratedRegex("""
        ^(?<constant>(?:_\("[^"\\]*(?:\\.[^"\\]*)*"\)|_\('[^'\\]*(?:\\.[^'\\]*)*'\)|"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*'))|
        ^(?<var>[\w\.\+-]+)|
         (?:\s*\|\s*
             (?<filter_name>\w+)
                 (?::
                     (?:
                      (?<constant_arg>(?:_\("[^"\\]*(?:\\.[^"\\]*)*"\)|_\('[^'\\]*(?:\\.[^'\\]*)*'\)|"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*'))|
                      (?<var_arg>[\w\.\+-]+)
                     )
                 )?
         )
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Pattern();
}
