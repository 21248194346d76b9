using Nuages.Db;

namespace Nuages.Test;

/// <summary>What both test case kinds give a test: the site, entered for the test's flow, and its two clients.</summary>
public abstract class SiteTestCase : IDisposable
{
    private readonly IDisposable _entered;

    /// <summary>Enters <paramref name="app"/> for the test, so the ORM and <c>Reverse</c> use it.</summary>
    protected SiteTestCase(NuagesApp app)
    {
        App = app;
        _entered = app.Enter();
        Client = new Client(app);
        AsyncClient = new AsyncClient(app);
    }

    /// <summary>The site under test.</summary>
    protected NuagesApp App { get; }

    /// <summary>A sync test client for the site.</summary>
    protected Client Client { get; }

    /// <summary>An async test client for the site.</summary>
    protected AsyncClient AsyncClient { get; }

    /// <summary>What the kind of test case undoes after each test.</summary>
    protected abstract void TearDown();

    /// <summary>Undoes the test's work, then leaves the site.</summary>
    public void Dispose()
    {
        TearDown();
        _entered.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Django's <c>TestCase</c> for xUnit: derive a test class from it, and each test runs inside a transaction on every
/// database alias of the site, rolled back after it — the data a test writes is gone for the next, fast. The
/// transaction is the flow's: the ORM in the test and in requests made with the in-process <see cref="Client"/> and
/// <see cref="AsyncClient"/> use it (a request through a real server does not: use <see cref="TransactionTestCase"/>).
/// On-commit callbacks never run, since nothing commits: capture them with <see cref="CaptureOnCommitCallbacks"/>.
/// </summary>
/// <remarks>
/// The blocks begin in the constructor, which xUnit runs in the flow of the test method; an <c>InitializeAsync</c>
/// could not open them for it (what an async method sets in its flow ends with it).
/// </remarks>
public abstract class TestCase : SiteTestCase
{
    private readonly List<Atomic> _blocks = [];

    /// <summary>Enters <paramref name="app"/> for the test and opens a block on each of its aliases.</summary>
    protected TestCase(NuagesApp app) : base(app)
    {
        foreach (var alias in Connections.Of(app.Site).Aliases) _blocks.Add(Atomic.Begin(alias));
    }

    /// <summary>Rolls every block back: nothing the test wrote remains.</summary>
    protected override void TearDown()
    {
        for (var i = _blocks.Count - 1; i >= 0; i--) _blocks[i].Dispose(); // never committed: rolled back
        _blocks.Clear();
    }
}

/// <summary>
/// Django's <c>TransactionTestCase</c>: tests run without a wrapping transaction — so they can commit, use
/// <c>OnCommit</c>, or serve requests through a real server — and every table of the site is emptied after each one.
/// </summary>
public abstract class TransactionTestCase(NuagesApp app, TestDatabase database) : SiteTestCase(app)
{
    /// <summary>Empties every table, for the next test.</summary>
    protected override void TearDown() => database.Flush();
}
