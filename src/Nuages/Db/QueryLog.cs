namespace Nuages.Db;

/// <summary>A statement the ORM sent, as a capture (<c>Nuages.Test.CaptureQueries</c>) saw it.</summary>
/// <param name="Sql">The SQL, with its placeholders.</param>
/// <param name="Parameters">The values sent with it.</param>
public sealed record CapturedQuery(string Sql, IReadOnlyList<object?> Parameters);

/// <summary>
/// What the flow is capturing — statements and on-commit callbacks — for the test helpers (Django's
/// <c>CaptureQueriesContext</c> and <c>captureOnCommitCallbacks</c>). Captures nest; nothing is recorded when none is open.
/// </summary>
internal static class QueryLog
{
    private static readonly AsyncLocal<Recorder?> Queries = new();
    private static readonly AsyncLocal<CallbackRecorder?> Callbacks = new();

    internal sealed class Recorder(Recorder? outer)
    {
        private readonly Lock _lock = new();
        private readonly List<CapturedQuery> _queries = [];

        public Recorder? Outer { get; } = outer;

        public IReadOnlyList<CapturedQuery> Snapshot()
        {
            lock (_lock) return [.. _queries];
        }

        public void Add(CapturedQuery query)
        {
            lock (_lock) _queries.Add(query);
            Outer?.Add(query);
        }
    }

    internal sealed class CallbackRecorder(string alias, CallbackRecorder? outer)
    {
        public string Alias { get; } = alias;

        public CallbackRecorder? Outer { get; } = outer;

        public List<(Action? Sync, Func<Task>? Async)> Callbacks { get; } = [];
    }

    public static Recorder StartQueries() => Queries.Value = new Recorder(Queries.Value);

    public static void StopQueries(Recorder recorder) => Queries.Value = recorder.Outer;

    public static CallbackRecorder StartCallbacks(string alias) => Callbacks.Value = new CallbackRecorder(alias, Callbacks.Value);

    public static void StopCallbacks(CallbackRecorder recorder) => Callbacks.Value = recorder.Outer;

    /// <summary>Called for every statement the ORM sends (one async-local read when nothing captures).</summary>
    public static void Record(Statement statement)
    {
        if (Queries.Value is { } recorder) recorder.Add(new CapturedQuery(statement.Sql, [.. statement.Values]));
    }

    /// <summary>Called for every on-commit callback registered in a block.</summary>
    public static void Record(string alias, Action? sync, Func<Task>? async)
    {
        for (var recorder = Callbacks.Value; recorder is not null; recorder = recorder.Outer)
            if (recorder.Alias == alias) recorder.Callbacks.Add((sync, async));
    }
}
