using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;

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

    public static double Seconds(long started) => Stopwatch.GetElapsedTime(started).TotalSeconds;
}

/// <summary>
/// One statement's time, reported when it ends: the histogram, an activity, the request's running total (for its
/// <c>Server-Timing</c> header in Debug), and — in Debug — Django's <c>django.db.backends</c> line on the
/// <c>Nuages.Db.Backends</c> logger: <c>(0.001) SELECT …; args=(1,); alias=default</c> (django/db/backends/utils.py).
/// </summary>
internal readonly struct StatementTiming
{
    private readonly long _started;
    private readonly Activity? _activity;

    private StatementTiming(long started, Activity? activity) => (_started, _activity) = (started, activity);

    public static StatementTiming Start(Db.Statement statement, string alias, string system)
    {
        var activity = Telemetry.Start("nuages.db.statement", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("db.system.name", system);
            activity.SetTag("db.namespace", alias);
            activity.SetTag("db.query.text", statement.Sql);
        }
        return new StatementTiming(Stopwatch.GetTimestamp(), activity);
    }

    public void Stop(Db.Statement statement, string alias, string system)
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        _activity?.Dispose();
        if (Telemetry.StatementDuration.Enabled)
            Telemetry.StatementDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("db.system.name", system),
                new KeyValuePair<string, object?>("db.operation.name", Operation(statement.Sql)), new KeyValuePair<string, object?>("db.namespace", alias));
        if (Async.Flow.Current.Request is { Timings: { } timings }) timings.AddStatement(elapsed);
        if (Volatile.Read(ref StatementLog.Sites) > 0 && Conf.Site.TryCurrent is { } site && StatementLog.Of(site) is { } logger)
            StatementLog.Write(logger, elapsed, statement, alias);
    }

    /// <summary>The statement's first word, upper-cased (SELECT, INSERT…): a tag of few values.</summary>
    private static string Operation(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        var end = text.IndexOfAny(" \n\r\t(".AsSpan());
        var word = end < 0 ? text : text[..end];
        return word.Length is > 0 and <= 16 ? word.ToString().ToUpperInvariant() : "OTHER";
    }
}

/// <summary>Django's SQL log in Debug: each statement with its time, on the <c>Nuages.Db.Backends</c> logger.</summary>
internal static partial class StatementLog
{
    /// <summary>How many sites log statements: none, and no statement looks its site up.</summary>
    public static int Sites;

    public static ILogger? Of(Conf.Site site) => site.Feature(static _ => new Holder()).Logger;

    /// <summary>Turns the log on for <paramref name="site"/> (Debug, and the logger enabled at Debug level).</summary>
    public static void Enable(Conf.Site site, ILogger logger)
    {
        var holder = site.Feature(static _ => new Holder());
        if (holder.Logger is null) Interlocked.Increment(ref Sites);
        holder.Logger = logger;
    }

    private sealed class Holder
    {
        public ILogger? Logger { get; set; }
    }

    /// <summary>Django's line: the time in seconds to three places, the SQL, its parameters as a Python tuple, the alias.</summary>
    public static void Write(ILogger logger, TimeSpan elapsed, Db.Statement statement, string alias)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return;
        var args = "(" + string.Join(", ", statement.Values.Select(Core.PythonRepr.Of)) + (statement.Values.Count == 1 ? ",)" : ")");
        var duration = elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture);
        Statement(logger, duration, statement.Sql, args, alias);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "({Duration}) {Sql}; args={Args}; alias={Alias}")]
    private static partial void Statement(ILogger logger, string duration, string sql, string args, string alias);
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
        return new SpanTiming(Stopwatch.GetTimestamp(), activity);
    }

    public void StopView()
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        _activity?.Dispose();
        if (Async.Flow.Current.Request is { Timings: { } timings }) timings.View += elapsed;
    }

    public void StopTemplate(string? name)
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        _activity?.Dispose();
        if (Telemetry.TemplateDuration.Enabled) Telemetry.TemplateDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("nuages.template.name", name ?? "(from a string)"));
        if (Async.Flow.Current.Request is { Timings: { } timings }) timings.AddTemplate(elapsed);
    }
}

/// <summary>A request's time: the <c>nuages.request</c> activity, the duration histogram and, in Debug, its <c>Server-Timing</c> header.</summary>
internal readonly struct RequestTiming
{
    private readonly long _started;
    private readonly Activity? _activity;

    private RequestTiming(long started, Activity? activity) => (_started, _activity) = (started, activity);

    public static RequestTiming Start(Http.HttpRequest request, bool debug)
    {
        if (debug && request.Scope is { } scope) scope.Timings = new RequestTimings();
        var activity = Telemetry.Start("nuages.request");
        if (activity is not null)
        {
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("url.path", request.Path);
        }
        return new RequestTiming(Stopwatch.GetTimestamp(), activity);
    }

    /// <summary>The response is built: in Debug, where its time went so far goes in its <c>Server-Timing</c> header.</summary>
    public void Built(Http.HttpRequest request, Http.HttpResponse response)
    {
        if (request.Scope?.Timings is { } timings && !response.Headers.Contains("Server-Timing"))
            response.Headers["Server-Timing"] = timings.Header(Stopwatch.GetElapsedTime(_started));
    }

    public void Stop(Http.HttpRequest request, Http.HttpResponse? response)
    {
        var route = request.ResolverMatch?.Route;
        if (_activity is not null)
        {
            if (route is not null) _activity.SetTag("http.route", route);
            if (response is not null) _activity.SetTag("http.response.status_code", response.StatusCode);
            _activity.Dispose();
        }
        if (!Telemetry.RequestDuration.Enabled) return;
        Telemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
            new KeyValuePair<string, object?>("http.request.method", request.Method),
            new KeyValuePair<string, object?>("http.response.status_code", response?.StatusCode),
            new KeyValuePair<string, object?>("http.route", route));
    }
}
