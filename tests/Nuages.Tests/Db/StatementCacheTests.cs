using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Test;

namespace Nuages.Tests.Db;

public sealed class ShapeRow : Model<ShapeRow>
{
    public string Name { get; set; } = "";
    public int Rank { get; set; }
    public long? Score { get; set; }
}

public sealed class TypedRow : Model<TypedRow>
{
    public bool Flag { get; set; }
    public short Small { get; set; }
    public int Number { get; set; }
    public long Big { get; set; }
    public float Single { get; set; }
    public double Real { get; set; }
    public decimal Amount { get; set; }
    public string Text { get; set; } = "";
    public Guid Token { get; set; }
    public int? Maybe { get; set; }
    public string? Note { get; set; }
}

/// <summary>
/// The SQL of plain SELECTs compiled once per shape (the model, the compared columns and lookups, the order, the
/// slice), the values alone changing from one query to the next; get()'s shorter path, with Django's answers; columns
/// read into their properties unboxed, with the values the boxed path gives.
/// </summary>
public class StatementCacheTests
{
    private static readonly ModelMeta Meta = ModelMeta.For(typeof(ShapeRow));

    private static string Seed(string engine)
    {
        var alias = OrmDatabase.Prepare(engine, typeof(ShapeRow));
        var rows = ShapeRow.Objects.Using(alias);
        rows.Create(new ShapeRow { Name = "ada", Rank = 1, Score = 10 });
        rows.Create(new ShapeRow { Name = "bob", Rank = 2 });
        rows.Create(new ShapeRow { Name = "cy", Rank = 3, Score = 30 });
        rows.Create(new ShapeRow { Name = "dee", Rank = 3, Score = 40 });
        Executor.For(alias).Backend.Selects.Clear();
        return alias;
    }

    private static int Shapes(string alias) => Executor.For(alias).Backend.Selects.Keys.Count(k => k.Meta == Meta);

    [Fact]
    public Task A_get_by_key_is_compiled_once_on_sqlite() => A_get_by_key_is_compiled_once("sqlite");

    [PostgresFact]
    public Task A_get_by_key_is_compiled_once_on_postgres() => A_get_by_key_is_compiled_once("postgres");

    private static async Task A_get_by_key_is_compiled_once(string engine)
    {
        var alias = Seed(engine);
        var rows = ShapeRow.Objects.Using(alias);
        var ids = rows.OrderBy("name").Select(r => r.Id).ToList();
        Executor.For(alias).Backend.Selects.Clear();
        using var queries = new CaptureQueries();
        Assert.Equal("ada", (await rows.GetAsync("pk", ids[0])).Name);
        Assert.Equal(1, Shapes(alias));
        var (shape, sql) = Executor.For(alias).Backend.Selects.Single(s => s.Key.Meta == Meta);
        Assert.Equal(1, shape.Conditions);
        Assert.Equal(21, shape.Limit); // Django's MAX_GET_RESULTS + 1
        // The next get of this shape takes the SQL kept: marked, the mark is what is sent.
        Executor.For(alias).Backend.Selects[shape] = sql + " /* kept */";
        Assert.Equal("bob", (await rows.GetAsync("pk", ids[1])).Name);
        Assert.Equal("cy", rows.Get("id", ids[2]).Name);
        Assert.Equal("dee", (await rows.Filter("pk", ids[3]).GetAsync()).Name);
        Assert.Equal(1, Shapes(alias));
        Assert.Equal(4, queries.Count);
        Assert.Equal([sql, sql + " /* kept */", sql + " /* kept */", sql + " /* kept */"], queries.Queries.Select(q => q.Sql));
        Assert.Equal(ids.Cast<object?>(), queries.Queries.Select(q => q.Parameters.Single()));
    }

    [Fact]
    public Task A_bulk_update_is_compiled_once_per_shape_on_sqlite() => A_bulk_update_is_compiled_once_per_shape("sqlite");

    [PostgresFact]
    public Task A_bulk_update_is_compiled_once_per_shape_on_postgres() => A_bulk_update_is_compiled_once_per_shape("postgres");

    private static async Task A_bulk_update_is_compiled_once_per_shape(string engine)
    {
        var alias = Seed(engine);
        var objects = ShapeRow.Objects.Using(alias);
        var rows = objects.OrderBy("name").ToList();
        var kept = Executor.For(alias).Backend.BulkUpdates;
        kept.Clear();
        using var queries = new CaptureQueries();
        foreach (var row in rows) row.Rank += 10;
        Assert.Equal(2, await objects.BulkUpdateAsync(rows.Take(2), ["rank"]));
        var (key, sql) = Assert.Single(kept);
        Assert.Equal((typeof(ShapeRow), "rank", 2), key);
        // The next update of two rows' rank takes the SQL kept: marked, the mark is what is sent, with its own values.
        kept[key] = sql + " /* kept */";
        Assert.Equal(2, objects.BulkUpdate(rows.Skip(2).ToList(), ["rank"]));
        // Another column set or row count is a shape of its own; NULLs still go through (PostgreSQL: the cast).
        rows[0].Score = null;
        rows[1].Score = 7;
        Assert.Equal(3, await objects.BulkUpdateAsync(rows.Take(3), ["score", "rank"]));
        Assert.Equal(2, kept.Count);
        Assert.Equal(sql + " /* kept */", queries.Queries[1].Sql);
        Assert.Equal([rows[2].Id, 13L, rows[3].Id, 13L], queries.Queries[1].Parameters.Select(p => Convert.ToInt64(p, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([("ada", 11, null), ("bob", 12, 7L), ("cy", 13, 30L), ("dee", 13, 40L)],
            objects.OrderBy("name").Select(r => (r.Name, r.Rank, r.Score)));
    }

    [Fact]
    public void Shapes_keep_their_values_apart_on_sqlite() => Shapes_keep_their_values_apart("sqlite");

    [PostgresFact]
    public void Shapes_keep_their_values_apart_on_postgres() => Shapes_keep_their_values_apart("postgres");

    private static void Shapes_keep_their_values_apart(string engine)
    {
        var rows = ShapeRow.Objects.Using(Seed(engine));
        // Each query twice with other values: the second from the kept SQL, its answer the database's.
        for (var round = 0; round < 2; round++)
        {
            var low = 1 + round;
            Assert.Equal(round == 0 ? ["dee", "cy", "bob"] : ["dee", "cy"], rows.Filter("rank__gt", low).OrderBy("-rank", "-name").Select(r => r.Name));
            Assert.Equal(round == 0 ? ["ada", "bob", "cy", "dee"] : ["bob", "cy", "dee"], rows.Filter("rank__gte", low).OrderBy("rank", "name").Select(r => r.Name));
            Assert.Equal(round == 0 ? ["ada"] : ["ada", "bob"], rows.Filter("rank__lte", low).OrderBy("name").Select(r => r.Name));
            Assert.Equal(round == 0 ? [] : ["ada"], rows.Filter("rank__lt", low).OrderBy("name").Select(r => r.Name));
            Assert.Equal(round == 0 ? ["ada"] : ["bob"], rows.Filter("name", round == 0 ? "ada" : "bob").Select(r => r.Name));
            Assert.Equal(round == 0 ? ["cy"] : ["dee"], rows.Filter("rank", 3).OrderBy("name").Slice(round, round + 1).Select(r => r.Name));
            Assert.Equal(round == 0 ? ["cy"] : [], rows.Filter("rank", 3).Filter("score", round == 0 ? 30L : 31L).Select(r => r.Name));
        }
        // Forms the shapes leave to the compiler each time: NULL, an expression, a lookup of many values, a join of none.
        Assert.Equal(["bob"], rows.Filter("score", null).Select(r => r.Name));
        Assert.Equal(["ada", "cy"], rows.Filter("score__lt", new F("rank") * 11).OrderBy("name").Select(r => r.Name));
        Assert.Equal(["ada", "cy"], rows.Filter("name__in", new[] { "ada", "cy" }).OrderBy("name").Select(r => r.Name));
        Assert.Equal(["ada"], rows.Filter("name__startswith", "a").Select(r => r.Name));
        Assert.Equal(["ada", "bob", "cy", "dee"], rows.Values("name").OrderBy("name").Select(r => (string)r["name"]!));
    }

    [Fact]
    public Task Get_answers_as_Django_on_sqlite() => Get_answers_as_Django("sqlite");

    [PostgresFact]
    public Task Get_answers_as_Django_on_postgres() => Get_answers_as_Django("postgres");

    private static async Task Get_answers_as_Django(string engine)
    {
        var rows = ShapeRow.Objects.Using(Seed(engine));
        // The failure comes in the task, as from an async method: starting the get throws nothing.
        var missing = rows.GetAsync("pk", -1);
        Assert.Equal("ShapeRow matching query does not exist.", (await Assert.ThrowsAsync<ShapeRow.DoesNotExist>(() => missing)).Message);
        var two = rows.GetAsync("rank", 3);
        Assert.Equal("get() returned more than one ShapeRow -- it returned 2!", (await Assert.ThrowsAsync<ShapeRow.MultipleObjectsReturned>(() => two)).Message);
        Assert.Equal("ShapeRow matching query does not exist.", Assert.Throws<ShapeRow.DoesNotExist>(() => rows.Get("name", "zed")).Message);
        // As Django, a get() reads a clone: the query it is called on keeps no rows.
        var sliced = rows.OrderBy("name").Slice(0, 1);
        Assert.Equal("ada", (await sliced.GetAsync()).Name);
        using var queries = new CaptureQueries();
        Assert.Equal(["ada"], sliced.Select(r => r.Name));
        Assert.Equal(1, queries.Count);
        // A get on a key that is NULL-able and given null is an isnull lookup, compiled as such.
        Assert.Equal("bob", (await rows.GetAsync("score", null)).Name);
    }

    [Fact]
    public Task A_get_from_the_kept_sql_answers_as_the_first_on_sqlite() => A_get_from_the_kept_sql_answers_as_the_first("sqlite");

    [PostgresFact]
    public Task A_get_from_the_kept_sql_answers_as_the_first_on_postgres() => A_get_from_the_kept_sql_answers_as_the_first("postgres");

    /// <summary>
    /// Get(lookup, value) on a plain query goes straight to the kept SQL, without copying the query: each get twice, the
    /// first compiled, the second kept (or compiled again where the query is not plain), with one answer — row or error.
    /// </summary>
    private static async Task A_get_from_the_kept_sql_answers_as_the_first(string engine)
    {
        var rows = ShapeRow.Objects.Using(Seed(engine));
        var ada = rows.Get("name", "ada").Id;
        static async Task<string> Outcome(Func<Task<ShapeRow>> get)
        {
            try
            {
                return (await get()).Name;
            }
            catch (Exception e)
            {
                return $"{e.GetType().Name}: {e.Message}";
            }
        }
        static async Task Twice(string expected, Func<Task<ShapeRow>> get)
        {
            using var queries = new CaptureQueries();
            Assert.Equal(expected, await Outcome(get));
            Assert.Equal(expected, await Outcome(get));
            Assert.Equal(queries.Queries.Select(q => q.Sql).FirstOrDefault(), queries.Queries.Select(q => q.Sql).LastOrDefault());
            Assert.Equal(queries.Queries.Select(q => q.Parameters).FirstOrDefault(), queries.Queries.Select(q => q.Parameters).LastOrDefault());
        }
        await Twice("ada", () => rows.GetAsync("pk", ada));
        await Twice("DoesNotExist: ShapeRow matching query does not exist.", () => rows.GetAsync("pk", -1));
        await Twice("MultipleObjectsReturned: get() returned more than one ShapeRow -- it returned 2!", () => rows.GetAsync("rank", 3));
        // The query's own conditions stay: not a plain query, so the general path, each time.
        await Twice("cy", () => rows.Filter("score", 30L).GetAsync("rank", 3));
        await Twice("DoesNotExist: ShapeRow matching query does not exist.", () => rows.Filter("name", "ada").GetAsync("rank", 3));
        await Twice("InvalidOperationException: Cannot filter a query once a slice has been taken.", () => rows.OrderBy("name").Slice(0, 1).GetAsync("rank", 3));
        // NULL is an isnull lookup, never a kept shape; an expression neither.
        await Twice("bob", () => rows.GetAsync("score", null));
        await Twice("ada", () => rows.GetAsync("score", new F("rank") + 9));
        // The sync twin, the same way.
        Assert.Equal(["dee", "dee"], new[] { rows.Get("score", 40L).Name, rows.Get("score", 40L).Name });
        Assert.Equal("get() returned more than one ShapeRow -- it returned 2!", Assert.Throws<ShapeRow.MultipleObjectsReturned>(() => rows.Get("rank", 3)).Message);
    }

    [Fact]
    public Task Typed_columns_read_back_as_stored_on_sqlite() => Typed_columns_read_back_as_stored("sqlite");

    [PostgresFact]
    public Task Typed_columns_read_back_as_stored_on_postgres() => Typed_columns_read_back_as_stored("postgres");

    private static async Task Typed_columns_read_back_as_stored(string engine)
    {
        var rows = TypedRow.Objects.Using(OrmDatabase.Prepare(engine, typeof(TypedRow)));
        var token = Guid.Parse("6f1c3a52-8d0e-4b7a-9f21-3c5d7e9a0b14");
        var full = rows.Create(new TypedRow
        {
            Flag = true, Small = -12, Number = int.MinValue, Big = long.MaxValue, Single = 1.5f, Real = -2.25, Amount = 12.34m,
            Text = "héllo ✓", Token = token, Maybe = 7, Note = "n",
        });
        var empty = rows.Create(new TypedRow { Text = "" });
        var read = await rows.GetAsync("pk", full.Id);
        Assert.Equal((true, (short)-12, int.MinValue, long.MaxValue, 1.5f, -2.25, 12.34m, "héllo ✓", token, (int?)7, "n"),
            (read.Flag, read.Small, read.Number, read.Big, read.Single, read.Real, read.Amount, read.Text, read.Token, read.Maybe, read.Note));
        var blank = rows.Get("pk", empty.Id);
        Assert.Equal((false, (short)0, 0, 0L, 0f, 0.0, 0m, "", Guid.Empty, (int?)null, (string?)null),
            (blank.Flag, blank.Small, blank.Number, blank.Big, blank.Single, blank.Real, blank.Amount, blank.Text, blank.Token, blank.Maybe, blank.Note));
        Assert.Equal([7, null], rows.OrderBy("id").ValuesList("maybe").Select(r => r[0]));
    }
}
