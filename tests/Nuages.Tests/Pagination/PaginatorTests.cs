using System.Text.Json;
using System.Text.Json.Nodes;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Pagination;
using Nuages.Test;
using Nuages.Tests.Db;

namespace Nuages.Tests.Pagination;

/// <summary>The paginator on lists against Django's answers (Vectors/django_paginator.py), and on a QuerySet in both modes.</summary>
public class PaginatorTests
{
    private static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Pagination", "Vectors", "django_paginator.json")))!.AsObject();

    private static object? Number(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.String => (string)node!,
        JsonValueKind.Number when node!.ToJsonString().Contains('.') => (double)node,
        _ => (int)node!,
    };

    private static JsonNode Attempt(Func<JsonNode?> call)
    {
        try
        {
            return new JsonObject { ["ok"] = call() };
        }
        catch (InvalidPage e)
        {
            return new JsonObject { ["error"] = e.GetType().Name, ["message"] = e.Message };
        }
    }

    private static JsonNode Describe(Page<int> page) => new JsonObject
    {
        ["number"] = page.Number,
        ["items"] = new JsonArray([.. page.Select(i => (JsonNode)i)]),
        ["has_next"] = page.HasNext(),
        ["has_previous"] = page.HasPrevious(),
        ["has_other_pages"] = page.HasOtherPages(),
        ["start_index"] = page.StartIndex(),
        ["end_index"] = page.EndIndex(),
        ["next"] = Attempt(() => page.NextPageNumber()),
        ["previous"] = Attempt(() => page.PreviousPageNumber()),
        ["repr"] = page.ToString(),
    };

    [Fact]
    public async Task Lists_paginate_as_Djangos_in_both_modes()
    {
        foreach (var node in Django["cases"]!.AsArray())
        {
            var c = node!.AsObject();
            var paginator = new Paginator<int>(Enumerable.Range(1, (int)c["count"]!).ToList(), (int)c["per_page"]!, (int)c["orphans"]!, (bool)c["allow_empty_first_page"]!);
            var label = c.ToJsonString()[..80];
            Assert.Equal((int)c["num_pages"]!, paginator.NumPages);
            Assert.Equal(c["page_range"]!.AsArray().Select(n => (int)n!), paginator.PageRange);
            foreach (var p in c["pages"]!.AsArray())
            {
                var number = Number(p!["number"]);
                Assert.True(JsonNode.DeepEquals(p["page"], Attempt(() => Describe(paginator.Page(number)))), $"{label} page({p["number"]?.ToJsonString()}): {Attempt(() => Describe(paginator.Page(number))).ToJsonString()}");
                Assert.True(JsonNode.DeepEquals(p["get_page"], Attempt(() => paginator.GetPage(number).Number)), $"{label} get_page({p["number"]?.ToJsonString()})");
                var fresh = new Paginator<int>(Enumerable.Range(1, (int)c["count"]!).ToList(), (int)c["per_page"]!, (int)c["orphans"]!, (bool)c["allow_empty_first_page"]!);
                JsonNode asyncPage;
                try
                {
                    asyncPage = new JsonObject { ["ok"] = Describe(await fresh.PageAsync(number)) };
                }
                catch (InvalidPage e)
                {
                    asyncPage = new JsonObject { ["error"] = e.GetType().Name, ["message"] = e.Message };
                }
                Assert.True(JsonNode.DeepEquals(p["page"], asyncPage), $"{label} PageAsync({p["number"]?.ToJsonString()})");
            }
        }
    }

    [Fact]
    public async Task Elided_ranges_are_Djangos()
    {
        foreach (var node in Django["elided"]!.AsArray())
        {
            var paginator = new Paginator<int>(Enumerable.Range(0, (int)node!["num_pages"]!).ToList(), 1);
            var expected = node["range"]!.AsArray().Select(n => n!.GetValueKind() == JsonValueKind.String ? (object)(string)n! : (int)n!).ToList();
            Assert.Equal(expected, paginator.GetElidedPageRange((int)node["number"]!, (int)node["on_each_side"]!, (int)node["on_ends"]!).ToList());
            Assert.Equal(expected, await paginator.GetElidedPageRangeAsync((int)node["number"]!, (int)node["on_each_side"]!, (int)node["on_ends"]!));
        }
    }

    [Fact]
    public async Task A_queryset_is_counted_and_sliced_in_the_database_with_async_io_when_async()
    {
        // a database of its own: the ORM tests recreate OrmAuthor's table in theirs while this runs
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-paginator-{Guid.NewGuid():N}.sqlite3");
        using var site = Support.TestSite.Create(s => s.Databases["default"] = Database.Sqlite(database)).Enter();
        Schema.Migrate([typeof(OrmAuthor)], "default");
        for (var i = 1; i <= 23; i++) await new OrmAuthor { Name = $"author {i:00}", Age = i, Token = Guid.NewGuid() }.SaveAsync();
        var query = OrmAuthor.Objects.OrderBy("name");

        using (var queries = new CaptureQueries())
        {
            var paginator = new Paginator<OrmAuthor>(query, 10, orphans: 3);
            var last = await paginator.PageAsync("2");
            Assert.Equal(2, await paginator.NumPagesAsync());
            Assert.Equal(Enumerable.Range(11, 13).Select(i => $"author {i:00}"), last.Select(a => a.Name));
            Assert.False(last.HasNext());
            Assert.Equal(23, last.EndIndex());
            Assert.Equal(2, queries.Count); // one COUNT, one slice: nothing read twice, nothing read whole
        }
        var sync = new Paginator<OrmAuthor>(query, 10).Page(3);
        Assert.Equal(["author 21", "author 22", "author 23"], sync.Select(a => a.Name));
        Assert.Equal("That page contains no results", (await Assert.ThrowsAsync<EmptyPage>(async () => await new Paginator<OrmAuthor>(query, 10).PageAsync(4))).Message);
        Assert.Equal(3, (await new Paginator<OrmAuthor>(query, 10).GetPageAsync(99)).Number);
    }
}
