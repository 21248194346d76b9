using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Contrib.Messaging;
using Nuages.Contrib.Sessions;
using Nuages.Db;
using Nuages.Http;
using Nuages.Management;
using Nuages.Templates;
using Nuages.Test;
using Nuages.Tests.Core;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Contrib;

/// <summary>Django's messages (django/contrib/messages), its cookie compared with cookies Django wrote (Core/Vectors/django_signing.py).</summary>
public class MessagesTests
{
    private static JsonArray Vectors => SigningTests.Django["messages"]!.AsArray();

    public static HttpResponse Save(HttpRequest request)
    {
        Messages.Success(request, "Profile saved.");
        Messages.Error(request, "But the avatar was too big.", extraTags: "upload");
        Messages.Debug(request, "Not stored: below MessageLevel.");
        return new HttpResponseRedirect("/show/");
    }

    public static HttpResponse Many(HttpRequest request)
    {
        for (var i = 0; i < 60; i++) Messages.Info(request, $"Message number {i} with some padding to fill the cookie quickly.");
        return new HttpResponse("queued");
    }

    private const string Page = "{% for message in messages %}<li class=\"{{ message.tags }}\">{% if message.level == DEFAULT_MESSAGE_LEVELS.ERROR %}!{% endif %}{{ message }}</li>{% endfor %}";

    public static HttpResponse Show(HttpRequest request) =>
        new(Engine.Current.FromString(Page).Render(null, request));

    public static HttpResponse Count(HttpRequest request) => new(Messages.Get(request).Count().ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static HttpResponse Untouched(HttpRequest request) => new("untouched");

    private static NuagesApp Site(string storage = "fallback", Action<Settings>? configure = null)
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.SecretKey = SigningTests.Secret;
            s.AllowedHosts = ["testserver"];
            s.Databases["default"] = Database.Sqlite(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-messages-{Guid.NewGuid():N}.sqlite3"));
            s.InstalledApps = [typeof(SessionsConfig).FullName!, typeof(MessagesConfig).FullName!];
            s.Middleware = [typeof(SessionMiddleware).FullName!, typeof(MessageMiddleware).FullName!];
            s.Templates.ContextProcessors.Add("django.contrib.messages.context_processors.messages");
            s.MessageStorage = storage;
            configure?.Invoke(s);
        });
        app.UrlPatterns(Path("save/", Save), Path("many/", Many), Path("show/", Show), Path("count/", Count), Path("untouched/", Untouched));
        using (app.Enter())
        {
            var output = new StringWriter();
            Assert.Equal(0, new CommandLine(app, output, output).RunAsync(["migrate"], CancellationToken.None).GetAwaiter().GetResult());
        }
        return app;
    }

    [Fact]
    public void The_cookie_is_Djangos_both_ways()
    {
        var app = Site();
        using var scope = app.Enter();
        foreach (var vector in Vectors)
        {
            var messages = vector!["messages"]!.AsArray().Select(m => new Message((int)m![0]!, (string)m[1]!, (string)m[2]! is { Length: > 0 } tags ? tags : null, (int)m[3]! == 1)).ToList();
            Assert.Equal((string)vector["cookie"]!, CookieStorage.Sign(messages, FixedTime.At(SigningTests.Now)));
            var request = new RequestFactory(app).Get("/", headers: new Dictionary<string, string> { ["Cookie"] = $"{CookieStorage.CookieName}={vector["cookie"]}" });
            var (read, all) = new CookieStorage(request, app.Settings).Load();
            Assert.True(all);
            Assert.Equal(messages, read);
            Assert.Equal(messages.Select(m => (m.ExtraTags, m.IsSafe)), read!.Select(m => (m.ExtraTags, m.IsSafe)));
        }
        // Django 4.1+ keeps "" extra tags (what the API gives): ["__json_message",0,25,"Saved.",""]
        Assert.Equal("[[\"__json_message\",0,25,\"Saved.\",\"\"]]", MessageStorage.Encode([new Message(25, "Saved.", "")]).ToJsonString());
        Assert.Equal("[[\"__json_message\", 0, 25, \"Saved.\", \"\"]]", SessionStorage.Serialize([new Message(25, "Saved.", "")]));
    }

    [Theory]
    [InlineData("fallback")]
    [InlineData("cookie")]
    [InlineData("session")]
    public void Messages_survive_a_redirect_and_are_shown_once(string storage)
    {
        var app = Site(storage, s => s.MessageTags["40"] = "danger");
        var client = new Client(app);
        var saved = client.Get("/save/");
        Assert.Equal(302, saved.StatusCode);
        Assert.Equal(storage != "session", saved.Cookies.ContainsKey(CookieStorage.CookieName));
        var shown = client.Get("/show/");
        Assert.Equal("<li class=\"success\">Profile saved.</li><li class=\"upload danger\">!But the avatar was too big.</li>", shown.Text);
        if (storage != "session") Assert.Equal(0, shown.Cookies[CookieStorage.CookieName].MaxAge); // seen: the cookie goes
        Assert.Equal("", client.Get("/show/").Text);
        // not iterated: kept for the next request; iterated: gone
        Assert.Equal(302, client.Get("/save/").StatusCode);
        Assert.Equal("untouched", client.Get("/untouched/").Text);
        Assert.Equal("2", client.Get("/count/").Text);
        Assert.Equal("0", client.Get("/count/").Text);
    }

    [Fact]
    public void Messages_that_do_not_fit_the_cookie_go_to_the_session()
    {
        var app = Site();
        var client = new Client(app);
        Assert.Equal("queued", client.Get("/many/").Text);
        Assert.True(client.Cookies[CookieStorage.CookieName].Length <= CookieStorage.MaxCookieSize);
        var shown = client.Get("/show/").Text;
        Assert.Equal(60, shown.Split("<li", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("<li class=\"info\">Message number 0 with", shown); // in order: the cookie's first, then the session's
        Assert.EndsWith("Message number 59 with some padding to fill the cookie quickly.</li>", shown);
    }

    [Fact]
    public void A_tampered_cookie_is_dropped_never_a_500()
    {
        var app = Site("cookie");
        var client = new Client(app);
        client.Get("/save/");
        client.Cookies[CookieStorage.CookieName] = client.Cookies[CookieStorage.CookieName] + "x";
        var shown = client.Get("/show/");
        Assert.Equal(200, shown.StatusCode);
        Assert.Equal("", shown.Text);
    }

    [Fact]
    public void Safe_messages_are_shown_as_HTML_others_escaped()
    {
        var app = Site("cookie");
        using var scope = app.Enter();
        var request = new RequestFactory(app).Get("/");
        var storage = new CookieStorage(request, app.Settings);
        request.Features.Set<MessageStorage>(storage);
        Messages.Add(request, MessageLevels.Info, "<b>bold</b>", isSafe: true);
        Messages.Info(request, "<i>not</i>");
        Assert.Equal("<li class=\"info\"><b>bold</b></li><li class=\"info\">&lt;i&gt;not&lt;/i&gt;</li>", Engine.Current.FromString(Page).Render(null, request));
    }

    [Fact]
    public void Without_the_middleware_adding_fails_as_Django_says()
    {
        var request = new RequestFactory().Get("/");
        Assert.Equal("You cannot add messages without installing django.contrib.messages.middleware.MessageMiddleware",
            Assert.Throws<MessageFailure>(() => Messages.Success(request, "x")).Message);
        Messages.Success(request, "x", failSilently: true);
        Assert.Empty(Messages.Get(request));
        Assert.False(Messages.SetLevel(request, 10));
    }

    public static async Task<HttpResponse> Startproject(HttpRequest request)
    {
        var visits = await request.Session.GetAsync<int>("visits") + 1;
        await request.Session.SetAsync("visits", visits);
        Messages.Info(request, $"Visit {visits}");
        return new HttpResponse(string.Join(",", Messages.Get(request).Select(m => m.Text)));
    }

    [Fact]
    public async Task Djangos_startproject_middleware_switch_nothing_for_an_async_view()
    {
        var app = Site(configure: s => s.Middleware =
        [
            typeof(Nuages.Middleware.SecurityMiddleware).FullName!,
            typeof(SessionMiddleware).FullName!,
            typeof(Nuages.Middleware.CommonMiddleware).FullName!,
            typeof(Nuages.Middleware.CsrfViewMiddleware).FullName!,
            typeof(MessageMiddleware).FullName!,
            typeof(Nuages.Middleware.XFrameOptionsMiddleware).FullName!,
        ]);
        app.UrlPatterns(Path("startproject/", Startproject));
        var client = new AsyncClient(app);
        var first = await client.GetAsync("/startproject/");
        Assert.Equal("Visit 1", first.Text);
        Assert.Equal(0, first.Request.AdapterSwitches); // every middleware hybrid: no sync worker held by the async request
        var second = await client.GetAsync("/startproject/");
        Assert.Equal("Visit 2", second.Text);
        Assert.Equal(0, second.Request.AdapterSwitches);
        Assert.Equal("DENY", second["X-Frame-Options"]);
        Assert.Equal("Cookie", second["Vary"]);
    }
}
