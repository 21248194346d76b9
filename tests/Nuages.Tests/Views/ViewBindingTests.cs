using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

public class ViewBindingTests
{
    public static HttpResponse Sync(HttpRequest request, int id) => new($"sync {id}");
    public static async Task<HttpResponse> AsyncTask(HttpRequest request, int id)
    {
        await Task.Yield();
        return new HttpResponse($"task {id}");
    }
    public static ValueTask<JsonResponse> AsyncValueTask(HttpRequest request, string name) => new(new JsonResponse(new { name }));
    public static HttpResponse WithToken(HttpRequest request, CancellationToken aborted) => new(aborted.CanBeCanceled ? "cancellable" : "not");
    public static HttpResponse WithDefault(HttpRequest request, int page = 1) => new($"page {page}");
    public static HttpResponse Widened(HttpRequest request, long id) => new($"long {id}");

    [Fact]
    public void Sync_and_async_views_are_classified_by_return_type() // as django/core/handlers/base.py does
    {
        var app = TestSite.Create(s => s.Debug = true,
            Path("s/<int:id>/", Sync), Path("t/<int:id>/", AsyncTask), Path("v/<str:name>/", AsyncValueTask));
        var routes = app.Handler.Resolver.Describe().ToDictionary(r => r.Route, r => r.IsAsync);
        Assert.False(routes["s/<int:id>/"]);
        Assert.True(routes["t/<int:id>/"]);
        Assert.True(routes["v/<str:name>/"]);
        var client = new Client(app);
        Assert.Equal("sync 1", client.Get("/s/1/").Text);
        Assert.Equal("task 2", client.Get("/t/2/").Text);
        Assert.Equal("{\"name\": \"x\"}", client.Get("/v/x/").Text);
    }

    [Fact]
    public void Cancellation_tokens_defaults_and_widening_conversions_bind()
    {
        var client = new Client(TestSite.Create(s => s.Debug = true,
            Path("token/", WithToken), Path("page/", WithDefault), Path("long/<int:id>/", Widened)));
        Assert.Equal("page 1", client.Get("/page/").Text);
        Assert.Equal("long 5", client.Get("/long/5/").Text);
        Assert.Equal("not", client.Get("/token/").Text);
    }

    [Fact]
    public void A_parameter_the_route_does_not_capture_is_a_startup_error_naming_both()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(Path("items/", Sync)));
        Assert.Equal(
            "The view Nuages.Tests.Views.ViewBindingTests.Sync takes a parameter 'id' that the URL route 'items/' does not capture (it captures: nothing).",
            error.Message);
    }

    [Fact]
    public void A_capture_the_view_does_not_take_is_a_startup_error_naming_both()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(Path("items/<int:id>/<slug:extra>/", Sync)));
        Assert.Equal(
            "The URL route 'items/<int:id>/<slug:extra>/' captures 'extra' but the view Nuages.Tests.Views.ViewBindingTests.Sync has no parameter of that name (its parameters: Int32 id).",
            error.Message);
    }

    [Fact]
    public void A_type_mismatch_is_a_startup_error()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(Path("items/<uuid:id>/", Sync)));
        Assert.Contains("captures 'id' as Guid, which cannot be passed to the parameter Int32 id of the view Nuages.Tests.Views.ViewBindingTests.Sync", error.Message);
    }

    [Fact]
    public void A_view_must_return_a_response_type()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(Path("x/", (HttpRequest _) => "text")));
        Assert.Contains("returns String; a view must return HttpResponse (sync) or Task<HttpResponse> / ValueTask<HttpResponse> (async)", error.Message);
        var noRequest = Assert.Throws<ImproperlyConfigured>(() => TestSite.Create(Path("x/", () => new HttpResponse())));
        Assert.Contains("must take the HttpRequest as its first parameter", noRequest.Message);
    }
}
