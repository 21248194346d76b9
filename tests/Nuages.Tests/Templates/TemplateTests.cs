using System.Runtime.CompilerServices;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Templates;

namespace Nuages.Tests.Templates;

public sealed class Author
{
    public string Name { get; set; } = "";
    public DateTime JoinedAt { get; set; }
    public List<string> Tags { get; } = ["a", "b"];
    public string GetAbsoluteUrl() => $"/authors/{Name.ToLowerInvariant()}/";
    public string Greet(string other) => $"hi {other}"; // needs an argument: never called
    public void Save() => Saved = true;
    [AltersData] public string Delete() => "deleted";
    public bool Saved { get; private set; }
    public Task<int> CountBooksAsync() => Task.FromResult(3);
    public int CountBooks() => throw new InvalidOperationException("the sync twin must not run in an async render");
}

/// <summary>The language beyond what the Django vectors cover: .NET values, 5.x tags, libraries, loaders, async rendering.</summary>
public class TemplateTests
{
    private static Engine Engine(Dictionary<string, string> templates, TemplateSettings? settings = null)
    {
        var engine = new Engine(settings ?? new TemplateSettings(), [new LocMemLoader(templates)]);
        engine.AddLibrary("sample_tags", Library.FromType(typeof(SampleTags)));
        return engine;
    }

    private static string Render(string source, object? context = null, TemplateSettings? settings = null) =>
        Engine(new() { ["main"] = source, ["item_list.html"] = "{{ title }}:{% for i in items %}[{{ i }}]{% endfor %}" }, settings).GetTemplate("main").Render(context);

    [Theory]
    [InlineData("{{ f }}", 6.0, "6.0")]
    [InlineData("{{ f }}", 0.1, "0.1")]
    [InlineData("{{ f }}", 1e16, "10000000000000000")]
    [InlineData("{{ f }}", 1.5e-7, "0.00000015")]
    [InlineData("{{ f|stringformat:'s' }}", 1e16, "1e+16")]
    [InlineData("{{ f }}", double.NaN, "nan")]
    [InlineData("{{ f }}", true, "True")]
    [InlineData("{{ f }}", null, "None")]
    public void Values_render_as_pythons_str_and_djangos_number_format(string source, object? value, string expected) =>
        Assert.Equal(expected, Render(source, new Dictionary<string, object?> { ["f"] = value }));

    [Fact]
    public void Net_members_answer_to_their_snake_case_names_and_methods_without_arguments_are_called()
    {
        var author = new Author { Name = "Ursula", JoinedAt = new DateTime(2024, 2, 29, 13, 45, 0) };
        Assert.Equal("Ursula|/authors/ursula/|a,b|b|Feb. 29, 2024, 1:45 p.m.|2024",
            Render("{{ a.name }}|{{ a.get_absolute_url }}|{{ a.tags|join:',' }}|{{ a.Tags.1 }}|{{ a.joined_at }}|{{ a.joined_at|date:'Y' }}", new { a = author }));
        Assert.False(author.Saved);
    }

    [Fact]
    public void Methods_that_need_arguments_alter_data_or_return_nothing_render_string_if_invalid()
    {
        var author = new Author { Name = "U" };
        Assert.Equal("I|I|I", Render("{{ a.greet }}|{{ a.save }}|{{ a.delete }}", new { a = author }, new TemplateSettings { StringIfInvalid = "I" }));
        Assert.False(author.Saved);
    }

    [Fact]
    public void Anonymous_objects_and_dictionaries_give_the_context_and_pascal_case_names_have_a_snake_case_twin()
    {
        Assert.Equal("1 1 2", Render("{{ PageCount }} {{ page_count }} {{ other }}", new { PageCount = 1, other = 2 }));
        Assert.Equal("x", Render("{{ d.k }}", new Dictionary<string, object?> { ["d"] = new Dictionary<string, int>().Count == 0 ? new Dictionary<string, string> { ["k"] = "x" } : null }));
    }

    [Fact]
    public void Querystring_follows_django_5_2()
    {
        var engine = Engine(new() { ["main"] = "{% querystring %}|{% querystring page=2 %}|{% querystring q=None %}|{% querystring tags=tags %}|{% querystring page=2 as next %}[{{ next }}]" });
        var site = Support.TestSite.Create(s => s.Debug = true);
        var request = new Nuages.Test.RequestFactory(site).Get("/?q=a%20b&page=1&page=3");
        Assert.Equal("?q=a+b&amp;page=1&amp;page=3|?q=a+b&amp;page=2|?page=1&amp;page=3|?q=a+b&amp;page=1&amp;page=3&amp;tags=x&amp;tags=y|[?q=a+b&amp;page=2]",
            engine.GetTemplate("main").Render(new { tags = new[] { "x", "y" } }, request));
        Assert.Equal("?", engine.FromString("{% querystring %}").Render(null, new Nuages.Test.RequestFactory(site).Get("/")));
    }

    [Fact]
    public void Partials_are_defined_once_and_rendered_where_used()
    {
        Assert.Equal("<b>Ann</b>|<b>Ann</b>", Render("{% partialdef card %}<b>{{ name }}</b>{% endpartialdef %}{% partial card %}|{% partial card %}", new { name = "Ann" }));
        Assert.Equal("<i>x</i>-<i>x</i>", Render("{% partialdef it inline %}<i>{{ v }}</i>{% endpartialdef it %}-{% partial it %}", new { v = "x" }));
        Assert.Equal("Partial 'nope' is not defined in the current template.", Assert.Throws<TemplateSyntaxError>(() => Render("{% partial nope %}")).Message);
    }

    [Fact]
    public void A_partial_is_a_template_of_its_own_by_name_hash_partial()
    {
        var engine = Engine(new()
        {
            ["page.html"] = "[{% partialdef card %}<b>{{ name }}</b>{% endpartialdef %}]",
            ["list.html"] = "{% for name in names %}{% include 'page.html#card' %}{% endfor %}",
        });
        Assert.Equal("<b>Ann</b>", engine.GetTemplate("page.html#card").Render(new { name = "Ann" }));
        Assert.Equal("[]", engine.GetTemplate("page.html").Render(new { name = "Ann" }));
        Assert.Equal("<b>a</b><b>b</b>", engine.GetTemplate("list.html").Render(new { names = new[] { "a", "b" } }));
        Assert.Equal("page.html#nope", Assert.Throws<TemplateDoesNotExist>(() => engine.GetTemplate("page.html#nope")).Message);
    }

    [Fact]
    public void Escapeseq_escapes_each_item_as_django_5_does()
    {
        Assert.Equal("&lt;a&gt;, <b>", Render("{{ items|escapeseq|join:', ' }}", new { items = new object[] { "<a>", new SafeString("<b>") } }));
        Assert.Equal("&lt;a&gt;, <b>", Render("{% autoescape off %}{{ items|escapeseq|join:', ' }}{% endautoescape %}", new { items = new object[] { "<a>", new SafeString("<b>") } }));
    }

    [Fact]
    public void Forloop_has_length_as_in_django_6()
    {
        Assert.Equal("3,3,3,", Render("{% for x in l %}{{ forloop.length }},{% endfor %}", new { l = new[] { 1, 2, 3 } }));
    }

    [Fact]
    public void An_outermost_loops_parentloop_is_an_empty_dictionary_as_in_django()
    {
        Assert.Equal("{}|,{}|,", Render("{% for x in l %}{{ forloop.parentloop }}|{{ forloop.parentloop.counter }},{% endfor %}", new { l = new[] { 1, 2 } }));
        Assert.Equal("{'parentloop': {}, 'counter0': 0, 'counter': 1, 'revcounter': 1, 'revcounter0': 0, 'first': True, 'last': True}",
            Render("{% autoescape off %}{% for x in l %}{{ forloop }}{% endfor %}{% endautoescape %}", new { l = new[] { 1 } }));
        // what the context's forloop held, even None (Django's context.get('forloop', {}))
        Assert.Equal("None,", Render("{% for x in l %}{{ forloop.parentloop }},{% endfor %}", new Dictionary<string, object?> { ["l"] = new[] { 1 }, ["forloop"] = null }));
    }

    [Fact]
    public void A_library_gives_filters_simple_inclusion_and_full_tags_once_loaded()
    {
        Assert.Equal("HEY!|HEY?|abab|<em>&lt;x&gt;</em>", Render("{% load sample_tags %}{{ s|shout }}|{{ s|shout:'?' }}|{{ 'ab'|doubled }}|{{ h|wrap_em }}", new { s = "hey", h = "<x>" }));
        Assert.Equal("Hello, Ann &lt;3|Hi, Bo &lt;3|<b>&lt;i&gt;</b>|me|5", Render(
            "{% load sample_tags %}{% greet 'Ann' %}|{% greet name='Bo' greeting='Hi' %}|{% bold '<i>' %}|{% who %}|{% slow_sum 2 3 %}", new { user = "me" }));
        Assert.Equal("Hello, Ann <3", Render("{% load sample_tags %}{% greet 'Ann' as g %}{% autoescape off %}{{ g }}{% endautoescape %}"));
        Assert.Equal("Things:[1][2]|Items:[x]", Render("{% load sample_tags %}{% items l 'Things' %}|{% items m %}", new { l = new List<object?> { 1, 2 }, m = new List<object?> { "x" } }));
        Assert.Equal("AB C", Render("{% load sample_tags %}{% upper %}ab {{ c }}{% endupper %}", new { c = "c" }));
        Assert.Equal("Invalid filter: 'shout'", Assert.Throws<TemplateSyntaxError>(() => Render("{{ s|shout }}")).Message);
        Assert.Equal("HEY!", Render("{% load shout from sample_tags %}{{ s|shout }}", new { s = "hey" }));
        Assert.Equal("'nope' is not a valid tag or filter in tag library 'sample_tags'", Assert.Throws<TemplateSyntaxError>(() => Render("{% load nope from sample_tags %}")).Message);
        Assert.Equal("'greet' did not receive value(s) for the argument(s): 'name'", Assert.Throws<TemplateSyntaxError>(() => Render("{% load sample_tags %}{% greet %}")).Message);
        Assert.Equal("'greet' received unexpected keyword argument 'x'", Assert.Throws<TemplateSyntaxError>(() => Render("{% load sample_tags %}{% greet 'a' x=1 %}")).Message);
        Assert.Equal("'greet' received too many positional arguments", Assert.Throws<TemplateSyntaxError>(() => Render("{% load sample_tags %}{% greet 'a' 'b' 'c' %}")).Message);
    }

    [Fact]
    public async Task An_async_filter_is_awaited_in_an_async_render_and_run_to_completion_in_a_sync_one()
    {
        var engine = Engine(new() { ["main"] = "{% load sample_tags %}{{ v|later }}" });
        Assert.Equal("later:1", await engine.GetTemplate("main").RenderAsync(new { v = 1 }));
        Assert.Equal("later:1", await Task.Run(() => engine.GetTemplate("main").Render(new { v = 1 })));
    }

    private static async IAsyncEnumerable<string> Names([EnumeratorCancellation] CancellationToken token = default)
    {
        foreach (var name in new[] { "ann", "bo" })
        {
            await Task.Yield();
            token.ThrowIfCancellationRequested();
            yield return name;
        }
    }

    [Fact]
    public async Task Async_rendering_awaits_tasks_async_sequences_and_async_twins()
    {
        var engine = Engine(new() { ["main"] = "{{ count }}|{% for n in names %}{{ n }}{% if not forloop.last %},{% endif %}{% endfor %}|{{ names|length }}|{{ a.count_books }}|{{ value }}" });
        var context = new Dictionary<string, object?>
        {
            ["count"] = Task.FromResult(42),
            ["names"] = Names(),
            ["a"] = new Author(),
            ["value"] = new ValueTask<string>("vt"),
        };
        Assert.Equal("42|ann,bo|2|3|vt", await engine.GetTemplate("main").RenderAsync(context));
    }

    [Fact]
    public async Task A_cancelled_async_render_stops()
    {
        var engine = Engine(new() { ["main"] = "{% for n in names %}{{ n }}{% endfor %}" });
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await engine.GetTemplate("main").RenderAsync(new { names = Names() }, cancellationToken: cancel.Token));
    }

    [Fact]
    public void Syntax_errors_name_the_template_line_and_token()
    {
        var engine = Engine(new() { ["page.html"] = "line one\n{% if %}\nx{% endif %}" });
        var error = Assert.Throws<TemplateSyntaxError>(() => engine.GetTemplate("page.html"));
        Assert.Equal("Unexpected end of expression in if tag.", error.Message);
        Assert.Equal("page.html", error.TemplateName);
        Assert.Equal(2, error.Line);
        Assert.Equal("if", error.Token!.Contents);
    }

    [Fact]
    public void An_error_while_rendering_keeps_the_template_position_when_debug_is_on()
    {
        var engine = Engine(new() { ["main"] = "a\n{% for x,y in l %}{{ x }}{% endfor %}" }, new TemplateSettings { Debug = true });
        var error = Assert.Throws<ArgumentException>(() => engine.GetTemplate("main").Render(new { l = new[] { new[] { 1, 2, 3 } } }));
        var info = TemplateDebugInfo.Of(error);
        Assert.NotNull(info);
        Assert.Equal(("main", 2), (info.TemplateName, info.Token.Line));
    }

    [Fact]
    public void The_filesystem_loader_lists_where_it_looked_and_refuses_paths_out_of_its_directories()
    {
        var root = Directory.CreateTempSubdirectory("nuages-tpl-").FullName;
        var other = Directory.CreateTempSubdirectory("nuages-tpl-").FullName;
        File.WriteAllText(Path.Combine(other, "page.html"), "from other");
        File.WriteAllText(Path.Combine(root, "secret.txt"), "secret");
        var engine = new Engine(new TemplateSettings(), [new FileSystemLoader([root, other])]);
        Assert.Equal("from other", engine.GetTemplate("page.html").Render());
        var missing = Assert.Throws<TemplateDoesNotExist>(() => engine.GetTemplate("nope.html"));
        Assert.Equal("nope.html", missing.Message);
        Assert.Equal([(Path.Combine(root, "nope.html"), "filesystem", "Source does not exist"), (Path.Combine(other, "nope.html"), "filesystem", "Source does not exist")], missing.Tried);
        var inner = Path.Combine(other, "sub");
        Directory.CreateDirectory(inner);
        var escaped = Assert.Throws<TemplateDoesNotExist>(() => new Engine(new TemplateSettings(), [new FileSystemLoader([inner])]).GetTemplate("../page.html"));
        Assert.Empty(escaped.Tried);
        Assert.Equal("nope.html, page2.html", Assert.Throws<TemplateDoesNotExist>(() => engine.SelectTemplate("nope.html", "page2.html")).Message);
        Assert.Equal("from other", engine.SelectTemplate("nope.html", "page.html").Render());
    }

    [Fact]
    public void Templates_are_kept_compiled_and_a_changed_file_is_read_again_in_debug_mode()
    {
        var root = Directory.CreateTempSubdirectory("nuages-tpl-").FullName;
        var path = Path.Combine(root, "t.html");
        File.WriteAllText(path, "one");
        var cached = new Engine(new TemplateSettings(), [new FileSystemLoader([root])], debug: false);
        var debug = new Engine(new TemplateSettings(), [new FileSystemLoader([root])], debug: true);
        Assert.Equal("one", cached.GetTemplate("t.html").Render());
        Assert.Equal("one", debug.GetTemplate("t.html").Render());
        Assert.Same(cached.GetTemplate("t.html"), cached.GetTemplate("t.html"));
        File.WriteAllText(path, "two");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("one", cached.GetTemplate("t.html").Render());
        Assert.Equal("two", debug.GetTemplate("t.html").Render());
    }

    [Fact]
    public void Relative_names_resolve_against_the_template_that_uses_them()
    {
        var engine = Engine(new()
        {
            ["blog/post.html"] = "{% extends './base.html' %}{% block b %}{% include '../shared/bit.html' %}{% endblock %}",
            ["blog/base.html"] = "[{% block b %}{% endblock %}]",
            ["shared/bit.html"] = "bit",
        });
        Assert.Equal("[bit]", engine.GetTemplate("blog/post.html").Render());
        Assert.Equal("The relative path ''../../x.html'' points outside the file hierarchy that template 'blog/a.html' is in.",
            Assert.Throws<TemplateSyntaxError>(() => new Engine(new TemplateSettings(), [new LocMemLoader(new Dictionary<string, string> { ["blog/a.html"] = "{% include '../../x.html' %}" })]).GetTemplate("blog/a.html")).Message);
    }

    [Fact]
    public void A_template_extending_one_of_the_same_name_finds_the_next_directorys()
    {
        var first = Directory.CreateTempSubdirectory("nuages-tpl-").FullName;
        var second = Directory.CreateTempSubdirectory("nuages-tpl-").FullName;
        File.WriteAllText(Path.Combine(first, "base.html"), "{% extends 'base.html' %}{% block t %}override+{{ block.super }}{% endblock %}");
        File.WriteAllText(Path.Combine(second, "base.html"), "<{% block t %}original{% endblock %}>");
        var engine = new Engine(new TemplateSettings(), [new FileSystemLoader([first, second])]);
        Assert.Equal("<override+original>", engine.GetTemplate("base.html").Render());
    }

    [Fact]
    public void Now_formats_the_current_time_in_the_site_time_zone()
    {
        var year = DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var output = Render("{% now 'Y' %}|{% now 'Y' as y %}{{ y }}");
        Assert.True(output == $"{year}|{year}" || output.StartsWith((DateTime.UtcNow.Year - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), output);
    }

    [Fact]
    public void Debug_tag_renders_nothing_outside_debug_and_lorem_gives_djangos_common_words()
    {
        Assert.Equal("", Render("{% debug %}"));
        Assert.Equal("lorem ipsum dolor", Render("{% lorem 3 w %}"));
        Assert.Equal(7, Render("{% lorem 7 w random %}").Split(' ').Length);
        Assert.Equal(25, Render("{% lorem 25 w %}").Split(' ').Length);
    }

    [Fact]
    public async Task One_template_renders_concurrently_with_each_render_its_own_state()
    {
        var engine = Engine(new()
        {
            ["base"] = "<{% block b %}{% endblock %}>",
            ["page"] = "{% extends 'base' %}{% block b %}{{ block.super }}{% for i in items %}{% cycle 'x' 'y' %}{% include 'row' %}{% endfor %}{% endblock %}",
            ["row"] = "[{{ who }}{{ i }}{% ifchanged %}!{% endifchanged %}]",
        });
        var template = engine.GetTemplate("page");
        for (var k = 0; k < 200; k++)
        {
            Assert.Equal("<x[a1!]y[a2]x[a3]>", template.Render(new { who = "a", items = new[] { 1, 2, 3 } }));
            Assert.Equal("<x[a1!]y[a2]x[a3]>", await template.RenderAsync(new { who = "a", items = new[] { 1, 2, 3 } }));
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 256).Select(n => Task.Run(async () =>
        {
            var context = new { who = $"w{n}", items = new[] { 1, 2, 3 } };
            return (n, sync: template.Render(context), asynchronous: await template.RenderAsync(context));
        })));
        foreach (var (n, sync, asynchronous) in results)
        {
            Assert.Equal($"<x[w{n}1!]y[w{n}2]x[w{n}3]>", sync); // ifchanged compares its own output, the same after the first row
            Assert.Equal(sync, asynchronous);
        }
    }
}
