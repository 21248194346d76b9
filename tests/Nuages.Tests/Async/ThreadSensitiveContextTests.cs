using Nuages.Async;

namespace Nuages.Tests.Async;

public class ThreadSensitiveContextTests
{
    private static int ThreadId() => Environment.CurrentManagedThreadId;

    [Fact]
    public async Task Calls_in_one_context_share_a_thread_and_contexts_use_different_threads() // as asgiref/sync.py does
    {
        async Task<(int, int)> InContext()
        {
            using var context = ThreadSensitiveContext.Enter();
            var first = await SyncToAsync.Run(ThreadId);
            var second = await SyncToAsync.Run(ThreadId);
            return (first, second);
        }

        using var barrier = new Barrier(2);
        async Task<int> MeetInContext()
        {
            using var context = ThreadSensitiveContext.Enter();
            return await SyncToAsync.Run(() =>
            {
                barrier.SignalAndWait(TimeSpan.FromSeconds(10));
                return ThreadId();
            });
        }

        var (a, b) = await InContext();
        Assert.Equal(a, b);
        var both = await Task.WhenAll(MeetInContext(), MeetInContext());
        Assert.NotEqual(both[0], both[1]);
    }

    [Fact]
    public async Task Contexts_are_reentrant_and_may_stay_empty() // as asgiref/sync.py does
    {
        using (ThreadSensitiveContext.Enter())
        {
        }
        using var outer = ThreadSensitiveContext.Enter();
        var first = await SyncToAsync.Run(ThreadId);
        int nested;
        using (ThreadSensitiveContext.Enter())
        {
            nested = await SyncToAsync.Run(ThreadId);
        }
        Assert.Equal(first, nested);
        Assert.Equal(first, await SyncToAsync.Run(ThreadId));
    }

    [Fact]
    public async Task Ending_a_context_never_waits_for_its_thread() // as asgiref/sync.py does
    {
        using var release = new ManualResetEventSlim();
        var context = ThreadSensitiveContext.Enter();
        var started = new TaskCompletionSource();
        var busy = SyncToAsync.Run(() =>
        {
            started.SetResult();
            return release.Wait(TimeSpan.FromSeconds(10));
        }, cancellationToken: CancellationToken.None).AsTask();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        context.Dispose(); // returns while the thread is still blocked
        Assert.False(busy.IsCompleted);
        release.Set();
        Assert.True(await busy.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [ThreadStatic] private static string? _perThread;

    [Fact]
    public async Task Thread_statics_set_by_one_call_are_seen_by_the_next_in_the_same_context() // as asgiref/sync.py does
    {
        using var context = ThreadSensitiveContext.Enter();
        await SyncToAsync.Run(() => _perThread = "set by middleware");
        Assert.Equal("set by middleware", await SyncToAsync.Run(() => _perThread));
        Assert.Null(_perThread); // never crosses to the async side
    }

    private sealed class Held(List<string> log, string name) : IDisposable
    {
        public void Dispose() => log.Add(name);
    }

    private sealed class Other(List<string> log, string name) : IDisposable
    {
        public void Dispose() => log.Add(name);
    }

    [Fact]
    public void A_request_keeps_one_resource_per_kind_and_releases_all_of_them()
    {
        var log = new List<string>();
        var made = 0;
        using (ThreadSensitiveContext.Enter())
        {
            var scope = Flow.Current.Request!;
            var held = scope.Resource(() => new Held(log, $"held {++made}"));
            Assert.Same(held, scope.Resource(() => new Held(log, $"held {++made}")));
            var other = scope.Resource(() => new Other(log, $"other {++made}"));
            Assert.Same(other, scope.Resource(() => new Other(log, $"other {++made}")));
            Assert.Same(held, scope.Resource(() => new Held(log, $"held {++made}")));
            // A consumer's event done: both go, and the next use makes anew.
            scope.Release();
            Assert.Equal(["held 1", "other 2"], log);
            Assert.NotSame(other, scope.Resource(() => new Other(log, $"other {++made}")));
            scope.End();
            Assert.Equal(["held 1", "other 2", "other 3"], log);
            Assert.Null(scope.Resource(() => new Held(log, $"held {++made}"))); // ended: nothing more is made
        }
        Assert.Equal(3, made);
    }
}
