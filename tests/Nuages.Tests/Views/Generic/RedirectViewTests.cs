using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views;
using Nuages.Views.Generic;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views.Generic;

/// <summary>RedirectView as django/views/generic/base.py's.</summary>
public class RedirectViewTests
{
    [Fact]
    public void Every_method_redirects_to_the_url_or_the_route_and_nowhere_is_gone()
    {
        var app = TestSite.Create(s => s.AllowedHosts = ["testserver"],
            Path("posts/<int:pk>/", (Nuages.Http.HttpRequest r, int pk) => new Nuages.Http.HttpResponse("post"), name: "post"),
            Path("old/<int:pk>/", View.AsView<RedirectView>(v => v.PatternName = "post")),
            Path("legacy/<slug:slug>/", View.AsView<RedirectView>(v => { v.Url = "/new/%(slug)s/"; v.Permanent = true; v.QueryString = true; })),
            Path("gone/", View.AsView<RedirectView>()));
        var client = new Client(app);
        var old = client.Get("/old/7/");
        Assert.Equal(302, old.StatusCode);
        Assert.Equal("/posts/7/", old["Location"]);
        Assert.Equal(302, client.Post("/old/7/").StatusCode);
        Assert.Equal(302, client.Options("/old/7/").StatusCode);
        var legacy = client.Get("/legacy/hello/?a=1&b=2");
        Assert.Equal(301, legacy.StatusCode);
        Assert.Equal("/new/hello/?a=1&b=2", legacy["Location"]);
        Assert.Equal(410, client.Get("/gone/").StatusCode);
    }
}
