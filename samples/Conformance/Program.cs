using Conformance;
using Nuages;
using Nuages.Conf;
using Nuages.Middleware;

// Django's startproject defaults that exist in Nuages, so this site can be compared request by
// request with Django 5.2 serving the same table (see DecoratorTable).
var app = NuagesApp.Create(args, s =>
{
    s.Debug = false;
    s.AllowedHosts = ["*"];
    s.SecretKey = "django-insecure-conformance-site-key-not-for-production-0123456789";
    s.AccessLog = false;
    s.Middleware =
    [
        typeof(SecurityMiddleware).FullName!,
        typeof(Nuages.Contrib.Sessions.SessionMiddleware).FullName!,
        typeof(CommonMiddleware).FullName!,
        typeof(CsrfViewMiddleware).FullName!,
        typeof(Nuages.Contrib.Messaging.MessageMiddleware).FullName!,
        typeof(XFrameOptionsMiddleware).FullName!,
    ];
    // startproject's session and message apps; the table views never touch the session, so no database is read
    s.InstalledApps.Add<Nuages.Contrib.Sessions.SessionsConfig>();
    s.InstalledApps.Add<Nuages.Contrib.Messaging.MessagesConfig>();
});
app.UrlPatterns([.. DecoratorTable.UrlPatterns()]);
return await app.RunAsync();
