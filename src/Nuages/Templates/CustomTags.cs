using System.Globalization;
using System.Reflection;
using System.Text;

namespace Nuages.Templates;

/// <summary>Turns attributed static methods into filters and tags (Django's <c>Library.filter</c>, <c>simple_tag</c>, <c>inclusion_tag</c>).</summary>
internal static class CustomTags
{
    public static FilterDefinition Filter(MethodInfo method, FilterAttribute attribute)
    {
        var parameters = method.GetParameters();
        var autoescapeIndex = attribute.NeedsAutoescape ? Array.FindIndex(parameters, p => p.Name == "autoescape" && p.ParameterType == typeof(bool)) : -1;
        var data = parameters.Where((_, i) => i != autoescapeIndex).ToArray();
        if (data.Length is < 1 or > 2)
            throw new Core.ImproperlyConfigured($"The filter {method.DeclaringType!.Name}.{method.Name} must take the value and at most one argument.");
        var argument = data.Length == 1 ? FilterArgument.None : data[1].HasDefaultValue ? FilterArgument.Optional : FilterArgument.Required;
        var name = attribute.Name ?? Library.Snake(method.Name);
        var isAsync = IsAwaitable(method.ReturnType);
        object? Call(object? value, object? arg, FilterCall call)
        {
            var args = new object?[parameters.Length];
            var d = 0;
            for (var i = 0; i < parameters.Length; i++)
            {
                if (i == autoescapeIndex) { args[i] = call.Autoescape; continue; }
                args[i] = d == 0 ? Convert(value, parameters[i].ParameterType)
                    : call.HasArgument ? Convert(arg, parameters[i].ParameterType) : parameters[i].DefaultValue;
                d++;
            }
            return method.Invoke(null, args);
        }
        return new FilterDefinition(name, isAsync ? (v, a, c) => throw new InvalidOperationException("async filter") : Call, argument, attribute.IsSafe)
        {
            AsyncFunction = isAsync ? (v, a, c) => Accessors.AwaitAsync(Call(v, a, c)!) : null,
        };
    }

    public static TagCompiler Simple(MethodInfo method, SimpleTagAttribute attribute) => (parser, token) =>
    {
        var (args, kwargs, asVar) = ParseBits(parser, token, method);
        return new SimpleTagNode(method, args, kwargs, asVar);
    };

    public static TagCompiler Inclusion(MethodInfo method, InclusionTagAttribute attribute) => (parser, token) =>
    {
        var (args, kwargs, _) = ParseBits(parser, token, method, allowAs: false);
        return new InclusionTagNode(method, args, kwargs, attribute.Template);
    };

    public static TagCompiler FullTag(Type type)
    {
        var parse = type.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static, [typeof(Parser), typeof(Token)])
            ?? throw new Core.ImproperlyConfigured($"The tag {type.Name} needs a public static Node Parse(Parser parser, Token token).");
        return parse.CreateDelegate<TagCompiler>();
    }

    private static bool IsAwaitable(Type type) => typeof(Task).IsAssignableFrom(type) || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>);

    private static (List<FilterExpression>, List<(string, FilterExpression)>, string?) ParseBits(Parser parser, Token token, MethodInfo method, bool allowAs = true)
    {
        var bits = token.SplitContents();
        var name = bits[0];
        bits.RemoveAt(0);
        string? asVar = null;
        if (allowAs && bits.Count >= 2 && bits[^2] == "as")
        {
            asVar = bits[^1];
            bits.RemoveRange(bits.Count - 2, 2);
        }
        var parameters = method.GetParameters().Where(p => p.ParameterType != typeof(Context)).ToList();
        var args = new List<FilterExpression>();
        var kwargs = new List<(string, FilterExpression)>();
        foreach (var bit in bits)
        {
            var match = DefaultTags.KwargPattern().Match(bit);
            if (match.Groups[1].Success)
            {
                var key = match.Groups[1].Value;
                if (!parameters.Any(p => p.Name == key || Library.Snake(p.Name!) == key))
                    throw new TemplateSyntaxError($"'{name}' received unexpected keyword argument '{key}'");
                if (kwargs.Any(k => k.Item1 == key)) throw new TemplateSyntaxError($"'{name}' received multiple values for keyword argument '{key}'");
                kwargs.Add((key, parser.CompileFilter(match.Groups[2].Value)));
            }
            else
            {
                if (kwargs.Count > 0) throw new TemplateSyntaxError($"'{name}' received some positional argument(s) after some keyword argument(s)");
                if (args.Count >= parameters.Count) throw new TemplateSyntaxError($"'{name}' received too many positional arguments");
                args.Add(parser.CompileFilter(bit));
            }
        }
        var missing = parameters.Skip(args.Count).Where(p => !p.HasDefaultValue && !kwargs.Any(k => k.Item1 == p.Name || k.Item1 == Library.Snake(p.Name!))).Select(p => $"'{p.Name}'").ToList();
        if (missing.Count > 0) throw new TemplateSyntaxError($"'{name}' did not receive value(s) for the argument(s): {string.Join(", ", missing)}");
        return (args, kwargs, asVar);
    }

    internal static async ValueTask<object?> InvokeAsync(MethodInfo method, List<FilterExpression> args, List<(string Name, FilterExpression Value)> kwargs, Context context)
    {
        var parameters = method.GetParameters();
        var values = new object?[parameters.Length];
        var position = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.ParameterType == typeof(Context)) { values[i] = context; continue; }
            if (position < args.Count) values[i] = Convert(await args[position++].ResolveAsync(context).ConfigureAwait(false), p.ParameterType);
            else
            {
                var named = kwargs.FindIndex(k => k.Name == p.Name || k.Name == Library.Snake(p.Name!));
                values[i] = named >= 0 ? Convert(await kwargs[named].Value.ResolveAsync(context).ConfigureAwait(false), p.ParameterType) : p.DefaultValue;
            }
        }
        var result = method.Invoke(null, values);
        return result is not null && IsAwaitable(result.GetType()) ? await Accessors.AwaitAsync(result).ConfigureAwait(false) : result;
    }

    internal static object? Convert(object? value, Type type)
    {
        if (type == typeof(object) || value is not null && type.IsInstanceOfType(value)) return value;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null) return null;
        if (target == typeof(string)) return TemplateValues.ToText(value);
        if (target == typeof(bool)) return TemplateValues.IsTrue(value);
        if (target == typeof(int)) return (int)(TemplateValues.ToInteger(value) ?? throw new ArgumentException($"invalid literal for int() with base 10: {TemplateValues.Repr(value)}"));
        if (target == typeof(long)) return TemplateValues.ToInteger(value) ?? throw new ArgumentException($"invalid literal for int() with base 10: {TemplateValues.Repr(value)}");
        if (target == typeof(double)) return WidthRatioNode.TryFloat(value, out var d) ? d : throw new ArgumentException($"could not convert string to float: {TemplateValues.Repr(value)}");
        if (target == typeof(decimal)) return decimal.Parse(TemplateValues.ToText(value), NumberStyles.Float, CultureInfo.InvariantCulture);
        return value;
    }

    private sealed class SimpleTagNode(MethodInfo method, List<FilterExpression> args, List<(string, FilterExpression)> kwargs, string? asVar) : Node
    {
        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            var result = await InvokeAsync(method, args, kwargs, context).ConfigureAwait(false);
            if (asVar is not null)
            {
                context[asVar] = result;
                return;
            }
            AppendValue(output, result, context);
        }
    }

    private sealed class InclusionTagNode(MethodInfo method, List<FilterExpression> args, List<(string, FilterExpression)> kwargs, string templateName) : Node
    {
        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            var values = await InvokeAsync(method, args, kwargs, context).ConfigureAwait(false);
            var template = context.Template!.Engine.GetTemplate(templateName);
            var inner = context.NewIsolated(values);
            if (context.TryGetValue("csrf_token", out var token) && token is not null) inner["csrf_token"] = token;
            using var state = context.Render.PushState();
            await template.RenderInto(inner, output).ConfigureAwait(false);
        }
    }
}

/// <summary>The <c>static</c> library: <c>{% static "css/site.css" %}</c> and <c>{% get_static_prefix %}</c>, with <c>StaticUrl</c>.</summary>
internal static class StaticTags
{
    public static readonly Library Library = new Library().Tag("static", ParseStatic).Tag("get_static_prefix", ParsePrefix).Tag("get_media_prefix", ParsePrefix);

    private static Node ParseStatic(Parser parser, Token token)
    {
        var bits = token.SplitContents();
        if (bits.Count < 2) throw new TemplateSyntaxError($"'{bits[0]}' takes at least one argument (path to file)");
        var path = parser.CompileFilter(bits[1]);
        var asVar = bits.Count >= 2 && bits.Count == 4 && bits[2] == "as" ? bits[3] : null;
        return new StaticNode(path, asVar);
    }

    private static Node ParsePrefix(Parser parser, Token token)
    {
        var bits = token.Contents.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (bits.Length > 1 && (bits.Length != 3 || bits[1] != "as")) throw new TemplateSyntaxError($"First argument in '{bits[0]}' must be 'as'");
        return new PrefixNode(bits.Length == 3 ? bits[2] : null);
    }

    private static string Prefix(Context context) => context.Template?.Engine.SiteSettings.StaticUrl ?? "/static/";

    private sealed class StaticNode(FilterExpression path, string? asVar) : Node
    {
        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            var file = TemplateValues.ToText(await path.ResolveAsync(context).ConfigureAwait(false));
            var url = Prefix(context) + Uri.EscapeDataString(file).Replace("%2F", "/", StringComparison.Ordinal);
            if (asVar is not null) context[asVar] = url;
            else AppendValue(output, url, context);
        }
    }

    private sealed class PrefixNode(string? asVar) : Node
    {
        public override ValueTask RenderAsync(Context context, StringBuilder output)
        {
            if (asVar is not null) context[asVar] = Prefix(context);
            else output.Append(Prefix(context));
            return default;
        }
    }
}
