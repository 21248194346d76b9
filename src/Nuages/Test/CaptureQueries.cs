using System.Text;
using Nuages.Db;

namespace Nuages.Test;

/// <summary>
/// Records the statements the ORM sends in this flow (requests made with the in-process clients included) until
/// disposed, as Django's <c>CaptureQueriesContext</c>: <c>using var queries = new CaptureQueries(); … Assert.Equal(2, queries.Count);</c>
/// </summary>
public sealed class CaptureQueries : IDisposable
{
    private readonly QueryLog.Recorder _recorder = QueryLog.StartQueries();

    /// <summary>The statements so far, in order.</summary>
    public IReadOnlyList<CapturedQuery> Queries => _recorder.Snapshot();

    /// <summary>How many statements so far.</summary>
    public int Count => Queries.Count;

    /// <summary>Stops recording.</summary>
    public void Dispose() => QueryLog.StopQueries(_recorder);

    /// <summary>
    /// Runs <paramref name="body"/> and checks it sent <paramref name="expected"/> statements (Django's
    /// <c>assertNumQueries</c>); otherwise throws, listing them.
    /// </summary>
    public static void AssertNumQueries(int expected, Action body)
    {
        using var captured = new CaptureQueries();
        body();
        captured.Check(expected);
    }

    /// <summary>The same for async code.</summary>
    public static async Task AssertNumQueriesAsync(int expected, Func<Task> body)
    {
        using var captured = new CaptureQueries();
        await body().ConfigureAwait(false);
        captured.Check(expected);
    }

    private void Check(int expected)
    {
        var queries = Queries;
        if (queries.Count == expected) return;
        var message = new StringBuilder($"{queries.Count} != {expected} : {queries.Count} queries executed, {expected} expected\nCaptured queries were:\n");
        for (var i = 0; i < queries.Count; i++) message.Append(i + 1).Append(". ").Append(queries[i].Sql).Append('\n');
        throw new QueryCountException(message.ToString().TrimEnd());
    }
}

/// <summary>A block sent another number of statements than a test expected.</summary>
public sealed class QueryCountException(string message) : Exception(message);

/// <summary>
/// Captures the on-commit callbacks registered on an alias in this flow, as Django's <c>captureOnCommitCallbacks</c>:
/// under <see cref="TestCase"/> nothing commits, so a test runs them itself (<see cref="Execute"/>), or asks for them to
/// run when the capture ends (<c>execute: true</c>).
/// </summary>
public sealed class CaptureOnCommitCallbacks : IDisposable
{
    private readonly QueryLog.CallbackRecorder _recorder;
    private readonly bool _execute;

    /// <summary>Starts capturing on <paramref name="using"/>.</summary>
    public CaptureOnCommitCallbacks(string @using = Db.Database.DefaultAlias, bool execute = false)
    {
        _recorder = QueryLog.StartCallbacks(@using);
        _execute = execute;
    }

    /// <summary>How many callbacks were registered.</summary>
    public int Count => _recorder.Callbacks.Count;

    /// <summary>Runs the callbacks captured so far, in order (async ones waited for), and any they register in turn.</summary>
    public void Execute()
    {
        for (var i = 0; i < _recorder.Callbacks.Count; i++)
        {
            var (sync, async) = _recorder.Callbacks[i];
            if (sync is not null) sync();
            else Async.AsyncToSync.Run(async!);
        }
    }

    /// <summary>The same from async code.</summary>
    public async Task ExecuteAsync()
    {
        for (var i = 0; i < _recorder.Callbacks.Count; i++)
        {
            var (sync, async) = _recorder.Callbacks[i];
            if (sync is not null) sync();
            else await async!().ConfigureAwait(false);
        }
    }

    /// <summary>Stops capturing; with <c>execute: true</c>, runs the callbacks first.</summary>
    public void Dispose()
    {
        if (_execute) Execute();
        QueryLog.StopCallbacks(_recorder);
    }
}
