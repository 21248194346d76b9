using Nuages.Cache;
using Nuages.Conf;
using Nuages.Templates;
using Nuages.Tests.Support;

namespace Nuages.Tests.Templates;

/// <summary><c>{% cache %}</c> as django/templatetags/cache.py, and as Django's tests/template_tests/syntax_tests/test_cache.py checks it.</summary>
public class CacheTagTests
{
    private static Engine Engine(Dictionary<string, string> templates) => new(new TemplateSettings(), [new LocMemLoader(templates)]);

    private static IDisposable Site(Action<Settings>? configure = null) => TestSite.Create(s =>
    {
        // entries expire at once unless a timeout says otherwise: None must mean "forever", not "the default"
        s.Caches["other"] = new CacheSettings { Backend = "locmem", Location = "other", Timeout = 0 };
        configure?.Invoke(s);
    }).Enter();

    [Fact]
    public async Task A_fragment_is_rendered_once_per_vary_on_values_in_both_modes()
    {
        using var site = Site();
        var engine = Engine(new() { ["t"] = "{% load cache %}[{% cache 60 sidebar user %}{{ n }} for {{ user }}{% endcache %}]" });
        var template = engine.GetTemplate("t");
        Assert.Equal("[1 for ann]", template.Render(new { n = 1, user = "ann" }));
        Assert.Equal("[1 for ann]", template.Render(new { n = 2, user = "ann" }));
        Assert.Equal("[3 for bob]", await template.RenderAsync(new { n = 3, user = "bob" }));
        Assert.Equal("[3 for bob]", await template.RenderAsync(new { n = 4, user = "bob" }));
        Assert.Equal("1 for ann", Caches.Default.Get<string>(CacheKeys.MakeTemplateFragmentKey("sidebar", ["ann"])));
        // deleting the key from a view renders the fragment again
        Caches.Default.Delete(CacheKeys.MakeTemplateFragmentKey("sidebar", ["ann"]));
        Assert.Equal("[5 for ann]", template.Render(new { n = 5, user = "ann" }));
    }

    [Fact]
    public void Using_names_the_cache_and_template_fragments_is_preferred()
    {
        using (Site())
        {
            var engine = Engine(new() { ["t"] = "{% load cache %}{% cache None menu using=\"other\" %}{{ n }}{% endcache %}" });
            Assert.Equal("1", engine.GetTemplate("t").Render(new { n = 1 }));
            Assert.Equal("1", engine.GetTemplate("t").Render(new { n = 2 }));
            Assert.Equal("1", Caches.Get("other").Get<string>(CacheKeys.MakeTemplateFragmentKey("menu")));
            Assert.False(Caches.Default.Has(CacheKeys.MakeTemplateFragmentKey("menu")));
        }
        using (Site(s => s.Caches["template_fragments"] = new CacheSettings { Backend = "locmem", Location = "fragments" }))
        {
            var engine = Engine(new() { ["t"] = "{% load cache %}{% cache 60 menu %}{{ n }}{% endcache %}" });
            Assert.Equal("2", engine.GetTemplate("t").Render(new { n = 2 }));
            Assert.Equal("2", Caches.Get("template_fragments").Get<string>(CacheKeys.MakeTemplateFragmentKey("menu")));
        }
    }

    [Fact]
    public void Errors_are_djangos()
    {
        using var site = Site();
        var engine = Engine(new()
        {
            ["few"] = "{% load cache %}{% cache 60 %}x{% endcache %}",
            ["timeout"] = "{% load cache %}{% cache 'soon' f %}x{% endcache %}",
            ["alias"] = "{% load cache %}{% cache 60 f using='nope' %}x{% endcache %}",
        });
        Assert.Equal("''cache'' tag requires at least 2 arguments.", Assert.Throws<TemplateSyntaxError>(() => engine.GetTemplate("few")).Message);
        Assert.Equal("\"cache\" tag got a non-integer timeout value: 'soon'", Assert.Throws<TemplateSyntaxError>(() => engine.GetTemplate("timeout").Render()).Message);
        Assert.Equal("Invalid cache name specified for cache tag: 'nope'", Assert.Throws<TemplateSyntaxError>(() => engine.GetTemplate("alias").Render()).Message);
    }
}
