using System.ComponentModel.DataAnnotations;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Forms;
using Nuages.Tests.Support;

namespace Nuages.Tests.Forms;

public sealed class FmAuthor : Model<FmAuthor>
{
    [MaxLength(50), Unique] public string Name { get; set; } = "";

    public override string ToString() => Name;
}

[UniqueTogether("title", "author")]
public sealed class FmBook : Model<FmBook>
{
    [MaxLength(100)] public string Title { get; set; } = "";
    [OnDelete(OnDelete.Cascade)] public ForeignKey<FmAuthor> Author { get; set; } = new();
    public int Pages { get; set; }
    public DateOnly? Published { get; set; }
    public bool InPrint { get; set; }
}

public sealed class FmNote : Model<FmNote>
{
    [MaxLength(40)] public string Title { get; set; } = "";
    public string Body { get; set; } = "";
}

/// <summary>Model forms as django/forms/models.py makes them: fields from the model, the model's validation, save.</summary>
public class ModelFormTests
{
    public sealed class AuthorForm : ModelForm<FmAuthor>
    {
        protected override string[] IncludeFields => ["__all__"];
    }

    public sealed class BookForm : ModelForm<FmBook>
    {
        protected override string[] IncludeFields => ["title", "author", "pages", "published", "in_print"];

        protected override IReadOnlyDictionary<string, string> HelpTexts => new Dictionary<string, string> { ["pages"] = "Without the index." };
    }

    public sealed class NoFieldsForm : ModelForm<FmAuthor>;

    /// <summary>Hooks on fields the model form makes: a sync one, and an async one with its sync twin.</summary>
    public sealed class NoteForm : ModelForm<FmNote>
    {
        protected override string[] IncludeFields => ["title", "body"];

        public string CleanTitle() => ((string)CleanedData["title"]!).ToUpperInvariant();

        public string CleanBody() => Check((string)CleanedData["body"]!, "sync");

        public async Task<string> CleanBodyAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            return Check((string)CleanedData["body"]!, "async");
        }

        private static string Check(string body, string mode) =>
            body.Contains("spam", StringComparison.Ordinal) ? throw new ValidationError($"No spam ({mode}).", "spam") : body + $" ({mode})";
    }

    private static IDisposable Site()
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-modelform-{Guid.NewGuid():N}.sqlite3");
        var site = TestSite.Create(s => s.Databases["default"] = Database.Sqlite(database)).Enter();
        Schema.Migrate([typeof(FmAuthor), typeof(FmBook), typeof(FmNote)], "default");
        return site;
    }

    [Fact]
    public void Fields_are_made_from_the_model_as_Djangos()
    {
        using var site = Site();
        var ursula = FmAuthor.Objects.Create(new FmAuthor { Name = "Ursula" });
        var form = new BookForm();
        Assert.Equal(["title", "author", "pages", "published", "in_print"], form.Fields.Keys);
        Assert.IsType<CharField>(form.Fields["title"]);
        Assert.IsType<ModelChoiceField<FmAuthor>>(form.Fields["author"]);
        Assert.IsType<IntegerField>(form.Fields["pages"]);
        Assert.IsType<DateField>(form.Fields["published"]);
        Assert.IsType<BooleanField>(form.Fields["in_print"]);
        Assert.Equal("<input type=\"text\" name=\"title\" maxlength=\"100\" required id=\"id_title\">", form["title"].ToString());
        Assert.Equal($"<select name=\"author\" required id=\"id_author\">\n  <option value=\"\" selected>---------</option>\n\n  <option value=\"{ursula.Id}\">Ursula</option>\n\n</select>", form["author"].ToString());
        Assert.Equal("<input type=\"number\" name=\"pages\" required aria-describedby=\"id_pages_helptext\" id=\"id_pages\">", form["pages"].ToString());
        Assert.Equal("<input type=\"text\" name=\"published\" id=\"id_published\">", form["published"].ToString());
        Assert.Equal("<input type=\"checkbox\" name=\"in_print\" id=\"id_in_print\">", form["in_print"].ToString());
        Assert.Equal("<label for=\"id_in_print\">In print:</label>", form["in_print"].LabelTag().Value);
        Assert.Equal("Creating a ModelForm without either the 'fields' attribute or the 'exclude' attribute is prohibited; form NoFieldsForm needs updating: override IncludeFields (or ExcludeFields).",
            Assert.Throws<ImproperlyConfigured>(() => new NoFieldsForm().Fields).Message);
    }

    [Fact]
    public async Task A_text_field_shows_a_textarea_and_made_fields_take_clean_hooks()
    {
        using var site = Site();
        var form = new NoteForm();
        Assert.Equal("<textarea name=\"body\" cols=\"40\" rows=\"10\" required id=\"id_body\">\n</textarea>", form["body"].ToString());
        Assert.Equal("<input type=\"text\" name=\"title\" maxlength=\"40\" required id=\"id_title\">", form["title"].ToString());

        var sync = new NoteForm { Data = new Dictionary<string, string> { ["title"] = "hi", ["body"] = "Hello" } };
        Assert.True(sync.IsValid(), sync.Errors.AsText());
        Assert.Equal(("HI", "Hello (sync)"), (sync.CleanedData["title"], sync.CleanedData["body"]));
        var async = new NoteForm { Data = new Dictionary<string, string> { ["title"] = "hi", ["body"] = "Hello" } };
        Assert.True(await async.IsValidAsync(), async.Errors.AsText());
        var saved = await FmNote.Objects.GetAsync("pk", (await async.SaveAsync()).Id);
        Assert.Equal(("HI", "Hello (async)"), (saved.Title, saved.Body));

        var spam = new NoteForm { Data = new Dictionary<string, string> { ["title"] = "x", ["body"] = "spam" } };
        Assert.False(await spam.IsValidAsync());
        Assert.Equal(["No spam (async)."], spam.Errors["body"]);
        Assert.Equal("spam", spam.Errors.AsData()["body"][0].Code);
    }

    [Fact]
    public async Task A_valid_form_saves_a_new_row_or_the_instance_in_both_modes()
    {
        using var site = Site();
        var ursula = await FmAuthor.Objects.CreateAsync(new FmAuthor { Name = "Ursula" });
        var form = new BookForm { Data = new Dictionary<string, string> { ["title"] = "Earthsea", ["author"] = ursula.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["pages"] = "183", ["published"] = "1968-09-01", ["in_print"] = "on" } };
        Assert.True(await form.IsValidAsync(), form.Errors.AsText());
        var book = await form.SaveAsync();
        var saved = await FmBook.Objects.GetAsync("pk", book.Id);
        Assert.Equal(("Earthsea", ursula.Id, 183, new DateOnly(1968, 9, 1), true), (saved.Title, saved.Author.Id!.Value, saved.Pages, saved.Published!.Value, saved.InPrint));

        // editing: the instance's values are the initial ones; a saved edit changes that row
        var edit = new BookForm { Instance = saved };
        Assert.Equal("Earthsea", edit["title"].Value());
        Assert.Equal(ursula.Id, edit["author"].Value());
        var changed = new BookForm { Instance = saved, Data = new Dictionary<string, string> { ["title"] = "A Wizard of Earthsea", ["author"] = ursula.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["pages"] = "183" } };
        Assert.True(changed.IsValid(), changed.Errors.AsText());
        changed.Save();
        Assert.Equal(1, FmBook.Objects.Count());
        var again = FmBook.Objects.Get("pk", book.Id);
        Assert.Equal(("A Wizard of Earthsea", false, (DateOnly?)null), (again.Title, again.InPrint, again.Published));
        var unsaved = new BookForm { Data = new Dictionary<string, string> { ["title"] = "Tehanu", ["author"] = ursula.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["pages"] = "252" } };
        Assert.Equal(0, unsaved.Save(commit: false).Id);
        Assert.Equal(1, FmBook.Objects.Count());
    }

    [Fact]
    public async Task The_models_validation_joins_the_forms_with_Djangos_messages()
    {
        using var site = Site();
        var ursula = await FmAuthor.Objects.CreateAsync(new FmAuthor { Name = "Ursula" });
        var duplicate = new AuthorForm { Data = new Dictionary<string, string> { ["name"] = "Ursula" } };
        Assert.False(await duplicate.IsValidAsync());
        Assert.Equal(["Fm author with this Name already exists."], duplicate.Errors["name"]);
        Assert.False(new AuthorForm { Data = new Dictionary<string, string> { ["name"] = "Ursula" } }.IsValid());
        Assert.True(new AuthorForm { Instance = ursula, Data = new Dictionary<string, string> { ["name"] = "Ursula" } }.IsValid()); // itself is no clash

        await new FmBook { Title = "Earthsea", Author = new(ursula), Pages = 183 }.SaveAsync();
        var id = ursula.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var together = new BookForm { Data = new Dictionary<string, string> { ["title"] = "Earthsea", ["author"] = id, ["pages"] = "1" } };
        Assert.False(await together.IsValidAsync());
        Assert.Equal(["Fm book with this Title and Author already exists."], together.NonFieldErrors());
        var badChoice = new BookForm { Data = new Dictionary<string, string> { ["title"] = "X", ["author"] = "999", ["pages"] = "x" } };
        Assert.False(await badChoice.IsValidAsync());
        Assert.Equal(["Select a valid choice. That choice is not one of the available choices."], badChoice.Errors["author"]);
        Assert.Equal(["Enter a whole number."], badChoice.Errors["pages"]);
        Assert.Equal("The FmBook could not be created because the data didn't validate.", Assert.Throws<ArgumentException>(() => badChoice.Save()).Message);
    }
}

public sealed class FmTag : Model<FmTag>
{
    [MaxLength(20)] public string Name { get; set; } = "";

    public override string ToString() => Name;
}

public sealed class FmArticle : Model<FmArticle>
{
    [MaxLength(100)] public string Title { get; set; } = "";
    public ManyToMany<FmTag> Tags => ManyToMany<FmTag>();
}

/// <summary>A many-to-many field in a model form: a ModelMultipleChoiceField, saved after the row, in both modes.</summary>
public class ManyToManyFormTests
{
    public sealed class ArticleForm : ModelForm<FmArticle>
    {
        protected override string[] IncludeFields => ["tags", "title"];
    }

    [Fact]
    public async Task Tags_are_chosen_validated_and_saved_in_both_modes()
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-m2mform-{Guid.NewGuid():N}.sqlite3");
        using var site = TestSite.Create(s => s.Databases["default"] = Database.Sqlite(database)).Enter();
        Schema.Migrate([typeof(FmTag), typeof(FmArticle)], "default");
        var red = await FmTag.Objects.CreateAsync(new FmTag { Name = "red" });
        var blue = await FmTag.Objects.CreateAsync(new FmTag { Name = "blue" });

        var blank = new ArticleForm();
        Assert.Equal(["tags", "title"], blank.Fields.Keys); // the order IncludeFields gives
        await blank.PrepareAsync();
        Assert.Equal($"<select name=\"tags\" required id=\"id_tags\" multiple>\n  <option value=\"{red.Id}\">red</option>\n\n  <option value=\"{blue.Id}\">blue</option>\n\n</select>", blank["tags"].ToString());

        var form = new ArticleForm { Data = new Dictionary<string, object?> { ["title"] = "Colours", ["tags"] = new[] { red.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), blue.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } } };
        Assert.True(await form.IsValidAsync(), form.Errors.AsText());
        var article = await form.SaveAsync();
        Assert.Equal(["blue", "red"], (await article.Tags.OrderBy("name").ToListAsync()).Select(t => t.Name));

        var edit = new ArticleForm { Instance = article };
        await edit.PrepareAsync();
        Assert.Contains($"<option value=\"{red.Id}\" selected>red</option>", edit["tags"].ToString());

        var wrong = new ArticleForm { Data = new Dictionary<string, object?> { ["title"] = "X", ["tags"] = new[] { "999" } } };
        Assert.False(wrong.IsValid());
        Assert.Equal(["Select a valid choice. 999 is not one of the available choices."], wrong.Errors["tags"]);
        var notPk = new ArticleForm { Data = new Dictionary<string, object?> { ["title"] = "X", ["tags"] = new[] { "abc" } } };
        Assert.False(await notPk.IsValidAsync());
        Assert.Equal(["“abc” is not a valid value."], notPk.Errors["tags"]);

        var fewer = new ArticleForm { Instance = article, Data = new Dictionary<string, object?> { ["title"] = "Colours", ["tags"] = new[] { blue.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } } };
        Assert.True(fewer.IsValid(), fewer.Errors.AsText());
        fewer.Save();
        Assert.Equal(["blue"], article.Tags.ToList().Select(t => t.Name));
    }
}

/// <summary>Model formsets: a form per row with its key hidden, extra forms for new rows, edits, deletions and creations saved.</summary>
public class ModelFormSetTests
{
    [Fact]
    public async Task Rows_are_edited_deleted_and_added_in_one_submission()
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-modelformset-{Guid.NewGuid():N}.sqlite3");
        using var site = TestSite.Create(s => s.Databases["default"] = Database.Sqlite(database)).Enter();
        Schema.Migrate([typeof(FmAuthor), typeof(FmBook), typeof(FmNote)], "default");
        var ursula = await FmAuthor.Objects.CreateAsync(new FmAuthor { Name = "Ursula" });
        var octavia = await FmAuthor.Objects.CreateAsync(new FmAuthor { Name = "Octavia" });

        var unbound = new ModelFormSet<FmAuthor, ModelFormTests.AuthorForm>();
        await unbound.LoadAsync();
        Assert.Equal(3, unbound.TotalFormCount());
        Assert.Equal(2, unbound.InitialFormCount());
        Assert.Equal($"<input type=\"hidden\" name=\"form-0-id\" value=\"{ursula.Id}\" id=\"id_form-0-id\">", unbound.Forms[0]["id"].ToString());
        Assert.Equal("<input type=\"text\" name=\"form-1-name\" value=\"Octavia\" maxlength=\"50\" id=\"id_form-1-name\">", unbound.Forms[1]["name"].ToString());

        var data = new Dictionary<string, string>
        {
            ["form-TOTAL_FORMS"] = "3", ["form-INITIAL_FORMS"] = "2",
            ["form-0-id"] = ursula.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["form-0-name"] = "Ursula K. Le Guin",
            ["form-1-id"] = octavia.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["form-1-name"] = "Octavia", ["form-1-DELETE"] = "on",
            ["form-2-id"] = "", ["form-2-name"] = "Iain",
        };
        var formset = new ModelFormSet<FmAuthor, ModelFormTests.AuthorForm> { Data = data, CanDelete = true };
        Assert.True(await formset.IsValidAsync(), string.Join("; ", formset.Errors.Select(e => e.AsText())));
        var saved = await formset.SaveAsync();
        Assert.Equal(["Ursula K. Le Guin", "Iain"], saved.Select(a => a.Name));
        Assert.Equal(["Iain", "Ursula K. Le Guin"], (await FmAuthor.Objects.OrderBy("name").ToListAsync()).Select(a => a.Name));

        // a clash with another row is that form's error, with the model's message
        var clash = new ModelFormSet<FmAuthor, ModelFormTests.AuthorForm>
        {
            Data = new Dictionary<string, string> { ["form-TOTAL_FORMS"] = "1", ["form-INITIAL_FORMS"] = "0", ["form-0-id"] = "", ["form-0-name"] = "Iain" },
        };
        Assert.False(clash.IsValid());
        Assert.Equal("{\"name\": [{\"message\": \"Fm author with this Name already exists.\", \"code\": \"unique\"}]}", clash.Errors[0].AsJson());

        // two forms giving one unique value: Django's messages, on the formset and on the second form
        var twice = new ModelFormSet<FmAuthor, ModelFormTests.AuthorForm>
        {
            Data = new Dictionary<string, string>
            {
                ["form-TOTAL_FORMS"] = "2", ["form-INITIAL_FORMS"] = "0",
                ["form-0-id"] = "", ["form-0-name"] = "Jo", ["form-1-id"] = "", ["form-1-name"] = "Jo",
            },
        };
        Assert.False(twice.IsValid());
        Assert.Equal(["Please correct the duplicate data for name."], twice.NonFormErrors());
        Assert.Equal(["Please correct the duplicate values below."], twice.Forms[1].NonFieldErrors());
        Assert.Empty(twice.Forms[0].Errors);
    }
}

/// <summary>Inline formsets: a parent's rows edited and added, the key to the parent kept out of the forms.</summary>
public class InlineFormSetTests
{
    [Fact]
    public async Task A_parents_rows_are_edited_and_new_ones_belong_to_it()
    {
        var database = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-inlineformset-{Guid.NewGuid():N}.sqlite3");
        using var site = TestSite.Create(s => s.Databases["default"] = Database.Sqlite(database)).Enter();
        Schema.Migrate([typeof(FmAuthor), typeof(FmBook), typeof(FmNote)], "default");
        var ursula = await FmAuthor.Objects.CreateAsync(new FmAuthor { Name = "Ursula" });
        var octavia = await FmAuthor.Objects.CreateAsync(new FmAuthor { Name = "Octavia" });
        var earthsea = await FmBook.Objects.CreateAsync(new FmBook { Title = "Earthsea", Author = new(ursula), Pages = 183 });
        await FmBook.Objects.CreateAsync(new FmBook { Title = "Kindred", Author = new(octavia), Pages = 264 });

        var unbound = new InlineFormSet<FmAuthor, FmBook, ModelFormTests.BookForm> { Instance = ursula };
        await unbound.LoadAsync();
        Assert.Equal(2, unbound.TotalFormCount()); // her one book and an extra form
        Assert.False(unbound.Forms[0].Fields.ContainsKey("author"));
        Assert.Equal("Earthsea", unbound.Forms[0]["title"].Value());

        var id = earthsea.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var books = new InlineFormSet<FmAuthor, FmBook, ModelFormTests.BookForm>
        {
            Instance = ursula,
            Data = new Dictionary<string, string>
            {
                ["form-TOTAL_FORMS"] = "2", ["form-INITIAL_FORMS"] = "1",
                ["form-0-id"] = id, ["form-0-title"] = "A Wizard of Earthsea", ["form-0-pages"] = "183",
                ["form-1-id"] = "", ["form-1-title"] = "Tehanu", ["form-1-pages"] = "252",
            },
        };
        Assert.True(await books.IsValidAsync(), string.Join("; ", books.Errors.Select(e => e.AsText())));
        await books.SaveAsync();
        Assert.Equal(["A Wizard of Earthsea", "Tehanu"], (await FmBook.Objects.Filter("author", ursula.Id).OrderBy("title").ToListAsync()).Select(b => b.Title));
        Assert.Equal(["Kindred"], (await FmBook.Objects.Filter("author", octavia.Id).ToListAsync()).Select(b => b.Title));
    }
}
