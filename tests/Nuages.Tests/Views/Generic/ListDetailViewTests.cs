using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Db;
using Nuages.Tests.Support;
using Nuages.Views;
using Nuages.Views.Generic;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views.Generic;

/// <summary>ListView and DetailView as django/views/generic/list.py and detail.py, sync and async, on SQLite.</summary>
public class ListDetailViewTests
{
    private static readonly string Dirs = Directory.CreateTempSubdirectory("nuages-generic-").FullName;

    static ListDetailViewTests()
    {
        // the names Django's conventions make for a model outside any app: {model}_list.html, {model}_detail.html
        File.WriteAllText(System.IO.Path.Combine(Dirs, "ormauthor_list.html"),
            "{% for a in object_list %}{{ a.name }},{% endfor %}|{{ page_obj.number }}/{{ paginator.num_pages }}|{{ is_paginated }}|{{ ormauthor_list|length }}|{{ page_obj.has_next }}");
        File.WriteAllText(System.IO.Path.Combine(Dirs, "ormauthor_detail.html"), "{{ object.name }}={{ ormauthor.age }}");
        File.WriteAllText(System.IO.Path.Combine(Dirs, "authors.html"), "{% for a in authors %}{{ a.name }};{% endfor %}");
    }

    private static NuagesApp Site()
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-generic-{Guid.NewGuid():N}.sqlite3");
        var app = TestSite.Create(s =>
        {
            s.Debug = true;
            s.AllowedHosts = ["testserver"];
            s.Databases["default"] = Database.Sqlite(database);
            s.Templates.Dirs.Add(Dirs);
        },
            Path("authors/", View.AsView<ListView<OrmAuthor>>(v => { v.PaginateBy = 10; v.Ordering = ["name"]; })),
            Path("authors/page/<int:page>/", View.AsView<ListView<OrmAuthor>>(v => { v.PaginateBy = 10; v.Ordering = ["name"]; })),
            Path("authors-async/", View.AsView<AsyncListView<OrmAuthor>>(v => { v.PaginateBy = 10; v.Ordering = ["name"]; v.PaginateOrphans = 3; })),
            Path("young/", View.AsView<AsyncListView<OrmAuthor>>(v =>
            {
                v.Queryset = OrmAuthor.Objects.Filter("age__lt", 3).OrderBy("name");
                v.TemplateName = "authors.html";
                v.ContextObjectName = "authors";
            })),
            Path("nobody/", View.AsView<ListView<OrmAuthor>>(v => { v.Queryset = OrmAuthor.Objects.Filter("age__gt", 1000); v.AllowEmpty = false; })),
            Path("authors/<int:pk>/", View.AsView<DetailView<OrmAuthor>>()),
            Path("authors-async/<int:pk>/", View.AsView<AsyncDetailView<OrmAuthor>>()));
        using (app.Enter())
        {
            Schema.Migrate([typeof(OrmAuthor)], "default");
            for (var i = 1; i <= 23; i++) new OrmAuthor { Name = $"author {i:00}", Age = i, Token = Guid.NewGuid() }.Save();
        }
        return app;
    }

    private static string Names(int from, int to) => string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"author {i:00},"));

    [Fact]
    public void A_list_view_paginates_from_the_query_or_the_url()
    {
        var client = new Client(Site());
        Assert.Equal(Names(1, 10) + "|1/3|True|10|True", client.Get("/authors/").Text);
        Assert.Equal(Names(11, 20) + "|2/3|True|10|True", client.Get("/authors/?page=2").Text);
        Assert.Equal(Names(21, 23) + "|3/3|True|3|False", client.Get("/authors/?page=last").Text);
        Assert.Equal(Names(11, 20) + "|2/3|True|10|True", client.Get("/authors/page/2/").Text);
        var outOfRange = client.Get("/authors/?page=9");
        Assert.Equal(404, outOfRange.StatusCode);
        Assert.Contains("Invalid page (9): That page contains no results", outOfRange.Text);
        Assert.Contains("Page is not “last”, nor can it be converted to an int.", client.Get("/authors/?page=x").Text);
        Assert.Contains("Empty list and “ListView.allow_empty” is False.", client.Get("/nobody/").Text);
    }

    [Fact]
    public async Task An_async_list_view_reads_its_page_with_async_io_and_no_switch()
    {
        var client = new AsyncClient(Site());
        var first = await client.GetAsync("/authors-async/");
        Assert.Equal(Names(1, 10) + "|1/2|True|10|True", first.Text); // 23 rows, 3 orphans: two pages
        Assert.Equal(0, first.Request.AdapterSwitches);
        var last = await client.GetAsync("/authors-async/?page=2");
        Assert.Equal(Names(11, 23) + "|2/2|True|13|False", last.Text);
        // unpaginated: the QuerySet goes to the template, which reads it in its async render
        var young = await client.GetAsync("/young/");
        Assert.Equal("author 01;author 02;", young.Text);
        Assert.Equal(0, young.Request.AdapterSwitches);
        Assert.Equal(404, (await client.GetAsync("/authors-async/?page=3")).StatusCode);
    }

    [Fact]
    public async Task A_detail_view_finds_its_row_by_pk_in_both_modes()
    {
        var app = Site();
        var client = new AsyncClient(app);
        Assert.Equal("author 07=7", (await client.GetAsync("/authors/7/")).Text);
        var asyncDetail = await client.GetAsync("/authors-async/7/");
        Assert.Equal("author 07=7", asyncDetail.Text);
        Assert.Equal(0, asyncDetail.Request.AdapterSwitches);
        var missing = await client.GetAsync("/authors-async/99/");
        Assert.Equal(404, missing.StatusCode);
        Assert.Contains("No orm author found matching the query", missing.Text);
        Assert.Contains("No orm author found matching the query", (await client.GetAsync("/authors/99/")).Text);
        Assert.Equal(["ormauthor_list.html"], new ListView<OrmAuthor>().GetTemplateNames());
        Assert.Equal(["x.html", "ormauthor_detail.html"], new DetailView<OrmAuthor> { TemplateName = "x.html" }.GetTemplateNames());
    }
}
