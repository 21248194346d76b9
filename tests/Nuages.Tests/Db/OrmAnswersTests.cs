using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Test;

namespace Nuages.Tests.Db;

public sealed class JqSale : Model<JqSale>
{
    [DecimalField(6, 2)] public decimal Amount { get; set; }
    public decimal Plain { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>Smaller places where Nuages answered otherwise than Django, on the data of JoinSemanticsTests, on both engines.</summary>
[Collection("jq-data")] // the classes that seed the Jq tables run one after another: they drop and fill the same tables
public class OrmAnswersTests
{
    [Fact]
    public void An_in_lookup_of_no_values_sends_no_query_on_sqlite() => An_in_lookup_of_no_values_sends_no_query("sqlite");

    [PostgresFact]
    public void An_in_lookup_of_no_values_sends_no_query_on_postgres() => An_in_lookup_of_no_values_sends_no_query("postgres");

    private static void An_in_lookup_of_no_values_sends_no_query(string engine)
    {
        var authors = JqAuthor.Objects.Using(JoinSemanticsTests.Seed(engine));
        using var queries = new CaptureQueries();
        Assert.Empty(authors.Filter("id__in", Array.Empty<long>()).ToList());
        Assert.Equal(0, authors.Filter("id__in", Array.Empty<long>()).Count());
        Assert.Empty(authors.Filter("pk__in", new List<long>()).Values("name").ToList());
        Assert.Equal(0, queries.Count); // Django's EmptyResultSet: answered without the database
        Assert.Equal(4, authors.Exclude("id__in", Array.Empty<long>()).Count()); // under NOT it matches everything
    }

    [Fact]
    public void A_filtered_prefetch_stays_filtered_under_a_deeper_lookup_on_sqlite() => A_filtered_prefetch_stays_filtered_under_a_deeper_lookup("sqlite");

    [PostgresFact]
    public void A_filtered_prefetch_stays_filtered_under_a_deeper_lookup_on_postgres() => A_filtered_prefetch_stays_filtered_under_a_deeper_lookup("postgres");

    private static void A_filtered_prefetch_stays_filtered_under_a_deeper_lookup(string engine)
    {
        var alias = JoinSemanticsTests.Seed(engine);
        using var queries = new CaptureQueries();
        var authors = JqAuthor.Objects.Using(alias)
            .PrefetchRelated(new Prefetch("books", JqBook.Objects.Filter("in_print", true).OrderBy("title")), "books__reviews")
            .OrderBy("name").ToList();
        Assert.Equal(3, queries.Count); // authors, the books in print, their reviews
        var ursula = authors.Single(a => a.Name == "Ursula");
        var books = ursula.Prefetched<JqBook>("books");
        Assert.Equal(["Earthsea"], books.Select(b => b.Title));
        Assert.Equal([4, 5], books[0].Prefetched<JqReview>("reviews").Select(r => r.Rating).Order());
        Assert.Equal(3, queries.Count); // nothing more read
        Assert.Equal("'books' lookup was already seen with a different queryset. You may need to adjust the ordering of your lookups.",
            Assert.Throws<ArgumentException>(() => JqAuthor.Objects.Using(alias).PrefetchRelated("books__reviews", new Prefetch("books", JqBook.Objects.Filter("in_print", true))).ToList()).Message);
    }

    [Fact]
    public void A_many_to_many_prefetch_is_one_query_on_sqlite() => A_many_to_many_prefetch_is_one_query("sqlite");

    [PostgresFact]
    public void A_many_to_many_prefetch_is_one_query_on_postgres() => A_many_to_many_prefetch_is_one_query("postgres");

    private static void A_many_to_many_prefetch_is_one_query(string engine)
    {
        var alias = JoinSemanticsTests.Seed(engine);
        using var queries = new CaptureQueries();
        var books = JqBook.Objects.Using(alias).PrefetchRelated("tags").OrderBy("title").ToList();
        Assert.Equal(2, queries.Count); // the books, then the tags joined to their links, as Django's
        Assert.Equal(["", "classic,scifi", "classic,fantasy", "classic", "scifi"],
            books.Select(b => string.Join(",", b.Tags.ToList().Select(t => t.Name).Order(StringComparer.Ordinal))));
        Assert.Equal(2, queries.Count);
    }

    [Fact]
    public void Strings_in_functions_are_field_names_and_aggregates_take_a_default_on_sqlite() => Strings_in_functions_are_field_names_and_aggregates_take_a_default("sqlite");

    [PostgresFact]
    public void Strings_in_functions_are_field_names_and_aggregates_take_a_default_on_postgres() => Strings_in_functions_are_field_names_and_aggregates_take_a_default("postgres");

    private static void Strings_in_functions_are_field_names_and_aggregates_take_a_default(string engine)
    {
        var alias = JoinSemanticsTests.Seed(engine);
        var authors = JqAuthor.Objects.Using(alias);
        Assert.Equal(["iain@example.com", "n/a", "n/a", "ursula@example.com"],
            authors.Annotate(new { Contact = new Coalesce("email", new Value("n/a")) }).OrderBy("name").ValuesList<string>("contact").ToList());
        var books = JqBook.Objects.Using(alias);
        Assert.Equal(0L, books.Filter("pages__gt", 1000).Aggregate(new { S = new Sum("pages", @default: 0) })["s"]);
        Assert.Null(books.Filter("pages__gt", 1000).Aggregate(new { S = new Sum("pages") })["s"]);
        Assert.Equal(1279L, books.Aggregate(new { S = new Sum("pages", @default: 0) })["s"]);
        Assert.Equal("s is not an aggregate expression", Assert.Throws<ArgumentException>(() => books.Aggregate(new { S = new F("pages") })).Message);
    }

    [Fact]
    public void Lookups_on_relations_fail_with_djangos_messages_on_sqlite() => Lookups_on_relations_fail_with_djangos_messages("sqlite");

    [PostgresFact]
    public void Lookups_on_relations_fail_with_djangos_messages_on_postgres() => Lookups_on_relations_fail_with_djangos_messages("postgres");

    private static void Lookups_on_relations_fail_with_djangos_messages(string engine)
    {
        var books = JqBook.Objects.Using(JoinSemanticsTests.Seed(engine));
        Assert.Equal("Related Field got invalid lookup: startswith", Assert.Throws<FieldError>(() => books.Filter("tags__startswith", "x")).Message);
        Assert.Equal("Related Field got invalid lookup: icontains", Assert.Throws<FieldError>(() => books.Filter("author__icontains", "x")).Message);
        Assert.Equal("Cannot resolve keyword 'nme' into field. Choices are: books, id, name.", Assert.Throws<FieldError>(() => books.Filter("tags__nme", "x")).Message);
        Assert.Equal("Cannot resolve keyword 'titel' into field. Choices are: author, id, in_print, pages, reviews, tags, title.", Assert.Throws<FieldError>(() => books.Filter("titel", "x")).Message);
    }

    [Fact]
    public void Not_equal_in_a_lambda_keeps_the_null_rows_on_sqlite() => Not_equal_in_a_lambda_keeps_the_null_rows("sqlite");

    [PostgresFact]
    public void Not_equal_in_a_lambda_keeps_the_null_rows_on_postgres() => Not_equal_in_a_lambda_keeps_the_null_rows("postgres");

    private static void Not_equal_in_a_lambda_keeps_the_null_rows(string engine)
    {
        var authors = JqAuthor.Objects.Using(JoinSemanticsTests.Seed(engine));
        Assert.Equal(["Nobody", "Octavia", "Ursula"], authors.Filter(a => a.Email != "iain@example.com").OrderBy("name").ValuesList<string>("name").ToList());
        Assert.Equal(["Nobody", "Octavia", "Ursula"], authors.Exclude(a => a.Email == "iain@example.com").OrderBy("name").ValuesList<string>("name").ToList());
        Assert.Equal(["Iain", "Ursula"], authors.Filter(a => a.Email != null).OrderBy("name").ValuesList<string>("name").ToList());
    }

    [Fact]
    public void Decimals_read_back_at_the_fields_scale_on_sqlite() => Decimals("sqlite");

    [PostgresFact]
    public void Decimals_read_back_at_the_fields_scale_on_postgres() => Decimals("postgres");

    private static void Decimals(string engine)
    {
        var alias = OrmDatabase.Prepare(engine, typeof(JqSale));
        var sales = JqSale.Objects.Using(alias);
        sales.Create(new JqSale { Amount = 43m, Plain = 43m, At = DateTimeOffset.UnixEpoch });
        var sale = sales.Get();
        Assert.Equal("43.00", sale.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)); // as Django's DecimalField reads it
        Assert.Equal("43.00", sales.ValuesList<decimal>("amount").Single().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("43.00", ((decimal)sales.Values("amount").Single()["amount"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        sales.Update(new { Amount = 12.345m });
        // PostgreSQL's numeric(6, 2) rounds half away from zero when it stores; SQLite stores 12.345 and the read
        // rounds half to even, as Django's SQLite converter (Decimal.quantize) does
        Assert.Equal(engine == "postgres" ? "12.35" : "12.34", sales.Get().Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (engine == "postgres")
            Assert.Equal(["numeric|6|2", "numeric||"], Database.Connections[alias].Query(
                "SELECT data_type, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'jq_sale' AND column_name IN ('amount', 'plain') ORDER BY column_name").Select(r => string.Join("|", r)));
    }

    [Fact]
    public void Sqlite_datetimes_are_written_and_compared_as_django_writes_them()
    {
        var alias = OrmDatabase.Prepare("sqlite", typeof(JqSale));
        var sales = JqSale.Objects.Using(alias);
        var whole = new DateTimeOffset(2022, 1, 2, 5, 49, 0, TimeSpan.Zero);
        // a row as Django wrote it: str() of the UTC datetime, without a fraction when there are no microseconds
        Database.Connections[alias].Execute("INSERT INTO jq_sale (amount, plain, at) VALUES (1, 1, %s)", "2022-01-02 05:49:00");
        Assert.Equal(1, sales.Filter("at", whole).Count());
        Assert.Equal(1, sales.Filter("at__gte", whole).Count());
        Assert.Equal(0, sales.Filter("at__gt", whole).Count());
        Assert.Equal(whole, sales.Get().At);
        sales.Create(new JqSale { Amount = 2, Plain = 2, At = whole.AddTicks(15) }); // 1.5 µs
        sales.Create(new JqSale { Amount = 3, Plain = 3, At = whole.AddHours(1) });
        Assert.Equal(["2022-01-02 05:49:00", "2022-01-02 05:49:00.000001", "2022-01-02 06:49:00"],
            Database.Connections[alias].Query("SELECT at FROM jq_sale ORDER BY at").Select(r => (string)r[0]!));
        Assert.Equal(2, sales.Filter("at__gt", whole).Count());
    }

    [Fact]
    public async Task Linq_over_a_queryset_compiles_without_ceremony_sync_and_async()
    {
        var alias = JoinSemanticsTests.Seed("sqlite");
        var books = JqBook.Objects.Using(alias).Filter("author__name", "Ursula").OrderBy("title");
        // LINQ to objects over the rows: no ambiguity with async LINQ (CS0121), as a QuerySet is IEnumerable only
        Assert.Equal(["Earthsea", "Lathe"], books.Select(b => b.Title).ToList());
        Assert.Equal(["Lathe"], books.Where(b => b.Pages > 183).Select(b => b.Title));
        Assert.Equal(367, books.Sum(b => b.Pages));
        Assert.Equal(["Earthsea", "Lathe"], JqBook.Objects.Using(alias).Filter("author__name", "Ursula").OrderBy("title").ValuesList<string>("title").Select(t => t).ToList());
        // await foreach reads asynchronously, by the async iteration pattern
        var titles = new List<string>();
        await foreach (var book in books) titles.Add(book.Title);
        Assert.Equal(["Earthsea", "Lathe"], titles);
        await foreach (var title in books.ValuesList<string>("title")) titles.Add(title);
        Assert.Equal(4, titles.Count);
        // async LINQ over the async sequence
        Assert.Equal(["EARTHSEA", "LATHE"], await books.AsAsyncEnumerable().Select(b => b.Title.ToUpperInvariant()).ToListAsync());
        Assert.Equal(2, await books.AsAsyncEnumerable().CountAsync());
    }

    [PostgresFact]
    public void A_subquery_of_more_than_one_row_is_a_programming_error_as_psycopg_says()
    {
        var alias = OrmDatabase.Prepare("postgres");
        var error = Assert.Throws<ProgrammingError>(() => Database.Connections[alias].Query("SELECT (SELECT 1 UNION SELECT 2)"));
        Assert.StartsWith("21000", error.Message, StringComparison.Ordinal);
    }
}
