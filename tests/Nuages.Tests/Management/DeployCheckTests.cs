using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Management;
using Nuages.Tests.Middleware;

namespace Nuages.Tests.Management;

/// <summary>check --deploy: Django's security checks, by id and text, and Nuages' own.</summary>
public class DeployCheckTests
{
    private const string GoodKey = "x9!Qm2#vL7@pR4$wT8%zK1^nB6&cH3*jF5(dG0)sA-uE=yI+oU";

    private static readonly string[] AllBuiltIn =
    [
        typeof(Nuages.Middleware.SecurityMiddleware).FullName!,
        typeof(Nuages.Middleware.CsrfViewMiddleware).FullName!,
        typeof(Nuages.Middleware.XFrameOptionsMiddleware).FullName!,
    ];

    private static List<CheckMessage> Check(Action<Settings> configure)
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.SecretKey = GoodKey;
            s.AllowedHosts = ["shop.example"];
            configure(s);
        });
        return SystemChecks.Run(app, deploy: true);
    }

    private static string[] Ids(List<CheckMessage> problems) => [.. problems.Select(p => p.Id).Where(id => id.StartsWith("security.", StringComparison.Ordinal) || id.StartsWith("nuages.", StringComparison.Ordinal)).Order()];

    [Fact]
    public void A_well_configured_site_passes()
    {
        Assert.Empty(Ids(Check(s =>
        {
            s.Middleware = [.. AllBuiltIn];
            s.SecureHstsSeconds = 31_536_000;
            s.SecureHstsIncludeSubdomains = true;
            s.SecureHstsPreload = true;
            s.SecureSslRedirect = true;
            s.CsrfCookieSecure = true;
        })));
    }

    [Fact]
    public void Missing_middleware_a_weak_key_no_hosts_and_debug_are_reported()
    {
        var problems = Check(s =>
        {
            s.SecretKey = "short";
            s.AllowedHosts = [];
            s.Debug = true;
        });
        Assert.Equal(["security.W001", "security.W002", "security.W003", "security.W009", "security.W018", "security.W020"], Ids(problems));
        Assert.Equal("You do not have 'Nuages.Middleware.SecurityMiddleware' in your Middleware so the SecureHstsSeconds, SecureContentTypeNosniff, SecureReferrerPolicy, SecureCrossOriginOpenerPolicy, and SecureSslRedirect settings will have no effect.",
            problems.Single(p => p.Id == "security.W001").Message);
        Assert.Equal("Your SecretKey has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-' indicating that it was generated automatically by Django.",
            problems.Single(p => p.Id == "security.W009").Message);
    }

    [Fact]
    public void With_the_middleware_their_settings_are_checked()
    {
        var problems = Check(s =>
        {
            s.Middleware = [.. AllBuiltIn];
            s.XFrameOptions = "SAMEORIGIN";
            s.SecureContentTypeNosniff = false;
            s.SecureReferrerPolicy = null;
        });
        Assert.Equal(["security.W004", "security.W006", "security.W008", "security.W016", "security.W019", "security.W022"], Ids(problems));
        Assert.Equal("You have 'Nuages.Middleware.CsrfViewMiddleware' in your Middleware, but you have not set CsrfCookieSecure to true. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token.",
            problems.Single(p => p.Id == "security.W016").Message);

        problems = Check(s =>
        {
            s.Middleware = [.. AllBuiltIn];
            s.SecureHstsSeconds = 3600;
            s.SecureSslRedirect = true;
            s.CsrfCookieSecure = true;
            s.SecureReferrerPolicy = "same-origin, nobody";
            s.SecureCrossOriginOpenerPolicy = "open";
        });
        Assert.Equal(["security.E023", "security.E024", "security.W005", "security.W021"], Ids(problems));
        var referrer = problems.Single(p => p.Id == "security.E023");
        Assert.True(referrer.IsError);
        Assert.Equal("Valid values are: no-referrer, no-referrer-when-downgrade, origin, origin-when-cross-origin, same-origin, strict-origin, strict-origin-when-cross-origin, unsafe-url.", referrer.Hint);
    }

    [Fact]
    public void A_sync_only_middleware_is_named_because_it_holds_a_worker_for_every_request()
    {
        var problems = Check(s =>
        {
            s.Middleware = [.. AllBuiltIn, typeof(SyncOnlyA).FullName!, typeof(Hybrid).FullName!];
            s.SecureHstsSeconds = 3600;
            s.SecureHstsIncludeSubdomains = true;
            s.SecureHstsPreload = true;
            s.SecureSslRedirect = true;
            s.CsrfCookieSecure = true;
            s.SyncWorkers = 16;
        });
        var warning = Assert.Single(problems, p => p.Id == "nuages.W001");
        Assert.Equal($"The middleware '{typeof(SyncOnlyA).FullName}' is sync-only: every request through it, async views and long polls included, holds one of the 16 sync workers (SyncWorkers) until its response is built.", warning.Message);
    }
}
