using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Nuages.Async;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Http;

namespace Nuages.Tests.Db;

public sealed class OrmAuthor : Model<OrmAuthor>
{
    [MaxLength(200)] public string Name { get; set; } = "";
    public int Age { get; set; }
    public DateTimeOffset? Joined { get; set; }
    public Guid Token { get; set; }
    public bool Active { get; set; }
}

/// <summary>Runs only when NUAGES_TEST_POSTGRES names a database (.ci/run always sets it); skipped with the reason otherwise.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")))
            Skip = "NUAGES_TEST_POSTGRES is not set: PostgreSQL tests skipped.";
    }
}

/// <summary>The test databases: a SQLite file per test run, and the PostgreSQL database of NUAGES_TEST_POSTGRES.</summary>
internal static class OrmDatabase
{
    private static readonly string SqlitePath = Path.Combine(Path.GetTempPath(), $"nuages-orm-{Guid.NewGuid():N}.sqlite3");

    /// <summary>The test database of an engine, for sites that register it under an alias of their own.</summary>
    public static DatabaseSettings Settings(string engine) =>
        engine == "sqlite" ? Database.Sqlite(SqlitePath) : Database.Postgres(Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES")!);

    /// <summary>Registers the alias <c>orm_{engine}</c> and recreates the models' tables, empty and with their current schema.</summary>
    public static string Prepare(string engine, params Type[] models)
    {
        var alias = "orm_" + engine;
        var databases = new Dictionary<string, DatabaseSettings> { [alias] = Settings(engine) };
        NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases = databases;
        });
        var executor = Executor.For(alias);
        foreach (var table in Schema.Tables(models))
            executor.Run("test", new Statement($"DROP TABLE IF EXISTS \"{table}\"{(engine == "sqlite" ? "" : " CASCADE")}", []), command => command.ExecuteNonQuery());
        Schema.Migrate(models, alias);
        if (models.Contains(typeof(ContentType))) ContentType.ClearCache(); // its table was made anew
        return alias;
    }
}

/// <summary>The ORM's first slice against SQLite and PostgreSQL: the same tests on both.</summary>
public class OrmTests
{

    private static string Prepare(string engine) => OrmDatabase.Prepare(engine, typeof(OrmAuthor));

    [Fact]
    public Task Save_get_filter_count_and_delete_on_sqlite() => SaveGetFilterCountDelete(Prepare("sqlite")); // as django/db/models/query.py does

    [PostgresFact]
    public Task Save_get_filter_count_and_delete_on_postgres() => SaveGetFilterCountDelete(Prepare("postgres")); // as django/db/models/query.py does

    [Fact]
    public Task Hostile_strings_on_sqlite() => HostileStrings(Prepare("sqlite"));

    [PostgresFact]
    public Task Hostile_strings_on_postgres() => HostileStrings(Prepare("postgres"));

    [Fact]
    public Task Lambda_and_Q_filters_on_sqlite() => LambdaAndQFilters(Prepare("sqlite"));

    [PostgresFact]
    public Task Lambda_and_Q_filters_on_postgres() => LambdaAndQFilters(Prepare("postgres"));

    /// <summary>Lambdas mean what they mean in C#; Q objects what they mean in Django; both select the same rows as the lookups.</summary>
    private static async Task LambdaAndQFilters(string alias)
    {
        var joined = new DateTimeOffset(2020, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await new OrmAuthor { Name = "Ada", Age = 36, Joined = joined, Token = Guid.NewGuid(), Active = true }.SaveAsync(alias);
        foreach (var (name, age, active) in new[] { ("Alan", 41, false), ("Barbara", 5, true), ("100% real", 2, false) })
            await new OrmAuthor { Name = name, Age = age, Token = Guid.NewGuid(), Active = active }.SaveAsync(alias);
        var authors = OrmAuthor.Objects.Using(alias);
        async Task<string[]> Names(QuerySet<OrmAuthor> query) => (await query.OrderBy("name").ToListAsync()).Select(a => a.Name).ToArray();

        Assert.Equal(["Alan"], await Names(authors.Filter(a => a.Name.StartsWith("A") && a.Age > 36)));
        Assert.Equal(["Ada", "Barbara"], await Names(authors.Filter(a => a.Active)));
        Assert.Equal(["100% real", "Alan"], await Names(authors.Filter(a => !a.Active)));
        Assert.Equal(["Ada", "Barbara"], await Names(authors.Filter(a => a.Age < 3 == false && a.Age <= 36)));
        Assert.Equal(["100% real", "Alan", "Barbara"], await Names(authors.Filter(a => a.Age > 40 || a.Name.EndsWith("ra") || a.Name.Contains("%"))));
        Assert.Equal(["Ada", "Alan"], await Names(authors.Filter(a => 30 < a.Age)));
        var minimum = 30;
        Assert.Equal(["Ada", "Alan"], await Names(authors.Filter(a => a.Age >= minimum)));
        Assert.Equal(["Ada"], await Names(authors.Filter(a => a.Joined == joined)));
        Assert.Equal(["Ada"], await Names(authors.Filter(a => a.Joined != null)));
        Assert.Equal(["100% real", "Alan", "Barbara"], await Names(authors.Filter(a => a.Joined == null)));
        // != keeps the rows whose column is NULL, as it would in LINQ to objects
        Assert.Equal(["100% real", "Alan", "Barbara"], await Names(authors.Filter(a => a.Joined != joined)));
        Assert.Equal(["Ada", "Barbara"], await Names(authors.Exclude(a => a.Age > 40 || a.Name.StartsWith("1"))));
        Assert.Equal(["Ada", "Alan"], await Names(authors.Filter(a => a.Name.StartsWith("a", StringComparison.OrdinalIgnoreCase))));
        string[] wanted = ["Ada", "Barbara", "Nobody"];
        var wantedList = new List<string>(wanted);
        Assert.Equal(["Ada", "Barbara"], await Names(authors.Filter(a => wanted.Contains(a.Name))));
        Assert.Equal(["Ada", "Barbara"], await Names(authors.Filter(a => wantedList.Contains(a.Name))));
        Assert.Equal(["Ada", "Barbara"], await Names(authors.Filter(a => Enumerable.Contains(wanted, a.Name))));
        Assert.Empty(await Names(authors.Filter(a => Array.Empty<string>().Contains(a.Name))));
        // Lambdas and lookups combine with AND, in any order.
        Assert.Equal(["Alan"], await Names(authors.Filter("name__startswith", "A").Filter(a => a.Age > 36)));

        // Q objects combine with |, & and ~, as in Django
        Assert.Equal(["100% real", "Alan", "Barbara"], await Names(authors.Filter(new Q("age__gt", 40) | new Q("name__endswith", "ra") | new Q("name__contains", "%"))));
        Assert.Equal(["Alan"], await Names(authors.Filter(new Q("name__startswith", "A") & ~new Q("age__lte", 36))));
        Assert.Equal(["Ada", "Barbara"], await Names(authors.Exclude(new Q("age__gt", 40) | new Q("name__startswith", "1"))));
        Assert.Equal(["Ada"], await Names(authors.Filter(new Q("joined__isnull", false)).Filter(a => a.Active)));
    }

    [Fact]
    public Task Get_or_create_last_latest_in_bulk_contains_on_sqlite() => RowLookups(Prepare("sqlite"));

    [PostgresFact]
    public Task Get_or_create_last_latest_in_bulk_contains_on_postgres() => RowLookups(Prepare("postgres"));

    private static async Task RowLookups(string alias)
    {
        var authors = OrmAuthor.Objects.Using(alias);
        Assert.Null(await authors.LastAsync()); // as django/db/models/query.py does
        Assert.Null(authors.Last());

        var (ada, created) = await authors.GetOrCreateAsync(new { Name = "Ada" }, defaults: new { Age = 36, Token = Guid.NewGuid() });
        Assert.True(created);
        Assert.Equal(("Ada", 36), (ada.Name, ada.Age));
        var (again, createdAgain) = authors.GetOrCreate(new { name__iexact = "ADA" }, defaults: new { Age = 99 });
        Assert.False(createdAgain);
        Assert.Equal((ada.Id, 36), (again.Id, again.Age)); // defaults are not applied to a row that exists

        // as django/db/models/query.py does: create_defaults only when creating (field=5, defaults 7, create_defaults 6 → 6), defaults when updating
        var (grace, made) = await authors.UpdateOrCreateAsync(new { Name = "Grace", Age = 5 }, defaults: new { Age = 7 }, createDefaults: new { Age = 6 });
        Assert.True(made);
        Assert.Equal(6, (await authors.GetAsync("id", grace.Id)).Age);
        var (updated, madeAgain) = authors.UpdateOrCreate(new { Name = "Grace" }, defaults: new { Age = 7L }, createDefaults: new { Age = 6 });
        Assert.False(madeAgain);
        Assert.Equal((grace.Id, 7), (updated.Id, (await authors.GetAsync("id", grace.Id)).Age));

        Assert.Equal("Grace", (await authors.LastAsync())!.Name);
        Assert.Equal("Ada", authors.OrderBy("-name").Last()!.Name);
        Assert.Equal("Cannot reorder a query once a slice has been taken.", Assert.Throws<InvalidOperationException>(() => authors.Slice(0, 1).Last()).Message);
        Assert.Equal("Cannot reverse a query once a slice has been taken.", Assert.Throws<InvalidOperationException>(() => authors.OrderBy("name").Slice(0, 1).Last()).Message);
        Assert.StartsWith("Cannot resolve keyword 'nmae' into field.", (await Assert.ThrowsAsync<FieldError>(() => authors.GetOrCreateAsync(new { Nmae = "x" }))).Message);
        Assert.Equal(2, await authors.CountAsync());

        Assert.Equal("Grace", (await authors.LatestAsync(["id"])).Name);
        Assert.Equal("Ada", authors.Latest("age", "name").Name); // Ada is 36, Grace 7
        Assert.Equal("Grace", authors.Latest("-age").Name);
        Assert.Equal("Grace", (await authors.EarliestAsync(["age"])).Name);
        Assert.Throws<OrmAuthor.DoesNotExist>(() => authors.Filter("age__gt", 100).Earliest("age"));
        Assert.StartsWith("earliest() and latest() require either fields", Assert.Throws<ArgumentException>(() => authors.Latest()).Message);
        var bulk = await authors.InBulkAsync([ada.Id, 12345]);
        Assert.Equal([ada.Id], bulk.Keys);
        Assert.Equal("Ada", bulk[ada.Id].Name);
        Assert.Equal(2, authors.InBulk().Count);
        Assert.True(await authors.Filter(a => a.Age > 10).ContainsAsync(ada));
        Assert.False(authors.Filter(a => a.Age < 10).Contains(ada));
        Assert.Equal("QuerySet.contains() cannot be used on unsaved objects.", Assert.Throws<ArgumentException>(() => authors.Contains(new OrmAuthor())).Message);
        Assert.Equal("Cannot filter a query once a slice has been taken.", Assert.Throws<InvalidOperationException>(() => authors.Slice(0, 1).Filter("age", 6)).Message);
    }

    [Fact]
    public Task Update_and_refresh_from_db_on_sqlite() => UpdateAndRefresh(Prepare("sqlite"));

    [PostgresFact]
    public Task Update_and_refresh_from_db_on_postgres() => UpdateAndRefresh(Prepare("postgres"));

    private static async Task UpdateAndRefresh(string alias)
    {
        var authors = OrmAuthor.Objects.Using(alias);
        var ada = await authors.CreateAsync(new OrmAuthor { Name = "Ada", Age = 36, Active = true, Token = Guid.NewGuid() });
        var alan = authors.Create(new OrmAuthor { Name = "Alan", Age = 41, Active = true, Token = Guid.NewGuid() });

        Assert.Equal(1, await authors.Filter(a => a.Age > 40).UpdateAsync(new { Active = false, Name = "Alan M. Turing" }));
        Assert.Equal(2, authors.Update(new { Age = 50 }));
        Assert.Equal(0, authors.Update(new { }));
        Assert.Equal("Cannot update a query once a slice has been taken.", Assert.Throws<InvalidOperationException>(() => authors.Slice(0, 1).Update(new { Age = 1 })).Message);
        Assert.Equal("Cannot update the primary key of OrmAuthor with update().", Assert.Throws<FieldError>(() => authors.Update(new { Id = 5 })).Message);

        Assert.Equal(("Alan", 41, true), (alan.Name, alan.Age, alan.Active)); // update() leaves loaded instances alone
        await alan.RefreshFromDbAsync(alias); // as django/db/models/query.py does
        Assert.Equal(("Alan M. Turing", 50, false), (alan.Name, alan.Age, alan.Active));
        ada.RefreshFromDb(alias, fromQueryset: authors.Filter(a => a.Active));
        Assert.Equal(50, ada.Age);
        // as django/db/models/query.py does: a from_queryset that excludes the row raises DoesNotExist
        await Assert.ThrowsAsync<OrmAuthor.DoesNotExist>(() => alan.RefreshFromDbAsync(alias, fromQueryset: authors.Filter(a => a.Active)));
    }

    [Fact]
    public Task Bulk_create_update_iterator_and_explain_on_sqlite() => BulkCreate(Prepare("sqlite"));

    [PostgresFact]
    public Task Bulk_create_update_iterator_and_explain_on_postgres() => BulkCreate(Prepare("postgres"));

    private static async Task BulkCreate(string alias)
    {
        var authors = OrmAuthor.Objects.Using(alias);
        var made = await authors.BulkCreateAsync(Enumerable.Range(0, 25).Select(i => new OrmAuthor { Name = $"author {i:D2}", Age = i, Token = Guid.NewGuid() }), batchSize: 10);
        Assert.Equal(25, made.Count);
        Assert.Equal(25, made.Select(a => a.Id).Distinct().Count());
        foreach (var author in made) Assert.Equal(author.Age, (await authors.GetAsync("id", author.Id)).Age); // each id names its own row
        // more rows than one statement's parameters allow (7000 rows × 5 columns = 35000 > SQLite's 32766): split into batches
        var many = authors.BulkCreate(Enumerable.Range(0, 7000).Select(i => new OrmAuthor { Name = "bulk", Age = i, Token = Guid.NewGuid() }));
        Assert.Equal(7025, await authors.CountAsync());
        Assert.Equal(6999, (await authors.GetAsync("id", many[^1].Id)).Age);
        // all rows or none: the NULL name in the last batch undoes the batches before it
        OrmAuthor[] doomed = [new() { Name = "a" }, new() { Name = "b" }, new() { Name = "c" }, new() { Name = null! }];
        var integrity = await Assert.ThrowsAsync<IntegrityError>(() => authors.BulkCreateAsync(doomed, batchSize: 2));
        Assert.Equal(alias, integrity.Alias);
        Assert.StartsWith("INSERT INTO \"orm_author\"", integrity.Sql);
        Assert.IsAssignableFrom<System.Data.Common.DbException>(integrity.InnerException);
        Assert.Equal(7025, await authors.CountAsync());
        Assert.All(doomed, row => Assert.Equal(0, row.Id));

        // BulkUpdate writes only the named fields, including NULLs, and counts the rows it matched
        foreach (var author in made) { author.Age += 100; author.Joined = author.Age % 2 == 0 ? null : new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero); author.Name = "not written"; }
        Assert.Equal(25, await authors.BulkUpdateAsync(made, ["age", "joined"], batchSize: 7));
        foreach (var author in made)
        {
            var stored = await authors.GetAsync("id", author.Id);
            Assert.Equal((author.Age, author.Joined, $"author {author.Age - 100:D2}"), (stored.Age, stored.Joined, stored.Name));
        }
        Assert.Equal(7000, authors.BulkUpdate(many, ["active"]));

        // as django/db/models/query.py does: iterator streams every row in order, chunk by chunk (PostgreSQL: a cursor, 1000 rows per FETCH)
        var streamed = new List<long>();
        await foreach (var author in authors.OrderBy("id").IteratorAsync(chunkSize: 1000)) streamed.Add(author.Id);
        Assert.Equal((await authors.OrderBy("id").ToListAsync()).Select(a => a.Id), streamed);
        Assert.Equal(25, authors.Filter("name__startswith", "author").Iterator(chunkSize: 25).Count()); // exactly one full chunk, then an empty FETCH
        Assert.Equal(3, authors.OrderBy("id").Iterator(chunkSize: 2).Take(3).Count()); // leaving early closes the cursor
        // as django/db/models/query.py does: the chunk size is checked when iteration starts
        var lazy = authors.IteratorAsync(chunkSize: 0);
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => { await foreach (var _ in lazy) { } });
        Assert.Equal("Chunk size must be strictly positive.", error.Message);
        Assert.Throws<ArgumentException>(() => authors.Iterator(-1).GetEnumerator().MoveNext());

        // explain() returns the engine's plan for the query
        var plan = await authors.Filter("age__gt", 3).ExplainAsync();
        Assert.Contains(alias.EndsWith("sqlite") ? "SCAN orm_author" : "Seq Scan on orm_author", plan);
        Assert.Equal(plan, authors.Filter("age__gt", 3).Explain());
        Assert.Equal(0, authors.BulkUpdate([], ["age"]));
        Assert.Equal("Field names must be given to bulk_update().", Assert.Throws<ArgumentException>(() => authors.BulkUpdate(made, [])).Message);
        Assert.Equal("bulk_update() cannot be used with primary key fields.", Assert.Throws<ArgumentException>(() => authors.BulkUpdate(made, ["id"])).Message);
        Assert.Equal("All bulk_update() objects must have a primary key set.", Assert.Throws<ArgumentException>(() => authors.BulkUpdate([new OrmAuthor()], ["age"])).Message);
        Assert.Empty(authors.BulkCreate([]));
        Assert.StartsWith("bulk_create() inserts new rows; OrmAuthor", Assert.Throws<ArgumentException>(() => authors.BulkCreate([made[0]])).Message);
        Assert.Equal("Batch size must be a positive integer.", (await Assert.ThrowsAsync<ArgumentException>(() => authors.BulkCreateAsync([new OrmAuthor()], batchSize: 0))).Message);
    }

    [Fact]
    public async Task Get_object_or_404_and_get_list_or_404() // as django/shortcuts.py does
    {
        var alias = Prepare("sqlite");
        var authors = OrmAuthor.Objects.Using(alias);
        var ada = await authors.CreateAsync(new OrmAuthor { Name = "Ada", Age = 36, Token = Guid.NewGuid() });
        Assert.Equal(ada.Id, (await Shortcuts.GetObjectOr404Async(authors, a => a.Name == "Ada")).Id);
        Assert.Equal(ada.Id, Shortcuts.GetObjectOr404(authors, a => a.Id == ada.Id).Id);
        var missing = await Assert.ThrowsAsync<Http404>(() => Shortcuts.GetObjectOr404Async(authors, a => a.Name == "Nobody"));
        Assert.Equal("No OrmAuthor matches the given query.", missing.Message);
        Assert.Equal("No OrmAuthor matches the given query.", Assert.Throws<Http404>(() => Shortcuts.GetListOr404(authors.Filter("age__gt", 99))).Message);
        Assert.Equal(["Ada"], (await Shortcuts.GetListOr404Async(authors)).Select(a => a.Name));
        await authors.CreateAsync(new OrmAuthor { Name = "Ada", Token = Guid.NewGuid() });
        await Assert.ThrowsAsync<OrmAuthor.MultipleObjectsReturned>(() => Shortcuts.GetObjectOr404Async(authors, a => a.Name == "Ada")); // not a 404, as in Django
    }

    [Fact]
    public void Untranslatable_lambdas_fail_when_the_query_is_built_naming_the_expression()
    {
        var error = Assert.Throws<FieldError>(() => OrmAuthor.Objects.Filter(a => a.Name.Length > 3));
        Assert.StartsWith("Cannot translate '(a.Name.Length > 3)' to SQL.", error.Message);
        Assert.StartsWith("Cannot translate '(a.Age > (a.Age * 2))' to SQL.", Assert.Throws<FieldError>(() => OrmAuthor.Objects.Filter(a => a.Age > a.Age * 2)).Message);
        Assert.StartsWith("Cannot translate ", Assert.Throws<FieldError>(() => OrmAuthor.Objects.Filter(a => "Ada Lovelace".Contains(a.Name))).Message);
        var q = new Q("name", "Ada") | new Q("nmae", "Ada"); // a Q is checked against the model it is used with
        Assert.StartsWith("Cannot resolve keyword 'nmae' into field.", Assert.Throws<FieldError>(() => OrmAuthor.Objects.Filter(q)).Message);
    }

    private static async Task SaveGetFilterCountDelete(string alias)
    {
        var ada = new OrmAuthor { Name = "Ada Lovelace", Age = 36, Joined = new DateTimeOffset(1843, 1, 1, 12, 0, 0, TimeSpan.Zero), Token = Guid.NewGuid(), Active = true };
        ada.Save(alias);
        Assert.True(ada.Id > 0);
        var grace = await OrmAuthor.Objects.Using(alias).CreateAsync(new OrmAuthor { Name = "Grace Hopper", Age = 85, Token = Guid.NewGuid() });
        Assert.NotEqual(ada.Id, grace.Id);

        var found = OrmAuthor.Objects.Using(alias).Get("id", ada.Id);
        Assert.Equal(("Ada Lovelace", 36, ada.Joined, ada.Token, true), (found.Name, found.Age, found.Joined, found.Token, found.Active));
        Assert.Equal(grace.Id, (await OrmAuthor.Objects.Using(alias).GetAsync("name__istartswith", "grace")).Id);
        Assert.Equal(2, await OrmAuthor.Objects.Using(alias).CountAsync());
        Assert.Equal(1, OrmAuthor.Objects.Using(alias).Filter("age__gt", 40).Count());
        Assert.Equal(1, OrmAuthor.Objects.Using(alias).Exclude("age__gt", 40).Count());
        Assert.Equal(["Grace Hopper", "Ada Lovelace"], (await OrmAuthor.Objects.Using(alias).OrderBy("-age").ToListAsync()).Select(a => a.Name));
        Assert.Equal("Grace Hopper", (await OrmAuthor.Objects.Using(alias).OrderBy("age").Slice(1, 2).FirstAsync())!.Name);
        Assert.Equal(1, OrmAuthor.Objects.Using(alias).Filter("joined__isnull", true).Count());
        Assert.Equal(2, OrmAuthor.Objects.Using(alias).Filter("id__in", new[] { ada.Id, grace.Id }).Count());
        Assert.Equal(0, OrmAuthor.Objects.Using(alias).Filter("id__in", Array.Empty<long>()).Count());
        Assert.Null(await OrmAuthor.Objects.Using(alias).Filter("name", "nobody").FirstAsync());

        var names = new List<string>();
        await foreach (var author in OrmAuthor.Objects.Using(alias).OrderBy("name")) names.Add(author.Name);
        Assert.Equal(["Ada Lovelace", "Grace Hopper"], names);

        grace.Age = 86;
        await grace.SaveAsync(alias);
        Assert.Equal(86, OrmAuthor.Objects.Using(alias).Get("id", grace.Id).Age);
        await grace.DeleteAsync(alias);
        Assert.Throws<OrmAuthor.DoesNotExist>(() => OrmAuthor.Objects.Using(alias).Get("id", grace.Id));
        new OrmAuthor { Name = "Ada Again", Age = 36, Token = Guid.NewGuid() }.Save(alias);
        var many = Assert.Throws<OrmAuthor.MultipleObjectsReturned>(() => OrmAuthor.Objects.Using(alias).Get("age", 36));
        Assert.Equal("get() returned more than one OrmAuthor -- it returned 2!", many.Message);

        Assert.True(OrmAuthor.Objects.Using(alias).Filter("age", 36).Exists());
        Assert.False(await OrmAuthor.Objects.Using(alias).Filter("age", 99).ExistsAsync());
        var sliced = Assert.Throws<InvalidOperationException>(() => OrmAuthor.Objects.Using(alias).OrderBy("id").Slice(0, 1).Delete());
        Assert.Equal("Cannot use 'limit' or 'offset' with delete().", sliced.Message);
        Assert.Equal(1, OrmAuthor.Objects.Using(alias).Filter("name", "Ada Again").Delete().Total);
        var (total, perModel) = await OrmAuthor.Objects.Using(alias).Filter("name", "Ada Again").DeleteAsync();
        Assert.Equal((0, 0), (total, perModel.Count)); // Django's (0, {})
        Assert.Equal(["Ada Lovelace"], (await OrmAuthor.Objects.Using(alias).ToListAsync()).Select(a => a.Name));
        Assert.Equal(new Dictionary<string, long> { ["OrmAuthor"] = 1 }, (await OrmAuthor.Objects.Using(alias).Filter(a => a.Age == 36).DeleteAsync()).PerModel);
        Assert.False(await OrmAuthor.Objects.Using(alias).ExistsAsync());
    }

    /// <summary>Quotes, SQL fragments, LIKE wildcards and non-ASCII go in and come back unchanged through every lookup.</summary>
    private static async Task HostileStrings(string alias)
    {
        var sqlite = alias.EndsWith("sqlite");
        List<string> hostile = ["O'Brien", "\"quoted\"", "x'; DROP TABLE orm_author;--", "100% _wild_ \\ chars", "é漢字😀", "tab\tnew\nline", new string('z', 190)];
        // SQLite stores NUL inside text; PostgreSQL cannot, and Nuages refuses it before sending, with Django's message
        if (sqlite) hostile.Add("nul\0byte");
        else Assert.Equal("A string literal cannot contain NUL (0x00) characters.",
            (await Assert.ThrowsAsync<ArgumentException>(() => new OrmAuthor { Name = "nul\0byte" }.SaveAsync(alias))).Message);
        // a lone surrogate has no UTF-8 form: refused on both rather than silently replaced
        Assert.StartsWith("The value \"bad\\uD800\" contains a lone UTF-16 surrogate (U+D800 at index 3)",
            (await Assert.ThrowsAsync<ArgumentException>(() => OrmAuthor.Objects.Using(alias).Filter("name", "bad\uD800").CountAsync())).Message);

        foreach (var name in hostile) await new OrmAuthor { Name = name, Token = Guid.NewGuid() }.SaveAsync(alias);
        var authors = OrmAuthor.Objects.Using(alias);
        foreach (var name in hostile)
        {
            // every lookup finds exactly the row, and the value comes back unchanged
            foreach (var lookup in new[] { "exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "gte", "lte" })
                Assert.Equal(name, (await authors.Filter("name__" + lookup, name).Filter("name", name).GetAsync()).Name);
            Assert.Equal(name, (await authors.GetAsync("name__in", new[] { name, "other" })).Name);
            Assert.Equal(name, (await authors.GetAsync("name__range", new[] { name, name })).Name);
            Assert.Equal(name, (await authors.GetAsync("name__regex", "^" + System.Text.RegularExpressions.Regex.Escape(name) + "$")).Name);
            Assert.Equal(name, (await authors.GetAsync(a => a.Name == name)).Name);
            Assert.Equal(name, (await authors.Filter(a => a.Name.StartsWith(name) && a.Name.EndsWith(name) && a.Name.Contains(name)).GetAsync()).Name);
            Assert.Equal(name, (await authors.Filter("name", name).ValuesList<string>("name").ToListAsync()).Single());
            Assert.Equal(1, await authors.Filter("name", name).UpdateAsync(new { Name = name + name[..1] }));
            Assert.Equal(name + name[..1], (await authors.GetAsync("name__startswith", name + name[..1])).Name);
            await authors.Filter("name", name + name[..1]).UpdateAsync(new { Name = name });
        }
        Assert.Equal(1, await authors.Filter("name__contains", "%").CountAsync()); // % and _ are literals, not wildcards
        Assert.Equal(1, await authors.Filter("name__contains", "_w").CountAsync());
        Assert.Equal(0, await authors.Filter("name", new string('x', 100_000)).CountAsync());
        Assert.Equal(0, await authors.Filter("name__icontains", new string('x', 40_000)).CountAsync());
        // SQLite caps LIKE patterns at 50,000 bytes: its error arrives as an OperationalError naming the statement, as in Django
        if (sqlite) Assert.Contains("LIKE or GLOB pattern too complex", (await Assert.ThrowsAsync<OperationalError>(() => authors.Filter("name__contains", new string('x', 100_000)).CountAsync())).Message);
        Assert.Equal(hostile.Count, await authors.CountAsync());
    }

    [Fact]
    public async Task Sync_queries_refuse_to_run_in_async_code() // as django/utils/asyncio.py does
    {
        var alias = Prepare("sqlite");
        var error = Assert.Throws<SynchronousOnlyOperation>(() => AsyncToSync.Run(async () =>
        {
            await Task.Yield();
            return OrmAuthor.Objects.Using(alias).Count();
        }));
        Assert.Equal("You cannot call this from an async context - use a thread or SyncToAsync.", error.Message);
        Assert.Equal(0, await SyncToAsync.Run(() => OrmAuthor.Objects.Using(alias).Count()));
    }

    [Fact]
    public void Bad_lookups_fail_when_the_query_is_built_naming_the_choices()
    {
        var error = Assert.Throws<FieldError>(() => OrmAuthor.Objects.Filter("nmae__startswith", "A"));
        Assert.Equal("Cannot resolve keyword 'nmae' into field. Choices are: active, age, id, joined, name, token.", error.Message);
        Assert.StartsWith("Unsupported lookup 'sounds_like' for name.", Assert.Throws<FieldError>(() => OrmAuthor.Objects.Filter("name__sounds_like", "A")).Message);
    }

    [Fact]
    public void Schema_sql_names_types_per_engine()
    {
        Prepare("sqlite");
        var sql = Schema.Sql([typeof(OrmAuthor)], "orm_sqlite").Single();
        Assert.Equal("CREATE TABLE IF NOT EXISTS \"orm_author\" (\"name\" varchar(200) NOT NULL, \"age\" integer NOT NULL, \"joined\" datetime NULL, \"token\" char(32) NOT NULL, \"active\" integer NOT NULL, \"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT)", sql);
    }

    [PostgresFact]
    public void PostgreSQL_is_reachable_in_ci()
    {
        var alias = Prepare("postgres");
        Assert.Equal(0, OrmAuthor.Objects.Using(alias).Count());
    }
}
