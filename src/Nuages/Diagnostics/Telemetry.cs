using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Nuages.Diagnostics;

/// <summary>
/// The names Nuages reports under, for OpenTelemetry (<c>AddMeter</c>, <c>AddSource</c>) and <c>dotnet-counters</c>
/// (<c>--counters Nuages</c>): one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <c>Nuages</c>.
/// Instruments: <c>nuages.request.duration</c>, <c>nuages.db.statement.duration</c>, <c>nuages.template.render.duration</c>
/// (histograms, seconds) and <c>nuages.adapter.switches</c> (counter). Activities: <c>nuages.request</c> with
/// <c>nuages.view</c>, <c>nuages.db.statement</c> and <c>nuages.template.render</c> beneath it.
/// </summary>
public static class NuagesTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Nuages";
}

/// <summary>The instruments and the activity source; each costs a flag test when nobody listens.</summary>
internal static class Telemetry
{
    public static readonly Meter Meter = new(NuagesTelemetry.Name);

    public static readonly ActivitySource Source = new(NuagesTelemetry.Name);

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "nuages.request.duration", "s", "Time from the request reaching the handler to its response sent.");

    public static readonly Histogram<double> StatementDuration = Meter.CreateHistogram<double>(
        "nuages.db.statement.duration", "s", "Time the database took to run a statement and give its rows.");

    public static readonly Histogram<double> TemplateDuration = Meter.CreateHistogram<double>(
        "nuages.template.render.duration", "s", "Time to render a template.");

    /// <summary>An activity when someone listens (OpenTelemetry, a test's listener), else null: nothing made.</summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) =>
        Source.HasListeners() ? Source.StartActivity(name, kind) : null;
}

/// <summary>
/// Where one request's time went, kept in Debug for its <c>Server-Timing</c> header (browsers' developer tools show
/// it): the view, the statements (count and total), the templates rendered.
/// </summary>
internal sealed class RequestTimings
{
    private long _statements;
    private long _statementTicks;
    private long _templateTicks;
    private long _templates;

    public TimeSpan View { get; set; }

    public void AddStatement(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _statements);
        Interlocked.Add(ref _statementTicks, elapsed.Ticks);
    }

    public void AddTemplate(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _templates);
        Interlocked.Add(ref _templateTicks, elapsed.Ticks);
    }

    /// <summary>The header's value: <c>view;dur=1.2, db;dur=0.4;desc="3 queries", template;dur=0.3, total;dur=2.1</c> (milliseconds).</summary>
    public string Header(TimeSpan total)
    {
        static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        var statements = Volatile.Read(ref _statements);
        var templates = Volatile.Read(ref _templates);
        return $"view;dur={Ms(View)}, db;dur={Ms(TimeSpan.FromTicks(Volatile.Read(ref _statementTicks)))};desc=\"{statements} {(statements == 1 ? "query" : "queries")}\", "
            + $"template;dur={Ms(TimeSpan.FromTicks(Volatile.Read(ref _templateTicks)))};desc=\"{templates} rendered\", total;dur={Ms(total)}";
    }
}

/// <summary>A view's or a template's time: an activity while it runs, then the request's running total.</summary>
internal readonly struct SpanTiming
{
    private readonly long _started;
    private readonly Activity? _activity;

    private SpanTiming(long started, Activity? activity) => (_started, _activity) = (started, activity);

    /// <summary>The view of the request: its name on the <c>nuages.view</c> activity.</summary>
    public static SpanTiming View(string name)
    {
        var activity = Telemetry.Start("nuages.view");
        activity?.SetTag("code.function.name", name);
        return new SpanTiming(Stopwatch.GetTimestamp(), activity);
    }

    /// <summary>A template: its name on the <c>nuages.template.render</c> activity.</summary>
    public static SpanTiming Template(string? name)
    {
        var activity = Telemetry.Start("nuages.template.render");
        activity?.SetTag("nuages.template.name", name ?? "(from a string)");
        // the clock is read only for someone to tell: an activity, the duration metric, the request's Debug timings
        var timed = activity is not null || Telemetry.TemplateDuration.Enabled || Async.Flow.Current.Request is { Timings: not null };
        return new SpanTiming(timed ? Stopwatch.GetTimestamp() : 0, activity);
    }

    /// <summary>The view is done: its time goes to the request's <paramref name="timings"/> (Debug only).</summary>
    public void StopView(RequestTimings? timings)
    {
        _activity?.Dispose();
        if (timings is not null) timings.View += Stopwatch.GetElapsedTime(_started);
    }

    public void StopTemplate(string? name)
    {
        if (_started == 0) return;
        var elapsed = Stopwatch.GetElapsedTime(_started);
        _activity?.Dispose();
        if (Telemetry.TemplateDuration.Enabled) Telemetry.TemplateDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("nuages.template.name", name ?? "(from a string)"));
        if (Async.Flow.Current.Request is { Timings: { } timings }) timings.AddTemplate(elapsed);
    }
}
