using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

public class ExceptionReporterFilterTests
{
    private static readonly Dictionary<string, object?> Post = new()
    {
        ["sausage-key"] = "sausage-value", ["baked-beans-key"] = "baked-beans-value", ["hash-brown-key"] = "hash-brown-value", ["bacon-key"] = "bacon-value",
    };

    [SensitiveVariables("sauce")]
    [SensitivePostParameters("bacon-key", "sausage-key")]
    public static HttpResponse Sensitive(HttpRequest request, string sauce) => throw new InvalidOperationException("boom " + request.Form["bacon-key"]);

    [SensitiveVariables]
    [SensitivePostParameters]
    public static async Task<HttpResponse> Paranoid(HttpRequest request, string sauce)
    {
        await Task.Yield();
        throw new InvalidOperationException("boom");
    }

    public static HttpResponse Plain(HttpRequest request, string sauce) => throw new InvalidOperationException("boom");

    private static (NuagesApp, LogCapture) Site(bool debug) => (TestSite.Create(s => s.Debug = debug, out var logs,
        Path("sensitive/<str:sauce>/", Sensitive), Path("paranoid/<str:sauce>/", Paranoid), Path("plain/<str:sauce>/", Plain)), logs);

    private static string Report(LogCapture logs) => Assert.Single(logs.For("Nuages.Request.ErrorReport")).Message;

    [Fact]
    public async Task Without_debug_listed_values_are_hidden_and_keys_kept() // as django/views/decorators/debug.py does
    {
        var (app, logs) = Site(debug: false);
        var response = await new AsyncClient(app, raiseRequestException: false).PostAsync("/sensitive/worcestershire/", Post);
        Assert.Equal(500, response.StatusCode);
        Assert.Equal(["bacon-key", "sausage-key"], response.Request.SensitivePostParameters);
        var report = Report(logs);
        Assert.Contains("sausage-key=********************", report);
        Assert.Contains("bacon-key=********************", report);
        Assert.Contains("baked-beans-key=baked-beans-value", report);
        Assert.Contains("hash-brown-key=hash-brown-value", report);
        Assert.Contains("sauce=********************", report);
        Assert.DoesNotContain("sauce=worcestershire", report);
        Assert.DoesNotContain("bacon-value", report);
    }

    [Fact]
    public async Task Paranoid_views_hide_every_value_sync_or_async() // as django/views/decorators/debug.py does
    {
        var (app, logs) = Site(debug: false);
        Assert.True(app.Handler.Resolver.Describe().Single(r => r.Route.StartsWith("paranoid")).IsAsync);
        await new AsyncClient(app, raiseRequestException: false).PostAsync("/paranoid/worcestershire/", Post);
        var report = Report(logs);
        foreach (var key in Post.Keys) Assert.Contains($"{key}=********************", report);
        Assert.Contains("sauce=********************", report);
        Assert.Equal(ExceptionReporterFilter.Placeholder, new ExceptionReporterFilter(app.Settings).CleanseVariables(Paranoid, new Dictionary<string, object?> { ["cooked_eggs"] = "scrambled" })["cooked_eggs"]);
        Assert.Equal("scrambled", new ExceptionReporterFilter(app.Settings).CleanseVariables(Sensitive, new Dictionary<string, object?> { ["cooked_eggs"] = "scrambled" })["cooked_eggs"]);
    }

    [Fact]
    public async Task With_debug_nothing_is_hidden() // as django/views/decorators/debug.py does
    {
        var (app, _) = Site(debug: true);
        var response = await new AsyncClient(app, raiseRequestException: false).PostAsync("/sensitive/worcestershire/", Post);
        Assert.Contains("bacon-value", response.Text); // the technical page shows the POST data
        Assert.Contains("worcestershire", response.Text);
        var filter = new ExceptionReporterFilter(app.Settings);
        Assert.False(filter.IsActive);
        Assert.Contains(filter.GetPostParameters(response.Request), p => p.Value == "bacon-value");
    }

    [Fact]
    public async Task Undecorated_views_hide_nothing()
    {
        var (app, logs) = Site(debug: false);
        await new AsyncClient(app, raiseRequestException: false).PostAsync("/plain/worcestershire/", Post);
        var report = Report(logs);
        Assert.Contains("bacon-key=bacon-value", report);
        Assert.Contains("sauce=worcestershire", report);
    }
}
