using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;

namespace Nuages.Tests.Db;

public enum Genre
{
    Novel = 1,
    Poetry = 2,
    Essay = 3,
}

[Ordering("title")]
[GetLatestBy("published")]
[UniqueTogether("writer_id", "edition")]
[Index("-published", "title")]
public sealed class ExprBook : Model<ExprBook>
{
    [MaxLength(100), Unique] public string Title { get; set; } = "";
    [DbIndex] public long WriterId { get; set; }
    public short Edition { get; set; } = 1;
    public int Pages { get; set; }
    public int Chapters { get; set; }
    public decimal Price { get; set; }
    public double? Rating { get; set; }
    public float Weight { get; set; }
    public DateOnly? Published { get; set; }
    public TimeOnly? Launch { get; set; }
    public TimeSpan ReadTime { get; set; }
    public DateTime Printed { get; set; }
    public DateTimeOffset Added { get; set; }
    public Genre Genre { get; set; } = Genre.Novel;
    [Json] public List<string> Tags { get; set; } = [];
    public JsonObject? Extra { get; set; }
    public byte[]? Cover { get; set; }
    [Choices("draft", "published"), MaxLength(10)] public string Status { get; set; } = "draft";
    [Blank, DbColumn("blurb_text")] public string Blurb { get; set; } = "";
    public Guid Code { get; set; }

    /// <summary>A second manager; static, so not a column.</summary>
    public static LongBooks Long { get; } = new();

    /// <summary>Not a column: get-only.</summary>
    public string Label => $"{Title} ({Edition})";

    public override void Clean()
    {
        if (Status == "published" && Published is null) throw new ValidationError("A published book needs a publication date.");
    }
}

/// <summary>A custom manager: a narrower base query, and methods of its own.</summary>
public sealed class LongBooks : Manager<ExprBook>
{
    public LongBooks() : base(books => books.Filter("pages__gte", 100)) { }

    public QuerySet<ExprBook> Essays() => Filter("genre", Genre.Essay);
}

public sealed class ExprWriter : Model<ExprWriter>
{
    [MaxLength(50)] public string Name { get; set; } = "";
    public int Born { get; set; }
}

/// <summary>Expressions, aggregates, Values, set operations, field types and options, validation: on SQLite and PostgreSQL.</summary>
public class ExpressionTests
{
    private static string Prepare(string engine) => OrmDatabase.Prepare(engine, typeof(ExprBook), typeof(ExprWriter));

    private static async Task<(ExprWriter Ada, ExprWriter Bob)> Library(string alias)
    {
        var ada = await ExprWriter.Objects.Using(alias).CreateAsync(new ExprWriter { Name = "Ada", Born = 1815 });
        var bob = await ExprWriter.Objects.Using(alias).CreateAsync(new ExprWriter { Name = "Bob", Born = 1950 });
        await ExprWriter.Objects.Using(alias).CreateAsync(new ExprWriter { Name = "Cy", Born = 1990 }); // no books
        await ExprBook.Objects.Using(alias).BulkCreateAsync(
        [
            new() { Title = "Analytical", WriterId = ada.Id, Pages = 100, Chapters = 10, Price = 12.5m, Rating = 4.5, Genre = Genre.Essay, Published = new DateOnly(1843, 9, 1), Added = new DateTimeOffset(2020, 1, 15, 10, 0, 0, TimeSpan.Zero) },
            new() { Title = "Notes", WriterId = ada.Id, Edition = 2, Pages = 40, Chapters = 50, Price = 5m, Genre = Genre.Essay, Published = new DateOnly(1843, 10, 2), Added = new DateTimeOffset(2021, 6, 30, 23, 0, 0, TimeSpan.Zero) },
            new() { Title = "Poems", WriterId = bob.Id, Pages = 60, Chapters = 6, Price = 20m, Rating = 3.0, Genre = Genre.Poetry, Added = new DateTimeOffset(2021, 7, 1, 1, 0, 0, TimeSpan.Zero) },
            new() { Title = "Saga", WriterId = bob.Id, Edition = 2, Pages = 900, Chapters = 90, Price = 30m, Rating = 5.0, Genre = Genre.Novel, Published = new DateOnly(1999, 12, 31), Added = new DateTimeOffset(2022, 2, 2, 2, 2, 2, TimeSpan.Zero) },
        ]);
        return (ada, bob);
    }

    private static async Task<string[]> Titles(QuerySet<ExprBook> query) => [.. (await query.ToListAsync()).Select(b => b.Title)];

    [Fact]
    public Task F_expressions_aggregates_and_annotations_on_sqlite() => FAggregatesAnnotations(Prepare("sqlite"));

    [PostgresFact]
    public Task F_expressions_aggregates_and_annotations_on_postgres() => FAggregatesAnnotations(Prepare("postgres"));

    private static async Task FAggregatesAnnotations(string alias)
    {
        var (ada, _) = await Library(alias);
        var books = ExprBook.Objects.Using(alias);

        // F compares columns and does arithmetic in SQL; lambdas comparing two fields mean the same
        Assert.Equal(["Notes"], await Titles(books.Filter("chapters__gt", new F("pages"))));
        Assert.Equal(["Notes"], await Titles(books.Filter(b => b.Chapters > b.Pages)));
        Assert.Equal(["Analytical", "Poems", "Saga"], await Titles(books.Filter("pages__gte", new F("chapters") * 10)));
        Assert.Equal(1, await books.Filter("title__startswith", "S").UpdateAsync(new { Pages = new F("pages") + 1 }));
        Assert.Equal(901, (await books.GetAsync("title", "Saga")).Pages);

        // Aggregate: Django's default names, or the names given; filter and distinct; sync and async twins (as django/db/models/query.py)
        var totals = await books.AggregateAsync([new Sum("pages"), new Avg("price"), new Max("rating"), new Min("published"), new Count()]);
        Assert.Equal(1101L, totals["pages__sum"]);
        Assert.Equal(16.875m, totals["price__avg"]);
        Assert.Equal(5.0, totals["rating__max"]);
        Assert.Equal(new DateOnly(1843, 9, 1), totals["published__min"]);
        Assert.Equal(4L, totals["__count"]);
        var named = books.Aggregate(new { Cheap = new Count("id", filter: new Q("price__lt", 15)), Writers = new Count("writer_id", distinct: true), Rated = new Count("rating") });
        Assert.Equal((2L, 2L, 3L), ((long)named["cheap"]!, (long)named["writers"]!, (long)named["rated"]!));
        Assert.Null((await books.Filter("pages__gt", 10_000).AggregateAsync([new Sum("pages")]))["pages__sum"]);
        // over a slice, the aggregate runs on the rows of the slice
        Assert.Equal(100L, (await books.OrderBy("pages").Slice(0, 2).AggregateAsync([new Sum("pages")]))["pages__sum"]);

        // Annotate: per-row values, to read, filter and order by
        var doubled = await books.Annotate(new { Twice = new F("pages") * 2, PerChapter = new F("pages") / new F("chapters") }).Filter("twice__gt", 150).OrderBy("-twice").ToListAsync();
        Assert.Equal(["Saga", "Analytical"], doubled.Select(b => b.Title));
        Assert.Equal(1802, Convert.ToInt32(doubled[0].Annotations["twice"]));
        Assert.Equal(10, Convert.ToInt32(doubled[1].Annotations["per_chapter"]));
        // Alias filters without selecting
        Assert.Empty((await books.Alias(new { Twice = new F("pages") * 2 }).Filter("twice__gt", 1000).ToListAsync()).Single().Annotations);

        // Values + Annotate groups; an aggregate annotation filters in HAVING
        var perWriter = await books.Values("writer_id").Annotate(new { Books = new Count("id"), TotalPages = new Sum("pages") }).OrderBy("writer_id").ToListAsync();
        Assert.Equal(2, perWriter.Count);
        Assert.Equal((ada.Id, 2L, 140L), ((long)perWriter[0]["writer_id"]!, (long)perWriter[0]["books"]!, (long)perWriter[0]["total_pages"]!));
        // the model's [Ordering("title")] stays out of GROUP BY, where it would split the groups (as Django since 3.1)
        Assert.Equal(2, (await books.Values("writer_id").Annotate(new { N = new Count() }).ToListAsync()).Count);
        Assert.Single(await books.Values("writer_id").Annotate(new { TotalPages = new Sum("pages") }).Filter("total_pages__gt", 500).ToListAsync());
        // Annotate with an aggregate on model rows groups per row
        var genres = await books.Values("genre").Annotate(new { N = new Count() }).OrderBy("genre").ToListAsync();
        Assert.Equal([(1L, 1L), (2L, 1L), (3L, 2L)], genres.Select(g => (Convert.ToInt64(g["genre"]), (long)g["n"]!)));

        // Case/When and Coalesce
        var sizes = await books.Annotate(new
        {
            Size = new Case([new When("pages__lt", 50, "short"), new When("pages__lt", 200, "medium")], "long"),
            Score = new Coalesce(new F("rating"), 0.0),
        }).OrderBy("title").ValuesList("title", "size", "score").ToListAsync();
        Assert.Equal(["medium", "short", "medium", "long"], sizes.Select(r => (string)r[1]!));
        Assert.Equal([4.5, 0.0, 3.0, 5.0], sizes.Select(r => Convert.ToDouble(r[2])));

        // a bad name in an expression fails when the query is built, naming the choices
        var error = Assert.Throws<FieldError>(() => books.Filter("pages__gt", new F("pgaes")));
        Assert.StartsWith("Cannot resolve keyword 'pgaes' into field. Choices are: added, blurb, chapters,", error.Message);
        Assert.Throws<FieldError>(() => books.Annotate(new { X = new Sum("nope") }));
        Assert.Equal("Complex aggregates require an alias: name the SUM in an anonymous object, as in Aggregate(new { Total = new Sum(...) }).",
            Assert.Throws<ArgumentException>(() => books.Aggregate(new Sum(new F("pages") * 2))).Message);
    }

    [Fact]
    public Task Values_subqueries_and_set_operations_on_sqlite() => ValuesSubqueriesSets(Prepare("sqlite"));

    [PostgresFact]
    public Task Values_subqueries_and_set_operations_on_postgres() => ValuesSubqueriesSets(Prepare("postgres"));

    private static async Task ValuesSubqueriesSets(string alias)
    {
        var (ada, bob) = await Library(alias);
        var books = ExprBook.Objects.Using(alias);
        var writers = ExprWriter.Objects.Using(alias);

        // Values, ValuesList (flat and typed), Distinct; await foreach works on them (as django/db/models/query.py)
        var rows = await books.Filter("pages__lt", 70).Values("title", "genre").ToListAsync();
        Assert.Equal([("Notes", Genre.Essay), ("Poems", Genre.Poetry)], rows.Select(r => ((string)r["title"]!, (Genre)r["genre"]!)));
        Assert.Equal(["Analytical", "Notes", "Poems", "Saga"], await books.ValuesList<string>("title").ToListAsync());
        Assert.Equal([ada.Id, bob.Id], (await books.ValuesList("writer_id", flat: true).Distinct().OrderBy("writer_id").ToListAsync()).Select(Convert.ToInt64));
        var pairs = new List<object?[]>();
        await foreach (var pair in books.OrderBy("-pages").ValuesList("title", "pages")) pairs.Add(pair);
        Assert.Equal(["Saga", 900], pairs[0]);
        Assert.Equal(2, await books.ValuesList("writer_id", flat: true).Distinct().CountAsync());
        Assert.Equal(["Analytical"], books.ValuesList<string>("title").Slice(0, 1).ToList());

        // Subquery, OuterRef, Exists, and `in` with a subquery
        var newest = books.Filter("writer_id", new OuterRef("id")).OrderBy("-pages").ValuesList<string>("title").Slice(0, 1);
        var withBest = await writers.Annotate(new { Best = new Subquery(newest) }).OrderBy("name").ValuesList("name", "best").ToListAsync();
        Assert.Equal(new object?[][] { ["Ada", "Analytical"], ["Bob", "Saga"], ["Cy", null] }, withBest);
        var published = books.Filter("writer_id", new OuterRef("id")).Filter("published__isnull", false);
        Assert.Equal(["Ada", "Bob"], (await writers.Filter(new Exists(published)).OrderBy("name").ToListAsync()).Select(w => w.Name));
        Assert.Equal(["Cy"], (await writers.Exclude(new Q("id__in", books.ValuesList<long>("writer_id"))).ToListAsync()).Select(w => w.Name));
        Assert.Equal(["Bob"], (await writers.Filter("id__in", books.Filter("genre", Genre.Poetry).ValuesList<long>("writer_id")).ToListAsync()).Select(w => w.Name));

        // Union, Intersection, Difference: ordered and sliced as a whole
        var thin = books.Filter("pages__lt", 70);
        var poetry = books.Filter("genre", Genre.Poetry);
        Assert.Equal(["Poems", "Notes"], await Titles(thin.Union(poetry).OrderBy("-title")));
        Assert.Equal(3, await thin.Union(poetry, all: true).CountAsync());
        Assert.Equal(["Poems"], await Titles(thin.Intersection(poetry)));
        Assert.Equal(["Notes"], await Titles(thin.Difference(poetry)));
        Assert.Equal(["Poems"], await Titles(thin.Union(books.Filter("title", "Saga")).OrderBy("title").Slice(1, 2)));
        Assert.Equal("Calling QuerySet.filter() after union(), intersection() or difference() is not supported.",
            Assert.Throws<NotSupportedException>(() => thin.Union(poetry).Filter("pages", 1)).Message);

        // a custom manager narrows the base query and adds its own methods
        Assert.Equal(["Analytical", "Saga"], await Titles(ExprBook.Long.Using(alias)));
        Assert.Equal(["Analytical"], await Titles(ExprBook.Long.Using(alias).Filter("genre", Genre.Essay)));
        Assert.Equal(1, await ExprBook.Long.Essays().Using(alias).CountAsync());

        // None, Reverse, random order, default ordering from the model
        Assert.Equal(0, await books.None().CountAsync());
        Assert.Empty(await books.None().Filter("pages__gt", 0).ToListAsync());
        Assert.Equal(["Saga", "Poems", "Notes", "Analytical"], await Titles(books.Reverse()));
        Assert.Equal(4, (await books.OrderBy("?").ToListAsync()).Count);
        var dated = books.Filter("published__isnull", false); // engines sort NULLs differently, so Django's latest() may return a NULL date
        Assert.Equal("Saga", (await dated.LatestAsync([])).Title); // Meta get_latest_by
        Assert.Equal("Analytical", dated.Earliest().Title);
    }

    [Fact]
    public Task Lookups_and_date_transforms_on_sqlite() => LookupsAndTransforms(Prepare("sqlite"));

    [PostgresFact]
    public Task Lookups_and_date_transforms_on_postgres() => LookupsAndTransforms(Prepare("postgres"));

    private static async Task LookupsAndTransforms(string alias)
    {
        await Library(alias);
        var books = ExprBook.Objects.Using(alias);
        Assert.Equal(["Notes", "Poems"], await Titles(books.Filter("pages__range", new[] { 40, 60 })));
        Assert.Equal(["Analytical", "Saga"], await Titles(books.Filter("title__regex", "^[AS].*a")));
        Assert.Equal(["Notes", "Poems"], await Titles(books.Filter("title__iregex", "^[NP]O")));
        Assert.Empty(await Titles(books.Filter("title__regex", "^[np]o")));
        Assert.Equal(["Analytical", "Notes"], await Titles(books.Filter("published__year", 1843)));
        Assert.Equal(["Notes"], await Titles(books.Filter("published__month__gte", 10).Filter("published__year__lt", 1900)));
        Assert.Equal(["Saga"], await Titles(books.Filter("published__day", 31)));
        Assert.Equal(["Notes", "Poems"], await Titles(books.Filter("added__year", 2021)));
        // a datetime's date, year and hour are taken in UTC
        Assert.Equal(["Notes"], await Titles(books.Filter("added__date", new DateOnly(2021, 6, 30))));
        Assert.Equal(["Poems"], await Titles(books.Filter("added__hour", 1)));
        Assert.Equal(["Notes", "Poems"], await Titles(books.Filter("added__range", new[] { new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2021, 12, 31, 0, 0, 0, TimeSpan.Zero) })));
        Assert.Equal(["Analytical", "Notes", "Saga"], await Titles(books.Filter("added__week_day", 4))); // Wednesdays (Sunday is 1)
        Assert.StartsWith("Unsupported lookup 'year' for pages", Assert.Throws<FieldError>(() => books.Filter("pages__year", 1)).Message);
        Assert.StartsWith("Unsupported lookup 'yaer' for published. Supported: exact,", Assert.Throws<FieldError>(() => books.Filter("published__yaer", 1)).Message);
        Assert.Equal("The range lookup on pages takes two values, as in Filter(\"pages__range\", new[] { low, high }).",
            Assert.Throws<ArgumentException>(() => books.Filter("pages__range", 5)).Message);
    }

    [Fact]
    public Task Every_field_type_round_trips_on_sqlite() => FieldTypes(Prepare("sqlite"));

    [PostgresFact]
    public Task Every_field_type_round_trips_on_postgres() => FieldTypes(Prepare("postgres"));

    private static async Task FieldTypes(string alias)
    {
        var book = new ExprBook
        {
            Title = "Types",
            WriterId = 7,
            Edition = short.MaxValue,
            Pages = int.MinValue,
            Price = 1234.5678m,
            Rating = null,
            Weight = 1.5f,
            Published = new DateOnly(2024, 2, 29),
            Launch = new TimeOnly(13, 45, 30, 123),
            ReadTime = TimeSpan.FromMinutes(95.5),
            Printed = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc),
            Added = new DateTimeOffset(2023, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1230),
            Genre = Genre.Poetry,
            Tags = ["a", "b's", "\"c\""],
            Extra = new JsonObject { ["k"] = 1, ["nested"] = new JsonArray("x") },
            Cover = [0, 1, 2, 255],
            Status = "published",
            Blurb = "",
            Code = Guid.NewGuid(),
        };
        await book.SaveAsync(alias);
        var read = await ExprBook.Objects.Using(alias).GetAsync("pk", book.Id);
        Assert.Equal((book.Title, book.WriterId, book.Edition, book.Pages, book.Price, book.Rating, book.Weight), (read.Title, read.WriterId, read.Edition, read.Pages, read.Price, read.Rating, read.Weight));
        Assert.Equal((book.Published, book.Launch, book.ReadTime, book.Printed, book.Added), (read.Published, read.Launch, read.ReadTime, read.Printed, read.Added));
        Assert.Equal(DateTimeKind.Utc, read.Printed.Kind);
        Assert.Equal(TimeSpan.Zero, read.Added.Offset); // read back in UTC, the same instant
        Assert.Equal((book.Genre, book.Status, book.Blurb, book.Code), (read.Genre, read.Status, read.Blurb, read.Code));
        Assert.Equal(book.Tags, read.Tags);
        Assert.Equal("""{"k":1,"nested":["x"]}""", read.Extra!.ToJsonString().Replace(" ", ""));
        Assert.Equal(book.Cover, read.Cover);
        Assert.Equal(["Types"], await Titles(ExprBook.Objects.Using(alias).Filter("read_time__gt", TimeSpan.FromHours(1)).Filter("genre", Genre.Poetry).Filter("blurb", "")));
        // lookups name the field; the table has the DbColumn
        Assert.Contains("\"blurb_text\"", string.Join(" ", Schema.Sql([typeof(ExprBook)], alias)));
    }

    [Fact]
    public Task Schema_constraints_and_FullClean_on_sqlite() => ConstraintsAndValidation(Prepare("sqlite"));

    [PostgresFact]
    public Task Schema_constraints_and_FullClean_on_postgres() => ConstraintsAndValidation(Prepare("postgres"));

    private static async Task ConstraintsAndValidation(string alias)
    {
        var (ada, _) = await Library(alias);
        var books = ExprBook.Objects.Using(alias);

        var ddl = Schema.Sql([typeof(ExprBook)], alias);
        Assert.Contains("\"title\" varchar(100) NOT NULL UNIQUE", ddl[0]);
        Assert.Contains("UNIQUE (\"writer_id\", \"edition\")", ddl[0]);
        Assert.Contains("CREATE INDEX IF NOT EXISTS \"expr_book_writer_id_idx\" ON \"expr_book\" (\"writer_id\")", ddl);
        Assert.Contains("CREATE INDEX IF NOT EXISTS \"expr_book_published_title_idx\" ON \"expr_book\" (\"published\" DESC, \"title\")", ddl);
        Schema.Migrate([typeof(ExprBook)], alias); // idempotent

        // GetOrCreate whose insert hits a constraint looks again, as Django does, and raises when still nothing matches
        await Assert.ThrowsAsync<IntegrityError>(() => books.GetOrCreateAsync(new { Title = "Notes", Pages = 7 }));
        Assert.Throws<IntegrityError>(() => books.GetOrCreate(new { Title = "Notes", Pages = 7 }));

        // the database enforces them: IntegrityError naming the alias and the statement
        var clash = await Assert.ThrowsAsync<IntegrityError>(() => new ExprBook { Title = "Notes", WriterId = 99 }.SaveAsync(alias));
        Assert.Equal(alias, clash.Alias);
        Assert.StartsWith("INSERT INTO \"expr_book\"", clash.Sql);
        await Assert.ThrowsAsync<IntegrityError>(() => new ExprBook { Title = "Other", WriterId = ada.Id, Edition = 2 }.SaveAsync(alias));
        Assert.Equal(4, await books.CountAsync());

        // FullClean says all of it first, field by field, with Django's messages
        var bad = new ExprBook { Title = new string('x', 101), Status = "lost", WriterId = ada.Id, Edition = 2, Blurb = "" };
        var error = await Assert.ThrowsAsync<ValidationError>(() => bad.FullCleanAsync(@using: alias));
        Assert.Equal(["Ensure this value has at most 100 characters (it has 101)."], error.ErrorDict["title"]);
        Assert.Equal(["Value 'lost' is not a valid choice."], error.ErrorDict["status"]);
        Assert.Equal(["Expr book with this Writer id and Edition already exists."], error.ErrorDict[ValidationError.NonFieldErrors]);
        Assert.False(error.ErrorDict.ContainsKey("blurb")); // [Blank]

        var dup = new ExprBook { Title = "", WriterId = 999, Status = "published", Genre = (Genre)42 };
        var second = Assert.Throws<ValidationError>(() => dup.FullClean(@using: alias));
        Assert.Equal(["This field cannot be blank."], second.ErrorDict["title"]);
        Assert.Equal(["Value 42 is not a valid choice."], second.ErrorDict["genre"]);
        Assert.Equal(["A published book needs a publication date."], second.ErrorDict[ValidationError.NonFieldErrors]);
        var taken = new ExprBook { Title = "Notes", WriterId = 999 };
        Assert.Equal(["Expr book with this Title already exists."], Assert.Throws<ValidationError>(() => taken.FullClean(@using: alias)).ErrorDict["title"]);
        // a saved row does not clash with itself; exclude skips fields
        var notes = await books.GetAsync("title", "Notes");
        await notes.FullCleanAsync(@using: alias);
        bad.FullClean(exclude: ["title", "status", "edition"], @using: alias);
        var nullName = new ExprWriter { Name = null! };
        Assert.Equal(["This field cannot be null."], Assert.Throws<ValidationError>(() => nullName.FullClean(@using: alias)).ErrorDict["name"]);
    }

    [Fact]
    public Task Only_defer_save_options_and_the_result_cache_on_sqlite() => OnlyDeferSaveCache(Prepare("sqlite"));

    [PostgresFact]
    public Task Only_defer_save_options_and_the_result_cache_on_postgres() => OnlyDeferSaveCache(Prepare("postgres"));

    private static async Task OnlyDeferSaveCache(string alias)
    {
        await Library(alias);
        var books = ExprBook.Objects.Using(alias);

        // Only reads some fields; saving writes only those, so the unread ones keep their values
        var partial = await books.Only("title").GetAsync("title", "Saga");
        Assert.Equal((0, 0m), (partial.Pages, partial.Price));
        partial.Title = "Saga II";
        await partial.SaveAsync(alias);
        var saga = await books.GetAsync("title", "Saga II");
        Assert.Equal((900, 30m), (saga.Pages, saga.Price));
        var deferred = books.Defer("price", "pages").Get("title", "Poems");
        Assert.Equal((0, 6), (deferred.Pages, deferred.Chapters));

        // updateFields writes only those; forceInsert inserts; an update of a vanished row inserts it again
        saga.Pages = 1; saga.Price = 1m;
        await saga.SaveAsync(alias, updateFields: ["pages"]);
        Assert.Equal((1, 30m), ((await books.GetAsync("pk", saga.Id)).Pages, (await books.GetAsync("pk", saga.Id)).Price));
        await books.Filter("pk", saga.Id).DeleteAsync();
        var gone = await Assert.ThrowsAsync<DatabaseError>(() => saga.SaveAsync(alias, updateFields: ["pages"]));
        Assert.StartsWith("Save with update_fields did not affect any rows", gone.Message);
        await saga.SaveAsync(alias);
        Assert.Equal(1m, (await books.GetAsync("pk", saga.Id)).Price);
        await Assert.ThrowsAsync<IntegrityError>(() => saga.SaveAsync(alias, forceInsert: true));

        // as django/db/models/query.py does: await foreach fills the result cache, and a later count uses it
        var cached = books.Filter("pages__lt", 1000);
        var seen = 0;
        await foreach (var _ in cached) seen++;
        await books.Filter("pages__lt", 1000).DeleteAsync();
        Assert.Equal(seen, await cached.CountAsync());
        Assert.Equal(seen, (await cached.ToListAsync()).Count);
        Assert.True(await cached.ExistsAsync());
        Assert.Equal(0, await cached.All().CountAsync()); // All() is a fresh query
        Assert.Equal(0, await books.CountAsync()); // a manager never caches
    }

    [Fact]
    public async Task Unreachable_databases_fail_naming_the_alias_and_the_server()
    {
        Nuages.NuagesApp.Create([], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases = new Dictionary<string, DatabaseSettings>
            {
                ["nowhere_pg"] = Database.Postgres("Host=127.0.0.1;Port=1;Username=x;Password=y;Database=shop;Timeout=2"),
                ["nowhere_sqlite"] = Database.Sqlite("/nonexistent-dir/db.sqlite3"),
            };
        });
        var pg = await Assert.ThrowsAsync<OperationalError>(() => ExprWriter.Objects.Using("nowhere_pg").CountAsync());
        Assert.StartsWith("Cannot connect to the database 'nowhere_pg' (PostgreSQL at 127.0.0.1:1, database shop):", pg.Message);
        var sqlite = Assert.Throws<OperationalError>(() => ExprWriter.Objects.Using("nowhere_sqlite").Count());
        Assert.StartsWith("Cannot connect to the database 'nowhere_sqlite' (SQLite file /nonexistent-dir/db.sqlite3):", sqlite.Message);
    }
}
