using System.Text;
using Nuages.Files;
using Nuages.Forms;
using Nuages.Test;
using Nuages.Tests.Support;

namespace Nuages.Tests.Files;

/// <summary>File storage as django/core/files/storage's FileSystemStorage, hostile names first; file fields of forms.</summary>
public class FileSystemStorageTests
{
    private static FileSystemStorage Storage() => new(Directory.CreateTempSubdirectory("nuages-media-").FullName, "/media/");

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Names_are_made_safe_and_never_leave_the_folder()
    {
        Assert.Equal("johns_portrait_in_2004.jpg", FileSystemStorage.GetValidName("john's portrait in 2004.jpg")); // Django's documented example
        Assert.Equal("Could not derive file name from '..'", Assert.Throws<SuspiciousFileOperation>(() => FileSystemStorage.GetValidName("..")).Message);
        Assert.Equal("Could not derive file name from '$%'", Assert.Throws<SuspiciousFileOperation>(() => FileSystemStorage.GetValidName("$%")).Message);
        var storage = Storage();
        Assert.Equal("Detected path traversal attempt in '../../etc'", Assert.Throws<SuspiciousFileOperation>(() => storage.Save("../../etc/passwd", Text("x"))).Message);
        Assert.Equal("Detected path traversal attempt in 'a/../..'", Assert.Throws<SuspiciousFileOperation>(() => storage.Save("a\\..\\../x.txt", Text("x"))).Message);
        Assert.Equal("File name 'a/b.txt' includes path elements", Assert.Throws<SuspiciousFileOperation>(() => FileSystemStorage.ValidateFileName("a/b.txt")).Message);
        Assert.StartsWith("The joined path (", Assert.Throws<SuspiciousFileOperation>(() => storage.PathOf("/etc/passwd")).Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(storage.Location)!, "passwd", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_taken_name_gets_Djangos_random_suffix_and_nothing_is_overwritten()
    {
        var storage = Storage();
        Assert.Equal("docs/report.tar.gz", storage.Save("docs/report.tar.gz", Text("first")));
        var second = await storage.SaveAsync("docs/report.tar.gz", Text("second"));
        Assert.Matches("^docs/report_[A-Za-z0-9]{7}\\.tar\\.gz$", second);
        Assert.Equal("first", File.ReadAllText(storage.PathOf("docs/report.tar.gz")));
        Assert.Equal("second", File.ReadAllText(storage.PathOf(second)));
        Assert.Equal("/media/docs/a%20b.txt", storage.Url("docs/a b.txt"));
        // a name too long for its field is cut before the suffix
        var cut = storage.Save("abcdefghij.txt", Text("x"), maxLength: 20);
        Assert.Equal("abcdefghij.txt", cut);
        var again = storage.Save("abcdefghij.txt", Text("y"), maxLength: 20);
        Assert.True(again.Length <= 20, again);
        Assert.EndsWith(".txt", again);
    }

    public sealed class UploadForm : Form
    {
        public FileField Doc { get; } = new() { MaxLength = 12 };
        public ImageField Picture { get; } = new() { Required = false };
    }

    [Fact]
    public async Task File_fields_clean_uploads_with_Djangos_messages_and_store_them()
    {
        using var site = TestSite.Create(_ => { }).Enter();
        var factory = new RequestFactory();
        HttpRequestOf(factory, new { doc = new TestFile("notes.txt", "hello"u8.ToArray(), "text/plain") }, out var request);
        var form = new UploadForm { Data = request.Form, Files = request.Files };
        Assert.True(form.IsValid(), form.Errors.AsText());
        var storage = Storage();
        var stored = await storage.SaveAsync(form.CleanedData.Get(form.Doc)!);
        Assert.Equal("notes.txt", stored);
        Assert.Equal("hello", File.ReadAllText(storage.PathOf(stored)));

        HttpRequestOf(factory, new { doc = new TestFile("a-very-long-name.txt", "x"u8.ToArray()), picture = new TestFile("cat.png", "not a png"u8.ToArray(), "image/png") }, out request);
        form = new UploadForm { Data = request.Form, Files = request.Files };
        Assert.False(form.IsValid());
        Assert.Equal(["Ensure this filename has at most 12 characters (it has 20)."], form.Errors["doc"]);
        Assert.Equal(["Upload a valid image. The file you uploaded was either not an image or a corrupted image."], form.Errors["picture"]);

        HttpRequestOf(factory, new { doc = new TestFile("empty.txt", []), picture = new TestFile("dot.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]) }, out request);
        form = new UploadForm { Data = request.Form, Files = request.Files };
        Assert.False(form.IsValid());
        Assert.Equal(["The submitted file is empty."], form.Errors["doc"]);
        Assert.False(form.Errors.ContainsKey("picture"));

        HttpRequestOf(factory, new { other = "x" }, out request);
        form = new UploadForm { Data = request.Form, Files = request.Files };
        Assert.Equal(["This field is required."], form.Errors["doc"]);
        Assert.Equal("<input type=\"file\" name=\"doc\" required aria-invalid=\"true\" aria-describedby=\"id_doc_error\" id=\"id_doc\">", form["doc"].ToString());
        // an untouched field keeps the initial file: not required again, nothing changed
        var kept = new UploadForm { Data = request.Form, Files = request.Files, Initial = new Dictionary<string, object?> { ["doc"] = "notes.txt" } };
        Assert.True(kept.IsValid(), kept.Errors.AsText());
        Assert.Equal("notes.txt", kept.CleanedData["doc"]);
        Assert.Empty(kept.ChangedData);
    }

    public sealed class OptionalDoc : Form
    {
        public FileField Doc { get; } = new() { Required = false };
    }

    public sealed class RequiredDoc : Form
    {
        public FileField Doc { get; } = new();
    }

    public sealed class LockedDoc : Form
    {
        public FileField Doc { get; } = new() { Required = false, Disabled = true };
    }

    [Fact]
    public void A_stored_file_shows_with_a_clear_box_and_cleans_as_Djangos()
    {
        var django = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Forms", "Vectors", "django_clearable.json")))!;
        using var site = TestSite.Create(_ => { }).Enter();
        var stored = new FileSystemStorage(Path.GetTempPath(), "/media/").Stored("avatars/ann <1>.png");
        Assert.Equal("/media/avatars/ann%20%3C1%3E.png", stored.Url);
        var initial = new Dictionary<string, object?> { ["doc"] = stored };
        var rendered = new Dictionary<string, string>
        {
            ["optional_initial"] = new OptionalDoc { Initial = initial }["doc"].ToString(),
            ["required_initial"] = new RequiredDoc { Initial = initial }["doc"].ToString(),
            ["optional_empty"] = new OptionalDoc()["doc"].ToString(),
            ["required_empty"] = new RequiredDoc()["doc"].ToString(),
            ["disabled_initial"] = new LockedDoc { Initial = initial }["doc"].ToString(),
            ["prefixed_initial"] = new OptionalDoc { Prefix = "p", Initial = initial }["doc"].ToString(),
        };
        foreach (var (name, html) in rendered) Assert.Equal((string)django["render"]![name]!, html);

        var factory = new RequestFactory();
        Nuages.Http.HttpRequest Post(object data) => factory.Post("/upload/", data);
        var cases = new Dictionary<string, Form>
        {
            ["optional_clear"] = Bind<OptionalDoc>(Post(new Dictionary<string, object> { ["doc-clear"] = "on" }), initial),
            ["optional_clear_and_upload"] = Bind<OptionalDoc>(Post(new Dictionary<string, object> { ["doc-clear"] = "on", ["doc"] = new TestFile("new.txt", "hello"u8.ToArray()) }), initial),
            ["optional_nothing"] = Bind<OptionalDoc>(Post(new Dictionary<string, object> { ["other"] = "x" }), initial),
            ["optional_upload"] = Bind<OptionalDoc>(Post(new Dictionary<string, object> { ["doc"] = new TestFile("new.txt", "hello"u8.ToArray()) }), initial),
            ["required_clear"] = Bind<RequiredDoc>(Post(new Dictionary<string, object> { ["doc-clear"] = "on" }), initial),
            ["required_clear_no_initial"] = Bind<RequiredDoc>(Post(new Dictionary<string, object> { ["doc-clear"] = "on" }), null),
            ["required_clear_and_upload"] = Bind<RequiredDoc>(Post(new Dictionary<string, object> { ["doc-clear"] = "on", ["doc"] = new TestFile("new.txt", "hello"u8.ToArray()) }), initial),
        };
        foreach (var (name, form) in cases)
        {
            var expected = django["clean"]![name]!;
            Assert.Equal((bool)expected["valid"]!, form.IsValid());
            if (!form.IsValid())
            {
                Assert.Equal(expected["errors"]!.AsArray().Select(e => (string)e!), form.Errors["doc"]);
                continue;
            }
            var value = form.CleanedData["doc"];
            Assert.Equal((string)expected["value"]!, value switch
            {
                false => "false",
                null => "none",
                StoredFile s when ReferenceEquals(s, stored) => "initial",
                Nuages.Http.UploadedFile f => "upload:" + f.Name,
                _ => value.ToString(),
            });
        }
        var widget = new ClearableFileInput();
        Assert.Equal((bool)django["omitted"]!["nothing"]!, widget.ValueOmittedFromData(new Dictionary<string, string>(), null, "doc"));
        Assert.Equal((bool)django["omitted"]!["clear_only"]!, widget.ValueOmittedFromData(new Dictionary<string, string> { ["doc-clear"] = "on" }, null, "doc"));
    }

    private static T Bind<T>(Nuages.Http.HttpRequest request, Dictionary<string, object?>? initial) where T : Form, new() =>
        new() { Data = request.Form, Files = request.Files, Initial = initial ?? [] };

    private static void HttpRequestOf(RequestFactory factory, object data, out Nuages.Http.HttpRequest request) => request = factory.Post("/upload/", data);
}
