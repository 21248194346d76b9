using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

/// <summary>
/// The runtime's allocation samples (GCAllocationTick, one per ~100 KB allocated), counted by type: a type's count is
/// proportional to the bytes it takes, which shows where a request's bytes go. Shared by the benchmark apps.
/// </summary>
internal sealed class AllocationSamples : EventListener
{
    /// <summary>The samples so far, by type name.</summary>
    public readonly ConcurrentDictionary<string, int> Counts = new();

    private volatile bool _counting = true;

    /// <summary>
    /// NUAGES_BENCH_ALLOC=file: counts from NUAGES_BENCH_ALLOC_DELAY seconds after start (default 30: past the warm-up)
    /// and writes the 120 commonest types to the file when the process stops. Every second it also appends the time
    /// (Unix ms) and the bytes allocated so far to file.bytes: their slope over a load run, divided by the requests per
    /// second, is the exact bytes per request that the samples estimate.
    /// </summary>
    public static void FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable("NUAGES_BENCH_ALLOC") is not { Length: > 0 } file) return;
        var delay = int.TryParse(Environment.GetEnvironmentVariable("NUAGES_BENCH_ALLOC_DELAY"), out var seconds) ? seconds : 30;
        AllocationSamples? samples = null;
        _ = Task.Delay(TimeSpan.FromSeconds(delay)).ContinueWith(_ => samples = new AllocationSamples(), TaskScheduler.Default);
        var bytes = new Thread(() =>
        {
            while (true)
            {
                File.AppendAllText(file + ".bytes", $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} {GC.GetTotalAllocatedBytes(precise: true)}\n");
                Thread.Sleep(1000);
            }
        }) { IsBackground = true, Name = "allocated-bytes" };
        bytes.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (samples is null) return;
            samples._counting = false;
            File.WriteAllLines(file, samples.Counts.OrderByDescending(kv => kv.Value).Take(120).Select(kv => $"{kv.Value,6} {kv.Key}"));
        };
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: its verbose level has the samples
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_counting || e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null) return;
        var i = e.PayloadNames!.IndexOf("TypeName");
        Counts.AddOrUpdate((string)e.Payload[i]!, 1, (_, n) => n + 1);
    }
}
