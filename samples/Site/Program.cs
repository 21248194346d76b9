using Nuages;
using Nuages.Conf;
using Nuages.Db;
using Nuages.Db.Models;
using Site;
using static Nuages.Urls.Routes;

var app = NuagesApp.Create(args, s =>
{
    s.Debug = true;
    s.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"];
    s.Databases["default"] = Database.Sqlite("db.sqlite3");
    s.InstalledApps.Add<SiteConfig>();                      // its models, and their migrations in Migrations/
    s.InstalledApps.Add<Nuages.Contrib.ContentTypes.ContentTypesConfig>(); // django_content_type, by Django's migrations
    s.InstalledApps.Add<Nuages.Contrib.Sessions.SessionsConfig>();        // django_session, by Django's migration
    s.InstalledApps.Add<Nuages.Contrib.Auth.AuthConfig>();                // auth_user, auth_group, auth_permission, by Django's migrations
    s.Middleware.Add<Nuages.Contrib.Sessions.SessionMiddleware>();       // request.Session
    s.Middleware.Add<Nuages.Middleware.CsrfViewMiddleware>();            // every POST checked; {% csrf_token %} on any page (the nav's logout form)
    s.Middleware.Add<Nuages.Contrib.Auth.AuthenticationMiddleware>();    // request.User, await request.GetUserAsync()
    s.Middleware.Add<Nuages.Contrib.Messaging.MessageMiddleware>();      // Messages.Success(request, …), shown by base.html
    s.Templates.ContextProcessors.Add("django.contrib.messages.context_processors.messages");
    s.Templates.ContextProcessors.Add("django.contrib.auth.context_processors.auth"); // user and perms in templates
    s.LoginRedirectUrl = "private";
    s.AuthPasswordValidators =                                             // Django's four checks of new passwords
    [
        new() { Name = "django.contrib.auth.password_validation.UserAttributeSimilarityValidator" },
        new() { Name = "django.contrib.auth.password_validation.MinimumLengthValidator" },
        new() { Name = "django.contrib.auth.password_validation.CommonPasswordValidator" },
        new() { Name = "django.contrib.auth.password_validation.NumericPasswordValidator" },
    ];                                       // a URL name: where login goes without ?next=
    s.SecretKey = "sample-site-insecure-key-change-me";                  // signs sessions (Debug allows none, sessions need one)
    s.Templates.Dirs.Add("templates");                     // copied beside the program (Site.csproj)
    s.Templates.Libraries["site_tags"] = typeof(SiteTags).FullName!;
    // live comments travel through the channel layer: in memory for one process; for several, set
    // NUAGES__ChannelLayers__default__Backend=redis and NUAGES__ChannelLayers__default__Hosts__0=redis://127.0.0.1:6379/0
    s.ChannelLayers.TryAdd("default", new ChannelLayerSettings { Backend = "inmemory" });
});
// The sample applies its migrations and adds its first rows itself, so `dotnet run` works on a fresh clone
// (a site usually runs `dotnet run -- migrate` when it is deployed).
if (args.Length == 0 || args[0] == "runserver") await app.MigrateAsync();
if (args.Length == 0 || args[0] == "runserver") if (Author.Objects.Count() == 0) Atomic.Run(() => // the first rows, all or none
{
    var ursula = Author.Objects.Create(new Author { Name = "Ursula K. Le Guin" });
    var octavia = Author.Objects.Create(new Author { Name = "Octavia E. Butler" });
    Book.Objects.BulkCreate(
    [
        new Book { Title = "The Left Hand of Darkness", Author = ursula, Pages = 304, Published = new DateOnly(1969, 3, 1) },
        new Book { Title = "The Dispossessed", Author = ursula, Pages = 387, Published = new DateOnly(1974, 5, 1) },
        new Book { Title = "Kindred", Author = octavia, Pages = 264, Published = new DateOnly(1979, 6, 1) },
    ]);
});
if (args.Length == 0 || args[0] == "runserver") if (Entry.Objects.Count() == 0) Atomic.Run(BlogSeed.Add);
// a user to log in with (the login page says so): the password is stored hashed as Django stores it
if (args.Length == 0 || args[0] == "runserver") if (Nuages.Contrib.Auth.User.Objects.Count() == 0)
{
    var demo = new Nuages.Contrib.Auth.User { Username = "demo", FirstName = "Demo" };
    demo.SetPassword("nuages-demo");
    demo.Save();
}
app.UrlPatterns(
    Path("", Pages.Index, name: "index"),
    Path("hello/<str:name>/", Pages.Hello, name: "hello"),
    Path("slow/", Pages.Slow, name: "slow"),
    Path("books/", Pages.Books, name: "books"),
    Path("old-home/", Pages.OldHome),
    Path("missing/", Pages.Missing),
    Path("clock/", Nuages.Views.View.AsView<ClockView>(), name: "clock"),
    // generic views: a paginated list and a detail page, read with async I/O
    Path("authors/", Nuages.Views.View.AsView<Nuages.Views.Generic.AsyncListView<Author>>(v => { v.PaginateBy = 1; v.Ordering = ["name"]; }), name: "authors"),
    Path("authors/<int:pk>/", Nuages.Views.View.AsView<Nuages.Views.Generic.AsyncDetailView<Author>>(), name: "author"),
    // model forms: create and edit an author (unique names checked by the model), async
    Path("authors/new/", Nuages.Views.Decorators.ViewDecorators.CsrfProtect(
        Nuages.Views.View.AsView<Nuages.Views.Generic.AsyncCreateView<Author, AuthorForm>>(v => v.SuccessUrl = "/authors/{id}/")), name: "author-new"),
    Path("authors/<int:pk>/edit/", Nuages.Views.Decorators.ViewDecorators.CsrfProtect(
        Nuages.Views.View.AsView<Nuages.Views.Generic.AsyncUpdateView<Author, AuthorForm>>(v => v.SuccessUrl = "/authors/{id}/")), name: "author-edit"),
    // a blog: entries paginated, an entry with its comments and the comment form (errors shown back, then PRG)
    Path("blog/", Nuages.Views.View.AsView<Nuages.Views.Generic.AsyncListView<Entry>>(v => v.PaginateBy = 3), name: "blog"),
    Path("blog/<slug:slug>/", Nuages.Views.Decorators.ViewDecorators.CsrfProtect(Nuages.Views.View.AsView<EntryView>()), name: "entry"),
    // logging in and out (Django's LoginView and LogoutView, async), and a page only a logged-in user sees
    Path("accounts/login/", Nuages.Views.View.AsView<Nuages.Contrib.Auth.AsyncLoginView>(), name: "login"),
    Path("accounts/logout/", Nuages.Views.View.AsView<Nuages.Contrib.Auth.AsyncLogoutView>(v => v.NextPage = "/"), name: "logout"),
    Path("private/", Nuages.Contrib.Auth.AuthDecorators.LoginRequired(Pages.Private), name: "private"),
    Path("accounts/password/", Nuages.Views.View.AsView<Nuages.Contrib.Auth.AsyncPasswordChangeView>(), name: "password_change"),
    Path("accounts/password/done/", Nuages.Views.View.AsView<Nuages.Contrib.Auth.PasswordChangeDoneView>(), name: "password_change_done"),
    // a form: CSRF-protected, errors shown back, then a message and a redirect
    Path("contact/", Nuages.Views.Decorators.ViewDecorators.CsrfProtect(Nuages.Views.View.AsView<ContactView>()), name: "contact"),
    Path("api/", Include(Api.UrlPatterns, ns: "api")));
// WebSockets: an entry's page listens for new comments (the session and user are in each socket's scope)
app.WebSocketPatterns(
    Path("ws/", Include([Nuages.Channels.WebSocketRoutes.WebSocketPath<LiveComments>("blog/<slug:slug>/")])));
return await app.RunAsync();
