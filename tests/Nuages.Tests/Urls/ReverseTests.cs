using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Urls;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Urls;

// Reverse uses the site built last, as Django uses ROOT_URLCONF: these tests must not run in parallel with other site builders.
[Collection(nameof(ActiveResolver))]
public class ReverseTests
{
    private static HttpResponse View(HttpRequest request) => new("");
    private static HttpResponse Detail(HttpRequest request, int id) => new("");
    private static HttpResponse Archive(HttpRequest request, string year) => new("");
    private static HttpResponse Pair(HttpRequest request, string a, string b) => new("");
    private static HttpResponse Named(HttpRequest request, string name) => new("");

    private static UrlPattern[] Api() =>
    [
        Path("authors/<int:id>/", Detail, name: "author-detail"),
        Path("authors/", View, name: "author-list"),
    ];

    private static NuagesApp Site(Action<Nuages.Conf.Settings>? configure = null) => TestSite.Create(configure,
        Path("", View, name: "index"),
        Path("authors/<int:id>/", Detail, name: "author-detail"),
        RePath(@"^archive/(?P<year>[0-9]{4})/$", Archive, name: "archive"),
        RePath(@"^pair/(\w+)-(\w+)/$", Pair, name: "pair"),
        Path("names/<str:name>/", Named, name: "named"),
        Path("api/v1/", Include(Api(), ns: "v1", appName: "api")),
        Path("api/v2/", Include(Api(), ns: "api")));

    [Fact]
    public void Reverses_names_with_kwargs_and_args()
    {
        Site();
        Assert.Equal("/", Reverse("index"));
        Assert.Equal("/authors/42/", Reverse("author-detail", new { id = 42 }));
        Assert.Equal("/authors/42/", Reverse("author-detail", new Dictionary<string, object?> { ["id"] = 42 }));
        Assert.Equal("/archive/2024/", Reverse("archive", new { year = "2024" }));
        Assert.Equal("/pair/x-y/", Reverse("pair", args: ["x", "y"]));
    }

    [Fact]
    public void Values_are_quoted()
    {
        Site();
        Assert.Equal("/names/caf%C3%A9%20au%20lait/", Reverse("named", new { name = "café au lait" }));
    }

    [Fact]
    public void Namespaces_instance_and_application()
    {
        Site();
        Assert.Equal("/api/v1/authors/1/", Reverse("v1:author-detail", new { id = 1 }));
        // The application namespace "api" resolves to its default instance, the one named "api".
        Assert.Equal("/api/v2/authors/1/", Reverse("api:author-detail", new { id = 1 }));
        Assert.Equal("/api/v1/authors/1/", Reverse("api:author-detail", new { id = 1 }, currentApp: "v1"));
        Assert.Equal("'nope' is not a registered namespace", Assert.Throws<NoReverseMatch>(() => Reverse("nope:x")).Message);
    }

    [Fact]
    public void No_reverse_match_says_what_was_tried()
    {
        Site();
        Assert.Equal("Reverse for 'missing' not found. 'missing' is not a valid view function or pattern name.",
            Assert.Throws<NoReverseMatch>(() => Reverse("missing")).Message);
        Assert.Equal("Reverse for 'author-detail' with keyword arguments '{'id': 'abc'}' not found. 1 pattern(s) tried: ['authors/<int:id>/']",
            Assert.Throws<NoReverseMatch>(() => Reverse("author-detail", new { id = "abc" })).Message);
        Assert.Equal("Reverse for 'author-detail' with no arguments not found. 1 pattern(s) tried: ['authors/<int:id>/']",
            Assert.Throws<NoReverseMatch>(() => Reverse("author-detail")).Message);
    }

    [Fact]
    public void Creating_a_site_sets_no_script_prefix() // as django/core/handlers/asgi.py and django/core/handlers/wsgi.py does
    {
        Site();
        Assert.Equal("/", ScriptPrefix.Value);
        Assert.Equal("/", Reverse("index"));
    }

    [Fact]
    public void Script_prefix_comes_from_the_request() // as django/core/handlers/asgi.py does
    {
        var app = TestSite.Create(s =>
            {
                s.Debug = true;
                s.ForceScriptName = "/mounted";
            },
            Path("here/", (HttpRequest _) => new HttpResponse(Reverse("there")), name: "here"),
            Path("there/", View, name: "there"));
        var response = new Client(app).Get("/mounted/here/");
        Assert.Equal("/mounted/there/", response.Text);
    }
}

[CollectionDefinition(nameof(ActiveResolver), DisableParallelization = true)]
public sealed class ActiveResolver;
