using System.Diagnostics;
using Nuages.Diagnostics;

namespace Nuages.Handlers;

/// <summary>A request's time: the <c>nuages.request</c> activity, the duration histogram and, in Debug, its <c>Server-Timing</c> header.</summary>
internal readonly struct RequestTiming
{
    private readonly long _started;
    private readonly Activity? _activity;

    private RequestTiming(long started, Activity? activity) => (_started, _activity) = (started, activity);

    public static RequestTiming Start(Nuages.Http.HttpRequest request, bool debug)
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
    public void Built(Nuages.Http.HttpRequest request, Nuages.Http.HttpResponse response)
    {
        if (request.Scope?.Timings is { } timings && !response.Headers.Contains("Server-Timing"))
            response.Headers["Server-Timing"] = timings.Header(Stopwatch.GetElapsedTime(_started));
    }

    public void Stop(Nuages.Http.HttpRequest request, Nuages.Http.HttpResponse? response)
    {
        if (_activity is null && !Telemetry.RequestDuration.Enabled) return; // nobody listens
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
