using Microsoft.Extensions.Logging;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Handlers;
using Nuages.Http;
using Nuages.Middleware;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Middleware;

public class MiddlewareChainTests
{
    public static HttpResponse SyncView(HttpRequest request)
    {
        Trace.Add(request, "view");
        if (request.Query.ContainsKey("raise")) throw new InvalidOperationException("view failed");
        return Trace.Text(request);
    }

    public static async Task<HttpResponse> AsyncView(HttpRequest request)
    {
        await Task.Yield();
        Trace.Add(request, "view");
        if (request.Query.ContainsKey("raise")) throw new InvalidOperationException("view failed");
        return Trace.Text(request);
    }

    public static HttpResponse DeferredView(HttpRequest request) => new Deferred(request, "plain");

    public static HttpResponse AsyncDeferredView(HttpRequest request) => new AsyncDeferred(request, "plain");

    private static string Name<T>() => typeof(T).FullName!;

    private static NuagesApp Site(out LogCapture logs, bool debug, params string[] middleware) =>
        TestSite.Create(s =>
        {
            s.Debug = debug;
            s.Middleware = [.. middleware];
        }, out logs,
            Path("sync/", SyncView), Path("async/", AsyncView), Path("deferred/", DeferredView), Path("async-deferred/", AsyncDeferredView));

    private static NuagesApp Site(params string[] middleware) => Site(out _, true, middleware);

    private static List<string> Adaptations(LogCapture logs) =>
        logs.For("Nuages.Request").Where(e => e.Level == LogLevel.Debug).Select(e => e.Message).ToList();

    [Fact]
    public void Capabilities_default_to_sync_and_follow_interfaces_or_the_attribute() // as django/core/handlers/base.py does
    {
        Assert.Equal(MiddlewareCapabilities.Sync, Handler.CapabilitiesOf(typeof(SyncOnlyA)));
        Assert.Equal(MiddlewareCapabilities.Async, Handler.CapabilitiesOf(typeof(AsyncOnly)));
        Assert.Equal(MiddlewareCapabilities.Both, Handler.CapabilitiesOf(typeof(Hybrid)));
        Assert.Equal(MiddlewareCapabilities.Both, Handler.CapabilitiesOf(typeof(MixinRecorder)));
        Assert.Equal(MiddlewareCapabilities.Sync, Handler.CapabilitiesOf(typeof(object)));
        Assert.Equal(MiddlewareCapabilities.Async, Handler.CapabilitiesOf(typeof(AsyncWithSyncViewHook)));
    }

    [Fact]
    public void A_middleware_capable_of_neither_mode_is_refused() // as django/core/handlers/base.py does
    {
        var app = Site(Name<Incapable>());
        var error = Assert.Throws<InvalidOperationException>(() => new Client(app).Get("/sync/"));
        Assert.Equal($"Middleware {Name<Incapable>()} must have at least one of sync_capable/async_capable set to True.", error.Message);
    }

    [Fact]
    public async Task All_sync_stack_and_sync_view_under_the_async_side_run_on_one_thread_with_one_adaptation() // as django/core/handlers/base.py does
    {
        var app = Site(out var logs, true, Name<SyncOnlyA>(), Name<SyncOnlyB>());
        var response = await new AsyncClient(app).GetAsync("/sync/");
        var steps = response.Text.Split(' ');
        Assert.Equal(3, steps.Length);
        var threads = steps.Select(s => s.Split('@')[1]).Distinct().ToList();
        Assert.Single(threads);
        Assert.StartsWith("T", threads[0]);
        Assert.Equal(["A", "B", "view"], steps.Select(s => s.Split('@')[0]));
        Assert.Equal([$"Asynchronous handler adapted for middleware {Name<SyncOnlyB>()}."], Adaptations(logs));
        Assert.Equal(1, response.Request.AdapterSwitches); // one entry into sync code, at the top
    }

    [Fact]
    public async Task Sync_middleware_holds_its_thread_while_the_async_view_runs_on_the_pool() // as django/core/handlers/base.py does
    {
        var app = Site(out var logs, true, Name<SyncOnlyB>());
        var response = await new AsyncClient(app).GetAsync("/async/");
        var trace = Trace.Of(response.Request);
        Assert.Matches("^B@T\\d+$", trace[0]);
        Assert.Equal("view@pool", trace[1]);
        Assert.Equal(trace[0].Replace("B@", "B-out@"), trace[2]);
        Assert.Equal(2, response.Request.AdapterSwitches);
        Assert.Equal([$"Asynchronous handler adapted for middleware {Name<SyncOnlyB>()}."], Adaptations(logs));
    }

    [Fact]
    public async Task Async_and_hybrid_middleware_with_an_async_view_never_switch() // as django/core/handlers/base.py does
    {
        var app = Site(out var logs, true, Name<Hybrid>(), Name<AsyncOnly>(), Name<InlineMixin>());
        var response = await new AsyncClient(app).GetAsync("/async/");
        Assert.Equal(["hybrid-async", "async", "view"], Trace.Of(response.Request).Select(t => t.Split('@')[0]));
        Assert.DoesNotMatch("@T\\d", response.Text); // no step ran on a sync thread
        Assert.Equal(0, response.Request.AdapterSwitches);
        Assert.Empty(Adaptations(logs));
    }

    [Fact]
    public void In_sync_mode_an_async_view_runs_on_another_thread() // as django/core/handlers/base.py does
    {
        var response = new Client(Site()).Get("/async/");
        Assert.Equal("view@pool", response.Text);
        Assert.Equal(1, response.Request.AdapterSwitches);
    }

    [Fact]
    public void In_sync_mode_async_middleware_sends_the_sync_view_back_to_the_callers_thread() // as django/core/handlers/base.py does
    {
        var app = Site(out var logs, true, Name<AsyncOnly>());
        var caller = Trace.Where();
        var response = new Client(app).Get("/sync/");
        Assert.Equal($"async@pool view@{caller}", response.Text);
        Assert.Equal([$"Synchronous handler adapted for middleware {Name<AsyncOnly>()}."], Adaptations(logs));
    }

    [Fact]
    public async Task Hook_middleware_in_async_mode_runs_its_sync_hooks_on_the_requests_thread() // as django/core/handlers/base.py does
    {
        var app = Site(Name<MixinRecorder>());
        var response = await new AsyncClient(app).GetAsync("/sync/");
        var trace = Trace.Of(response.Request);
        Assert.Equal(3, trace.Count);
        Assert.Single(trace.Select(t => t.Split('@')[1]).Distinct());
        Assert.Equal("yes", response["X-Mixin"]);
    }

    [Fact]
    public async Task Non_blocking_hooks_run_inline_without_switching()
    {
        var response = await new AsyncClient(Site(Name<InlineMixin>())).GetAsync("/async/");
        Assert.DoesNotMatch("^T\\d", response["X-Inline"]!); // not moved to a sync thread
        Assert.Equal(0, response.Request.AdapterSwitches);
    }

    [Fact]
    public void Hook_middleware_needs_the_rest_of_the_chain_and_takes_its_mode() // as django/core/handlers/base.py does
    {
        var error = Assert.Throws<ArgumentNullException>(() => new MixinRecorder(null!));
        Assert.StartsWith("get_response must be provided.", error.Message);
    }

    [Fact]
    public async Task Adaptation_is_logged_before_a_middleware_declines_and_then_not_used_is_logged() // as django/core/handlers/base.py does
    {
        var app = Site(out var logs, true, Name<Hybrid>(), Name<NotUsedQuietly>(), Name<NotUsedLoudly>());
        var response = await new AsyncClient(app).GetAsync("/sync/");
        Assert.StartsWith("hybrid-async@", response.Text);
        Assert.Equal(
        [
            $"MiddlewareNotUsed('{Name<NotUsedLoudly>()}'): switched off by settings",
            $"Asynchronous handler adapted for middleware {Name<NotUsedQuietly>()}.",
            $"MiddlewareNotUsed: '{Name<NotUsedQuietly>()}'",
        ], Adaptations(logs));
    }

    [Fact]
    public async Task Without_debug_nothing_about_adaptation_is_logged() // as django/core/handlers/base.py does
    {
        var app = Site(out var logs, false, Name<SyncOnlyA>(), Name<NotUsedQuietly>());
        await new AsyncClient(app).GetAsync("/sync/");
        Assert.Empty(Adaptations(logs));
    }

    [Fact]
    public void A_factory_returning_null_is_a_configuration_error() // as django/core/handlers/base.py does
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => new Client(Site(Name<NullFactory>())).Get("/sync/"));
        Assert.Equal($"Middleware factory {Name<NullFactory>()} returned null.", error.Message);
    }

    [Fact]
    public void Unknown_middleware_names_are_reported()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => new Client(Site("No.Such.Middleware")).Get("/sync/"));
        Assert.StartsWith("Middleware 'No.Such.Middleware' was not found", error.Message);
    }

    [Fact]
    public void View_hooks_run_in_order_and_exception_hooks_in_reverse() // as django/core/handlers/base.py does
    {
        var client = new Client(Site(Name<ViewHookFirst>(), Name<ViewHookSecond>()), raiseRequestException: false);
        var response = client.Get("/sync/?raise=1");
        Assert.Equal(500, response.StatusCode);
        Assert.Equal(["view-hook-1", "view-hook-2", "view", "exception-hook-2", "exception-hook-1"], Trace.Of(response.Request).Select(t => t.Split('@')[0]));
        var handled = client.Get("/sync/?raise=1&handle=1");
        Assert.Equal(503, handled.StatusCode);
        Assert.Equal("handled view failed", handled.Text);
        Assert.Equal(["view-hook-1", "view-hook-2", "view", "exception-hook-2"], Trace.Of(handled.Request).Select(t => t.Split('@')[0]));
    }

    [Fact]
    public async Task The_first_view_hook_with_a_response_skips_the_rest_and_the_view() // as django/core/handlers/base.py does
    {
        var response = await new AsyncClient(Site(Name<ViewHookSecond>(), Name<ViewHookFirst>())).GetAsync("/sync/?short=now");
        Assert.Equal("short-circuit now", response.Text);
        Assert.Equal(["view-hook-2"], Trace.Of(response.Request).Select(t => t.Split('@')[0]));
    }

    [Fact]
    public async Task A_sync_view_hook_on_an_async_middleware_runs_on_the_requests_sync_thread() // as django/core/handlers/base.py does
    {
        var response = await new AsyncClient(Site(Name<AsyncWithSyncViewHook>())).GetAsync("/sync/");
        var trace = Trace.Of(response.Request);
        Assert.Matches("^sync-view-hook@T\\d+$", trace[0]);
        Assert.Equal(trace[0].Split('@')[1], trace[1].Split('@')[1]); // the view shares it
    }

    [Fact]
    public async Task An_async_exception_hook_works_on_the_async_side() // as django/core/handlers/base.py does
    {
        var response = await new AsyncClient(Site(Name<AsyncExceptionHook>())).GetAsync("/async/?raise=1");
        Assert.Equal(503, response.StatusCode);
        Assert.Equal("async handled view failed", response.Text);
        var sync = new Client(Site(Name<AsyncExceptionHook>())).Get("/sync/?raise=1");
        Assert.Equal("async handled view failed", sync.Text);
    }

    [Fact]
    public async Task Every_layer_turns_exceptions_into_responses_before_the_next_outer_one() // as django/core/handlers/base.py does
    {
        var response = await new AsyncClient(Site(Name<StatusRecorder>(), Name<Exploding>()), raiseRequestException: false).GetAsync("/sync/");
        Assert.Equal(403, response.StatusCode);
        Assert.Equal(["saw403"], Trace.Of(response.Request).Select(t => t.Split('@')[0]));
        var view = new Client(Site(Name<StatusRecorder>()), raiseRequestException: false).Get("/sync/?raise=1");
        Assert.Equal(500, view.StatusCode);
        Assert.Contains("saw500", Trace.Of(view.Request)[^1]);
    }

    [Fact]
    public async Task Middleware_can_change_the_status_in_both_modes()
    {
        Assert.Equal(402, new Client(Site(Name<Payment>())).Get("/sync/").StatusCode);
        Assert.Equal(402, (await new AsyncClient(Site(Name<Payment>())).GetAsync("/async/")).StatusCode);
    }

    [Fact]
    public async Task Deferred_responses_get_template_hooks_then_render() // as django/core/handlers/base.py does
    {
        var sync = new Client(Site(Name<TemplateHook>())).Get("/deferred/");
        Assert.Equal("rendered hooked", sync.Text);
        var asyncSide = await new AsyncClient(Site(Name<TemplateHook>(), Name<AsyncTemplateHook>())).GetAsync("/deferred/");
        Assert.Equal("rendered hooked", asyncSide.Text);
        var trace = Trace.Of(asyncSide.Request).Select(t => t.Split('@')[0]).ToList();
        Assert.Equal(["async-template-hook", "template-hook", "render"], trace);
        Assert.Matches("^render@T\\d+$", Trace.Of(asyncSide.Request)[^1]); // a sync render runs on the request's sync thread
        var asyncRender = await new AsyncClient(Site()).GetAsync("/async-deferred/");
        Assert.Equal("async rendered plain", asyncRender.Text);
    }

    [Fact]
    public async Task A_deferred_response_from_a_view_hook_is_hooked_and_rendered() // as django/core/handlers/base.py does
    {
        var response = await new AsyncClient(Site(Name<TemplateHook>(), Name<ViewHookReturningDeferred>())).GetAsync("/sync/?deferred-from-hook=1");
        Assert.Equal("rendered hooked", response.Text);
    }

    [Fact]
    public async Task Render_failures_go_to_the_exception_hooks() // as django/core/handlers/base.py does
    {
        var sync = new Client(Site(Name<ViewHookSecond>())).Get("/deferred/?fail-render=1&handle=1");
        Assert.Equal("handled render failed", sync.Text);
        var asyncRender = await new AsyncClient(Site(Name<ViewHookSecond>())).GetAsync("/async-deferred/?fail-render=1&handle=1");
        Assert.Equal("handled async render failed", asyncRender.Text);
    }

    [Fact]
    public async Task A_template_hook_returning_null_is_named() // as django/core/handlers/base.py does
    {
        var sync = Assert.Throws<InvalidOperationException>(() => new Client(Site(Name<TemplateHook>())).Get("/deferred/?null-template=1"));
        Assert.Equal("TemplateHook.ProcessTemplateResponse didn't return an HttpResponse object. It returned null instead.", sync.Message);
        var asyncHook = await Assert.ThrowsAsync<InvalidOperationException>(() => new AsyncClient(Site(Name<AsyncTemplateHook>())).GetAsync("/deferred/?null-template=1"));
        Assert.Equal("AsyncTemplateHook.ProcessTemplateResponse didn't return an HttpResponse object. It returned null instead.", asyncHook.Message);
    }

    [Fact]
    public async Task Concurrent_requests_to_a_sync_view_use_different_threads() // as django/core/handlers/asgi.py does
    {
        using var barrier = new Barrier(2);
        var app = TestSite.Create(s => s.Debug = true, Path("wait/", (HttpRequest request) =>
        {
            barrier.SignalAndWait(TimeSpan.FromSeconds(10));
            return new HttpResponse(Environment.CurrentManagedThreadId.ToString());
        }));
        var client = new AsyncClient(app);
        var both = await Task.WhenAll(client.GetAsync("/wait/"), client.GetAsync("/wait/"));
        Assert.All(both, r => Assert.Equal(200, r.StatusCode));
        Assert.NotEqual(both[0].Text, both[1].Text);
    }

    [ThreadStatic] private static string? _setByMiddleware;

    public sealed class ThreadStaticSetter(Next next) : ISyncMiddleware
    {
        public HttpResponse Invoke(HttpRequest request)
        {
            _setByMiddleware = request.Path;
            return next.Invoke(request);
        }
    }

    [Fact]
    public async Task Thread_statics_set_by_sync_middleware_are_seen_by_the_sync_view()
    {
        var app = TestSite.Create(s =>
        {
            s.Debug = true;
            s.Middleware = [Name<ThreadStaticSetter>()];
        }, Path("ts/", (HttpRequest _) => new HttpResponse(_setByMiddleware ?? "unset")));
        Assert.Equal("/ts/", (await new AsyncClient(app).GetAsync("/ts/")).Text);
    }
}
