using System.ComponentModel.DataAnnotations;
using Nuages.Async;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;

namespace Nuages.Tests.Db;

public sealed class AtomicRow : Model<AtomicRow>
{
    [Unique, MaxLength(50)] public string Name { get; set; } = "";
    public int Counter { get; set; }
}

/// <summary>
/// Transactions in sync and async code (as django/db/transaction.py as Nuages replaces it: blocks work in both worlds), with Django's
/// rules for nesting, savepoints, the rollback flag and on_commit; the same tests on SQLite and PostgreSQL.
/// </summary>
public class AtomicTests
{
    private static (string Alias, AtomicRows Rows) Prepare(string engine)
    {
        var alias = OrmDatabase.Prepare(engine, typeof(AtomicRow));
        return (alias, new AtomicRows(alias));
    }

    internal sealed class AtomicRows(string alias)
    {
        public void Add(string name) => AtomicRow.Objects.Using(alias).Create(new AtomicRow { Name = name });

        public Task AddAsync(string name) => AtomicRow.Objects.Using(alias).CreateAsync(new AtomicRow { Name = name });

        public string Names() => string.Join(",", AtomicRow.Objects.Using(alias).OrderBy("name").ValuesList<string>("name").ToList());

        public async Task<string> NamesAsync() => string.Join(",", await AtomicRow.Objects.Using(alias).OrderBy("name").ValuesList<string>("name").ToListAsync());

        /// <summary>The names as another connection sees them: a flow with no ambient block.</summary>
        public string NamesOutside() => Outside(Names);
    }

    /// <summary>Runs <paramref name="function"/> on a thread of its own that does not inherit this flow (nor its blocks).</summary>
    internal static T Outside<T>(Func<T> function)
    {
        T result = default!;
        Exception? error = null;
        Thread thread;
        var site = Nuages.Conf.Site.Current; // the thread says which site it works for, as code on a thread of its own must
        using (ExecutionContext.SuppressFlow())
        {
            thread = new Thread(() =>
            {
                try
                {
                    using (site.Enter()) result = function();
                }
                catch (Exception e)
                {
                    error = e;
                }
            });
            thread.Start();
        }
        thread.Join();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return result;
    }

    [Fact]
    public void Blocks_commit_when_asked_and_roll_back_otherwise_on_sqlite() => CommitAndRollback(Prepare("sqlite"));

    [PostgresFact]
    public void Blocks_commit_when_asked_and_roll_back_otherwise_on_postgres() => CommitAndRollback(Prepare("postgres"));

    private static void CommitAndRollback((string Alias, AtomicRows Rows) db)
    {
        var (alias, rows) = db;
        Atomic.Run(() => rows.Add("a"), alias);
        Assert.Throws<InvalidOperationException>(() => Atomic.Run(() =>
        {
            rows.Add("b");
            throw new InvalidOperationException("view failed");
        }, alias));
        using (var block = Atomic.Begin(alias))
        {
            rows.Add("c");
            Assert.True(Atomic.InAtomicBlock(alias));
            Assert.True(block.IsOutermost);
            Assert.Equal("a,c", rows.Names()); // the block's statements see its work…
            Assert.Equal("a", rows.NamesOutside()); // …which nobody else does before the commit
        } // ended without Commit: rolled back
        Assert.False(Atomic.InAtomicBlock(alias));
        using (var block = Atomic.Begin(alias))
        {
            rows.Add("d");
            block.Commit();
        }
        Assert.Equal("a,d", rows.Names());
        Assert.Equal("a,d", rows.NamesOutside());
    }

    [Fact]
    public void Async_blocks_commit_and_roll_back_on_sqlite() => AsyncCommitAndRollback(Prepare("sqlite")); // as django/db/transaction.py does (Nuages allows it)

    [PostgresFact]
    public void Async_blocks_commit_and_roll_back_on_postgres() => AsyncCommitAndRollback(Prepare("postgres")); // as django/db/transaction.py does (Nuages allows it)

    private static void AsyncCommitAndRollback((string Alias, AtomicRows Rows) db)
    {
        var (alias, rows) = db;
        // In async code, as Django's O-22 does not allow: AsyncToSync puts this flow on the async side.
        AsyncToSync.Run(async () =>
        {
            Assert.True(AsyncSafety.IsAsyncContext);
            Assert.Throws<SynchronousOnlyOperation>(() => Atomic.Begin(alias));
            await using (var block = await Atomic.BeginAsync(alias))
            {
                await rows.AddAsync("a");
                Assert.Equal("a", await rows.NamesAsync());
                await block.CommitAsync();
            }
            await using (await Atomic.BeginAsync(alias))
            {
                await rows.AddAsync("b");
            }
            await Assert.ThrowsAsync<InvalidOperationException>(() => Atomic.RunAsync(async () =>
            {
                await rows.AddAsync("c");
                throw new InvalidOperationException("view failed");
            }, alias));
            Assert.Equal(3, await Atomic.RunAsync(async () =>
            {
                await rows.AddAsync("d");
                return (await AtomicRow.Objects.Using(alias).CountAsync()) + 1;
            }, alias));
            Assert.False(Atomic.InAtomicBlock(alias));
        });
        Assert.Equal("a,d", rows.Names());
    }

    [Fact]
    public void Nested_blocks_are_savepoints_on_sqlite() => Savepoints(Prepare("sqlite"));

    [PostgresFact]
    public void Nested_blocks_are_savepoints_on_postgres() => Savepoints(Prepare("postgres"));

    private static void Savepoints((string Alias, AtomicRows Rows) db)
    {
        var (alias, rows) = db;
        using (var outer = Atomic.Begin(alias))
        {
            rows.Add("outer");
            Assert.Throws<InvalidOperationException>(() => Atomic.Run(() =>
            {
                rows.Add("inner-failed");
                throw new InvalidOperationException();
            }, alias));
            Atomic.Run(() =>
            {
                Assert.False(Atomic.Current(alias)!.IsOutermost);
                rows.Add("inner-kept");
            }, alias);
            Assert.Equal("inner-kept,outer", rows.Names());
            outer.Commit();
        }
        Assert.Equal("inner-kept,outer", rows.Names());

        // Without a savepoint, an inner failure dooms the enclosing block: only a rollback may follow.
        using (var outer = Atomic.Begin(alias))
        {
            rows.Add("doomed");
            Assert.Throws<InvalidOperationException>(() => Atomic.Run(() => throw new InvalidOperationException(), alias, savepoint: false));
            Assert.True(Atomic.GetRollback(alias));
            var error = Assert.Throws<TransactionManagementError>(() => rows.Names());
            Assert.Equal("An error occurred in the current transaction. You can't execute queries until the end of the 'atomic' block.", error.Message);
            outer.Commit(); // rolls back, as Django's block does on exit
        }
        Assert.Equal("inner-kept,outer", rows.Names());
    }

    [Fact]
    public void A_failed_statement_dooms_its_block_and_a_savepoint_recovers_on_sqlite() => FailedStatement(Prepare("sqlite"));

    [PostgresFact]
    public void A_failed_statement_dooms_its_block_and_a_savepoint_recovers_on_postgres() => FailedStatement(Prepare("postgres"));

    private static void FailedStatement((string Alias, AtomicRows Rows) db)
    {
        var (alias, rows) = db;
        rows.Add("taken");
        using (var block = Atomic.Begin(alias))
        {
            rows.Add("first");
            Assert.Throws<IntegrityError>(() => Atomic.Run(() => rows.Add("taken"), alias)); // its savepoint rolls back
            rows.Add("second"); // the block goes on
            Assert.Throws<IntegrityError>(() => rows.Add("taken"));
            Assert.Throws<TransactionManagementError>(() => rows.Add("third"));
            block.Commit(); // a doomed block rolls back
        }
        Assert.Equal("taken", rows.Names());

        // GetOrCreate's insert takes a savepoint in a block, so its IntegrityError leaves the block usable.
        using (var block = Atomic.Begin(alias))
        {
            rows.Add("kept");
            var set = AtomicRow.Objects.Using(alias);
            Assert.Throws<IntegrityError>(() => set.GetOrCreate(new { Counter = 7 }, new { Name = "taken" }));
            Assert.False(Atomic.GetRollback(alias));
            var (kept, created) = set.GetOrCreate(new { Name = "kept" });
            Assert.Equal(("kept", false), (kept.Name, created));
            block.Commit();
        }
        Assert.Equal("kept,taken", rows.Names());
    }

    [Fact]
    public void The_rollback_flag_and_durable_blocks_follow_django_on_sqlite()
    {
        var (alias, rows) = Prepare("sqlite");
        Assert.Equal("The rollback flag doesn't work outside of an 'atomic' block (set_rollback on 'orm_sqlite').",
            Assert.Throws<TransactionManagementError>(() => Atomic.SetRollback(true, alias)).Message);
        Atomic.Run(() =>
        {
            rows.Add("a");
            Atomic.SetRollback(true, alias);
            Assert.True(Atomic.GetRollback(alias));
        }, alias);
        Assert.Equal("", rows.Names());
        Atomic.Run(() =>
        {
            rows.Add("b");
            Atomic.SetRollback(true, alias);
            Atomic.SetRollback(false, alias);
        }, alias);
        Assert.Equal("b", rows.Names());

        using (Atomic.Begin(alias, durable: true))
        {
            var error = Assert.Throws<InvalidOperationException>(() => Atomic.Begin(alias, durable: true));
            Assert.Equal("A durable atomic block cannot be nested within another atomic block.", error.Message);
            Assert.True(Atomic.InAtomicBlock(alias)); // the refused block left nothing behind
        }

        var outer = Atomic.Begin(alias);
        var inner = Atomic.Begin(alias);
        Assert.Contains("must end innermost first", Assert.Throws<TransactionManagementError>(outer.Commit).Message);
        inner.Commit();
        outer.Commit();
        Assert.Equal("This atomic block has already ended.", Assert.Throws<TransactionManagementError>(outer.Commit).Message);
        outer.Dispose(); // ending twice through Dispose is harmless
    }

    [Fact]
    public void On_commit_callbacks_run_after_the_outermost_commit_on_sqlite() => OnCommit(Prepare("sqlite"));

    [PostgresFact]
    public void On_commit_callbacks_run_after_the_outermost_commit_on_postgres() => OnCommit(Prepare("postgres"));

    private static void OnCommit((string Alias, AtomicRows Rows) db)
    {
        var (alias, rows) = db;
        var log = new List<string>();
        Atomic.OnCommit(() => log.Add("now"), alias); // no block: at once
        Assert.Equal(["now"], log);
        log.Clear();

        Atomic.Run(() =>
        {
            Atomic.OnCommit(() => log.Add("outer"), alias);
            Atomic.Run(() => Atomic.OnCommit(() => log.Add("released"), alias), alias);
            Assert.Throws<InvalidOperationException>(() => Atomic.Run(() =>
            {
                Atomic.OnCommit(() => log.Add("rolled back savepoint"), alias);
                throw new InvalidOperationException();
            }, alias));
            Atomic.OnCommitAsync(async () =>
            {
                await Task.Yield();
                log.Add("async");
            }, alias);
            Assert.Empty(log); // nothing before the commit, not even on releasing a savepoint
        }, alias);
        Assert.Equal(["outer", "released", "async"], log);
        log.Clear();

        using (Atomic.Begin(alias)) Atomic.OnCommit(() => log.Add("never"), alias);
        Assert.Empty(log);

        // A robust callback's failure is logged and the next ones run; a plain one's propagates after the commit.
        var plain = Assert.Throws<InvalidOperationException>(() => Atomic.Run(() =>
        {
            rows.Add("committed");
            Atomic.OnCommit(() => throw new InvalidOperationException("robust"), alias, robust: true);
            Atomic.OnCommit(() => log.Add("after robust"), alias);
            Atomic.OnCommit(() => throw new InvalidOperationException("plain"), alias);
            Atomic.OnCommit(() => log.Add("skipped"), alias);
        }, alias));
        Assert.Equal("plain", plain.Message);
        Assert.Equal(["after robust"], log);
        Assert.Equal("committed", rows.Names()); // the callbacks ran after the commit, which stands
    }

    [Fact]
    public void On_commit_callbacks_after_an_async_commit_run_sync_ones_on_a_sync_thread()
    {
        var alias = Prepare("sqlite").Alias;
        var log = new List<string>();
        AsyncToSync.Run(async () =>
        {
            await using var block = await Atomic.BeginAsync(alias);
            Atomic.OnCommit(() => log.Add($"sync, async side: {AsyncSafety.IsAsyncContext}"), alias);
            await Atomic.OnCommitAsync(async () =>
            {
                await Task.Yield();
                log.Add($"async, async side: {AsyncSafety.IsAsyncContext}");
            }, alias);
            await block.CommitAsync();
        });
        Assert.Equal(["sync, async side: False", "async, async side: True"], log);
    }

    [Fact]
    public void Iterating_in_a_block_leaves_room_for_statements_between_rows_on_sqlite() => IteratorInBlock(Prepare("sqlite"));

    [PostgresFact]
    public void Iterating_in_a_block_leaves_room_for_statements_between_rows_on_postgres() => IteratorInBlock(Prepare("postgres"));

    private static void IteratorInBlock((string Alias, AtomicRows Rows) db)
    {
        var (alias, rows) = db;
        foreach (var name in new[] { "a", "b", "c", "d", "e" }) rows.Add(name);
        Atomic.Run(() =>
        {
            foreach (var row in AtomicRow.Objects.Using(alias).OrderBy("name").Iterator(chunkSize: 2))
            {
                row.Counter = (int)AtomicRow.Objects.Using(alias).Count(); // a statement between the rows, in the block
                row.Save(alias);
                // a second cursor while the first is open
                Assert.Equal(5, AtomicRow.Objects.Using(alias).Iterator(chunkSize: 2).Count());
            }
        }, alias);
        Assert.Equal([5, 5, 5, 5, 5], AtomicRow.Objects.Using(alias).ValuesList<int>("counter").ToList());
    }

    [PostgresFact]
    public async Task Statements_of_one_block_awaited_together_fail_clearly_on_postgres()
    {
        var (alias, rows) = Prepare("postgres");
        await rows.AddAsync("a");
        await using var block = await Atomic.BeginAsync(alias);
        var slow = Executor.For(alias).RunAsync(new Statement("SELECT pg_sleep(0.2)", []), (command, token) => command.ExecuteScalarAsync(token), default);
        var error = await Assert.ThrowsAsync<TransactionManagementError>(() => AtomicRow.Objects.Using(alias).CountAsync());
        Assert.Contains("run one at a time", error.Message);
        await slow;
        Assert.Equal(1, await AtomicRow.Objects.Using(alias).CountAsync()); // one after the other, they run
    }

    [Fact]
    public void Select_for_update_checks_its_options_and_sqlite_ignores_it()
    {
        var (alias, rows) = Prepare("sqlite");
        rows.Add("a");
        var set = AtomicRow.Objects.Using(alias);
        Assert.Equal("The nowait option cannot be used with skip_locked.", Assert.Throws<ArgumentException>(() => set.SelectForUpdate(nowait: true, skipLocked: true)).Message);
        Assert.Equal("Invalid field name(s) given in select_for_update(of=(...)): author. Only relational fields followed in the query are allowed. Choices are: self.",
            Assert.Throws<FieldError>(() => set.SelectForUpdate(of: ["author"])).Message);
        Assert.Equal("a", set.SelectForUpdate().Get().Name); // no row locks in SQLite: a no-op, as in Django
        Assert.DoesNotContain("FOR UPDATE", set.SelectForUpdate().Explain());
    }

    [PostgresFact]
    public async Task Select_for_update_locks_rows_until_the_block_ends_on_postgres()
    {
        var (alias, rows) = Prepare("postgres");
        await rows.AddAsync("a");
        await rows.AddAsync("b");
        var set = AtomicRow.Objects.Using(alias);
        Assert.Equal("select_for_update cannot be used outside of a transaction.",
            (await Assert.ThrowsAsync<TransactionManagementError>(() => set.SelectForUpdate().ToListAsync())).Message);
        Assert.Equal(2, await set.SelectForUpdate().CountAsync()); // a count locks nothing, and needs no block

        await using var holder = await Atomic.BeginAsync(alias);
        Assert.Equal("a", (await set.SelectForUpdate(of: ["self"]).GetAsync("name", "a")).Name);
        // other flows: other connections, other transactions
        var locked = Outside(() => Assert.Throws<OperationalError>(() => Atomic.Run(() => set.SelectForUpdate(nowait: true).Get("name", "a"), alias)));
        Assert.Contains("could not obtain lock", locked.Message);
        Assert.Equal("b", Outside(() => Atomic.Run(() => string.Join(",", set.SelectForUpdate(skipLocked: true).OrderBy("name").ToList().Select(r => r.Name)), alias)));
        Assert.Equal("a,b", Outside(() => string.Join(",", set.OrderBy("name").ToList().Select(r => r.Name)))); // plain reads do not wait
        await holder.CommitAsync();
        Assert.Equal("a", Outside(() => Atomic.Run(() => set.SelectForUpdate(nowait: true).Get("name", "a").Name, alias))); // the lock ended with the block
    }
}
