using System.Text.Json.Nodes;
using Nuages.Forms;
using Nuages.Templates;
using Nuages.Tests.Support;

namespace Nuages.Tests.Forms;

/// <summary>
/// Widgets, labels and error lists rendered as Django renders them (Vectors/django_widgets.py, byte for byte), and
/// whole forms through Django 5's templates.
/// </summary>
public class RenderingTests
{
    private static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Forms", "Vectors", "django_widgets.json")))!.AsObject();

    /// <summary>django_widgets.py's Everything form, in C#.</summary>
    public sealed class Everything : Form
    {
        public CharField Name { get; } = new() { MaxLength = 100 };
        public CharField Nick { get; } = new() { Required = false, MinLength = 2, Widget = new TextInput { Attrs = { ["class"] = "wide", ["placeholder"] = "A & B" } } };
        public CharField Bio { get; } = new() { Widget = new Textarea() };
        public EmailField Email { get; } = new();
        public URLField Site { get; } = new() { Required = false };
        public IntegerField Age { get; } = new() { MinValue = 0, MaxValue = 150 };
        public FloatField Ratio { get; } = new();
        public DecimalField Price { get; } = new() { DecimalPlaces = 2 };
        public BooleanField Agree { get; } = new();
        public NullBooleanField Maybe { get; } = new();
        public ChoiceField Color { get; } = new() { Choices = [("r", "Red"), ("g", "Green"), new Choice("Shades", "Shades", [("dk", "Dark"), ("lt", "Light")])] };
        public MultipleChoiceField Tags { get; } = new() { Choices = [("a", "Alpha"), ("b", "Beta")], Required = false };
        public DateField Born { get; } = new();
        public DateTimeField At { get; } = new() { Required = false };
        public TimeField Alarm { get; } = new() { Required = false };
        public CharField Secret { get; } = new() { Widget = new PasswordInput() };
        public CharField Token { get; } = new() { Widget = new HiddenInput(), Required = false };
        public CharField Locked { get; } = new() { Disabled = true, Initial = "fixed" };
    }

    private static void AssertRendered(JsonObject expected, Form form, IReadOnlyCollection<string>? withErrors = null)
    {
        foreach (var (name, node) in expected)
        {
            var widget = (string)node!["widget"]!;
            // Django 5 marks a widget with errors aria-invalid, before its id (3.2, which made these, did not)
            if (withErrors?.Contains(name) == true) widget = widget.Replace(" id=\"", " aria-invalid=\"true\" id=\"", StringComparison.Ordinal);
            Assert.Equal(widget, form[name].ToString());
            Assert.Equal((string)node["label_tag"]!, form[name].LabelTag().Value);
        }
    }

    [Fact]
    public void Widgets_and_labels_render_as_Djangos()
    {
        using var site = TestSite.Create(_ => { }).Enter();
        AssertRendered(Django["unbound"]!.AsObject(), new Everything
        {
            Initial = new Dictionary<string, object?>
            {
                ["name"] = "Ann <b>", ["age"] = 30, ["color"] = "dk", ["tags"] = new List<string> { "a", "b" }, ["agree"] = true,
                ["born"] = new DateOnly(2006, 10, 25), ["at"] = new DateTimeOffset(2006, 10, 25, 14, 30, 0, TimeSpan.Zero),
                ["price"] = 1.50m, ["maybe"] = false, ["alarm"] = new TimeOnly(7, 5),
            },
        });
        var bound = new Everything
        {
            Data = new Dictionary<string, object?>
            {
                ["name"] = "Bob \"quoted\"", ["nick"] = "x", ["bio"] = "line 1\nline 2 <i>", ["email"] = "bob@example.com", ["age"] = "200", ["ratio"] = "0.5",
                ["price"] = "3.333", ["maybe"] = "true", ["color"] = "g", ["tags"] = new[] { "b" }, ["born"] = "2006-10-25", ["secret"] = "hunter2", ["token"] = "t",
            },
        };
        Assert.False(bound.IsValid());
        AssertRendered(Django["bound"]!.AsObject(), bound, [.. bound.Errors.Keys]);
        foreach (var (name, html) in Django["errors"]!.AsObject()) Assert.Equal((string)html!, bound.Errors[name].ToString());
        AssertRendered(Django["unbound_no_required"]!.AsObject(), new Everything { UseRequiredAttribute = false });
        AssertRendered(Django["prefixed"]!.AsObject(), new Everything { Prefix = "p", AutoId = "f_%s" });
        AssertRendered(Django["no_id"]!.AsObject(), new Everything { AutoId = null });
    }

    public sealed class CommentForm : Form
    {
        public CharField Name { get; } = new() { MaxLength = 50, HelpText = "As shown <b>publicly</b>." };
        public CharField Body { get; } = new() { Widget = new Textarea { Attrs = { ["rows"] = "3" } } };
        public ChoiceField Mood { get; } = new() { Choices = [("h", "Happy"), ("s", "Sad")], Widget = new RadioSelect(), Required = false };
        public CharField Next { get; } = new() { Widget = new HiddenInput() };
    }

    [Fact]
    public void A_form_renders_through_Django_5s_templates()
    {
        using var site = TestSite.Create(_ => { }).Enter();
        var form = new CommentForm { Data = new Dictionary<string, string> { ["name"] = "Ann", ["mood"] = "s" } };
        Assert.False(form.IsValid());
        var html = form.ToString();
        // the div layout, written from django/forms/templates/django/forms/div.html
        Assert.Contains("<ul class=\"errorlist nonfield\"><li>(Hidden field next) This field is required.</li></ul>", html);
        Assert.Contains("<label for=\"id_name\">Name:</label>", html);
        Assert.Contains("<div class=\"helptext\" id=\"id_name_helptext\">As shown <b>publicly</b>.</div>", html);
        Assert.Contains("<input type=\"text\" name=\"name\" value=\"Ann\" maxlength=\"50\" required aria-describedby=\"id_name_helptext\" id=\"id_name\">", html);
        Assert.Contains("<ul class=\"errorlist\"><li>This field is required.</li></ul>", html);
        Assert.Contains("<textarea name=\"body\" cols=\"40\" rows=\"3\" required aria-invalid=\"true\" id=\"id_body\">\n</textarea>", html);
        Assert.Contains("<fieldset>", html);
        Assert.Contains("<legend>Mood:</legend>", html);
        Assert.Contains("<div id=\"id_mood\"><div>\n    <label for=\"id_mood_0\"><input type=\"radio\" name=\"mood\" value=\"h\" id=\"id_mood_0\"> Happy</label></div><div>\n    <label for=\"id_mood_1\"><input type=\"radio\" name=\"mood\" value=\"s\" id=\"id_mood_1\" checked> Sad</label></div>\n</div>", html);
        Assert.Contains("<input type=\"hidden\" name=\"next\" id=\"id_next\">", html);
        Assert.StartsWith("<ul class=\"errorlist nonfield\">", form.AsP().Value);
        Assert.Contains("<th><label for=\"id_name\">Name:</label></th>", form.AsTable().Value);
        Assert.Contains("<li>\n    <ul class=\"errorlist nonfield\">", form.AsUl().Value);
    }

    [Fact]
    public void Templates_render_a_form_field_by_field()
    {
        using var site = TestSite.Create(_ => { }).Enter();
        var engine = new Engine(new Nuages.Conf.TemplateSettings(), [new LocMemLoader(new Dictionary<string, string>
        {
            ["t"] = "{% for field in form %}[{{ field.label_tag }}{{ field }}{{ field.errors }}]{% endfor %}{{ form.name.value }}|{{ form.non_field_errors }}",
        })]);
        var form = new CommentForm { Data = new Dictionary<string, string> { ["name"] = "<Ann>" } };
        var html = engine.GetTemplate("t").Render(new { form });
        Assert.StartsWith("[<label for=\"id_name\">Name:</label><input type=\"text\" name=\"name\" value=\"&lt;Ann&gt;\" maxlength=\"50\" required aria-describedby=\"id_name_helptext\" id=\"id_name\">]", html);
        Assert.EndsWith("]&lt;Ann&gt;|", html);
    }
}
