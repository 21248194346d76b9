using System.ComponentModel.DataAnnotations;
using Nuages.Core;
using Nuages.Db.Models;
using Nuages.Db.Query;

namespace Nuages.Tests.Db;

public sealed class JqPlace : Model<JqPlace>
{
    [MaxLength(50), Unique] public string Name { get; set; } = "";
    public RelatedOne<JqRestaurant> Restaurant => RelatedOne<JqRestaurant>();
}

public sealed class JqRestaurant : Model<JqRestaurant>
{
    [OnDelete(OnDelete.Cascade)] public OneToOne<JqPlace> Place { get; set; } = new();
    public bool ServesPizza { get; set; }
}

/// <summary>The parts of Django's QuerySet API that a C# spelling needed, on the data of JoinSemanticsTests, on both engines.</summary>
[Collection("jq-data")] // the classes that seed the Jq tables run one after another: they drop and fill the same tables
public class QuerySetSurfaceTests
{
    [Fact]
    public async Task The_queryset_surface_on_sqlite() => await Surface("sqlite");

    [PostgresFact]
    public async Task The_queryset_surface_on_postgres() => await Surface("postgres");

    private static async Task Surface(string engine)
    {
        var alias = JoinSemanticsTests.Seed(engine);
        var authors = JqAuthor.Objects.Using(alias).OrderBy("name");
        var books = JqBook.Objects.Using(alias);

        // indexing and slicing with C# indices and ranges, as qs[1] and qs[1:3]
        Assert.Equal("Nobody", authors[1].Name);
        Assert.Equal(["Nobody", "Octavia"], authors[1..3].Select(a => a.Name));
        Assert.Equal(["Octavia", "Ursula"], authors[2..].Select(a => a.Name));
        Assert.Equal("list index out of range", Assert.Throws<ArgumentOutOfRangeException>(() => authors[9]).Message.Split(" (")[0]);
        Assert.Equal("Negative indexing is not supported.", Assert.Throws<ArgumentException>(() => authors[^1]).Message);

        // in_bulk by a unique field
        var tags = JqTag.Objects.Using(alias);
        Assert.Equal("in_bulk()'s field_name must be a unique field but 'name' isn't.", Assert.Throws<ArgumentException>(() => tags.InBulk(["classic"], "name")).Message);
        var byId = await books.InBulkAsync(new[] { books.Get("title", "Dawn").Id }, "pk");
        Assert.Equal("Dawn", byId.Values.Single().Title);

        // values_list(named=True)
        var row = books.OrderBy("title").ValuesList(["title", "pages"], named: true).First()!;
        Assert.Equal(("Culture", 400), ((string)row["title"]!, Convert.ToInt32(row[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["title", "pages"], row.Fields);
        Assert.Equal("'Row' object has no attribute 'author'. Fields are: title, pages.", Assert.Throws<KeyNotFoundException>(() => row["author"]).Message);

        // ~Exists and Exclude(expression)
        var reviewed = JqReview.Objects.Filter("book", new OuterRef("pk"));
        Assert.Equal(["Dawn"], books.Filter(~new Exists(reviewed)).ValuesList<string>("title").ToList());
        Assert.Equal(["Dawn"], books.Exclude(new Exists(reviewed)).ValuesList<string>("title").ToList());
        Assert.Equal(4, books.Filter(new Exists(reviewed)).Count());

        // ManyToMany Add/Remove/Set take primary keys, as Django's
        var culture = books.Get("title", "Culture");
        var (fantasy, classic) = (tags.Get("name", "fantasy"), tags.Get("name", "classic"));
        culture.Tags.Add(fantasy.Id, classic.Id);
        Assert.Equal(["classic", "fantasy"], culture.Tags.OrderBy("name").ValuesList<string>("name").ToList());
        culture.Tags.Remove(fantasy.Id);
        Assert.Equal(["classic"], culture.Tags.ValuesList<string>("name").ToList());
        await culture.Tags.SetAsync([fantasy.Id]);
        Assert.Equal(["fantasy"], culture.Tags.ValuesList<string>("name").ToList());
        await culture.Tags.AddAsync([classic.Id]);
        await culture.Tags.RemoveAsync([classic.Id, fantasy.Id]);
        Assert.Equal(0, culture.Tags.Count());
    }

    [Fact]
    public void A_reverse_one_to_one_is_one_row_on_sqlite() => ReverseOneToOne("sqlite");

    [PostgresFact]
    public void A_reverse_one_to_one_is_one_row_on_postgres() => ReverseOneToOne("postgres");

    private static void ReverseOneToOne(string engine)
    {
        var alias = OrmDatabase.Prepare(engine, typeof(JqPlace), typeof(JqRestaurant));
        var places = JqPlace.Objects.Using(alias);
        var demon = places.Create(new JqPlace { Name = "Demon Dogs" });
        var empty = places.Create(new JqPlace { Name = "Empty lot" });
        JqRestaurant.Objects.Using(alias).Create(new JqRestaurant { Place = demon, ServesPizza = true });
        Assert.True(places.Get("name", "Demon Dogs").Restaurant.Value.ServesPizza);
        Assert.Equal("JqPlace has no jq_restaurant.", Assert.Throws<JqRestaurant.DoesNotExist>(() => empty.Restaurant.Value).Message);
        Assert.Null(empty.Restaurant.ValueOrDefault);
        // lookups through it are single-valued: no duplicate rows, and Exclude keeps the place without one
        Assert.Equal(["Demon Dogs"], places.Filter("jq_restaurant__serves_pizza", true).ValuesList<string>("name").ToList());
        Assert.Equal(["Empty lot"], places.Exclude("jq_restaurant__serves_pizza", true).ValuesList<string>("name").ToList());
        var inBulk = places.InBulk(["Demon Dogs", "Empty lot"], "name");
        Assert.Equal([demon.Id, empty.Id], inBulk.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.Id));
    }
}
