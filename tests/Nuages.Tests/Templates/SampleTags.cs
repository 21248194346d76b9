using System.Text;
using Nuages.Templates;

namespace Nuages.Tests.Templates;

/// <summary>A library written as docs/templates.md shows: filters, simple and inclusion tags, and a full tag.</summary>
[TemplateLibrary("sample_tags")]
public static class SampleTags
{
    [Filter]
    public static string Shout(string value, string mark = "!") => value.ToUpperInvariant() + mark;

    [Filter(IsSafe = true)]
    public static string Doubled(string value) => value + value;

    [Filter("wrap_em", NeedsAutoescape = true)]
    public static SafeString WrapEm(object? value, bool autoescape) =>
        new($"<em>{(autoescape ? Html.ConditionalEscape(value).Value : TemplateValues.ToText(value))}</em>");

    [Filter]
    public static async Task<object?> Later(object? value)
    {
        await Task.Yield();
        return $"later:{value}";
    }

    [SimpleTag]
    public static string Greet(string name, string greeting = "Hello") => $"{greeting}, {name} <3";

    [SimpleTag]
    public static SafeString Bold(string text) => new($"<b>{Html.EscapeText(text)}</b>");

    [SimpleTag("who")]
    public static object? Who(Context context) => context["user"];

    [SimpleTag]
    public static async Task<string> SlowSum(int a, int b)
    {
        await Task.Yield();
        return (a + b).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Renders another template while the page renders (what a tag calling render_to_string does).</summary>
    [SimpleTag]
    public static string RenderInside(string template, string name) => Engine.Current.RenderToString(template, new { name });

    [InclusionTag("item_list.html")]
    public static object Items(List<object?> items, string title = "Items") => new { items, title };

    /// <summary><c>{% upper %}…{% endupper %}</c>: a full tag with its own parse and render.</summary>
    [Tag("upper")]
    public sealed class UpperNode(NodeList nodes) : Node
    {
        public static Node Parse(Parser parser, Token token)
        {
            var nodes = parser.Parse("endupper");
            parser.DeleteFirstToken();
            return new UpperNode(nodes);
        }

        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            var inner = new StringBuilder();
            await nodes.RenderAsync(context, inner);
            output.Append(inner.ToString().ToUpperInvariant());
        }
    }
}
