using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nuages.Db.Models;
using Nuages.Db.Query;

using Nuages.Tests.Support;

namespace Nuages.Tests.Db;

public sealed class JqPublisher : Model<JqPublisher>
{
    [MaxLength(50)] public string Name { get; set; } = "";
    [MaxLength(2)] public string Country { get; set; } = "";
}

public sealed class JqAuthor : Model<JqAuthor>
{
    [MaxLength(50)] public string Name { get; set; } = "";
    [MaxLength(100)] public string? Email { get; set; }
    [OnDelete(OnDelete.SetNull), RelatedName("authors")] public ForeignKey<JqPublisher>? Publisher { get; set; }
}

public sealed class JqTag : Model<JqTag>
{
    [MaxLength(50)] public string Name { get; set; } = "";
}

public sealed class JqBook : Model<JqBook>
{
    [MaxLength(50)] public string Title { get; set; } = "";
    public int Pages { get; set; }
    public bool InPrint { get; set; }
    [OnDelete(OnDelete.Cascade), RelatedName("books")] public ForeignKey<JqAuthor> Author { get; set; } = new();
    [RelatedName("books")] public ManyToMany<JqTag> Tags => ManyToMany<JqTag>();
}

public sealed class JqReview : Model<JqReview>
{
    [OnDelete(OnDelete.Cascade), RelatedName("reviews")] public ForeignKey<JqBook> Book { get; set; } = new();
    public int Rating { get; set; }
}

/// <summary>
/// Queries across relations to many rows answer as Django's do, row for row: the answers are Django's own, made by
/// Vectors/django_joins.py on the same data (one Filter call shares a join, separate calls join anew, Annotate reuses
/// the filter's join, Exclude tests each lookup with a subquery, NULLs kept under NOT, joins promoted in OR).
/// </summary>
[Collection("jq-data")] // the classes that seed the Jq tables run one after another: they drop and fill the same tables
public class JoinSemanticsTests
{
    private static readonly Type[] Models = [typeof(JqPublisher), typeof(JqAuthor), typeof(JqTag), typeof(JqBook), typeof(JqReview)];

    private static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Db", "Vectors", "django_joins.json")))!.AsObject();

    [Fact]
    public void Queries_across_relations_answer_as_Djangos_on_sqlite() => Compare(Seed("sqlite"));

    [PostgresFact]
    public void Queries_across_relations_answer_as_Djangos_on_postgres() => Compare(Seed("postgres"));

    /// <summary>The rows of django_joins.py, in the same order, so the ids match too.</summary>
    internal static string Seed(string engine)
    {
        var alias = OrmDatabase.Prepare(engine, Models);
        var ace = JqPublisher.Objects.Using(alias).Create(new JqPublisher { Name = "Ace", Country = "US" });
        var gollancz = JqPublisher.Objects.Using(alias).Create(new JqPublisher { Name = "Gollancz", Country = "UK" });
        var authors = JqAuthor.Objects.Using(alias);
        var ursula = authors.Create(new JqAuthor { Name = "Ursula", Email = "ursula@example.com", Publisher = ace });
        var octavia = authors.Create(new JqAuthor { Name = "Octavia", Publisher = ace });
        authors.Create(new JqAuthor { Name = "Nobody" });
        var iain = authors.Create(new JqAuthor { Name = "Iain", Email = "iain@example.com", Publisher = gollancz });
        var tags = JqTag.Objects.Using(alias);
        var (fantasy, classic, scifi) = (tags.Create(new JqTag { Name = "fantasy" }), tags.Create(new JqTag { Name = "classic" }), tags.Create(new JqTag { Name = "scifi" }));
        var books = JqBook.Objects.Using(alias);
        var earthsea = books.Create(new JqBook { Title = "Earthsea", Pages = 183, InPrint = true, Author = ursula });
        var lathe = books.Create(new JqBook { Title = "Lathe", Pages = 184, InPrint = false, Author = ursula });
        var kindred = books.Create(new JqBook { Title = "Kindred", Pages = 264, InPrint = true, Author = octavia });
        var dawn = books.Create(new JqBook { Title = "Dawn", Pages = 248, InPrint = false, Author = octavia });
        var culture = books.Create(new JqBook { Title = "Culture", Pages = 400, InPrint = true, Author = iain });
        earthsea.Tags.Add(fantasy, classic);
        lathe.Tags.Add(scifi);
        kindred.Tags.Add(classic);
        dawn.Tags.Add(scifi, classic);
        foreach (var (book, rating) in new[] { (earthsea, 5), (earthsea, 4), (lathe, 3), (kindred, 5), (culture, 2), (culture, 4), (culture, 5) })
            JqReview.Objects.Using(alias).Create(new JqReview { Book = book, Rating = rating });
        return alias;
    }

    private static void Compare(string alias)
    {
        var A = JqAuthor.Objects.Using(alias);
        var B = JqBook.Objects.Using(alias);
        var T = JqTag.Objects.Using(alias);
        var P = JqPublisher.Objects.Using(alias);
        var classic = T.Get("name", "classic");
        static object Names<TModel>(QuerySet<TModel> qs) where TModel : Model<TModel>, new() => qs.ValuesList<string>("name").ToList();
        static object Titles(QuerySet<JqBook> qs) => qs.ValuesList<string>("title").ToList();
        static object Rows<TModel>(QuerySet<TModel> qs, params string[] fields) where TModel : Model<TModel>, new() => qs.ValuesList(fields).ToList();
        object? One(Dictionary<string, object?> result, string key) => result[key];
        // Django's labels are "contenttypes.Book"; these models have no app and are named Jq…
        static object Deleted(DeleteResult result) => new object[] { result.Total, result.PerModel.ToDictionary(p => "contenttypes." + p.Key[2..], p => p.Value) };

        // In the order of django_joins.py; the update comes last, as it changes the rows.
        var cases = new List<(string Name, Func<object?> Query)>
        {
            ("reverse_isnull", () => Names(A.Filter("books__isnull", true).OrderBy("name"))),
            ("m2m_isnull", () => Titles(B.Filter("tags__isnull", true).OrderBy("title"))),
            ("exclude_reverse_isnull", () => Names(A.Exclude("books__isnull", true).OrderBy("name"))),
            ("reverse_isnull_false", () => Names(A.Filter("books__isnull", false).OrderBy("name"))),
            ("exclude_nullable", () => Names(A.Exclude("email", "iain@example.com").OrderBy("name"))),
            ("exclude_q_nullable", () => Names(A.Exclude(new Q("email__startswith", "u")).OrderBy("name"))),
            ("negated_q_nullable", () => Names(A.Filter(~new Q("email__startswith", "u")).OrderBy("name"))),
            ("exclude_forward_null", () => Titles(B.Exclude("author__email", null).OrderBy("title"))),
            ("filter_forward_null", () => Titles(B.Filter("author__email", null).OrderBy("title"))),
            ("exclude_forward_nullable_fk", () => Names(A.Exclude("publisher__name", "Ace").OrderBy("name"))),
            ("count_two_levels", () => Rows(A.Annotate(new { N = new Count("books__reviews") }).OrderBy("name"), "name", "n")),
            ("aggregate_two_levels", () => One(A.Aggregate(new { N = new Count("books__reviews") }), "n")),
            ("aggregate_reverse", () => One(A.Aggregate(new { N = new Count("books") }), "n")),
            ("same_row", () => Names(A.Filter(new Q("books__in_print", false) & new Q("books__pages__gt", 200)).OrderBy("name"))),
            ("same_row_q", () => Names(A.Filter(new Q("books__in_print", false) & new Q("books__pages__gt", 200)).OrderBy("name"))),
            ("separate_calls", () => Names(A.Filter("books__in_print", false).Filter("books__pages__gt", 200).OrderBy("name"))),
            ("same_row_none", () => Names(A.Filter(new Q("books__title", "Earthsea") & new Q("books__pages", 184)))),
            ("separate_calls_both", () => Names(A.Filter("books__title", "Earthsea").Filter("books__pages", 184))),
            ("filter_then_count", () => Rows(A.Filter("books__in_print", false).Annotate(new { N = new Count("books") }).OrderBy("name"), "name", "n")),
            ("count_then_filter", () => Rows(A.Annotate(new { N = new Count("books") }).Filter("books__in_print", false).OrderBy("name"), "name", "n")),
            ("inflation", () => Rows(B.Annotate(new { T = new Count("tags"), R = new Count("reviews") }).OrderBy("title"), "title", "t", "r")),
            ("inflation_distinct", () => Rows(B.Annotate(new { T = new Count("tags", distinct: true), R = new Count("reviews", distinct: true) }).OrderBy("title"), "title", "t", "r")),
            ("sum_inflated", () => Rows(A.Annotate(new { P = new Sum("books__pages"), R = new Count("books__reviews") }).OrderBy("name"), "name", "p", "r")),
            ("values_annotate_same_name", () => B.Values("author__publisher__name").Annotate(new { Pages = new Sum("pages") }).OrderBy("pages").ToList()
                .Select(r => new object?[] { r["author__publisher__name"], r["pages"] }).ToList()),
            ("coalesce_sum", () => One(B.Aggregate(new { D = new Coalesce(new Sum("pages"), 0) }), "d")),
            ("coalesce_sum_empty", () => One(B.Filter("pages__gt", 1000).Aggregate(new { D = new Coalesce(new Sum("pages"), 0) }), "d")),
            ("two_levels_distinct", () => Names(A.Filter("books__reviews__rating", 5).Distinct().OrderBy("name"))),
            ("two_levels_rows", () => Names(A.Filter("books__reviews__rating", 5).OrderBy("name"))),
            ("exclude_two_levels", () => Names(A.Exclude("books__reviews__rating", 5).OrderBy("name"))),
            ("exclude_each_lookup_alone", () => Names(A.Exclude(new Q("books__title__startswith", "D") & new Q("books__pages__gt", 250)).OrderBy("name"))),
            ("reverse_then_m2m", () => Names(A.Filter("books__tags__name", "classic").OrderBy("name"))),
            ("exclude_reverse_then_m2m", () => Names(A.Exclude("books__tags__name", "classic").OrderBy("name"))),
            ("m2m_by_row", () => Titles(B.Filter("tags", classic).OrderBy("title"))),
            ("m2m_reverse_then_forward", () => Names(T.Filter("books__author__name", "Octavia").Distinct().OrderBy("name"))),
            ("m2m_count", () => Rows(T.Annotate(new { N = new Count("books") }).OrderBy("name"), "name", "n")),
            ("publisher_two_levels", () => Rows(P.Annotate(new { N = new Count("authors__books") }).OrderBy("name"), "name", "n")),
            ("or_promotes", () => Names(A.Filter(new Q("books__in_print", false) | new Q("email__isnull", true)).Distinct().OrderBy("name"))),
            ("or_forward_promotes", () => Names(A.Filter(new Q("publisher__country", "UK") | new Q("email", null)).OrderBy("name"))),
            ("count_filtered", () => Rows(A.Annotate(new { N = new Count("books", filter: new Q("books__in_print", true)) }).OrderBy("name"), "name", "n")),
            ("having", () => Names(A.Annotate(new { N = new Count("books") }).Filter("n__gte", 2).OrderBy("name"))),
            ("count_rows", () => A.Filter("books__pages__gt", 200).Count()),
            ("order_by_reverse", () => Names(A.Filter("books__isnull", false).OrderBy("books__pages"))),
            ("order_by_m2m", () => Titles(B.Filter("tags__isnull", false).OrderBy("tags__name", "title"))),
            ("values_reverse", () => Rows(A.OrderBy("name", "books__title"), "name", "books__title")),
            ("values_m2m", () => Rows(B.OrderBy("title", "tags__name"), "title", "tags__name")),
            ("max_across", () => Rows(A.Annotate(new { M = new Max("books__reviews__rating") }).Filter("m__isnull", false).OrderBy("name"), "name", "m")),
            ("f_across_same_call", () => Titles(B.Filter("reviews__rating__gt", new F("pages") / 100).Distinct().OrderBy("title"))),
            ("update_across", () => B.Filter("author__name", "Iain").Update(new { Pages = new F("pages") + 1 })),
            ("after_update", () => Rows(B.OrderBy("title"), "title", "pages")),
            ("delete_m2m", () => Deleted(B.Filter("title", "Dawn").Delete())),
            ("delete_cascade", () => Deleted(A.Filter("name", "Iain").Delete())),
            ("delete_nothing", () => Deleted(A.Filter("name", "Nobody at all").Delete())),
            ("links_left", () => JqBook.Through("tags").Using(alias).Count()),
        };
        DjangoAnswers.AssertSame(Django, cases);
    }
}
