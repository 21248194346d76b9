using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nuages.Conf;
using Nuages.Gateways;
using Nuages.Handlers;
using Nuages.Http;
using Nuages.Management;
using Nuages.Urls;

namespace Nuages;

/// <summary>
/// A Nuages site: its settings, URL patterns and error views, and the command line that serves it
/// (<c>runserver</c>, <c>check</c>, <c>routes</c>). Created by <see cref="Create(string[], Action{Settings})"/>; the handler is built
/// once, on first use, and the site's configuration is fixed from then on.
/// </summary>
public sealed class NuagesApp
{
    private readonly string[] _args;
    private readonly Lock _buildLock = new();
    private IReadOnlyList<UrlPattern> _patterns = [];
    private Handler? _handler;
    private ILoggerFactory? _loggerFactory;

    private NuagesApp(string[] args, Settings settings, IConfiguration configuration, Site site, Apps.AppRegistry apps)
    {
        _args = args;
        Site = site;
        Apps = apps;
        Settings = settings;
        Configuration = configuration;
    }

    /// <summary>
    /// Creates a site: <paramref name="configure"/> sets the settings in code, then the <c>Nuages</c>
    /// section of <c>appsettings.json</c> and <c>NUAGES__*</c> environment variables override them.
    /// Invalid settings fail here, with a message naming the setting.
    /// </summary>
    public static NuagesApp Create(string[] args, Action<Settings>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return Create(args, configuration, configure);
    }

    /// <summary>Creates a site from an explicit configuration (tests, hosts that build their own).</summary>
    public static NuagesApp Create(string[] args, IConfiguration configuration, Action<Settings>? configure = null)
    {
        var settings = new Settings();
        configure?.Invoke(settings);
        settings.Apply(configuration);
        settings.Validate();
        var site = new Site(settings);
        _ = Db.Connections.Of(site); // a misconfigured database fails here, naming its alias
        var apps = new Apps.AppRegistry(settings); // and an app that is missing or listed twice
        Templates.Engine.Install(site, apps); // and a template library that cannot be found
        // The site becomes the current one of the calling flow (Program.Main, a test): its ORM calls and Reverse
        // outside requests use it. Nothing process-wide is set: other flows and other sites are untouched.
        site.EnterForFlow();
        foreach (var installed in apps.All) installed.Ready();
        return new NuagesApp(args, settings, configuration, site, apps);
    }

    /// <summary>
    /// Makes this site the current one of the calling flow until the returned scope is disposed: what ORM calls,
    /// migrations and <c>Reverse</c> outside a request use when the process has several sites.
    /// </summary>
    public IDisposable Enter() => Site.Enter();

    internal Site Site { get; }

    /// <summary>
    /// Django's <c>migrate</c>, from code: applies the installed apps' migrations on <paramref name="alias"/>, then
    /// creates the missing tables of models whose app has no migrations. What a site that migrates itself at start calls.
    /// </summary>
    public async Task MigrateAsync(string alias = Db.Database.DefaultAlias, Action<string>? progress = null)
    {
        using var scope = Enter();
        await new Db.Migrations.MigrationExecutor(Apps, alias).MigrateAsync(progress: progress).ConfigureAwait(false);
        var graph = Db.Migrations.MigrationGraph.Load(Apps);
        var unmigrated = AllModels.Where(m => Nuages.Apps.AppConfig.Of(m) is not { } config || !graph.HasMigrations(config.Label)).ToList();
        if (unmigrated.Count > 0) await Async.SyncToAsync.Run(() => Db.Models.Schema.Migrate(unmigrated, alias));
        await PostMigrateAsync(alias).ConfigureAwait(false);
    }

    /// <summary>The installed apps' <see cref="Nuages.Apps.IPostMigrate"/> hooks (Django's <c>post_migrate</c>).</summary>
    internal async Task PostMigrateAsync(string alias)
    {
        foreach (var hook in Apps.All.OfType<Nuages.Apps.IPostMigrate>())
            await hook.PostMigrateAsync(Apps.All, alias).ConfigureAwait(false);
    }

    /// <summary>The settings in effect.</summary>
    public Settings Settings { get; }

    /// <summary>The configuration the settings were read from (appsettings.json, environment).</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The request signals: connect receivers to <c>RequestStarted</c> and <c>RequestFinished</c>.</summary>
    public RequestSignals Signals { get; } = new();

    /// <summary>The views that answer 400, 403, 404 and 500.</summary>
    public ErrorViews ErrorViews { get; } = new();

    /// <summary>Where logs go: the console by default (<c>Logging</c> section of appsettings.json applies).</summary>
    public ILoggerFactory LoggerFactory
    {
        get => _loggerFactory ??= CreateLoggerFactory();
        set
        {
            ThrowIfBuilt();
            _loggerFactory = value;
        }
    }

    private readonly List<Action<WebApplication>> _aspNetCore = [];

    /// <summary>
    /// Adds ASP.NET Core middleware or endpoints in front of Nuages, for what Nuages does not do itself
    /// (<c>web.UseResponseCompression()</c>, <c>web.MapHealthChecks("/healthz")</c>, <c>web.MapGet(…)</c>). They run on the
    /// server <see cref="StartAsync(string, CancellationToken)"/> starts, after Nuages' host check (a request for a host
    /// outside <c>AllowedHosts</c> is answered 400 before any of them) and before Nuages' gateway; an endpoint they
    /// map answers its requests, every other request goes on to Nuages.
    /// </summary>
    public NuagesApp AspNetCore(Action<WebApplication> configure)
    {
        ThrowIfBuilt();
        _aspNetCore.Add(configure);
        return this;
    }

    /// <summary>The site's installed apps (Django's <c>apps</c>), from <c>Settings.InstalledApps</c>.</summary>
    public Apps.AppRegistry Apps { get; }

    /// <summary>
    /// Models of the site outside any app — the one-line way for a one-file site (<c>app.Models.Add(typeof(Author))</c>).
    /// With the installed apps' models they are what <c>migrate</c> creates tables for (<see cref="AllModels"/>).
    /// </summary>
    public List<Type> Models { get; } = [];

    /// <summary>Every model of the site: the installed apps' and <see cref="Models"/>.</summary>
    public IReadOnlyList<Type> AllModels => [.. Apps.Models.Concat(Models).Distinct()];

    /// <summary>Sets the site's URL patterns (Django's <c>urlpatterns</c>); they are compiled, and their views bound, right away.</summary>
    public NuagesApp UrlPatterns(params UrlPattern[] patterns)
    {
        ThrowIfBuilt();
        var resolver = new UrlResolver(patterns);
        _patterns = patterns;
        UrlResolver.Of(Site).Value = resolver;
        _resolver = resolver;
        return this;
    }

    private UrlResolver? _resolver;

    /// <summary>
    /// Sets the site's WebSocket URL patterns (Channels' <c>URLRouter</c> under <c>"websocket"</c>):
    /// <c>WebSocketPath&lt;ChatConsumer&gt;("ws/chat/&lt;str:room&gt;/")</c> from <c>Nuages.Channels.WebSocketRoutes</c>,
    /// mounted with <c>Path(…, Include(…))</c> as HTTP patterns are. Compiled right away; served by <see cref="StartAsync(string, CancellationToken)"/>.
    /// </summary>
    public NuagesApp WebSocketPatterns(params UrlPattern[] patterns)
    {
        Channels.WebSocketRouter.Of(Site).Value = new Channels.WebSocketRouter(patterns);
        return this;
    }

    internal Handler Handler
    {
        get
        {
            if (_handler is not null) return _handler;
            lock (_buildLock)
            {
                return _handler ??= new Handler(Site, _resolver ?? new UrlResolver(_patterns), ErrorViews, Signals, LoggerFactory);
            }
        }
    }

    /// <summary>
    /// Runs the command named by the arguments: <c>runserver [addr:port]</c> (the default), <c>check
    /// [--deploy]</c>, <c>routes</c>. Returns the process exit code.
    /// </summary>
    public Task<int> RunAsync(CancellationToken cancellationToken = default) =>
        new CommandLine(this, Console.Out, Console.Error).RunAsync(_args, cancellationToken);

    /// <summary>
    /// Starts serving on <paramref name="address"/> (<c>127.0.0.1:8000</c>; port 0 picks a free one)
    /// with HTTP/1.1 and HTTP/2 (h2c), and returns once listening. Dispose the server to stop it.
    /// </summary>
    public Task<NuagesServer> StartAsync(string address = "127.0.0.1:8000", CancellationToken cancellationToken = default) =>
        StartAsync(address, ServerGateway.Async, Settings.SyncWorkers, cancellationToken);

    /// <summary>
    /// Starts serving with the chosen gateway: <see cref="ServerGateway.Async"/> (Django's ASGI) or
    /// <see cref="ServerGateway.Sync"/> (Django's WSGI: <paramref name="threads"/> blocking gateway threads).
    /// </summary>
    public async Task<NuagesServer> StartAsync(string address, ServerGateway gateway, int threads, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var endpoint = ParseAddress(address);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(LoggerFactory);
        // Graceful shutdown: stop accepting, let in-flight requests finish, then abort them (their Aborted tokens fire).
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = Settings.ShutdownTimeout);
        // Long-polling sites open thousands of connections at once: a deep accept queue keeps them from being refused.
        builder.WebHost.UseSockets(sockets => sockets.Backlog = 8192);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(endpoint, listen => Http2Enabled = CleartextHttp2.Enable(listen));
            // Uploads are bounded by the Nuages settings, checked as the body is read.
            kestrel.Limits.MaxRequestBodySize = null;
            // h2c requests carry :scheme http on a connection Kestrel was told is TLS (see CleartextHttp2).
            kestrel.AllowAlternateSchemes = true;
            // Django sends header values as Latin-1 (HttpResponse.__setitem__); Kestrel sends only ASCII unless told.
            kestrel.ResponseHeaderEncodingSelector = static _ => System.Text.Encoding.Latin1;
            // Slow clients: an upload or a read slower than the minimum rate is cut, so it holds no connection forever.
            var grace = Settings.MinDataRateGracePeriod;
            kestrel.Limits.MinRequestBodyDataRate = Settings.MinRequestBodyDataRate is { } upload ? new MinDataRate(upload, grace) : null;
            kestrel.Limits.MinResponseDataRate = Settings.MinResponseDataRate is { } download ? new MinDataRate(download, grace) : null;
        });
        var web = builder.Build();
        Handler.Prebuild(isAsync: gateway == ServerGateway.Async);
        RequestDelegate serve = gateway == ServerGateway.Sync ? new SyncGateway(Handler, threads).InvokeAsync : new AsyncGateway(Handler).InvokeAsync;
        if (_aspNetCore.Count > 0)
        {
            // The host check first, as Nuages' own handler does it, so nothing added here serves a host the site refuses.
            web.Use(async (context, next) =>
            {
                if (KestrelExchange.HostAllowed(Settings, context)) await next(context).ConfigureAwait(false);
                else await KestrelExchange.RefuseAsync(context, 400).ConfigureAwait(false);
            });
            foreach (var configure in _aspNetCore) configure(web);
            var nuages = serve;
            // Minimal hosting runs mapped endpoints after the terminal delegate: run the one routing chose here.
            serve = context => context.GetEndpoint()?.RequestDelegate is { } endpoint ? endpoint(context) : nuages(context);
        }
        if (Channels.WebSocketRouter.Of(Site).Value is not null)
        {
            // WebSocket handshakes go to the consumers, on either gateway; everything else to the site's views.
            // PERF: ASP.NET Core's WebSocket middleware makes a handshake object for every request it sees; it sees only
            // those that can be one (an HTTP/1.1 Upgrade, an HTTP/2 extended CONNECT) — for the rest IsWebSocketRequest is false all the same.
            web.UseWhen(KestrelExchange.MayBeWebSocket, sockets => sockets.UseWebSockets());
            var sockets = new WebSocketGateway(Site, [.. Apps.All.OfType<Channels.IConnectionSetup>()], LoggerFactory, web.Lifetime.ApplicationStopping);
            var http = serve;
            serve = context => context.WebSockets.IsWebSocketRequest ? sockets.ServeAsync(context) : http(context);
        }
        web.Run(serve);
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // The endpoint is marked TLS to keep HTTP/2 (see CleartextHttp2); it is plain HTTP all the same.
        var uri = new UriBuilder(bound) { Scheme = "http" }.Uri;
        return new NuagesServer(web, uri, Async.SyncWorkerPool.For(Site));
    }

    /// <summary>Whether the last server started serves h2c next to HTTP/1.1.</summary>
    internal bool Http2Enabled { get; private set; }

    internal static IPEndPoint ParseAddress(string address)
    {
        var text = address.Trim();
        string host = "127.0.0.1", port = text;
        var colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            host = text[..colon].Trim('[', ']');
            port = text[(colon + 1)..];
        }
        if (host.Length == 0) host = "127.0.0.1";
        if (host == "localhost") host = "127.0.0.1";
        if (!IPAddress.TryParse(host, out var ip))
            throw new ArgumentException($"'{address}' is not a valid address: give an IP address and a port, like 127.0.0.1:8000.", nameof(address));
        if (!int.TryParse(port, out var number) || number is < 0 or > 65535)
            throw new ArgumentException($"'{address}' is not a valid address: '{port}' is not a port number.", nameof(address));
        return new IPEndPoint(ip, number);
    }

    private ILoggerFactory CreateLoggerFactory() => Microsoft.Extensions.Logging.LoggerFactory.Create(logging =>
    {
        logging.AddConfiguration(Configuration.GetSection("Logging"));
        logging.SetMinimumLevel(Settings.Debug ? LogLevel.Debug : LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "[dd/MMM/yyyy HH:mm:ss] ";
        });
    });

    private void ThrowIfBuilt()
    {
        if (_handler is not null)
            throw new InvalidOperationException("The site is already serving requests; set URL patterns and logging before the first request.");
    }

}

/// <summary>A running Kestrel server for a site; dispose it to stop serving.</summary>
public sealed class NuagesServer : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly Async.SyncWorkerPool _workers;

    internal NuagesServer(WebApplication web, Uri address, Async.SyncWorkerPool workers)
    {
        _web = web;
        _workers = workers;
        Address = address;
    }

    /// <summary>The address the server listens on (<c>http://127.0.0.1:PORT</c>).</summary>
    public Uri Address { get; }

    /// <summary>Completes when the server has stopped (Ctrl-C, SIGTERM, or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _web.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting connections, lets in-flight requests finish, then stops the idle sync workers.</summary>
    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _workers.StopIdle();
    }
}
