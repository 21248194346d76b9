using System.ComponentModel.DataAnnotations;
using Nuages.Async;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;

namespace Nuages.Tests.Db;

public sealed class RelPublisher : Model<RelPublisher>
{
    [MaxLength(100)] public string Name { get; set; } = "";

    public RelatedManager<RelAuthor> Authors => Related<RelAuthor>();
}

public sealed class RelAuthor : Model<RelAuthor>
{
    [MaxLength(100)] public string Name { get; set; } = "";

    [OnDelete(OnDelete.Protect)] public ForeignKey<RelPublisher>? Publisher { get; set; }

    public RelatedManager<RelBook> Books => Related<RelBook>("author");

    public RelatedManager<RelBook> Edited => Related<RelBook>("editor");
}

public sealed class RelBook : Model<RelBook>
{
    [MaxLength(100)] public string Title { get; set; } = "";
    public int Pages { get; set; }

    [OnDelete(OnDelete.Cascade), RelatedName("books")] public ForeignKey<RelAuthor> Author { get; set; } = new();

    [OnDelete(OnDelete.SetNull), RelatedName("edited")] public ForeignKey<RelAuthor>? Editor { get; set; }

    [RelatedName("books")] public ManyToMany<RelTag> Tags => ManyToMany<RelTag>();
}

public sealed class RelTag : Model<RelTag>
{
    [MaxLength(50)] public string Name { get; set; } = "";

    public GenericRelation<RelNote> Notes => GenericRelation<RelNote>();

    public RelatedManyToMany<RelBook> Books => RelatedManyToMany<RelBook>("tags");
}

public sealed class RelReader : Model<RelReader>
{
    [MaxLength(50)] public string Name { get; set; } = "";

    [Through(typeof(RelLoan)), RelatedName("readers")] public ManyToMany<RelBook> Borrowed => ManyToMany<RelBook>();
}

/// <summary>A note on a row of any model: Django's GenericForeignKey.</summary>
public sealed class RelNote : Model<RelNote>
{
    [MaxLength(100)] public string Text { get; set; } = "";
    [OnDelete(OnDelete.Cascade)] public ForeignKey<ContentType> ContentType { get; set; } = new();
    public long ObjectId { get; set; }

    public GenericForeignKey Target => Generic();
}

/// <summary>An explicit through model, with a field of its own.</summary>
public sealed class RelLoan : Model<RelLoan>
{
    [OnDelete(OnDelete.Cascade)] public ForeignKey<RelReader> Reader { get; set; } = new();
    [OnDelete(OnDelete.Cascade)] public ForeignKey<RelBook> Book { get; set; } = new();
    public int Days { get; set; }
}

public sealed class RelReview : Model<RelReview>
{
    public int Stars { get; set; }

    [OnDelete(OnDelete.Cascade), RelatedName("reviews")] public ForeignKey<RelBook> Book { get; set; } = new();

    // Django's documented RESTRICT example: a review goes with its book, but its reviewer cannot simply disappear.
    [OnDelete(OnDelete.Restrict), RelatedName("reviewed")] public ForeignKey<RelAuthor> Reviewer { get; set; } = new();
}

/// <summary>Foreign keys: references, lookups across them both ways, related managers (as django/db/models/fields/related_descriptors.py) and OnDelete, on both engines.</summary>
// It makes django_content_type in the PostgreSQL test database, which the migrations tests make and drop: not at the same time.
[Collection("migrations")]
public class RelationTests
{
    private static readonly Type[] Models = [typeof(RelPublisher), typeof(RelAuthor), typeof(RelBook), typeof(RelReview), typeof(RelTag), typeof(RelReader), typeof(RelLoan), typeof(ContentType), typeof(RelNote)];

    private sealed record Library(string Alias, RelPublisher Press, RelAuthor Ursula, RelAuthor Octavia, RelAuthor Nobody, RelBook Earthsea, RelBook Lathe, RelBook Kindred);

    private static Library Prepare(string engine)
    {
        var alias = OrmDatabase.Prepare(engine, Models);
        var press = RelPublisher.Objects.Using(alias).Create(new RelPublisher { Name = "Ace" });
        var ursula = RelAuthor.Objects.Using(alias).Create(new RelAuthor { Name = "Ursula", Publisher = press });
        var octavia = RelAuthor.Objects.Using(alias).Create(new RelAuthor { Name = "Octavia" });
        var nobody = RelAuthor.Objects.Using(alias).Create(new RelAuthor { Name = "Nobody" });
        var books = RelBook.Objects.Using(alias);
        var earthsea = books.Create(new RelBook { Title = "Earthsea", Pages = 183, Author = ursula, Editor = octavia });
        var lathe = books.Create(new RelBook { Title = "Lathe", Pages = 184, Author = ursula });
        var kindred = books.Create(new RelBook { Title = "Kindred", Pages = 264, Author = new(octavia.Id) });
        return new Library(alias, press, ursula, octavia, nobody, earthsea, lathe, kindred);
    }

    private static string Titles(IEnumerable<RelBook> books) => string.Join(",", books.Select(b => b.Title).Order(StringComparer.Ordinal));

    private static string Names(IEnumerable<RelAuthor> authors) => string.Join(",", authors.Select(a => a.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void References_load_lazily_in_sync_code_and_explicitly_in_async_code_on_sqlite() => References(Prepare("sqlite"));

    [PostgresFact]
    public void References_load_lazily_in_sync_code_and_explicitly_in_async_code_on_postgres() => References(Prepare("postgres"));

    private static void References(Library db)
    {
        var book = RelBook.Objects.Using(db.Alias).Get("title", "Earthsea");
        Assert.Equal(db.Ursula.Id, book.Author.Id); // no query for the id
        Assert.False(book.Author.IsLoaded);
        Assert.Equal("Ursula", book.Author.Value!.Name); // one query, then cached
        Assert.True(book.Author.IsLoaded);
        Assert.Equal("Ace", book.Author.Value.Publisher!.Value!.Name);
        Assert.Null(RelBook.Objects.Using(db.Alias).Get("title", "Lathe").Editor!.Value);

        // as django/db/models/fields/related_descriptors.py does: in async code an unloaded reference must be loaded explicitly
        AsyncToSync.Run(async () =>
        {
            var fresh = await RelBook.Objects.Using(db.Alias).GetAsync("title", "Kindred");
            Assert.Throws<SynchronousOnlyOperation>(() => fresh.Author.Value);
            Assert.Equal("Octavia", (await fresh.Author.GetAsync())!.Name);
            Assert.Equal("Octavia", fresh.Author.Value!.Name); // loaded now: no query
            var other = await RelBook.Objects.Using(db.Alias).GetAsync("title", "Lathe");
            await other.Author.LoadAsync();
            Assert.Equal("Ursula", other.Author.Value!.Name);
        });

        // reassigning: an instance or an id
        book.Author = db.Octavia;
        book.Save(db.Alias);
        Assert.Equal(db.Octavia.Id, RelBook.Objects.Using(db.Alias).Get("pk", book.Id).Author.Id);
        book.Author = new(db.Ursula.Id);
        Assert.False(book.Author.IsLoaded);
        book.Save(db.Alias);
        Assert.Equal("Ursula", RelBook.Objects.Using(db.Alias).Get("pk", book.Id).Author.Value!.Name);
        // a reference to no row is refused by the database's constraint
        Assert.Throws<IntegrityError>(() => RelBook.Objects.Using(db.Alias).Create(new RelBook { Title = "Ghost", Author = new(999_999) }));
        Assert.Throws<IntegrityError>(() => RelBook.Objects.Using(db.Alias).Create(new RelBook { Title = "Orphan" })); // NOT NULL
    }

    [Fact]
    public void Lookups_cross_relations_both_ways_on_sqlite() => Lookups(Prepare("sqlite"));

    [PostgresFact]
    public void Lookups_cross_relations_both_ways_on_postgres() => Lookups(Prepare("postgres"));

    private static void Lookups(Library db)
    {
        var books = RelBook.Objects.Using(db.Alias);
        var authors = RelAuthor.Objects.Using(db.Alias);
        Assert.Equal("Earthsea,Lathe", Titles(books.Filter("author", db.Ursula)));
        Assert.Equal("Earthsea,Lathe", Titles(books.Filter("author_id", db.Ursula.Id)));
        Assert.Equal("Earthsea,Lathe", Titles(books.Filter("author__id", db.Ursula.Id)));
        Assert.Equal("Earthsea,Kindred,Lathe", Titles(books.Filter("author__in", new[] { db.Ursula, db.Octavia })));
        Assert.Equal("Kindred", Titles(books.Filter("author__name__startswith", "Oct")));
        Assert.Equal("Earthsea,Lathe", Titles(books.Filter("author__publisher__name", "Ace"))); // two relations deep
        Assert.Equal("Earthsea,Lathe", Titles(books.Filter(b => b.Author.Value!.Name.StartsWith("Urs"))));
        Assert.Equal("Earthsea,Lathe", Titles(books.Filter(b => b.Author.Value!.Publisher!.Value!.Name == "Ace")));
        Assert.Equal("Kindred", Titles(books.Filter(b => b.Author.Id == db.Octavia.Id)));
        Assert.Equal("Kindred,Lathe", Titles(books.Filter("editor", null)));
        // Exclude keeps the rows whose reference is NULL, as Django's does
        Assert.Equal("Kindred,Lathe", Titles(books.Exclude("editor__name", "Octavia")));

        // the other way: a row per related row that matches, as Django's join gives; Distinct for each once
        Assert.Equal("Ursula,Ursula", Names(authors.Filter("books__pages__lt", 200)));
        Assert.Equal("Ursula", Names(authors.Filter("books__pages__lt", 200).Distinct()));
        Assert.Equal("Octavia,Ursula,Ursula", Names(authors.Filter("books__title__in", new[] { "Earthsea", "Kindred", "Lathe" })));
        Assert.Equal("Ursula", Names(authors.Filter("books", db.Earthsea)));
        Assert.Equal("Octavia", Names(authors.Filter("edited__title", "Earthsea")));
        Assert.Equal("Nobody,Octavia", Names(authors.Exclude("books__title", "Earthsea")));
        Assert.Equal("Ursula", Names(RelPublisher.Objects.Using(db.Alias).Get().Authors.Filter("books__pages__gt", 0).Distinct()));

        // values across a reference to one row, and aggregates over relations to many
        Assert.Equal(["Earthsea", "Lathe", "Kindred"], books.OrderBy("-author__name", "title").ValuesList<string>("title").ToList());
        var rows = books.OrderBy("title").Values("title", "author__name").ToList();
        Assert.Equal("Octavia", rows[1]["author__name"]);
        var counted = authors.Annotate(new { N = new Count("books"), Total = new Sum("books__pages") }).OrderBy("name").ToList();
        Assert.Equal([0L, 1L, 2L], counted.Select(a => Convert.ToInt64(a.Annotations["n"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([null, 264L, 367L], counted.Select(a => a.Annotations["total"] is { } t ? (long?)Convert.ToInt64(t, System.Globalization.CultureInfo.InvariantCulture) : null));
        Assert.Equal("Ursula", Names(authors.Annotate(new { N = new Count("books") }).Filter("n__gt", 1)));
        Assert.Equal(3L, Convert.ToInt64(authors.Aggregate(new { N = new Count("books") })["n"], System.Globalization.CultureInfo.InvariantCulture));
        // values across a relation to many rows: a row per related row, NULL for none (LEFT OUTER JOIN)
        Assert.Equal(["Earthsea", "Kindred", "Lathe", null], authors.OrderBy("books__title").ValuesList<string?>("books__title").ToList().OrderBy(t => t ?? "~", StringComparer.Ordinal));
        Assert.Equal("Cannot resolve keyword 'boks' into field. Choices are: books, edited, id, name, publisher, reviewed.",
            Assert.Throws<FieldError>(() => authors.Filter("boks__title", "x")).Message);
    }

    [Fact]
    public void Select_related_reads_the_references_in_the_same_statement_on_sqlite() => SelectRelated(Prepare("sqlite"));

    [PostgresFact]
    public void Select_related_reads_the_references_in_the_same_statement_on_postgres() => SelectRelated(Prepare("postgres"));

    private static void SelectRelated(Library db)
    {
        var books = RelBook.Objects.Using(db.Alias).OrderBy("title");
        // read in async code, where an unloaded reference would refuse: SelectRelated loaded them all
        var rows = AsyncToSync.Run(() => books.SelectRelated("author__publisher", "editor").Filter("pages__lt", 300).ToListAsync());
        Assert.Equal(["Earthsea", "Kindred", "Lathe"], rows.Select(b => b.Title));
        AsyncToSync.Run(async () =>
        {
            await Task.Yield();
            Assert.All(rows, b => Assert.True(b.Author.IsLoaded));
            Assert.Equal(["Ursula", "Octavia", "Ursula"], rows.Select(b => b.Author.Value!.Name));
            Assert.Equal(["Ace", null, "Ace"], rows.Select(b => b.Author.Value!.Publisher!.Value?.Name));
            Assert.Equal(["Octavia", null, null], rows.Select(b => b.Editor!.Value?.Name)); // LEFT OUTER JOIN: rows without an editor stay
            Assert.Equal(db.Alias, ((IModelRow)rows[0].Author.Value!).LoadedFrom);
        });
        // no names: every required reference (author, and through it nothing required)
        var all = books.SelectRelated().Get("title", "Kindred");
        Assert.True(all.Author.IsLoaded);
        Assert.Equal("Octavia", all.Author.Value!.Name);
        Assert.Contains("t1", books.SelectRelated("author").Explain(), StringComparison.OrdinalIgnoreCase); // the joined table, in either plan
        Assert.Equal(3, books.SelectRelated("author").Count());
        Assert.Equal("Invalid field name(s) given in select_related: 'writer'. Choices are: author, editor",
            Assert.Throws<FieldError>(() => books.SelectRelated("writer")).Message);
        Assert.Equal("Non-relational field given in select_related: 'title'. Choices are: author, editor",
            Assert.Throws<FieldError>(() => books.SelectRelated("title")).Message);
    }

    [Fact]
    public Task Related_managers_add_create_set_remove_and_clear_on_sqlite() => RelatedManagers(Prepare("sqlite")); // as django/db/models/fields/related_descriptors.py does

    [PostgresFact]
    public Task Related_managers_add_create_set_remove_and_clear_on_postgres() => RelatedManagers(Prepare("postgres")); // as django/db/models/fields/related_descriptors.py does

    private static async Task RelatedManagers(Library db)
    {
        var ursula = await RelAuthor.Objects.Using(db.Alias).GetAsync("pk", db.Ursula.Id);
        Assert.Equal(2, ursula.Books.Count());
        Assert.Equal("Earthsea", (await ursula.Books.OrderBy("title").FirstAsync())!.Title);
        Assert.Equal("Lathe", ursula.Books.Filter("pages__gt", 183).Get().Title);

        var made = await ursula.Books.CreateAsync(new RelBook { Title = "Dispossessed", Pages = 387 });
        Assert.Equal(ursula.Id, made.Author.Id);
        var (got, created) = await ursula.Books.GetOrCreateAsync(new { Title = "Tehanu" }, new { Pages = 252 });
        Assert.True(created);
        Assert.Equal(ursula.Id, got.Author.Id);
        Assert.False((await ursula.Books.GetOrCreateAsync(new { Title = "Tehanu" })).Created);
        var (updated, _) = ursula.Books.UpdateOrCreate(new { Title = "Tehanu" }, new { Pages = 253 });
        Assert.Equal(253, RelBook.Objects.Using(db.Alias).Get("pk", updated.Id).Pages);
        Assert.Equal(0, db.Nobody.Books.Filter("title", "Tehanu").Count()); // each author's own rows

        // Add moves rows: in one UPDATE of saved rows, or by saving each (which creates unsaved ones)
        var kindred = RelBook.Objects.Using(db.Alias).Get("title", "Kindred");
        ursula.Books.Add(kindred);
        Assert.Equal(ursula.Id, kindred.Author.Id);
        Assert.Equal(5, await ursula.Books.CountAsync());
        Assert.Contains("isn't saved", Assert.Throws<ArgumentException>(() => ursula.Books.Add(new RelBook { Title = "Unsaved" })).Message);
        await db.Nobody.Books.AddAsync([new RelBook { Title = "Blank" }], bulk: false);
        Assert.Equal("Blank", Titles(db.Nobody.Books.ToList()));

        // a required reference: no Remove or Clear, and Set only adds (Django's rule)
        Assert.Contains("cannot be null", Assert.Throws<InvalidOperationException>(() => ursula.Books.Clear()).Message);
        Assert.Contains("cannot be null", Assert.Throws<InvalidOperationException>(() => ursula.Books.Remove(kindred)).Message);
        db.Octavia.Books.Set([kindred]);
        Assert.Equal("Kindred", Titles(db.Octavia.Books.ToList()));

        // a nullable one: Remove, Clear, and Set unlinking the others
        var octavia = db.Octavia;
        var books = RelBook.Objects.Using(db.Alias).OrderBy("title").ToList();
        octavia.Edited.Set(books.Take(2));
        Assert.Equal("Blank,Dispossessed", Titles(octavia.Edited.ToList()));
        await octavia.Edited.SetAsync(books.Skip(1).Take(2));
        Assert.Equal("Dispossessed,Earthsea", Titles(octavia.Edited.ToList()));
        octavia.Edited.Remove(books[1]);
        Assert.Null(books[1].Editor!.Id);
        Assert.Equal("Earthsea", Titles(await octavia.Edited.ToListAsync()));
        var stranger = RelBook.Objects.Using(db.Alias).Get("title", "Kindred");
        Assert.Equal($"RelBook {stranger.Id} is not related to RelAuthor {octavia.Id}.", Assert.Throws<RelAuthor.DoesNotExist>(() => octavia.Edited.Remove(stranger)).Message);
        await octavia.Edited.ClearAsync();
        Assert.Equal(0, octavia.Edited.Count());
        Assert.Equal(RelBook.Objects.Using(db.Alias).Count(), RelBook.Objects.Using(db.Alias).Filter("editor__isnull", true).Count());
        Assert.Contains("needs to have a value for field \"id\"", Assert.Throws<InvalidOperationException>(() => new RelAuthor().Books).Message);

        // as django/shortcuts.py does: the shortcuts take related managers too, within their rows
        Assert.Equal("Tehanu", (await Shortcuts.GetObjectOr404Async(ursula.Books, b => b.Title == "Tehanu")).Title);
        Assert.Equal("No RelBook matches the given query.", (await Assert.ThrowsAsync<Nuages.Http.Http404>(() => Shortcuts.GetObjectOr404Async(db.Nobody.Books, b => b.Title == "Tehanu"))).Message);
        Assert.Equal(4, (await Shortcuts.GetListOr404Async(ursula.Books)).Count); // Kindred went back to Octavia
        Assert.Throws<Nuages.Http.Http404>(() => Shortcuts.GetListOr404(db.Octavia.Edited));
    }

    [Fact]
    public Task Many_to_many_relations_link_both_ways_on_sqlite() => ManyToMany(Prepare("sqlite")); // as django/db/models/fields/related_descriptors.py does

    [PostgresFact]
    public Task Many_to_many_relations_link_both_ways_on_postgres() => ManyToMany(Prepare("postgres")); // as django/db/models/fields/related_descriptors.py does

    private static async Task ManyToMany(Library db)
    {
        var tags = RelTag.Objects.Using(db.Alias);
        var fantasy = tags.Create(new RelTag { Name = "fantasy" });
        var classic = tags.Create(new RelTag { Name = "classic" });
        var earthsea = db.Earthsea;
        earthsea.Tags.Add(fantasy, classic);
        earthsea.Tags.Add(fantasy); // already linked: nothing happens
        await db.Kindred.Tags.AddAsync([classic]);
        Assert.Equal(["classic", "fantasy"], earthsea.Tags.OrderBy("name").ValuesList<string>("name").ToList());
        Assert.Equal("Earthsea,Kindred", Titles(classic.Books.ToList())); // the other side
        Assert.Equal("Earthsea", Titles(await fantasy.Books.ToListAsync()));

        // lookups both ways, and with the other relations
        var books = RelBook.Objects.Using(db.Alias);
        Assert.Equal("Earthsea,Kindred", Titles(books.Filter("tags__name", "classic")));
        Assert.Equal("Earthsea", Titles(books.Filter("tags", fantasy)));
        Assert.Equal("Lathe", Titles(books.Exclude("tags__name__in", new[] { "classic", "fantasy" })));
        Assert.Equal("classic", string.Join(",", tags.Filter("books__author__name", "Octavia").ValuesList<string>("name")));
        Assert.Equal("fantasy", string.Join(",", tags.Filter("books__title", "Earthsea").Exclude("books__title", "Kindred").ValuesList<string>("name")));

        // O-15: Set makes exactly these the links; Set([]) removes all; clear: true clears first
        var scifi = await earthsea.Tags.CreateAsync(new RelTag { Name = "scifi" });
        Assert.Equal(3, earthsea.Tags.Count());
        earthsea.Tags.Set([fantasy, scifi]);
        Assert.Equal(["fantasy", "scifi"], earthsea.Tags.OrderBy("name").ValuesList<string>("name").ToList());
        await earthsea.Tags.SetAsync([classic], clear: true);
        Assert.Equal(["classic"], earthsea.Tags.ValuesList<string>("name").ToList());
        earthsea.Tags.Set([]);
        Assert.Equal(0, earthsea.Tags.Count());
        Assert.Equal(3, tags.Count()); // the tags themselves stay
        var (made, created) = earthsea.Tags.GetOrCreate(new { Name = "myth" });
        Assert.True(created);
        Assert.False((await earthsea.Tags.GetOrCreateAsync(new { Name = "myth" })).Created);
        Assert.Equal(made.Id, earthsea.Tags.Get().Id);
        earthsea.Tags.Remove(made);
        Assert.Equal(0, earthsea.Tags.Count());
        classic.Books.Add(earthsea, db.Lathe); // from the other side
        Assert.Equal("Earthsea,Kindred,Lathe", Titles(classic.Books.ToList()));
        await classic.Books.ClearAsync();
        Assert.Equal(0, db.Kindred.Tags.Count());
        Assert.Contains("needs to have a value for field \"id\"", Assert.Throws<ArgumentException>(() => earthsea.Tags.Add(new RelTag { Name = "unsaved" })).Message);

        // an explicit through model, with throughDefaults for its own field
        var ada = RelReader.Objects.Using(db.Alias).Create(new RelReader { Name = "Ada" });
        ada.Borrowed.Add([db.Lathe], throughDefaults: new { Days = 14 });
        await ada.Borrowed.CreateAsync(new RelBook { Title = "Tehanu", Author = db.Ursula }, throughDefaults: new { Days = 7 });
        Assert.Equal([7, 14], RelLoan.Objects.Using(db.Alias).OrderBy("days").ValuesList<int>("days").ToList());
        Assert.Equal("Ada", string.Join(",", RelReader.Objects.Using(db.Alias).Filter("borrowed__title", "Tehanu").ValuesList<string>("name")));
        Assert.Equal("Lathe", Titles(RelBook.Objects.Using(db.Alias).Filter("readers__name", "Ada").Filter("pages__gt", 0)));

        // deleting either side takes its links along, and nothing else
        earthsea.Tags.Add(fantasy);
        fantasy.Delete(db.Alias);
        Assert.Equal(0, earthsea.Tags.Count());
        db.Lathe.Delete(db.Alias); // its loan goes by the through model's CASCADE
        Assert.Equal([7], RelLoan.Objects.Using(db.Alias).ValuesList<int>("days").ToList());
        Assert.Equal(["classic", "myth", "scifi"], tags.OrderBy("name").ValuesList<string>("name").ToList());
    }

    [Fact]
    public void Prefetch_related_reads_relations_for_all_rows_at_once_on_sqlite() => PrefetchRelated(Prepare("sqlite")); // as django/db/models/query.py does

    [PostgresFact]
    public void Prefetch_related_reads_relations_for_all_rows_at_once_on_postgres() => PrefetchRelated(Prepare("postgres")); // as django/db/models/query.py does

    private static void PrefetchRelated(Library db)
    {
        var fantasy = RelTag.Objects.Using(db.Alias).Create(new RelTag { Name = "fantasy" });
        var classic = RelTag.Objects.Using(db.Alias).Create(new RelTag { Name = "classic" });
        db.Earthsea.Tags.Add(fantasy, classic);
        db.Kindred.Tags.Add(classic);
        var authors = RelAuthor.Objects.Using(db.Alias).OrderBy("name")
            .PrefetchRelated("books__tags", "publisher", new Prefetch("books", RelBook.Objects.Filter("pages__gt", 183), toAttr: "long_books"));
        var read = AsyncToSync.Run(() => authors.ToListAsync());
        // read from the prefetched rows, in async code where any sync query would refuse: no query is made
        AsyncToSync.Run(async () =>
        {
            await Task.Yield();
            Assert.Equal(["Nobody", "Octavia", "Ursula"], read.Select(a => a.Name));
            Assert.Equal([0, 1, 2], read.Select(a => a.Books.Count()));
            var ursula = read[2];
            Assert.Equal(["Earthsea", "Lathe"], ursula.Books.ToList().Select(b => b.Title).Order(StringComparer.Ordinal));
            Assert.Equal(["classic", "fantasy"], ursula.Books.ToList().Single(b => b.Title == "Earthsea").Tags.ToList().Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.Equal("Ursula", ursula.Books.ToList()[0].Author.Value!.Name); // the reverse side is set too
            Assert.Equal("Ace", ursula.Publisher!.Value!.Name);
            Assert.Null(read[0].Publisher!.Value);
            Assert.Equal(["Lathe"], ursula.Prefetched<RelBook>("long_books").Select(b => b.Title));
            Assert.Equal(["Kindred"], read[1].Prefetched<RelBook>("long_books").Select(b => b.Title));
        });
        // a relation seen from the other side, and rows read before: PrefetchRelatedObjects
        var tags = RelTag.Objects.Using(db.Alias).OrderBy("name").PrefetchRelated("books__author").ToList();
        Assert.Equal(["Earthsea", "Kindred"], tags[0].Books.ToList().Select(b => b.Title).Order(StringComparer.Ordinal));
        var books = RelBook.Objects.Using(db.Alias).OrderBy("title").ToList();
        Prefetching.PrefetchRelatedObjects(books, "author", "tags");
        Assert.True(books.All(b => b.Author.IsLoaded));
        Assert.Equal([2, 1, 0], books.Select(b => b.Tags.Count()));
        AsyncToSync.Run(() => Prefetching.PrefetchRelatedObjectsAsync(books, ["editor"]));
        Assert.Equal("Octavia", books[0].Editor!.Value!.Name);
        // with no related name, Django's accessor is rel_author_set (lookups say rel_author)
        var presses = RelPublisher.Objects.Using(db.Alias).PrefetchRelated("rel_author_set").ToList();
        AsyncToSync.Run(async () =>
        {
            await Task.Yield(); // no query may run here: the managers read the prefetched rows
            Assert.Equal(["Ursula"], presses.Single().Authors.ToList().Select(a => a.Name));
        });
        Assert.Equal(["Ace"], RelPublisher.Objects.Using(db.Alias).Filter("rel_author__name", "Ursula").ValuesList<string>("name").ToList());
        Assert.Equal("Cannot find 'writer' on RelBook object, 'writer' is an invalid parameter to prefetch_related()",
            Assert.Throws<FieldError>(() => RelBook.Objects.Using(db.Alias).PrefetchRelated("writer").ToList()).Message);
    }

    [Fact]
    public Task Generic_relations_have_the_reverse_managers_methods_on_sqlite() => Generic(Prepare("sqlite")); // as django/contrib/contenttypes/fields.py does

    [PostgresFact]
    public Task Generic_relations_have_the_reverse_managers_methods_on_postgres() => Generic(Prepare("postgres")); // as django/contrib/contenttypes/fields.py does

    private static async Task Generic(Library db)
    {
        var tag = await RelTag.Objects.Using(db.Alias).CreateAsync(new RelTag { Name = "classic" });
        var note = new RelNote { Text = "on a book" };
        await note.Target.SetAsync(db.Earthsea);
        note.Save(db.Alias);
        Assert.Equal("Earthsea", ((RelBook)(await RelNote.Objects.Using(db.Alias).Get().Target.GetAsync())!).Title);
        Assert.Equal("Earthsea", ((RelBook)note.Target.Get()!).Title);

        // the other side: a manager with the reverse-reference managers' methods, sync and async
        var first = await tag.Notes.CreateAsync(new RelNote { Text = "first" });
        tag.Notes.Create(new RelNote { Text = "second" });
        Assert.Equal(["first", "second"], (await tag.Notes.OrderBy("text").ToListAsync()).Select(n => n.Text));
        Assert.True((await tag.Notes.GetOrCreateAsync(new { Text = "third" })).Created);
        Assert.False(tag.Notes.GetOrCreate(new { Text = "third" }).Created);
        Assert.False((await tag.Notes.UpdateOrCreateAsync(new { Text = "third" }, new { Text = "third, edited" })).Created);
        Assert.Equal("classic", ((RelTag)(await tag.Notes.Get("text", "third, edited").Target.GetAsync())!).Name);
        var moved = RelNote.Objects.Using(db.Alias).Get("text", "on a book");
        await tag.Notes.AddAsync([moved]);
        Assert.Equal(4, tag.Notes.Count());
        Assert.Equal(0, RelNote.Objects.Using(db.Alias).Filter("object_id", db.Earthsea.Id).Filter("content_type__model", typeof(RelBook).FullName).Count());
        tag.Notes.Remove(first); // deletes it: a generic reference cannot be NULL
        Assert.Equal(3, RelNote.Objects.Using(db.Alias).Count());
        await tag.Notes.SetAsync([moved]);
        Assert.Equal(["on a book"], tag.Notes.ValuesList<string>("text").ToList());
        await tag.Notes.ClearAsync();
        Assert.Equal(0, RelNote.Objects.Using(db.Alias).Count());
    }

    [Fact]
    public Task Deletes_follow_on_delete_on_sqlite() => Deletes(Prepare("sqlite"));

    [PostgresFact]
    public Task Deletes_follow_on_delete_on_postgres() => Deletes(Prepare("postgres"));

    private static async Task Deletes(Library db)
    {
        var reviews = RelReview.Objects.Using(db.Alias);
        reviews.Create(new RelReview { Stars = 5, Book = db.Earthsea, Reviewer = db.Ursula }); // goes with Ursula's book
        var octaviaOnLathe = reviews.Create(new RelReview { Stars = 4, Book = db.Lathe, Reviewer = db.Octavia });

        // PROTECT: the publisher has authors
        var protectedError = Assert.Throws<ProtectedError>(() => db.Press.Delete(db.Alias));
        Assert.Equal("Cannot delete some instances of model 'RelPublisher' because they are referenced through protected foreign keys: 'RelAuthor.publisher'.", protectedError.Message);
        Assert.Equal([(typeof(RelAuthor), db.Ursula.Id)], protectedError.ProtectedObjects);

        // RESTRICT: Octavia reviewed Ursula's book, which would not go with her
        var restricted = await Assert.ThrowsAsync<RestrictedError>(() => db.Octavia.DeleteAsync(db.Alias));
        Assert.Equal("Cannot delete some instances of model 'RelAuthor' because they are referenced through restricted foreign keys: 'RelReview.reviewer'.", restricted.Message);
        Assert.Equal(3, RelAuthor.Objects.Using(db.Alias).Count()); // refused before anything was written
        octaviaOnLathe.Delete(db.Alias);

        // CASCADE through two levels, with the RESTRICT row going by the same cascade; SET_NULL on the edited book
        var deleted = await RelAuthor.Objects.Using(db.Alias).Filter("name", "Octavia").DeleteAsync();
        Assert.Equal(2, deleted.Total); // Octavia and Kindred
        Assert.Equal(new Dictionary<string, long> { ["RelAuthor"] = 1, ["RelBook"] = 1 }, deleted.PerModel);
        Assert.Null(RelBook.Objects.Using(db.Alias).Get("title", "Earthsea").Editor!.Id);
        var (total, perModel) = RelAuthor.Objects.Using(db.Alias).Filter("name", "Ursula").Delete(); // Ursula, her two books, the review of one
        Assert.Equal(4, total);
        Assert.Equal(new Dictionary<string, long> { ["RelAuthor"] = 1, ["RelBook"] = 2, ["RelReview"] = 1 }, perModel);
        Assert.Equal(0, RelBook.Objects.Using(db.Alias).Count());
        Assert.Equal(0, reviews.Count());
        Assert.Equal("Nobody", Names(RelAuthor.Objects.Using(db.Alias).ToList()));
        db.Press.Delete(db.Alias); // nothing protects it now
        Assert.Equal(0, RelPublisher.Objects.Using(db.Alias).Count());
    }
}
