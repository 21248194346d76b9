using System.Text;
using System.ComponentModel.DataAnnotations;
using Nuages.Apps;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Middleware;
using Nuages.Templates;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views.Generic;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Templates
{
    public sealed class TplNote : Model<TplNote>
    {
        [MaxLength(50)] public string Text { get; set; } = "";
    }

    /// <summary>An installed app whose templates/ is a temporary directory, and whose namespace holds <see cref="SampleTags"/>.</summary>
    public sealed class TemplatesTestConfig : AppConfig
    {
        public static readonly string Root = Directory.CreateTempSubdirectory("nuages-app-").FullName;

        public override string Path => Root;
    }

    /// <summary>Changes what a TemplateResponse renders before it renders (Django's process_template_response).</summary>
    public sealed class ShoutingTemplates(Next next) : MiddlewareMixin(next)
    {
        protected internal override HttpResponse ProcessTemplateResponse(HttpRequest request, HttpResponse response)
        {
            var template = (TemplateResponse)response;
            template.ContextData = new Dictionary<string, object?> { ["name"] = "middleware" };
            return template;
        }
    }

    /// <summary>A TemplateResponse that changes what it renders (its own RenderContent).</summary>
    public sealed class ShoutedResponse(HttpRequest request, string template, object? context) : TemplateResponse(request, template, context)
    {
        protected override string RenderContent() => base.RenderContent().ToUpperInvariant();
    }

    public sealed class AboutView : TemplateView
    {
        public override string? TemplateName { get; set; } = "about.html";

        public override Dictionary<string, object?> GetContextData(object? extra = null)
        {
            var context = base.GetContextData(extra);
            context["title"] = "About <us>";
            return context;
        }
    }

    /// <summary>Templates in a site: loaders from settings and apps, context processors, url, static, CSRF, responses, error pages.</summary>
    public class TemplateSiteTests
    {
        private static readonly string Dirs = Directory.CreateTempSubdirectory("nuages-site-tpl-").FullName;

        static TemplateSiteTests()
        {
            Directory.CreateDirectory(System.IO.Path.Combine(TemplatesTestConfig.Root, "templates", "notes"));
            File.WriteAllText(System.IO.Path.Combine(TemplatesTestConfig.Root, "templates", "notes", "list.html"),
                "{% load sample_tags %}{% for n in notes %}{{ n.text|shout }};{% empty %}none{% endfor %}|{{ notes|length }}");
            File.WriteAllText(System.IO.Path.Combine(TemplatesTestConfig.Root, "templates", "item_list.html"), "{% for i in items %}{{ i }}{% endfor %}");
            File.WriteAllText(System.IO.Path.Combine(TemplatesTestConfig.Root, "templates", "shadowed.html"), "from the app");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "shadowed.html"), "from Dirs");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "form.html"),
                "<form method=\"post\" action=\"{% url 'note' id=7 %}\">{% csrf_token %}</form>{{ request.path }}|{% load static %}{% static 'css/site.css' %}|{{ STATIC_URL }}");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "hello.html"), "Hello {{ name }}");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "nested.html"), "{% load sample_tags %}[{% render_inside 'hello.html' name %}] {{ name }}");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "words.html"), "{% for w in words %}{{ w }}{% endfor %}.");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "about.html"), "{{ title }} ({{ view.template_name }}) {{ slug }}");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "404.html"), "No page at {{ request_path }} ({{ exception }})");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "403.html"), "Forbidden: {{ exception }} {{ request.path }}");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "500.html"), "Server error [{{ request.path }}]");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "400.html"), "Bad request [{{ exception }}]");
            File.WriteAllText(System.IO.Path.Combine(Dirs, "broken.html"), "line 1\nline 2 {{ x|nope }}\nline 3");
        }

        private static NuagesApp Site(bool debug = true, Action<Nuages.Conf.Settings>? more = null)
        {
            var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-tpl-{Guid.NewGuid():N}.sqlite3");
            var app = TestSite.Create(s =>
            {
                s.Debug = debug;
                s.AllowedHosts = ["testserver"];
                s.Databases["default"] = Database.Sqlite(database);
                s.InstalledApps.Add<TemplatesTestConfig>();
                s.Templates.Dirs.Add(Dirs);
                s.Templates.ContextProcessors = ["request", "static"];
                s.Middleware.Add<CsrfViewMiddleware>();
                more?.Invoke(s);
            },
                Path("form/", (HttpRequest r) => Shortcuts.Render(r, "form.html")),
                Path("note/<int:id>/", (HttpRequest r, int id) => new HttpResponse("note"), name: "note"),
                Path("shadowed/", (HttpRequest r) => Shortcuts.Render(r, "shadowed.html")),
                Path("deferred/", (HttpRequest r) => new TemplateResponse(r, "hello.html", new { name = "view" })),
                Path("shouted/", (HttpRequest r) => new ShoutedResponse(r, "hello.html", new { name = "view" })),
                Path("nested/", (HttpRequest r) => Shortcuts.Render(r, "nested.html", new { name = "outer" })),
                Path("nested-async/", async (HttpRequest r) => await Shortcuts.RenderAsync(r, "nested.html", new { name = "outer" })),
                Path("latin/", (HttpRequest r) => Shortcuts.Render(r, "hello.html", new { name = "café" }, "text/plain; charset=iso-8859-1")),
                Path("words/", (HttpRequest r) => Shortcuts.Render(r, "words.html", new { words = Words })),
                Path("words-async/", async (HttpRequest r) => await Shortcuts.RenderAsync(r, "words.html", new { words = Words })),
                Path("about/<slug:slug>/", Nuages.Views.View.AsView<AboutView>()),
                Path("plain/", TemplateView.AsView("hello.html")),
                Path("notes/", async (HttpRequest r) => await Shortcuts.RenderAsync(r, "notes/list.html", new { notes = TplNote.Objects.OrderBy("text") })),
                Path("notes-sync/", (HttpRequest r) => Shortcuts.Render(r, "notes/list.html", new { notes = TplNote.Objects.OrderBy("text") })),
                Path("notes-sync-in-async/", async (HttpRequest r) => { await Task.Yield(); return Shortcuts.Render(r, "notes/list.html", new { notes = TplNote.Objects.All() }); }),
                Path("missing/", new Func<HttpRequest, HttpResponse>(_ => throw new Http404("no such note"))),
                Path("forbidden/", new Func<HttpRequest, HttpResponse>(_ => throw new PermissionDenied("not yours"))),
                Path("failing/", new Func<HttpRequest, HttpResponse>(_ => throw new InvalidOperationException("boom"))),
                Path("bad/", new Func<HttpRequest, HttpResponse>(_ => throw new SuspiciousOperation("odd"))),
                Path("broken/", (HttpRequest r) => Shortcuts.Render(r, "broken.html")));
            using (app.Enter()) Schema.Migrate([typeof(TplNote)], "default");
            return app;
        }

        [Fact]
        public void Render_runs_the_context_processors_and_gives_url_static_and_csrf_token()
        {
            var site = Site();
            var response = new Client(site).Get("/form/");
            Assert.Equal(200, response.StatusCode);
            var token = response.Cookies["csrftoken"].Value;
            Assert.Matches("^<form method=\"post\" action=\"/note/7/\"><input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"[A-Za-z0-9]{64}\"></form>/form/\\|/static/css/site.css\\|/static/$", response.Text);
            Assert.Equal(32, token.Length); // the cookie holds the secret; the form a masked token, as Django's get_token gives
        }

        [Fact]
        public void Dirs_come_before_the_installed_apps_templates()
        {
            Assert.Equal("from Dirs", new Client(Site()).Get("/shadowed/").Text);
        }

        [Fact]
        public async Task An_async_view_renders_a_queryset_with_async_queries_and_a_sync_view_with_sync_ones()
        {
            var site = Site();
            using (site.Enter())
            {
                await new TplNote { Text = "b" }.SaveAsync();
                await new TplNote { Text = "a" }.SaveAsync();
            }
            Assert.Equal("A!;B!;|2", (await new AsyncClient(site).GetAsync("/notes/")).Text);
            Assert.Equal("A!;B!;|2", new Client(site).Get("/notes-sync/").Text);
            // Django's answer to a sync render of a QuerySet in async code, and Nuages' to its sync Render
            var error = await Assert.ThrowsAsync<SynchronousOnlyOperation>(() => new AsyncClient(site).GetAsync("/notes-sync-in-async/"));
            Assert.Equal(SynchronousOnlyOperation.DefaultMessage, error.Message);
        }

        [Fact]
        public async Task A_template_response_renders_after_the_middleware_changed_it_in_both_handlers()
        {
            var site = Site(more: s => s.Middleware.Add<ShoutingTemplates>());
            Assert.Equal("Hello middleware", new Client(site).Get("/deferred/").Text);
            Assert.Equal("Hello middleware", (await new AsyncClient(site).GetAsync("/deferred/")).Text);
        }

        // 10,000 words of a letter outside ASCII, a character outside the BMP (a UTF-16 pair) and a letter: a page of
        // 40,000 characters, larger than a first render's builder (which grows by chunks) and kept for the next
        private static readonly string[] Words = [.. Enumerable.Repeat("\u00e9\U0001F600a", 10_000)];

        [Fact]
        public async Task A_page_is_encoded_from_the_render_whatever_its_size_charset_and_the_renders_inside_it()
        {
            var site = Site();
            var page = Encoding.UTF8.GetBytes(string.Concat(Words) + ".");
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(page, new Client(site).Get("/words/").Content);
                Assert.Equal(page, (await new AsyncClient(site).GetAsync("/words-async/")).Content);
                // a tag rendering another template while the page renders gets a builder of its own
                Assert.Equal("[Hello outer] outer", new Client(site).Get("/nested/").Text);
                Assert.Equal("[Hello outer] outer", (await new AsyncClient(site).GetAsync("/nested-async/")).Text);
            }
            Assert.Equal(Encoding.Latin1.GetBytes("Hello caf\u00e9"), new Client(site).Get("/latin/").Content);
        }

        [Fact]
        public async Task A_template_response_subclass_renders_with_its_own_render_content()
        {
            var site = Site();
            Assert.Equal("HELLO VIEW", new Client(site).Get("/shouted/").Text);
            Assert.Equal("HELLO VIEW", (await new AsyncClient(site).GetAsync("/shouted/")).Text);
        }

        [Fact]
        public void Template_views_render_their_template_with_the_url_values_and_the_view()
        {
            var site = Site();
            Assert.Equal("About &lt;us&gt; (about.html) team", new Client(site).Get("/about/team/").Text);
            Assert.Equal("Hello ", new Client(site).Get("/plain/").Text);
        }

        [Fact]
        public void The_404_page_is_the_sites_404_html_when_debug_is_off()
        {
            var site = Site(debug: false);
            var response = new Client(site, raiseRequestException: false).Get("/missing/");
            Assert.Equal(404, response.StatusCode);
            Assert.Equal("No page at /missing/ (no such note)", response.Text);
            var unmatched = new Client(site, raiseRequestException: false).Get("/nowhere/%C3%A9/");
            Assert.Equal(404, unmatched.StatusCode);
            Assert.StartsWith("No page at /nowhere/%C3%A9/ (", unmatched.Text, StringComparison.Ordinal);
        }

        [Fact]
        public void The_403_400_and_500_pages_are_the_sites_templates_with_djangos_contexts()
        {
            var client = new Client(Site(debug: false), raiseRequestException: false);
            var forbidden = client.Get("/forbidden/");
            Assert.Equal((403, "Forbidden: not yours /forbidden/"), (forbidden.StatusCode, forbidden.Text));
            // 500.html and 400.html render without context, as Django's server_error and bad_request do
            var failing = client.Get("/failing/");
            Assert.Equal((500, "Server error []"), (failing.StatusCode, failing.Text));
            var bad = client.Get("/bad/");
            Assert.Equal((400, "Bad request []"), (bad.StatusCode, bad.Text));
        }

        [Fact]
        public void The_debug_page_shows_the_template_and_line_of_a_template_error()
        {
            var response = new Client(Site(), raiseRequestException: false).Get("/broken/", headers: new Dictionary<string, string> { ["Accept"] = "text/html" });
            Assert.Equal(500, response.StatusCode);
            Assert.Contains("<h2>Template error</h2>", response.Text, StringComparison.Ordinal);
            Assert.Contains("In template <code>broken.html</code>, error at line <strong>2</strong>", response.Text, StringComparison.Ordinal);
            Assert.Contains("<tr class=\"error\"><th>2</th><td>line 2 <span class=\"specific\">{{ x|nope }}</span></td></tr>", response.Text, StringComparison.Ordinal);
        }

        [Fact]
        public void A_library_of_an_installed_app_loads_by_name_and_a_wrong_name_lists_the_libraries()
        {
            var site = Site();
            using (site.Enter())
            {
                Assert.Equal("X!", Engine.Current.FromString("{% load sample_tags %}{{ 'x'|shout }}").Render());
                var error = Assert.Throws<TemplateSyntaxError>(() => Engine.Current.FromString("{% load nope %}"));
                Assert.Equal("'nope' is not a registered tag library. Must be one of:\ncache\ni18n\nl10n\nsample_tags\nstatic\ntz", error.Message);
            }
        }
    }
}
