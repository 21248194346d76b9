using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;

namespace Nuages.Tests.Samples;

public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NUAGES_TEST_CHROMIUM")))
            Skip = "NUAGES_TEST_CHROMIUM is not set: browser tests skipped (.ci/run installs Debian's chromium and sets it).";
    }
}

/// <summary>
/// The sample site as its users see it: its own process (built beside the tests), a fresh database, and Debian's
/// chromium driven by Playwright through the contact form and the blog's comment form — an error shown, fixed, then
/// the redirect and the message.
/// </summary>
public class SampleSiteBrowserTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [BrowserFact]
    public async Task The_contact_form_shows_its_errors_then_redirects_with_a_message()
    {
        await using var site = await SampleSite.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout((float)Bounded.TotalMilliseconds);
        await page.GotoAsync(site.Url + "/contact/");

        // an author's name (the form's async check), a message too short
        await page.FillAsync("#id_name", "octavia e. butler");
        await page.FillAsync("#id_email", "ann@example.com");
        await page.SelectOptionAsync("#id_topic", "books");
        await page.FillAsync("#id_message", "Hi there");
        await page.ClickAsync("button");
        await page.WaitForSelectorAsync(".errorlist");
        var errors = await page.Locator(".errorlist li").AllInnerTextsAsync();
        Assert.Equal(["That is one of our authors' names: please use your own.", "Ensure this value has at least 10 characters (it has 8)."], errors);
        Assert.Equal("ann@example.com", await page.InputValueAsync("#id_email")); // nothing typed is lost
        Assert.Equal("true", await page.GetAttributeAsync("#id_message", "aria-invalid"));

        await page.FillAsync("#id_name", "Ann");
        await page.FillAsync("#id_message", "Hello there, nice books");
        await page.ClickAsync("button");
        await page.WaitForSelectorAsync(".messages li"); // after the POST's redirect, the page the GET answers
        Assert.EndsWith("/contact/", page.Url);
        Assert.Equal("Thank you, Ann: your message about books was received.", await page.InnerTextAsync(".messages li"));
        Assert.Equal(0, await page.Locator(".errorlist").CountAsync());
    }

    [BrowserFact]
    public async Task A_comment_with_an_error_is_shown_back_then_posted_and_shown_after_the_redirect()
    {
        await using var site = await SampleSite.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout((float)Bounded.TotalMilliseconds);
        await page.GotoAsync(site.Url + "/blog/");
        Assert.Equal(3, await page.Locator("article").CountAsync()); // three entries a page, newest first
        await page.ClickAsync("text=older");
        Assert.EndsWith("/blog/?page=2", page.Url);
        await page.ClickAsync("text=Hello, Nuages");
        Assert.EndsWith("/blog/hello-nuages/", page.Url);
        Assert.Equal(["Ursula: A fine first entry."], await page.Locator("ol.comments li").AllInnerTextsAsync());

        // a comment of one word: the model form's clean_body hook refuses it, the page shows the error and the text
        await page.FillAsync("#id_name", "Ann");
        await page.FillAsync("#id_body", "Lovely");
        await page.ClickAsync("text=Post the comment");
        await page.WaitForSelectorAsync(".errorlist");
        Assert.Equal(["Please write a few words (three at least)."], await page.Locator(".errorlist li").AllInnerTextsAsync());
        Assert.Equal("Ann", await page.InputValueAsync("#id_name"));
        Assert.Equal("Lovely", await page.InputValueAsync("#id_body"));
        Assert.Equal("true", await page.GetAttributeAsync("#id_body", "aria-invalid"));

        await page.FillAsync("#id_body", "Lovely first entry, thank you");
        await page.ClickAsync("text=Post the comment");
        await page.WaitForSelectorAsync(".messages li"); // after the POST's redirect, the page the GET answers
        Assert.EndsWith("/blog/hello-nuages/#comments", page.Url);
        Assert.Equal("Thank you, Ann: your comment is below.", await page.InnerTextAsync(".messages li"));
        Assert.Equal(["Ursula: A fine first entry.", "Ann: Lovely first entry, thank you"], await page.Locator("ol.comments li").AllInnerTextsAsync());
        Assert.Equal(0, await page.Locator(".errorlist").CountAsync());
        Assert.Equal("", await page.InputValueAsync("#id_body")); // a fresh form after the redirect

        // a reload is a GET: nothing is posted twice
        await page.ReloadAsync();
        Assert.Equal(2, await page.Locator("ol.comments li").CountAsync());
    }

    [BrowserFact]
    public async Task A_comment_posted_appears_at_once_on_every_open_page_of_the_entry()
    {
        await using var site = await SampleSite.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        var reader = await browser.NewPageAsync();
        var writer = await browser.NewPageAsync();
        reader.SetDefaultTimeout((float)Bounded.TotalMilliseconds);
        writer.SetDefaultTimeout((float)Bounded.TotalMilliseconds);
        await reader.GotoAsync(site.Url + "/blog/hello-nuages/");
        await reader.WaitForSelectorAsync("ol.comments[data-live=on]"); // its WebSocket is open

        await writer.GotoAsync(site.Url + "/blog/hello-nuages/");
        await writer.FillAsync("#id_name", "Bob <b>");
        await writer.FillAsync("#id_body", "Seen live, without a reload");
        await writer.ClickAsync("text=Post the comment");
        await writer.WaitForSelectorAsync(".messages li");

        // the reader's page was not reloaded: the comment came over its socket, as text (no markup from a visitor)
        await reader.WaitForSelectorAsync("ol.comments li.live");
        Assert.Equal(["Ursula: A fine first entry.", "Bob <b>: Seen live, without a reload"], await reader.Locator("ol.comments li").AllInnerTextsAsync());
        Assert.Equal(0, await reader.Locator("ol.comments b").CountAsync());
    }

    [BrowserFact]
    public async Task The_private_page_asks_for_a_login_then_shows_the_user_until_logout()
    {
        await using var site = await SampleSite.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout((float)Bounded.TotalMilliseconds);
        await page.GotoAsync(site.Url + "/private/");
        Assert.EndsWith("/accounts/login/?next=/private/", page.Url); // LoginRequired, with the page wanted as next
        Assert.Equal("Please log in to see this page.", await page.InnerTextAsync("main p"));

        await page.FillAsync("#id_username", "demo");
        await page.FillAsync("#id_password", "wrong");
        await page.ClickAsync("text=Log in >> nth=-1");
        await page.WaitForSelectorAsync(".errorlist");
        Assert.Equal("Please enter a correct username and password. Note that both fields may be case-sensitive.", await page.InnerTextAsync(".errorlist li"));
        Assert.Equal("demo", await page.InputValueAsync("#id_username"));
        Assert.Equal("", await page.InputValueAsync("#id_password")); // a password is never rendered back

        await page.FillAsync("#id_password", "nuages-demo");
        await page.ClickAsync("text=Log in >> nth=-1");
        await page.WaitForSelectorAsync("text=Hello, Demo");
        Assert.EndsWith("/private/", page.Url);
        Assert.Equal("demo", await page.InnerTextAsync("nav a[href='/private/']"));

        await page.ClickAsync("text=Log out"); // a POST form, as Django 5's LogoutView wants
        await page.WaitForSelectorAsync("nav >> text=Log in");
        Assert.Equal(site.Url + "/", page.Url);
        await page.GotoAsync(site.Url + "/private/");
        Assert.Contains("/accounts/login/", page.Url);
    }

    /// <summary>Debian's chromium, headless, through Playwright (which cannot download browsers here).</summary>
    private static Task<IBrowser> Launch(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Environment.GetEnvironmentVariable("NUAGES_TEST_CHROMIUM"),
        Headless = true,
        Args = ["--no-sandbox"],
    });

    /// <summary>The sample site's build output run as a process, in a folder of its own; stopped by its PID.</summary>
    private sealed class SampleSite : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _folder;

        private SampleSite(Process process, string folder, string url)
        {
            _process = process;
            _folder = folder;
            Url = url;
        }

        public string Url { get; }

        public static async Task<SampleSite> StartAsync()
        {
            // tests/Nuages.Tests/bin/<Configuration>/net10.0 → samples/Site/bin/<Configuration>/net10.0
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(root, "samples", "Site", "bin", configuration, output.Name, "Site.dll");
            if (!File.Exists(dll)) throw new FileNotFoundException($"The sample site is not built at {dll}: build the solution (dotnet build) first.", dll);
            var port = FreePort();
            var folder = Directory.CreateTempSubdirectory("nuages-sample-").FullName;
            var start = new ProcessStartInfo("dotnet", [dll, "runserver", $"127.0.0.1:{port}"])
            {
                WorkingDirectory = folder, // its db.sqlite3 is made and migrated here
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var site = new SampleSite(process, folder, $"http://127.0.0.1:{port}");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow + Bounded;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    if ((await http.GetAsync(site.Url + "/")).StatusCode == HttpStatusCode.OK) return site;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(200);
            }
            await site.DisposeAsync();
            throw new InvalidOperationException($"The sample site did not answer on {site.Url} within {Bounded.TotalSeconds} s.");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
