using System.Reflection;
using System.Text.Json;

namespace Nuages.Templates;

/// <summary>Compiles a tag's token into a node (Django's tag compilation function).</summary>
public delegate Node TagCompiler(Parser parser, Token token);

/// <summary>A filter's code: the value, the argument (null when none is given) and the render's context.</summary>
public delegate object? FilterFunction(object? value, object? argument, FilterCall call);

/// <summary>What a filter may need of the render besides its value and argument.</summary>
public readonly struct FilterCall(Context context, bool hasArgument)
{
    /// <summary>Whether autoescaping is on where the filter is used (Django's <c>autoescape</c> argument, for filters that <c>needs_autoescape</c>).</summary>
    public bool Autoescape => Context.Autoescape;

    /// <summary>Whether the template gave an argument.</summary>
    public bool HasArgument { get; } = hasArgument;

    /// <summary>The context.</summary>
    public Context Context { get; } = context;
}

/// <summary>Whether a filter takes an argument.</summary>
public enum FilterArgument
{
    /// <summary>Takes none.</summary>
    None,

    /// <summary>May take one.</summary>
    Optional,

    /// <summary>Needs one.</summary>
    Required,
}

/// <summary>A filter and Django's flags for it.</summary>
public sealed class FilterDefinition(string name, FilterFunction function, FilterArgument argument = FilterArgument.None, bool isSafe = false)
{
    /// <summary>The name templates use.</summary>
    public string Name { get; } = name;

    /// <summary>The code.</summary>
    public FilterFunction Function { get; } = function;

    /// <summary>Whether it takes an argument.</summary>
    public FilterArgument Argument { get; } = argument;

    /// <summary>Django's <c>is_safe</c>: safe input gives safe output.</summary>
    public bool IsSafe { get; } = isSafe;

    /// <summary>An async form, awaited in an async render (and run through <c>AsyncToSync</c> in a sync one).</summary>
    public Func<object?, object?, FilterCall, ValueTask<object?>>? AsyncFunction { get; init; }

    internal void CheckArguments(bool provided)
    {
        var (required, total) = Argument switch { FilterArgument.None => (1, 1), FilterArgument.Optional => (1, 2), _ => (2, 2) };
        var given = provided ? 2 : 1;
        if (given < required || given > total)
            throw new TemplateSyntaxError($"{Name} requires {required} arguments, {given} provided");
    }

    internal ValueTask<object?> Apply(object? value, object? argument, bool hasArgument, Context context)
    {
        var call = new FilterCall(context, hasArgument);
        if (AsyncFunction is { } asynchronous)
            return context.IsAsync ? Safe(value, asynchronous(value, argument, call)) : new(Mark(value, Async.AsyncToSync.Run(() => asynchronous(value, argument, call))));
        return new(Mark(value, Function(value, argument, call)));
    }

    private async ValueTask<object?> Safe(object? input, ValueTask<object?> result) => Mark(input, await result.ConfigureAwait(false));

    private object? Mark(object? input, object? output) => IsSafe && input is SafeString && output is not SafeString ? Html.MarkSafe(output) : output;
}

/// <summary>
/// A set of tags and filters (Django's <c>Library</c>). Write one as a class with <see cref="TemplateLibraryAttribute"/>
/// whose static methods carry <see cref="FilterAttribute"/>, <see cref="SimpleTagAttribute"/> or
/// <see cref="InclusionTagAttribute"/>; <c>{% load name %}</c> makes it available to a template.
/// </summary>
public sealed class Library
{
    /// <summary>The tags, by name.</summary>
    public Dictionary<string, TagCompiler> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>The filters, by name.</summary>
    public Dictionary<string, FilterDefinition> Filters { get; } = new(StringComparer.Ordinal);

    /// <summary>Registers a tag.</summary>
    public Library Tag(string name, TagCompiler compiler)
    {
        Tags[name] = compiler;
        return this;
    }

    /// <summary>Registers a filter.</summary>
    public Library Filter(string name, FilterFunction function, FilterArgument argument = FilterArgument.None, bool isSafe = false)
    {
        Filters[name] = new FilterDefinition(name, function, argument, isSafe);
        return this;
    }

    /// <summary>Registers a filter with its definition.</summary>
    public Library Filter(FilterDefinition definition)
    {
        Filters[definition.Name] = definition;
        return this;
    }

    /// <summary>The library a class declares with attributes on its static methods.</summary>
    public static Library FromType(Type type)
    {
        var library = new Library();
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
        {
            if (method.GetCustomAttribute<FilterAttribute>() is { } filter) library.Filter(CustomTags.Filter(method, filter));
            if (method.GetCustomAttribute<SimpleTagAttribute>() is { } simple) library.Tag(simple.Name ?? Snake(method.Name), CustomTags.Simple(method, simple));
            if (method.GetCustomAttribute<InclusionTagAttribute>() is { } inclusion) library.Tag(inclusion.Name ?? Snake(method.Name), CustomTags.Inclusion(method, inclusion));
        }
        foreach (var nested in type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
            if (nested.GetCustomAttribute<TagAttribute>() is { } tag && typeof(Node).IsAssignableFrom(nested))
                library.Tag(tag.Name, CustomTags.FullTag(nested));
        return library;
    }

    internal static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name.EndsWith("Async", StringComparison.Ordinal) ? name[..^5] : name);
}

/// <summary>Marks a class as a template tag library; <c>{% load name %}</c> loads it (by default its class name in snake_case, without a <c>Tags</c>/<c>Filters</c>/<c>Extras</c>… suffix kept).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TemplateLibraryAttribute(string? name = null) : Attribute
{
    /// <summary>The name <c>{% load %}</c> uses.</summary>
    public string? Name { get; } = name;
}

/// <summary>
/// Makes a static method a filter: its first parameter is the value, an optional second the argument (optional
/// if it has a default). Returning <see cref="SafeString"/> marks the output safe.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FilterAttribute(string? name = null) : Attribute
{
    /// <summary>The name templates use; by default the method's in snake_case.</summary>
    public string? Name { get; } = name;

    /// <summary>Django's <c>is_safe</c>.</summary>
    public bool IsSafe { get; init; }

    /// <summary>Django's <c>needs_autoescape</c>: a <c>bool autoescape</c> parameter receives the current setting.</summary>
    public bool NeedsAutoescape { get; init; }
}

/// <summary>
/// Makes a static method a simple tag (Django's <c>simple_tag</c>): <c>{% name arg key=value as var %}</c>. Its
/// parameters take the positional then keyword arguments; a first parameter of type <see cref="Context"/> takes the
/// context (<c>takes_context</c>). The result is escaped unless it is a <see cref="SafeString"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SimpleTagAttribute(string? name = null) : Attribute
{
    /// <summary>The tag's name; by default the method's in snake_case.</summary>
    public string? Name { get; } = name;
}

/// <summary>
/// Makes a static method an inclusion tag (Django's <c>inclusion_tag</c>): it returns the context (a dictionary or an
/// object) for <see cref="Template"/>, which is rendered in its place.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class InclusionTagAttribute(string template) : Attribute
{
    /// <summary>The template rendered.</summary>
    public string Template { get; } = template;

    /// <summary>The tag's name; by default the method's in snake_case.</summary>
    public string? Name { get; init; }
}

/// <summary>
/// Makes a nested class deriving from <see cref="Node"/> a full tag: it needs a public static
/// <c>Node Parse(Parser parser, Token token)</c>, Django's compilation function.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TagAttribute(string name) : Attribute
{
    /// <summary>The tag's name.</summary>
    public string Name { get; } = name;
}
