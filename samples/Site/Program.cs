using Nuages;
using Site;
using static Nuages.Urls.Routes;

var app = NuagesApp.Create(args, s =>
{
    s.Debug = true;
    s.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"];
});
app.UrlPatterns(
    Path("", Pages.Index, name: "index"),
    Path("hello/<str:name>/", Pages.Hello, name: "hello"),
    Path("slow/", Pages.Slow, name: "slow"),
    Path("old-home/", Pages.OldHome),
    Path("missing/", Pages.Missing),
    Path("clock/", Nuages.Views.View.AsView<ClockView>(), name: "clock"),
    Path("api/", Include(Api.UrlPatterns, ns: "api")));
return await app.RunAsync();
