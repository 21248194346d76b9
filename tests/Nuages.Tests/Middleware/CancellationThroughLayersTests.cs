using Nuages.Async;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Middleware;

public class CancellationThroughLayersTests
{
    private static TaskCompletionSource _subtaskDone = new();

    public static async Task<HttpResponse> ShieldingView(HttpRequest request)
    {
        // A subtask that must survive the client going away, and a view that waits for it.
        var subtask = Task.Run(async () =>
        {
            await Task.Delay(50);
            _subtaskDone.TrySetResult();
            return "subtask finished";
        });
        try
        {
            await Task.Delay(Timeout.Infinite, request.Aborted);
        }
        catch (OperationCanceledException)
        {
            return new HttpResponse(await subtask);
        }
        return new HttpResponse("not cancelled");
    }

    public static HttpResponse SyncViewCallingBack(HttpRequest request)
    {
        var viewThread = Environment.CurrentManagedThreadId;
        var inner = AsyncToSync.Run(async () => await SyncToAsync.Run(() => Environment.CurrentManagedThreadId));
        return new HttpResponse(viewThread == inner ? "same thread" : $"view {viewThread}, inner {inner}");
    }

    [Fact]
    public async Task A_view_that_shields_its_subtask_completes_through_sync_and_async_layers() // as asgiref/sync.py does
    {
        _subtaskDone = new TaskCompletionSource();
        var app = TestSite.Create(s =>
        {
            s.Debug = true;
            s.Middleware = [typeof(SyncOnlyA).FullName!, typeof(AsyncOnly).FullName!, typeof(SyncOnlyB).FullName!];
        }, Path("shield/", ShieldingView));
        using var abort = new CancellationTokenSource();
        var factory = new RequestFactory(app) { Aborted = abort.Token };
        var request = factory.Get("/shield/");
        var pending = app.Handler.GetResponseAsync(request).AsTask();
        await Task.Delay(20);
        abort.Cancel();
        var response = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("subtask finished", response.Text);
        Assert.True(_subtaskDone.Task.IsCompleted);
    }

    [Fact]
    public async Task Sync_view_to_async_code_to_thread_sensitive_sync_code_comes_back_to_the_view_thread()
    {
        var app = TestSite.Create(s => s.Debug = true, Path("back/", SyncViewCallingBack));
        Assert.Equal("same thread", (await new AsyncClient(app).GetAsync("/back/")).Text);
        Assert.Equal("same thread", new Client(app).Get("/back/").Text);
    }

    [Fact]
    public async Task A_wrapped_sync_function_is_an_async_view() // as django/core/handlers/base.py and asgiref/sync.py does
    {
        var view = SyncToAsync.Wrap<HttpRequest, HttpResponse>(request => new HttpResponse(Trace.Where()));
        var app = TestSite.Create(s => s.Debug = true, Path("wrapped/", view));
        Assert.True(app.Handler.Resolver.Describe().Single().IsAsync);
        Assert.Matches("^T\\d+$", (await new AsyncClient(app).GetAsync("/wrapped/")).Text);
    }
}
