using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views;

public class ClassBasedViewTests
{
    public sealed class SyncGetView : View
    {
        public string Greeting { get; set; } = "hello";

        public HttpResponse Get(HttpRequest request) => new($"{Greeting} {Kwargs.GetValueOrDefault("id")} {request.Method}");
    }

    public sealed class AsyncGetView : View
    {
        public async Task<HttpResponse> Get(HttpRequest request)
        {
            await Task.Yield();
            return new HttpResponse("async get");
        }
    }

    public sealed class PostOnlyView : View
    {
        public HttpResponse Post(HttpRequest request) => new("posted");
    }

    public sealed class MixedView : View
    {
        public HttpResponse Get(HttpRequest request) => new("sync");
        public Task<HttpResponse> Post(HttpRequest request) => Task.FromResult(new HttpResponse("async"));
    }

    public sealed class AsyncWithSyncOptionsView : View
    {
        public Task<HttpResponse> Get(HttpRequest request) => Task.FromResult(new HttpResponse("get"));
        public override HttpResponse Options(HttpRequest request) => new("custom options");
    }

    public sealed class EmptyView : View;

    public sealed class ExplicitHeadView : View
    {
        public HttpResponse Get(HttpRequest request) => new("get");
        public HttpResponse Head(HttpRequest request) => new("", status: 204);
    }

    private static (NuagesApp App, LogCapture Logs) Site()
    {
        var app = TestSite.Create(s => s.Debug = true, out var logs,
            Path("sync/<int:id>/", View.AsView<SyncGetView>(v => v.Greeting = "hi"), name: "sync"),
            Path("async/", View.AsView<AsyncGetView>()),
            Path("post/", View.AsView<PostOnlyView>()),
            Path("empty/", View.AsView<EmptyView>()),
            Path("head/", View.AsView<ExplicitHeadView>()));
        return (app, logs);
    }

    [Fact]
    public void Mixed_handlers_are_rejected_when_the_view_is_built() // as django/views/generic/base.py does
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => View.AsView<MixedView>());
        Assert.StartsWith($"{typeof(MixedView).FullName} HTTP handlers must either be all sync or all async", error.Message);
        Assert.Contains("Get is sync but Post is async", error.Message);
    }

    [Fact]
    public void Options_does_not_count_and_no_handlers_means_sync() // as django/views/generic/base.py does
    {
        Assert.True(View.AsView<AsyncWithSyncOptionsView>() is Func<HttpRequest, ValueTask<HttpResponse>>);
        Assert.True(View.AsView<EmptyView>() is Func<HttpRequest, HttpResponse>);
    }

    [Fact]
    public void As_view_is_async_iff_the_class_is() // as django/views/generic/base.py does
    {
        Assert.True(View.AsView<SyncGetView>() is Func<HttpRequest, HttpResponse>);
        Assert.True(View.AsView<AsyncGetView>() is Func<HttpRequest, ValueTask<HttpResponse>>);
        var routes = Site().App.Handler.Resolver.Describe().ToDictionary(r => r.Route, r => r.IsAsync);
        Assert.False(routes["sync/<int:id>/"]);
        Assert.True(routes["async/"]);
    }

    [Fact]
    public async Task Async_views_answer_405_and_options_through_awaitables() // as django/views/generic/base.py does
    {
        var view = (Func<HttpRequest, ValueTask<HttpResponse>>)View.AsView<AsyncGetView>();
        var factory = new RequestFactory(new Settings { Debug = true });
        var notAllowed = view(factory.Post("/", "x", "text/plain"));
        var options = view(factory.Options("/"));
        Assert.Equal(405, (await notAllowed).StatusCode);
        Assert.Equal(200, (await options).StatusCode);
        var syncView = (Func<HttpRequest, HttpResponse>)View.AsView<SyncGetView>();
        Assert.Equal(405, syncView(factory.Post("/", "x", "text/plain")).StatusCode);
    }

    [Fact]
    public async Task Method_not_allowed_lists_allowed_methods_in_order_and_logs() // as django/views/generic/base.py does
    {
        var (app, logs) = Site();
        var client = new AsyncClient(app);
        var getOnly = await client.PostAsync("/async/", "x", "text/plain");
        Assert.Equal(405, getOnly.StatusCode);
        Assert.Equal("GET, HEAD, OPTIONS", getOnly["Allow"]);
        var postOnly = await client.GetAsync("/post/");
        Assert.Equal(405, postOnly.StatusCode);
        Assert.Equal("POST, OPTIONS", postOnly["Allow"]);
        Assert.Contains(logs.For("Nuages.Request"), e => e.Message == "Method Not Allowed (POST): /async/" && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Options_answers_200_with_allow_and_an_empty_body() // as django/views/generic/base.py does
    {
        var client = new AsyncClient(Site().App);
        var response = await client.OptionsAsync("/async/");
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("GET, HEAD, OPTIONS", response["Allow"]);
        Assert.Equal("0", response["Content-Length"]);
        Assert.Empty(response.Content);
    }

    [Fact]
    public void Head_falls_back_to_get() // as django/views/generic/base.py does
    {
        var client = new Client(Site().App);
        var head = client.Head("/sync/3/");
        Assert.Equal(200, head.StatusCode);
        Assert.Equal("hi 3 HEAD", head.Response.Text); // the GET handler ran; the client strips the body
        Assert.Empty(head.Content);
        Assert.Equal(204, client.Head("/head/").StatusCode);
    }

    [Fact]
    public void Instances_get_init_values_route_kwargs_and_the_request()
    {
        var client = new Client(Site().App);
        Assert.Equal("hi 7 GET", client.Get("/sync/7/").Text);
    }
}
