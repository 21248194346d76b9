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
            // Django 5.2 marks a widget with errors aria-invalid and names its error list, before its id (3.2, which made these, did not)
            if (withErrors?.Contains(name) == true)
                widget = widget.Replace(" id=\"", $" aria-invalid=\"true\" aria-describedby=\"{form[name].AutoId}_error\" id=\"", StringComparison.Ordinal);
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
        // Django 5.2 gives a field's error list the id its widget's aria-describedby names (3.2 did not)
        foreach (var (name, html) in Django["errors"]!.AsObject())
            Assert.Equal(((string)html!).Replace("<ul class=\"errorlist\">", $"<ul class=\"errorlist\" id=\"id_{name}_error\">", StringComparison.Ordinal), bound.Errors[name].ToString());
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

    private static readonly JsonObject Layouts = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Forms", "Vectors", "django_form_layouts.json")))!.AsObject();

    /// <summary>django_form_layouts.py's CommentForm, in C#.</summary>
    public class LayoutForm : Form
    {
        public CharField Name { get; } = new() { MaxLength = 50, HelpText = "As shown <b>publicly</b>." };
        public CharField Body { get; } = new() { Widget = new Textarea { Attrs = { ["rows"] = "3" } } };
        public ChoiceField Mood { get; } = new() { Choices = [("h", "Happy"), ("s", "Sad")], Widget = new RadioSelect(), HelpText = "How do you feel?" };
        public MultipleChoiceField Tags { get; } = new() { Choices = [("a", "Art"), ("b", "Books")], Widget = new CheckboxSelectMultiple(), Required = false };
        public BooleanField Agree { get; } = new() { Label = "I agree." };
        public CharField Next { get; } = new() { Widget = new HiddenInput() };

        protected override void Clean()
        {
            if (CleanedData.Get(Name) == "Bob") throw new Nuages.Core.ValidationError("Bob may not comment.");
        }
    }

    public sealed class OnlyHidden : Form
    {
        public CharField Token { get; } = new() { Widget = new HiddenInput() };
    }

    public static TheoryData<string> LayoutCases => [.. Layouts.Select(c => c.Key)];

    [Theory]
    [MemberData(nameof(LayoutCases))]
    public void Whole_forms_render_as_Django_5_2s_templates_do(string name)
    {
        using var site = TestSite.Create(_ => { }).Enter();
        Form form = name switch
        {
            "unbound" => new LayoutForm { Initial = new Dictionary<string, object?> { ["name"] = "Ann <b>", ["mood"] = "h", ["tags"] = new List<string> { "b" } } },
            "bound_errors" => new LayoutForm { Data = new Dictionary<string, object?> { ["name"] = "Ann", ["mood"] = "s", ["tags"] = new[] { "a", "x" } } },
            "bound_nonfield" => new LayoutForm { Data = new Dictionary<string, string> { ["name"] = "Bob", ["body"] = "Hi", ["mood"] = "h", ["agree"] = "on", ["next"] = "/" } },
            "bound_valid" => new LayoutForm { Data = new Dictionary<string, string> { ["name"] = "Cy", ["body"] = "Hi <i>", ["mood"] = "h", ["agree"] = "on", ["next"] = "/done/" } },
            "styled_errors" => new LayoutForm { RequiredCssClass = "required", ErrorCssClass = "error", Data = new Dictionary<string, string> { ["name"] = "Ann", ["body"] = "Hi" } },
            "no_auto_id" => new LayoutForm { AutoId = null, Data = new Dictionary<string, string> { ["name"] = "Ann" } },
            "prefixed" => new LayoutForm { Prefix = "c", AutoId = "f_%s", LabelSuffix = "" },
            "only_hidden" => new OnlyHidden(),
            "only_hidden_errors" => new OnlyHidden { Data = new Dictionary<string, string>() },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "a case of django_form_layouts.py not made here"),
        };
        if (form.IsBound) form.IsValid();
        var expected = Layouts[name]!.AsObject();
        Assert.Equal((string)expected["div"]!, form.ToString()); // {{ form }}: as_div
        Assert.Equal((string)expected["div"]!, form.AsDiv().Value);
        Assert.Equal((string)expected["p"]!, form.AsP().Value);
        Assert.Equal((string)expected["table"]!, form.AsTable().Value);
        Assert.Equal((string)expected["ul"]!, form.AsUl().Value);
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
