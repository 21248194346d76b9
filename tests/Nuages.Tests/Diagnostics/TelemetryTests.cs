using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Nuages.Db;
using Nuages.Diagnostics;
using Nuages.Http;
using Nuages.Templates;
using Nuages.Test;
using Nuages.Tests.Support;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Diagnostics;

/// <summary>
/// Where a request's time goes, as OpenTelemetry or dotnet-counters read it (the Nuages meter and activity source), and
/// as a developer sees it in Debug: the Server-Timing header and Django's SQL log line.
/// </summary>
public class TelemetryTests
{
    // Each test's views have a path of their own: the meter and the activity source are the process's, and other
    // tests' requests are measured at the same time.
    private static NuagesApp Site(string prefix, bool debug, out LogCapture logs)
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-telemetry-{Guid.NewGuid():N}.sqlite3");
        return TestSite.Create(s =>
        {
            s.Debug = debug;
            s.Databases["default"] = Database.Sqlite(database);
        }, out logs,
            Path(prefix + "sync/<int:id>/", (HttpRequest request, int id) =>
            {
                var rows = Database.Connection.Query("SELECT %s + 1", id);
                return new HttpResponse(new Template("{{ n }} rows").Render(new { n = rows[0][0] }));
            }),
            Path(prefix + "async/<int:id>/", async (HttpRequest request, int id) =>
            {
                var rows = await Database.Connection.QueryAsync("SELECT %s + 1", [id]);
                return new HttpResponse(await new Template("{{ n }} rows").RenderAsync(new { n = rows[0][0] }));
            }));
    }

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    private static MeterListener Listen(ConcurrentQueue<Measurement> into)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NuagesTelemetry.Name) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags) copy[tag.Key] = tag.Value;
            into.Enqueue(new Measurement(instrument.Name, value, copy));
        });
        listener.Start();
        return listener;
    }

    [Fact]
    public async Task Requests_statements_and_renders_are_measured_with_their_route_status_and_operation()
    {
        var measured = new ConcurrentQueue<Measurement>();
        using (Listen(measured))
        {
            var app = Site("m1/", debug: false, out _);
            Assert.Equal("42 rows", new Client(app).Get("/m1/sync/41/").Text);
            Assert.Equal("8 rows", (await new AsyncClient(app).GetAsync("/m1/async/7/")).Text);
        }
        var requests = measured.Where(m => m.Instrument == "nuages.request.duration" && ((string?)m.Tags["http.route"])?.StartsWith("m1/", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(["m1/async/<int:id>/", "m1/sync/<int:id>/"], requests.Select(m => (string)m.Tags["http.route"]!).Order());
        Assert.All(requests, m =>
        {
            Assert.Equal("GET", m.Tags["http.request.method"]);
            Assert.Equal(200, m.Tags["http.response.status_code"]);
            Assert.InRange(m.Value, 0, 60);
        });
        // the two statements of these requests, on the site's "default" alias (the listener is process-wide: other tests'
        // statements, on their own aliases, may be measured too and are not these)
        var statements = measured.Where(m => m.Instrument == "nuages.db.statement.duration" && (string?)m.Tags["db.system.name"] == "sqlite"
            && (string?)m.Tags["db.operation.name"] == "SELECT" && (string?)m.Tags["db.namespace"] == "default").ToList();
        Assert.True(statements.Count >= 2, $"{statements.Count} SELECT statements measured on the default alias");
        Assert.True(measured.Count(m => m.Instrument == "nuages.template.render.duration" && (string?)m.Tags["nuages.template.name"] == "(from a string)") >= 2);
    }

    [Fact]
    public async Task Each_request_is_an_activity_with_its_view_statement_and_template_beneath()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NuagesTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var app = Site("a1/", debug: false, out _);
        new Client(app).Get("/a1/sync/1/");
        await new AsyncClient(app).GetAsync("/a1/async/2/");
        await new AsyncClient(app).GetAsync("/a1/sync/3/"); // a sync view on a sync worker, under the async handler

        foreach (var path in new[] { "/a1/sync/1/", "/a1/async/2/", "/a1/sync/3/" })
        {
            var request = Assert.Single(activities, a => a.OperationName == "nuages.request" && (string?)a.GetTagItem("url.path") == path);
            Assert.Equal(path.Contains("/sync/", StringComparison.Ordinal) ? "a1/sync/<int:id>/" : "a1/async/<int:id>/", request.GetTagItem("http.route"));
            Assert.Equal(200, request.GetTagItem("http.response.status_code"));
            var view = Assert.Single(activities, a => a.OperationName == "nuages.view" && a.ParentSpanId == request.SpanId);
            var statement = Assert.Single(activities, a => a.OperationName == "nuages.db.statement" && a.ParentSpanId == view.SpanId);
            Assert.Equal("SELECT @p0 + 1", statement.GetTagItem("db.query.text"));
            Assert.Equal("sqlite", statement.GetTagItem("db.system.name"));
            Assert.Single(activities, a => a.OperationName == "nuages.template.render" && a.ParentSpanId == view.SpanId);
            Assert.Equal(request.TraceId, statement.TraceId);
        }
    }

    [Fact]
    public void In_debug_a_response_tells_where_its_time_went_and_each_statement_is_logged_as_django_logs_it()
    {
        var app = Site("d1/", debug: true, out var logs);
        var response = new Client(app).Get("/d1/sync/41/");
        var timing = response.Headers["Server-Timing"];
        Assert.Matches(new Regex("""^view;dur=[0-9.]+, db;dur=[0-9.]+;desc="1 query", template;dur=[0-9.]+;desc="1 rendered", total;dur=[0-9.]+$"""), timing);
        var line = Assert.Single(logs.For("Nuages.Db.Backends"));
        Assert.Matches(new Regex("""^\([0-9]+\.[0-9]{3}\) SELECT @p0 \+ 1; args=\(41,\); alias=default$"""), line.Message);

        var quiet = Site("d2/", debug: false, out var quietLogs);
        Assert.Null(new Client(quiet).Get("/d2/sync/41/").Headers["Server-Timing"]);
        Assert.Empty(quietLogs.For("Nuages.Db.Backends"));
    }
}
