using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Query;
using Nuages.Test;

namespace Nuages.Tests.Db;

/// <summary>Smaller places where Nuages answered otherwise than Django, on the data of JoinSemanticsTests, on both engines.</summary>
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

    [PostgresFact]
    public void A_subquery_of_more_than_one_row_is_a_programming_error_as_psycopg_says()
    {
        var alias = OrmDatabase.Prepare("postgres");
        var error = Assert.Throws<ProgrammingError>(() => Database.Connections[alias].Query("SELECT (SELECT 1 UNION SELECT 2)"));
        Assert.StartsWith("21000", error.Message, StringComparison.Ordinal);
    }
}
