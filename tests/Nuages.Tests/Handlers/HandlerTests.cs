using Microsoft.Extensions.Logging;
using Nuages.Core;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Handlers;

public class HandlerTests
{
    public static HttpResponse Raise404(HttpRequest request) => throw new Http404("No such thing");
    public static HttpResponse Raise403(HttpRequest request) => throw new PermissionDenied();
    public static HttpResponse RaiseBadRequest(HttpRequest request) => throw new BadRequest("Malformed thing");
    public static HttpResponse RaiseSuspicious(HttpRequest request) => throw new SuspiciousOperation("Dubious");
    public static HttpResponse RaiseMultipart(HttpRequest request) => throw new MultiPartParserError("broken");
    public static HttpResponse RaiseOther(HttpRequest request) => throw new InvalidOperationException("boom");
    public static async Task<HttpResponse> RaiseAsync(HttpRequest request)
    {
        await Task.Yield();
        throw new PermissionDenied();
    }
    public static HttpResponse ReadForm(HttpRequest request) => new(request.Form.Count.ToString());
    public static object? ReturnsNull(HttpRequest request) => null;
    public static Task<HttpResponse?> ReturnsNullAsync(HttpRequest request) => Task.FromResult<HttpResponse?>(null);
    public static object ReturnsTask(HttpRequest request) => Task.FromResult(new HttpResponse());
    public static HttpResponse Teapot(HttpRequest request) => new("", status: 418);
    public static HttpResponse Failing(HttpRequest request) => new("", status: 503);

    public sealed class NullView : View
    {
        public HttpResponse Get(HttpRequest request) => null!;
    }

    public sealed class Callable
    {
        public object? Invoke(HttpRequest request) => null;
    }

    private static (NuagesApp App, LogCapture Logs) Site(bool debug = false)
    {
        var app = TestSite.Create(s => s.Debug = debug, out var logs,
            Path("404/", Raise404), Path("403/", Raise403), Path("400/", RaiseBadRequest), Path("suspicious/", RaiseSuspicious),
            Path("multipart/", RaiseMultipart), Path("500/", RaiseOther), Path("async403/", RaiseAsync), Path("form/", ReadForm),
            Path("null/", ReturnsNull), Path("null-async/", ReturnsNullAsync), Path("task/", ReturnsTask), Path("cbv-null/", View.AsView<NullView>()),
            Path("callable/", new Callable().Invoke), Path("teapot/", Teapot), Path("503/", Failing));
        return (app, logs);
    }

    [Theory] // as django/core/handlers/base.py does
    [InlineData("/404/", 404)]
    [InlineData("/403/", 403)]
    [InlineData("/async403/", 403)]
    [InlineData("/400/", 400)]
    [InlineData("/suspicious/", 400)]
    [InlineData("/multipart/", 400)]
    [InlineData("/500/", 500)]
    public async Task Exceptions_become_responses_in_both_modes(string path, int status)
    {
        var (app, _) = Site();
        Assert.Equal(status, new Client(app, raiseRequestException: false).Get(path).StatusCode);
        Assert.Equal(status, (await new AsyncClient(app, raiseRequestException: false).GetAsync(path)).StatusCode);
    }

    [Fact]
    public void Error_pages_are_djangos_when_debug_is_off() // as django/core/handlers/base.py does
    {
        var client = new Client(Site().App, raiseRequestException: false);
        Assert.Contains("<h1>403 Forbidden</h1><p></p>", client.Get("/403/").Text);
        Assert.Contains("<h1>Bad Request (400)</h1><p></p>", client.Get("/400/").Text);
        Assert.Contains("<h1>Server Error (500)</h1><p></p>", client.Get("/500/").Text);
        Assert.Contains("<h1>Not Found</h1><p>The requested resource was not found on this server.</p>", client.Get("/404/").Text);
    }

    [Fact]
    public void Debug_shows_technical_pages() // as django/core/handlers/base.py does
    {
        var client = new Client(Site(debug: true).App, raiseRequestException: false);
        var server = client.Get("/500/");
        Assert.Equal(500, server.StatusCode);
        Assert.Contains("System.InvalidOperationException at /500/", server.Text);
        Assert.Contains("boom", server.Text);
        Assert.Contains("HandlerTests.RaiseOther", server.Text); // the stack
        var bad = client.Get("/400/");
        Assert.Equal(400, bad.StatusCode);
        Assert.Contains("Nuages.Core.BadRequest at /400/", bad.Text);
        var notFound = client.Get("/404/");
        Assert.Contains("No such thing", notFound.Text);
        Assert.Contains("Raised by:", notFound.Text);
        var plain = client.Get("/500/", headers: new Dictionary<string, string> { ["Accept"] = "application/json" });
        Assert.Equal("text/plain; charset=utf-8", plain["Content-Type"]);
        Assert.StartsWith("System.InvalidOperationException at /500/\nboom", plain.Text);
    }

    [Fact]
    public void Bad_form_data_is_a_400_not_a_500()
    {
        var client = new Client(Site().App, raiseRequestException: false);
        Assert.Equal(400, client.Post("/form/", "junk", "multipart/form-data; boundary=zz").StatusCode);
        Assert.Equal(400, client.Post("/form/", "junk", "multipart/form-data").StatusCode);
    }

    [Fact]
    public void The_test_client_reraises_what_became_a_500()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Client(Site().App).Get("/500/"));
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public void A_view_returning_null_names_the_view() // as django/core/handlers/base.py does
    {
        var client = new Client(Site().App);
        Assert.Equal("The view Nuages.Tests.Handlers.HandlerTests.ReturnsNull didn't return an HttpResponse object. It returned null instead.",
            Assert.Throws<InvalidOperationException>(() => client.Get("/null/")).Message);
        Assert.Equal("The view Nuages.Tests.Handlers.HandlerTests.ReturnsNullAsync didn't return an HttpResponse object. It returned null instead.",
            Assert.Throws<InvalidOperationException>(() => client.Get("/null-async/")).Message);
        Assert.Equal("The view Nuages.Tests.Handlers.HandlerTests+NullView.view didn't return an HttpResponse object. It returned null instead.",
            Assert.Throws<InvalidOperationException>(() => client.Get("/cbv-null/")).Message);
        Assert.Equal("The view Nuages.Tests.Handlers.HandlerTests+Callable.Invoke didn't return an HttpResponse object. It returned null instead.",
            Assert.Throws<InvalidOperationException>(() => client.Get("/callable/")).Message);
    }

    [Fact]
    public async Task A_view_returning_an_unawaited_task_is_told_to_await_it() // as django/core/handlers/base.py does
    {
        var expected = "The view Nuages.Tests.Handlers.HandlerTests.ReturnsTask didn't return an HttpResponse object. It returned an unawaited coroutine instead. You may need to add an 'await' into your view.";
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => new Client(Site().App).Get("/task/")).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<InvalidOperationException>(() => new AsyncClient(Site().App).GetAsync("/task/"))).Message);
    }

    [Fact]
    public void Responses_of_400_and_more_are_logged_once() // as django/core/handlers/base.py does
    {
        var (app, logs) = Site();
        var client = new Client(app, raiseRequestException: false);
        client.Get("/teapot/");
        client.Get("/503/");
        client.Get("/404/");
        client.Get("/403/");
        client.Get("/500/");
        client.Get("/400/");
        client.Get("/suspicious/");
        var request = logs.For("Nuages.Request").Select(e => (e.Level, e.Message)).ToList();
        Assert.Equal(
        [
            (LogLevel.Warning, "I'm a Teapot: /teapot/"),
            (LogLevel.Error, "Service Unavailable: /503/"),
            (LogLevel.Warning, "Not Found: /404/"),
            (LogLevel.Warning, "Forbidden (Permission denied): /403/"),
            (LogLevel.Error, "Internal Server Error: /500/"),
            (LogLevel.Warning, "Malformed thing: /400/"),
            (LogLevel.Warning, "Bad Request: /suspicious/"),
        ], request);
        var security = Assert.Single(logs.For("Nuages.Security.SuspiciousOperation"));
        Assert.Equal("Dubious", security.Message);
    }

    [Fact]
    public void Disallowed_hosts_get_400_and_a_security_log()
    {
        var (app, logs) = Site();
        var response = new Client(app).Get("/404/", headers: new Dictionary<string, string> { ["Host"] = "evil.example" });
        Assert.Equal(400, response.StatusCode);
        var entry = Assert.Single(logs.For("Nuages.Security.DisallowedHost"));
        Assert.Equal("Invalid HTTP_HOST header: 'evil.example'. You may need to add 'evil.example' to ALLOWED_HOSTS.", entry.Message);
    }

    [Fact]
    public void Custom_error_views_replace_the_defaults()
    {
        var (app, _) = Site();
        app.ErrorViews.NotFound = (request, exception) => new HttpResponseNotFound($"custom 404 for {request.Path}: {exception.Message}");
        app.ErrorViews.ServerError = _ => new HttpResponseServerError("custom 500");
        var client = new Client(app, raiseRequestException: false);
        Assert.Equal("custom 404 for /404/: No such thing", client.Get("/404/").Text);
        Assert.Equal("custom 500", client.Get("/500/").Text);
    }

    [Fact]
    public void A_failing_error_view_falls_back_to_a_plain_500()
    {
        var (app, _) = Site();
        app.ErrorViews.NotFound = (_, _) => throw new InvalidOperationException("the 404 view broke");
        var response = new Client(app, raiseRequestException: false).Get("/404/");
        Assert.Equal(500, response.StatusCode);
        Assert.Contains("Server Error (500)", response.Text);
    }
}
