using System.Text;

namespace Nuages.Templates;

/// <summary>
/// A piece of a compiled template (Django's <c>Node</c>). Rendering appends to the output; a node that may await
/// (an async value, an include) returns an unfinished task only when it really waits.
/// </summary>
public abstract class Node
{
    /// <summary>The token it was compiled from.</summary>
    public Token? Token { get; internal set; }

    /// <summary>Nodes that must come before any other (Django's <c>must_be_first</c>: <c>extends</c>).</summary>
    public virtual bool MustBeFirst => false;

    /// <summary>The node lists it holds, for <see cref="NodesOfType{T}"/>.</summary>
    public virtual IEnumerable<NodeList> Children => [];

    /// <summary>Appends the node's output.</summary>
    public abstract ValueTask RenderAsync(Context context, StringBuilder output);

    /// <summary>Every node of type <typeparamref name="T"/> in this one and below (Django's <c>get_nodes_by_type</c>).</summary>
    public IEnumerable<T> NodesOfType<T>() where T : Node
    {
        if (this is T self) yield return self;
        foreach (var list in Children)
            foreach (var node in list.NodesOfType<T>()) yield return node;
    }

    /// <summary>Renders a node list into a string of its own (for tags that transform their content).</summary>
    protected static async ValueTask<string> CaptureAsync(NodeList nodes, Context context)
    {
        var output = new StringBuilder();
        await nodes.RenderAsync(context, output).ConfigureAwait(false);
        return output.ToString();
    }

    /// <summary>
    /// Appends a value as Django's <c>render_value_in_context</c> does: localized (numbers, dates), converted as
    /// Python's <c>str()</c>, escaped when autoescaping is on and it is not safe.
    /// </summary>
    public static void AppendValue(StringBuilder output, object? value, Context context)
    {
        switch (value)
        {
            case SafeString safe:
                output.Append(safe.Value);
                return;
            case string s:
                if (context.Autoescape) Html.AppendEscaped(output, s);
                else output.Append(s);
                return;
            case int i:
                output.Append(i);
                return;
            case long l:
                output.Append(l);
                return;
            case decimal m:
                output.Append(System.Globalization.CultureInfo.InvariantCulture, $"{m}");
                return;
            case bool b:
                output.Append(b ? "True" : "False");
                return;
        }
        if (value is IStringValue str)
        {
            // str() first, then conditional_escape: what str() gives may be safe already (a message marked safe)
            AppendValue(output, str.Text, context);
            return;
        }
        var text = Localize(value);
        if (context.Autoescape) Html.AppendEscaped(output, text);
        else output.Append(text);
    }

    /// <summary>A value as a page shows it: Django's <c>localize</c> (numbers without exponent, dates in the default formats), then <c>str()</c>.</summary>
    public static string Localize(object? value) => value switch
    {
        double d => TemplateValues.FloatLocalized(d),
        float f => TemplateValues.FloatLocalized(f),
        DateTime t => DateFormat.Format(t, DateFormat.DateTimeFormat),
        DateTimeOffset t => DateFormat.Format(t, DateFormat.DateTimeFormat),
        DateOnly d => DateFormat.Format(d, DateFormat.DateFormatDefault),
        TimeOnly t => DateFormat.Format(t, DateFormat.TimeFormat),
        _ => TemplateValues.ToText(value),
    };
}

/// <summary>A list of nodes, rendered in order (Django's <c>NodeList</c>).</summary>
public sealed class NodeList : List<Node>
{
    /// <summary>Whether a node other than text was added (an <c>extends</c> after it is an error).</summary>
    public bool ContainsNonText { get; internal set; }

    /// <summary>Every node of type <typeparamref name="T"/> in the list and below.</summary>
    public IEnumerable<T> NodesOfType<T>() where T : Node
    {
        foreach (var node in this)
            foreach (var found in node.NodesOfType<T>()) yield return found;
    }

    /// <summary>Renders the nodes in order, recording where an exception was raised for the debug page.</summary>
    public ValueTask RenderAsync(Context context, StringBuilder output)
    {
        for (var i = 0; i < Count; i++)
        {
            var node = this[i];
            if (node is TextNode text)
            {
                output.Append(text.Text);
                continue;
            }
            ValueTask rendering;
            try
            {
                rendering = node.RenderAsync(context, output);
            }
            catch (Exception exception)
            {
                Annotate(exception, node, context);
                throw;
            }
            if (!rendering.IsCompletedSuccessfully) return Continue(rendering, i, context, output);
        }
        return default;
    }

    private async ValueTask Continue(ValueTask pending, int index, Context context, StringBuilder output)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Annotate(exception, this[index], context);
            throw;
        }
        for (var i = index + 1; i < Count; i++)
        {
            var node = this[i];
            try
            {
                await node.RenderAsync(context, output).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Annotate(exception, node, context);
                throw;
            }
        }
    }

    private static void Annotate(Exception exception, Node node, Context context)
    {
        if (context.Template is { } template && node.Token is { } token && template.Engine.Debug && TemplateDebugInfo.Of(exception) is null)
            TemplateDebugInfo.Record(exception, new TemplateDebugInfo(template.Name ?? "unknown", token, template.Source));
    }
}

/// <summary>Text outside tags.</summary>
public sealed class TextNode(string text) : Node
{
    /// <summary>The text.</summary>
    public string Text { get; } = text;

    /// <inheritdoc/>
    public override ValueTask RenderAsync(Context context, StringBuilder output)
    {
        output.Append(Text);
        return default;
    }
}

/// <summary><c>{{ expression }}</c>.</summary>
public sealed class VariableNode(FilterExpression expression) : Node
{
    /// <summary>The expression.</summary>
    public FilterExpression Expression { get; } = expression;

    /// <inheritdoc/>
    public override ValueTask RenderAsync(Context context, StringBuilder output)
    {
        var resolving = Expression.ResolveAsync(context);
        if (!resolving.IsCompletedSuccessfully) return Finish(resolving, context, output);
        AppendValue(output, resolving.Result, context);
        return default;
    }

    private static async ValueTask Finish(ValueTask<object?> resolving, Context context, StringBuilder output) =>
        AppendValue(output, await resolving.ConfigureAwait(false), context);
}

/// <summary>
/// A value shown by its text, as Python's <c>str()</c> gives it — a string, or a <see cref="SafeString"/> left unescaped
/// (Django renders <c>str(value)</c> then escapes it unless it is safe, so an object whose <c>__str__</c> returns safe
/// text, as a message marked safe, is shown as HTML).
/// </summary>
public interface IStringValue
{
    /// <summary>The text: a <see cref="string"/> or a <see cref="SafeString"/>.</summary>
    object Text { get; }
}
