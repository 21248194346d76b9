using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Urls;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Urls;

public class ResolverTests
{
    private static HttpResponse Echo(HttpRequest request) =>
        new(request.ResolverMatch!.UrlName + "|" + string.Join(",", request.ResolverMatch.Kwargs.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}({k.Value?.GetType().Name})")));

    private static HttpResponse Article(HttpRequest request, int year, string slug) => new($"{year}:{slug}");
    private static HttpResponse ByUuid(HttpRequest request, Guid id) => new(id.ToString());
    private static HttpResponse File(HttpRequest request, string path) => new(path);
    private static HttpResponse Archive(HttpRequest request, string year) => new($"archive {year}");
    private static HttpResponse Positional(HttpRequest request, string a, string b) => new($"{a}-{b}");
    private static HttpResponse First(HttpRequest request, string name) => new("first " + name);
    private static HttpResponse Second(HttpRequest request) => new("second");
    private static HttpResponse Child(HttpRequest request, int id, int child) => new($"{id}/{child}");

    private static readonly UrlPattern[] Patterns =
    [
        Path("articles/<int:year>/<slug:slug>/", Article, name: "article"),
        Path("by-id/<uuid:id>/", ByUuid, name: "by-id"),
        Path("files/<path:path>", File, name: "file"),
        RePath(@"^archive/(?P<year>[0-9]{4})/$", Archive, name: "archive"),
        RePath(@"^pos/(\w+)/(\w+)/$", Positional, name: "positional"),
        Path("same/<str:name>/", First, name: "same"),
        Path("same/second/", Second),
        Path("parents/<int:id>/", Include([Path("children/<int:child>/", Child, name: "child")], ns: "family")),
    ];

    private static Client Client() => new(TestSite.Create(s => s.Debug = true, Patterns));

    [Fact]
    public void Converters_bind_typed_values()
    {
        var client = Client();
        Assert.Equal("2024:hello-world", client.Get("/articles/2024/hello-world/").Text);
        Assert.Equal("3f2504e0-4f89-11d3-9a0c-0305e82c3301", client.Get("/by-id/3f2504e0-4f89-11d3-9a0c-0305e82c3301/").Text);
        Assert.Equal("a/b/c.txt", client.Get("/files/a/b/c.txt").Text);
    }

    [Fact]
    public void A_segment_the_converter_rejects_does_not_match()
    {
        var client = Client();
        Assert.Equal(404, client.Get("/articles/abc/hello/").StatusCode);
        Assert.Equal(404, client.Get("/articles/99999999999/hello/").StatusCode); // beyond int: the converter refuses it
        Assert.Equal(404, client.Get("/by-id/3F2504E0-4F89-11D3-9A0C-0305E82C3301/").StatusCode); // uuid is lower-case only
        Assert.Equal(404, client.Get("/articles/2024/hello-world").StatusCode); // no trailing slash
    }

    [Fact]
    public void Regex_routes_pass_named_groups_as_strings_and_unnamed_ones_positionally()
    {
        var client = Client();
        Assert.Equal("archive 2019", client.Get("/archive/2019/").Text);
        Assert.Equal(404, client.Get("/archive/19/").StatusCode);
        Assert.Equal("x-y", client.Get("/pos/x/y/").Text);
    }

    [Fact]
    public void The_first_matching_pattern_wins_in_declaration_order()
    {
        Assert.Equal("first second", Client().Get("/same/second/").Text);
    }

    [Fact]
    public void Includes_pass_their_captures_down_and_set_namespaces()
    {
        var client = Client();
        var response = client.Get("/parents/7/children/3/");
        Assert.Equal("7/3", response.Text);
        var match = response.Request.ResolverMatch!;
        Assert.Equal("family:child", match.ViewName);
        Assert.Equal(["family"], match.Namespaces);
        Assert.Equal("parents/<int:id>/children/<int:child>/", match.Route);
        Assert.Equal(7, match.Kwargs["id"]);
        Assert.Equal(3, match.Kwargs["child"]);
    }

    [Fact]
    public void Custom_converters_can_be_registered()
    {
        Converters.Register("fourdigit", new FourDigitYear());
        var app = TestSite.Create(s => s.Debug = true, Path("y/<fourdigit:year>/", (HttpRequest _, int year) => new HttpResponse($"{year + 1}"), name: "year"));
        var client = new Client(app);
        Assert.Equal("2025", client.Get("/y/2024/").Text);
        Assert.Equal(404, client.Get("/y/24/").StatusCode);
        Assert.Equal("/y/0042/", app.Handler.Resolver.Reverse("year", new { year = 42 }, null, null));
        var twice = Assert.Throws<ArgumentException>(() => Converters.Register("fourdigit", new FourDigitYear()));
        Assert.StartsWith("Converter 'fourdigit' is already registered.", twice.Message);
    }

    private sealed class FourDigitYear : PathConverter<int>
    {
        public override string Regex => "[0-9]{4}";
        public override int ToValue(string segment) => int.Parse(segment);
        public override string ToUrl(int value) => value.ToString("D4");
    }

    [Fact]
    public void Invalid_routes_fail_at_startup_naming_the_route()
    {
        var badConverter = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(Path("a/<nope:x>/", (HttpRequest _, string x) => new HttpResponse())));
        Assert.Contains("URL route 'a/<nope:x>/' uses invalid converter 'nope'", badConverter.Message);
        var badName = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(Path("a/<int:1x>/", (HttpRequest _) => new HttpResponse())));
        Assert.Contains("parameter name '1x' which isn't a valid identifier", badName.Message);
        var whitespace = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(Path("a/<int: x>/", (HttpRequest _) => new HttpResponse())));
        Assert.Equal("URL route 'a/<int: x>/' cannot contain whitespace in angle brackets <…>.", whitespace.Message);
        var badRegex = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(RePath("^a/(?P<x>[0-9]+$", (HttpRequest _, string x) => new HttpResponse())));
        Assert.Contains("is not a valid regular expression", badRegex.Message);
    }

    [Fact]
    public void Debug_404_lists_the_patterns_tried_in_order()
    {
        var response = new Client(TestSite.Create(s => s.Debug = true, Patterns)).Get("/parents/7/nothing/");
        Assert.Equal(404, response.StatusCode);
        var text = response.Text;
        var order = new[] { "articles/&lt;int:year&gt;/&lt;slug:slug&gt;/", "by-id/&lt;uuid:id&gt;/", "^archive/(?P&lt;year&gt;[0-9]{4})/$", "parents/&lt;int:id&gt;/ children/&lt;int:child&gt;/" }
            .Select(p => text.IndexOf(p, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.OrderBy(i => i), order);
        Assert.Contains("The current path, <code>parents/7/nothing/</code>, didn’t match any of these.", text);
    }

    [Fact]
    public void Non_debug_404_is_djangos_plain_page()
    {
        var response = new Client(TestSite.Create(null, Patterns)).Get("/nowhere/");
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n", response.Text);
    }
}
