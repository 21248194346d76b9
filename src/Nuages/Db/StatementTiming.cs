using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Nuages.Diagnostics;

namespace Nuages.Db;

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

    public static StatementTiming Start(Statement statement, string alias, string system)
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

    public void Stop(Statement statement, string alias, string system)
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
    public static void Write(ILogger logger, TimeSpan elapsed, Statement statement, string alias)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return;
        var args = "(" + string.Join(", ", statement.Values.Select(Core.PythonRepr.Of)) + (statement.Values.Count == 1 ? ",)" : ")");
        var duration = elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture);
        Statement(logger, duration, statement.Sql, args, alias);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "({Duration}) {Sql}; args={Args}; alias={Alias}")]
    private static partial void Statement(ILogger logger, string duration, string sql, string args, string alias);
}
