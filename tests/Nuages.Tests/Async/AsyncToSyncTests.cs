using Nuages.Async;

namespace Nuages.Tests.Async;

public class AsyncToSyncTests
{
    private static readonly AsyncLocal<string?> Foo = new();

    [Fact]
    public void Runs_async_code_from_sync_code_on_the_pool() // as asgiref/sync.py does
    {
        var caller = Environment.CurrentManagedThreadId;
        var (thread, pooled) = AsyncToSync.Run(async () =>
        {
            await Task.Yield();
            return (Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread);
        });
        Assert.NotEqual(caller, thread);
        Assert.True(pooled);
    }

    [Fact]
    public void Thread_sensitive_sync_code_called_by_the_async_code_runs_back_on_the_caller() // as asgiref/sync.py does
    {
        var caller = Environment.CurrentManagedThreadId;
        var inner = AsyncToSync.Run(async () =>
        {
            var direct = await SyncToAsync.Run(() => Environment.CurrentManagedThreadId);
            var fromTask = await Task.Run(async () => await SyncToAsync.Run(() => Environment.CurrentManagedThreadId));
            return (direct, fromTask);
        });
        Assert.Equal((caller, caller), inner);
    }

    [Fact]
    public async Task From_a_sync_worker_the_async_code_runs_on_the_async_side_and_calls_back_to_the_worker() // as asgiref/sync.py does
    {
        var (worker, asyncSide, back) = await SyncToAsync.Run(() =>
        {
            var workerThread = Environment.CurrentManagedThreadId;
            var (pooled, inner) = AsyncToSync.Run(async () =>
            {
                await Task.Yield();
                return (Thread.CurrentThread.IsThreadPoolThread, await SyncToAsync.Run(() => Environment.CurrentManagedThreadId));
            });
            return (workerThread, pooled, inner);
        });
        Assert.True(asyncSide);
        Assert.Equal(worker, back);
    }

    [Fact]
    public void Threads_started_elsewhere_do_not_see_the_flows_values_and_their_writes_stay_theirs() // as asgiref/sync.py does
    {
        Foo.Value = "mine";
        string? seenByUnrelated = "unset";
        var unrelated = new Thread(() => seenByUnrelated = Foo.Value);
        unrelated.UnsafeStart(); // a thread that does not inherit this flow's context
        unrelated.Join();
        Assert.Null(seenByUnrelated);
        var child = new Thread(() => Foo.Value = "theirs");
        child.Start();
        child.Join();
        Assert.Equal("mine", Foo.Value);
    }

    [Fact]
    public void Non_thread_sensitive_calls_go_elsewhere()
    {
        var caller = Environment.CurrentManagedThreadId;
        var inner = AsyncToSync.Run(async () => await SyncToAsync.Run(() => Environment.CurrentManagedThreadId, threadSensitive: false));
        Assert.NotEqual(caller, inner);
    }

    [Fact]
    public void Double_nesting_lands_on_the_original_thread() // asgiref test_thread_sensitive_double_nested_sync
    {
        var caller = Environment.CurrentManagedThreadId;
        var innermost = AsyncToSync.Run(async () => await SyncToAsync.Run(() =>
            AsyncToSync.Run(async () => await SyncToAsync.Run(() => Environment.CurrentManagedThreadId))));
        Assert.Equal(caller, innermost);
    }

    [Fact]
    public void Values_flow_in_and_back_out_of_an_async_lambda() // as asgiref/sync.py does
    {
        Foo.Value = "bar";
        var result = AsyncToSync.Run(async () =>
        {
            Assert.Equal("bar", Foo.Value);
            Foo.Value = "baz";
            return 42;
        });
        Assert.Equal(42, result);
        Assert.Equal("baz", Foo.Value);
        AsyncToSync.Run(async () =>
        {
            await Task.Delay(1);
            Foo.Value = "after an await";
        });
        Assert.Equal("after an await", Foo.Value);
    }

    [Fact]
    public void Values_cross_any_nesting_of_the_two_adapters_both_ways() // as asgiref/sync.py does
    {
        Foo.Value = "level 0";
        AsyncToSync.Run(async () =>
        {
            Assert.Equal("level 0", Foo.Value);
            await SyncToAsync.Run(() =>
            {
                Assert.Equal("level 0", Foo.Value);
                AsyncToSync.Run(async () =>
                {
                    await Task.Yield();
                    Foo.Value = "dragons";
                });
                Assert.Equal("dragons", Foo.Value);
            });
            Assert.Equal("dragons", Foo.Value);
        });
        Assert.Equal("dragons", Foo.Value);
    }

    [Fact]
    public async Task Child_tasks_get_a_copy_their_writes_stay_theirs() // as asgiref/sync.py does
    {
        Foo.Value = "parent";
        await Task.Run(() => Foo.Value = "child");
        Assert.Equal("parent", Foo.Value);
    }

    [Fact]
    public async Task Calling_it_from_async_code_is_refused() // as asgiref/sync.py does
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Task.Run(() => AsyncToSync.Run(async () =>
        {
            await Task.Yield();
            return AsyncToSync.Run(() => Task.FromResult(1));
        })));
        Assert.Equal("You cannot use AsyncToSync in the same thread as an async event loop - just await the async function directly.", error.Message);
    }

    [Fact]
    public void Called_inside_a_catch_block_it_returns_normally() // as asgiref/sync.py does
    {
        int result;
        try
        {
            throw new InvalidOperationException("outer");
        }
        catch (InvalidOperationException)
        {
            result = AsyncToSync.Run(async () =>
            {
                await Task.Yield();
                return 42;
            });
        }
        Assert.Equal(42, result);
    }

    [Fact]
    public void Exceptions_reach_the_sync_caller_unwrapped()
    {
        var error = Assert.Throws<TimeoutException>(() => AsyncToSync.Run(async () =>
        {
            await Task.Yield();
            throw new TimeoutException("slow");
        }));
        Assert.Equal("slow", error.Message);
    }

    [Fact]
    public void Task_returning_method_groups_work_too()
    {
        Assert.Equal(5, AsyncToSync.Run(Five));
        Assert.Equal(6, AsyncToSync.Run(() => new ValueTask<int>(6)));
    }

    private static async Task<int> Five()
    {
        await Task.Yield();
        return 5;
    }
}
