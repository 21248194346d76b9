using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Urls;

namespace Nuages.Tests.Support;

/// <summary>Builds a site as a user would, with logs captured and no appsettings.json or environment involved.</summary>
public static class TestSite
{
    public static NuagesApp Create(Action<Settings>? configure, params UrlPattern[] patterns) => Create(configure, out _, patterns);

    public static NuagesApp Create(Action<Settings>? configure, out LogCapture logs, params UrlPattern[] patterns)
    {
        var app = NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.SecretKey = "test-secret-key";
            configure?.Invoke(s);
        });
        logs = new LogCapture();
        app.LoggerFactory = logs.Factory();
        app.UrlPatterns(patterns);
        return app;
    }

    public static NuagesApp Create(params UrlPattern[] patterns) => Create(null, patterns);
}
