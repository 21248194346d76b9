using System.Diagnostics.Metrics;

namespace Nuages.Async;

/// <summary>The <c>nuages.adapter.switches</c> counter: one per crossing between sync and async code (ARCHITECTURE rule 2).</summary>
internal static class AdapterMetrics
{
    public const string MeterName = Diagnostics.NuagesTelemetry.Name;

    private static readonly Counter<long> Switches = Diagnostics.Telemetry.Meter.CreateCounter<long>("nuages.adapter.switches", "{switch}", "Crossings between sync and async code.");

    public static void CountSwitch(FlowState state)
    {
        Switches.Add(1);
        state.Request?.CountSwitch();
    }
}
