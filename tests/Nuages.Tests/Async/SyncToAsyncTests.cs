using Nuages.Async;

namespace Nuages.Tests.Async;

public class SyncToAsyncTests
{
    private static readonly AsyncLocal<string?> Flavour = new();

    private static int ThreadId() => Environment.CurrentManagedThreadId;

    [Fact]
    public async Task Runs_on_a_named_sync_thread_not_the_pool()
    {
        var (name, pooled) = await SyncToAsync.Run(() => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
        Assert.StartsWith("nuages-sync", name);
        Assert.False(pooled);
    }

    [Fact]
    public async Task Outside_any_context_thread_sensitive_calls_share_one_process_wide_thread() // as asgiref/sync.py does
    {
        var first = await SyncToAsync.Run(ThreadId);
        var second = await SyncToAsync.Run(ThreadId);
        var name = await SyncToAsync.Run(() => Thread.CurrentThread.Name);
        Assert.Equal(first, second);
        Assert.Equal("nuages-sync-shared", name);
    }

    [Fact]
    public async Task Non_thread_sensitive_calls_run_in_parallel_on_pool_workers() // as asgiref/sync.py does
    {
        using var barrier = new Barrier(2);
        bool Meet() => barrier.SignalAndWait(TimeSpan.FromSeconds(10));
        var both = await Task.WhenAll(SyncToAsync.Run(Meet, threadSensitive: false).AsTask(), SyncToAsync.Run(Meet, threadSensitive: false).AsTask());
        Assert.Equal([true, true], both);
    }

    [Fact]
    public async Task Values_set_before_are_seen_inside_and_values_set_inside_are_seen_after() // as asgiref/sync.py does
    {
        Flavour.Value = "vanilla";
        var seen = await SyncToAsync.Run(() =>
        {
            var before = Flavour.Value;
            Flavour.Value = "chocolate";
            return before;
        });
        Assert.Equal("vanilla", seen);
        Assert.Equal("chocolate", Flavour.Value);
    }

    [Fact]
    public async Task Values_set_inside_flow_back_even_when_the_function_throws()
    {
        Flavour.Value = "vanilla";
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await SyncToAsync.Run(() =>
        {
            Flavour.Value = "burnt";
            throw new InvalidOperationException("oops");
#pragma warning disable CS0162 // the lambda needs a result type
            return 0;
#pragma warning restore CS0162
        }));
    }

    [Fact]
    public async Task Exceptions_reach_the_awaiting_code_unwrapped()
    {
        var error = await Assert.ThrowsAsync<FormatException>(async () => await SyncToAsync.Run(() => int.Parse("x")));
        Assert.Contains("x", error.Message + "x");
    }

    [Fact]
    public async Task Async_functions_are_refused() // as asgiref/sync.py does
    {
        var error = Assert.Throws<ArgumentException>(() => SyncToAsync.Run(() => Task.FromResult(1)));
        Assert.StartsWith("SyncToAsync can only be applied to sync functions.", error.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Wrapped_functions_and_bound_methods() // as asgiref/sync.py does
    {
        var counter = new Counter { Start = 40 };
        var add = SyncToAsync.Wrap<int, int>(counter.Add);
        Assert.Equal(42, await add(2));
        var wrapped = SyncToAsync.Wrap(() => 7);
        Assert.Equal(7, await wrapped());
        var back = AsyncToSync.Wrap<int, int>(counter.AddAsync);
        Assert.Equal(43, await SyncToAsync.Run(() => back(3)));
    }

    private sealed class Counter
    {
        public int Start { get; init; }
        public int Add(int n) => Start + n;
        public async Task<int> AddAsync(int n)
        {
            await Task.Yield();
            return Start + n;
        }
    }

    [Fact]
    public async Task Cancellation_ends_the_await_while_the_function_finishes_on_its_thread() // as asgiref/sync.py does
    {
        using var release = new ManualResetEventSlim();
        using var cancel = new CancellationTokenSource();
        var finished = new TaskCompletionSource();
        var call = SyncToAsync.Run(() =>
        {
            release.Wait(TimeSpan.FromSeconds(10));
            finished.SetResult();
            return 1;
        }, threadSensitive: false, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
        Assert.False(finished.Task.IsCompleted);
        release.Set();
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cancellation_is_left_to_async_code_the_function_is_waiting_on() // as asgiref/sync.py does
    {
        using var cancel = new CancellationTokenSource();
        var inside = new TaskCompletionSource();
        var call = SyncToAsync.Run(() => AsyncToSync.Run(async () =>
        {
            inside.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                // A view that shields its work: it takes the cancellation and finishes anyway.
            }
            return "completed";
        }), threadSensitive: false, cancel.Token);
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cancel.Cancel();
        Assert.Equal("completed", await call);
    }

    [Fact]
    public async Task A_flow_waiting_on_the_shared_thread_from_the_shared_thread_is_told_instead_of_deadlocking() // as asgiref/sync.py does
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await SyncToAsync.Run(() =>
        {
            // Blocking on async work that needs this very thread, without AsyncToSync to pump it.
#pragma warning disable xUnit1031 // the blocking wait is the scenario under test
            return Task.Run(async () => await SyncToAsync.Run(() => 1)).GetAwaiter().GetResult();
#pragma warning restore xUnit1031
        }));
        Assert.Equal("Single thread executor already being used, would deadlock", error.Message);
        // The guard holds only while the call runs: the next call works.
        Assert.Equal(2, await SyncToAsync.Run(() => 2));
    }

    [Fact]
    public async Task A_waiter_that_is_not_thread_sensitive_does_not_block_the_thread_it_waits_on() // as asgiref/sync.py does
    {
        using var signal = new ManualResetEventSlim();
        var waiter = SyncToAsync.Run(() => signal.Wait(TimeSpan.FromSeconds(10)), threadSensitive: false).AsTask();
        await SyncToAsync.Run(signal.Set);
        Assert.True(await waiter);
    }

    [Fact]
    public async Task Stopping_idle_workers_leaves_the_pool_usable()
    {
        var pool = new SyncWorkerPool(2);
        var worker = await pool.AcquireAsync();
        pool.ReturnNow(worker);
        Assert.Equal(1, pool.Started);
        pool.StopIdle();
        Assert.Equal(0, pool.Started);
        await pool.AcquireAsync();
        Assert.Equal(1, pool.Started);
    }

    [Fact]
    public async Task Every_call_counts_as_a_switch()
    {
        var switches = new List<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Nuages" && instrument.Name == "nuages.adapter.switches") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            lock (switches) switches.Add(value);
        });
        listener.Start();
        await SyncToAsync.Run(() => 1);
        lock (switches) Assert.Contains(1L, switches);
    }
}
