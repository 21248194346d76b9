using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Test;
using Nuages.Tests.Forms;
using Nuages.Tests.Support;
using Nuages.Views;
using Nuages.Views.Generic;
using static Nuages.Urls.Routes;
using BookForm = Nuages.Tests.Forms.ModelFormTests.BookForm;

namespace Nuages.Tests.Views.Generic;

/// <summary>CreateView, UpdateView and DeleteView as django/views/generic/edit.py's, sync and async, on model forms.</summary>
public class EditViewTests
{
    private static readonly string Dirs = Directory.CreateTempSubdirectory("nuages-editviews-").FullName;

    static EditViewTests()
    {
        File.WriteAllText(System.IO.Path.Combine(Dirs, "fmbook_form.html"), "{% if object %}editing {{ object.title }}|{% endif %}{{ form.as_p }}");
        File.WriteAllText(System.IO.Path.Combine(Dirs, "fmbook_confirm_delete.html"), "Delete {{ fmbook.title }}?");
    }

    private static (NuagesApp App, long Author) Site()
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-editviews-{Guid.NewGuid():N}.sqlite3");
        var app = TestSite.Create(s =>
        {
            s.Debug = true;
            s.AllowedHosts = ["testserver"];
            s.Databases["default"] = Database.Sqlite(database);
            s.Templates.Dirs.Add(Dirs);
        },
            Path("books/new/", View.AsView<CreateView<FmBook, BookForm>>(v => v.SuccessUrl = "/books/{id}/")),
            Path("books-async/new/", View.AsView<AsyncCreateView<FmBook, BookForm>>(v => v.SuccessUrl = "/books/{id}/")),
            Path("books/<int:pk>/edit/", View.AsView<UpdateView<FmBook, BookForm>>(v => v.SuccessUrl = "/books/{id}/")),
            Path("books-async/<int:pk>/edit/", View.AsView<AsyncUpdateView<FmBook, BookForm>>(v => v.SuccessUrl = "/books/{id}/")),
            Path("books/<int:pk>/delete/", View.AsView<DeleteView<FmBook>>(v => v.SuccessUrl = "/books/")),
            Path("books-async/<int:pk>/delete/", View.AsView<AsyncDeleteView<FmBook>>(v => v.SuccessUrl = "/books/")));
        using (app.Enter())
        {
            Schema.Migrate([typeof(FmAuthor), typeof(FmBook)], "default");
            return (app, FmAuthor.Objects.Create(new FmAuthor { Name = "Ursula" }).Id);
        }
    }

    [Fact]
    public async Task Create_update_and_delete_in_both_modes()
    {
        var (app, author) = Site();
        foreach (var prefix in new[] { "/books", "/books-async" })
        {
            var client = new AsyncClient(app);
            var form = await client.GetAsync(prefix + "/new/");
            Assert.Contains("<select name=\"author\" required id=\"id_author\">", form.Text);
            if (prefix == "/books-async") Assert.Equal(0, form.Request.AdapterSwitches); // the author options read with async I/O

            var invalid = await client.PostAsync(prefix + "/new/", new { title = "", author, pages = "x" });
            Assert.Equal(200, invalid.StatusCode);
            Assert.Contains("<ul class=\"errorlist\" id=\"id_pages_error\"><li>Enter a whole number.</li></ul>", invalid.Text);

            var title = "Earthsea " + prefix;
            var created = await client.PostAsync(prefix + "/new/", new { title, author, pages = "183" });
            Assert.Equal(302, created.StatusCode);
            long id;
            using (app.Enter()) id = FmBook.Objects.Get("title", title).Id;
            Assert.Equal($"/books/{id}/", created["Location"]);
            if (prefix == "/books-async") Assert.Equal(0, created.Request.AdapterSwitches);

            var edit = await client.GetAsync($"{prefix}/{id}/edit/");
            Assert.StartsWith($"editing {title}|", edit.Text);
            Assert.Contains($"value=\"{title}\"", edit.Text);
            var clash = await client.PostAsync($"{prefix}/{id}/edit/", new { title, author, pages = "1" });
            Assert.Equal(302, clash.StatusCode); // its own row is no clash
            using (app.Enter()) Assert.Equal(1, FmBook.Objects.Get("pk", id).Pages);
            Assert.Equal(404, (await client.GetAsync($"{prefix}/999/edit/")).StatusCode);

            Assert.Equal($"Delete {title}?", (await client.GetAsync($"{prefix}/{id}/delete/")).Text);
            var deleted = await client.PostAsync($"{prefix}/{id}/delete/");
            Assert.Equal(302, deleted.StatusCode);
            Assert.Equal("/books/", deleted["Location"]);
            using (app.Enter()) Assert.False(FmBook.Objects.Filter("pk", id).Exists());
        }
    }

    [Fact]
    public async Task A_duplicate_is_refused_with_Djangos_message()
    {
        var (app, author) = Site();
        var client = new AsyncClient(app);
        await client.PostAsync("/books-async/new/", new { title = "Tehanu", author, pages = "252" });
        var again = await client.PostAsync("/books-async/new/", new { title = "Tehanu", author, pages = "252" });
        Assert.Equal(200, again.StatusCode);
        Assert.Contains("Fm book with this Title and Author already exists.", again.Text);
    }
}
