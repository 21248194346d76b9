using Nuages.Async;

namespace Nuages.Tests.Async;

public class PumpExecutorTests
{
    private sealed class Item(Action action) : IWorkItem
    {
        public void Execute() => action();
    }

    [Fact]
    public void Only_its_own_thread_may_pump_it() // as asgiref/sync.py does
    {
        var executor = new PumpExecutor(null);
        Exception? error = null;
        var other = new Thread(() => error = Record.Exception(() => executor.RunUntil(Task.CompletedTask)));
        other.Start();
        other.Join();
        Assert.Equal("You cannot run CurrentThreadExecutor from a different thread", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void Its_own_thread_may_not_submit_to_it() // as asgiref/sync.py does
    {
        var executor = new PumpExecutor(null);
        var error = Assert.Throws<InvalidOperationException>(() => executor.Post(new Item(() => { })));
        Assert.Equal("You cannot submit onto CurrentThreadExecutor from its own thread", error.Message);
    }

    [Fact]
    public async Task Work_for_a_finished_executor_goes_to_the_live_outer_one_or_fails() // as asgiref/sync.py does
    {
        var outer = new PumpExecutor(null);
        var ran = new List<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outerDone = new TaskCompletionSource();
        PumpExecutor? inner = null;
        var posting = Task.Run(async () =>
        {
            // The inner executor quits first; work sent to it must reach the outer one, still pumping.
            await gate.Task;
            try
            {
                inner!.Post(new Item(() => ran.Add("forwarded")));
                inner.Post(new Item(() => outerDone.SetResult()));
            }
            catch (Exception e)
            {
                outerDone.TrySetException(e); // never leave the pumping thread waiting
            }
        });
        var innerThread = new Thread(() =>
        {
            inner = new PumpExecutor(outer);
            inner.RunUntil(Task.CompletedTask);
            gate.SetResult();
        });
        innerThread.Start();
        outer.RunUntil(outerDone.Task);
        await posting;
        await outerDone.Task;
        Assert.Equal(["forwarded"], ran);
        PumpExecutor? orphan = null;
        var quitter = new Thread(() =>
        {
            orphan = new PumpExecutor(null);
            orphan.RunUntil(Task.CompletedTask);
        });
        quitter.Start();
        quitter.Join();
        var error = Assert.Throws<InvalidOperationException>(() => orphan!.Post(new Item(() => { })));
        Assert.Equal("CurrentThreadExecutor already quit or is broken", error.Message);
    }

    [Fact]
    public void Pumps_until_the_task_is_done_and_the_queue_is_empty() // as asgiref/sync.py does
    {
        var executor = new PumpExecutor(null);
        var done = new TaskCompletionSource();
        var ran = new List<int>();
        var sender = new Thread(() =>
        {
            executor.Post(new Item(() => ran.Add(1)));
            executor.Post(new Item(() => ran.Add(2)));
            done.SetResult();
            executor.Post(new Item(() => ran.Add(3)));
        });
        sender.Start();
        sender.Join();
        executor.RunUntil(done.Task); // the task is already done, yet the queued work runs first
        Assert.Equal([1, 2, 3], ran);
    }
}
