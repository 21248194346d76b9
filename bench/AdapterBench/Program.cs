using System.Diagnostics;
using Nuages.Async;

// Round-trip cost of the sync/async adapters next to the .NET floor. Each figure is the median of
// 7 runs of N sequential round trips after a warm-up, in microseconds per round trip.
const int N = 20_000;
const int Runs = 7;

var results = new List<(string Name, double Micros)>
{
    ("floor: await Task.Run(f)", await MeasureAsync(async () => await Task.Run(Work))),
    ("floor: hop to one dedicated thread and back", await MeasureAsync(async () => await DedicatedThread.Instance.Run(Work))),
    ("SyncToAsync, thread-sensitive (shared thread)", await MeasureAsync(async () => await SyncToAsync.Run(Work))),
    ("SyncToAsync, thread-sensitive (request thread)", await MeasureInContextAsync()),
    ("SyncToAsync, threadSensitive: false", await MeasureAsync(async () => await SyncToAsync.Run(Work, threadSensitive: false))),
    ("floor: block a dedicated thread on Task.Run(async f)", MeasureOnDedicatedThread(() => Task.Run(WorkAsync).GetAwaiter().GetResult())),
    ("AsyncToSync from a dedicated thread", MeasureOnDedicatedThread(() => AsyncToSync.Run(WorkAsync))),
};

Console.WriteLine($"{"adapter round trip",-55} {"µs",8}");
foreach (var (name, micros) in results) Console.WriteLine($"{name,-55} {micros,8:F2}");
return 0;

static int Work() => 1;

static async Task<int> WorkAsync()
{
    await Task.Yield();
    return 1;
}

static async Task<double> MeasureAsync(Func<Task> roundTrip)
{
    for (var i = 0; i < N / 4; i++) await roundTrip();
    var runs = new List<double>();
    for (var r = 0; r < Runs; r++)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < N; i++) await roundTrip();
        runs.Add(watch.Elapsed.TotalMicroseconds / N);
    }
    runs.Sort();
    return runs[Runs / 2];
}

static async Task<double> MeasureInContextAsync()
{
    using var context = ThreadSensitiveContext.Enter();
    return await MeasureAsync(async () => await SyncToAsync.Run(Work));
}

static double MeasureOnDedicatedThread(Action roundTrip)
{
    double result = 0;
    var thread = new Thread(() =>
    {
        for (var i = 0; i < N / 4; i++) roundTrip();
        var runs = new List<double>();
        for (var r = 0; r < Runs; r++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < N; i++) roundTrip();
            runs.Add(watch.Elapsed.TotalMicroseconds / N);
        }
        runs.Sort();
        result = runs[Runs / 2];
    });
    thread.Start();
    thread.Join();
    return result;
}

/// <summary>The floor for a thread hop: one dedicated thread with a queue, completing a task per item.</summary>
internal sealed class DedicatedThread
{
    public static readonly DedicatedThread Instance = new();
    private readonly Queue<Action> _queue = new();
    private readonly object _lock = new();

    private DedicatedThread()
    {
        new Thread(() =>
        {
            while (true)
            {
                Action item;
                lock (_lock)
                {
                    while (_queue.Count == 0) Monitor.Wait(_lock);
                    item = _queue.Dequeue();
                }
                item();
            }
        }) { IsBackground = true }.Start();
    }

    public Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _queue.Enqueue(() => done.SetResult(work()));
            Monitor.Pulse(_lock);
        }
        return done.Task;
    }
}
