using System.Text;
using Nuages.Urls;

namespace Nuages.Management;

/// <summary>A problem found by <c>check</c>, with Django's check id where one exists.</summary>
internal sealed record CheckMessage(string Id, string Message, string? Hint, bool IsError)
{
    public override string ToString() => $"?: ({Id}) {Message}" + (Hint is null ? "" : $"\n\tHINT: {Hint}");
}

/// <summary>Django's system checks that apply to a Nuages site: settings and URL patterns.</summary>
internal static class SystemChecks
{
    public static List<CheckMessage> Run(NuagesApp app, bool deploy)
    {
        var problems = new List<CheckMessage>();
        var settings = app.Settings;
        foreach (var (route, name, _, _) in app.Handler.Resolver.Describe())
        {
            if (route.StartsWith('/'))
                problems.Add(new("urls.W002", $"Your URL pattern '{route}' has a route beginning with a '/'. Remove this slash as it is unnecessary.", null, false));
            if (name is not null && name.Split(':')[^1].Contains(':'))
                problems.Add(new("urls.W003", $"Your URL pattern '{route}' [name='{name}'] has a name including a ':'. Remove the colon, to avoid ambiguous namespace references.", null, false));
        }
        CheckNamespaces(app.Handler.Resolver.Patterns, "", problems);
        CheckMigrations(app, problems);
        if (deploy) CheckDeployment(settings, problems);
        return problems;
    }

    /// <summary>Models whose app has migrations but not for what the models now say (Django's <c>makemigrations --check</c>, as a warning).</summary>
    private static void CheckMigrations(NuagesApp app, List<CheckMessage> problems)
    {
        Dictionary<string, List<Db.Migrations.Operation>> changes;
        try
        {
            var graph = Db.Migrations.MigrationGraph.Load(app.Apps);
            changes = Db.Migrations.Autodetector.Changes(app.Apps, graph);
            changes = changes.Where(c => c.Value.Count > 0 && graph.HasMigrations(c.Key)).ToDictionary(c => c.Key, c => c.Value);
        }
        catch (Db.Migrations.NodeNotFoundError e)
        {
            problems.Add(new("nuages.E003", e.Message, "Fix the migration's Dependencies.", true));
            return;
        }
        if (changes.Count > 0)
            problems.Add(new("nuages.W002",
                $"Your models in app(s): {string.Join(", ", changes.Keys.Order(StringComparer.Ordinal).Select(k => $"'{k}'"))} have changes that are not yet reflected in a migration, and so won't be applied.",
                "Run 'makemigrations' to make new migrations, and then 'migrate' to apply them.", false));
    }

    // Django's REFERRER_POLICY_VALUES and the Cross-Origin-Opener-Policy values SecurityMiddleware may send.
    private static readonly string[] ReferrerPolicies =
        ["no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"];

    private static readonly string[] OpenerPolicies = ["same-origin", "same-origin-allow-popups", "unsafe-none"];

    /// <summary>
    /// Django's deployment checks (django/core/checks/security/base.py and csrf.py), with their ids and texts in
    /// Nuages' names (settings and middleware as C# spells them), and Nuages' own about sync-only middleware.
    /// </summary>
    private static void CheckDeployment(Conf.Settings settings, List<CheckMessage> problems)
    {
        void Warn(string id, string message) => problems.Add(new(id, message, null, false));
        if (Async.AsyncSafety.UnsafeAllowed) // as django/utils/asyncio.py does
            problems.Add(new("async.E001",
                $"You should not set the {Async.AsyncSafety.AllowUnsafeVariable} environment variable in deployment. This disables async safety protection.", null, true));

        var middleware = settings.Middleware.Select(TryResolve).ToList();
        bool Has<T>() => middleware.Contains(typeof(T));
        var security = Has<Middleware.SecurityMiddleware>();
        var xframe = Has<Middleware.XFrameOptionsMiddleware>();
        var csrf = Has<Middleware.CsrfViewMiddleware>();
        if (!security)
            Warn("security.W001", $"You do not have '{typeof(Middleware.SecurityMiddleware).FullName}' in your Middleware so the SecureHstsSeconds, SecureContentTypeNosniff, SecureReferrerPolicy, SecureCrossOriginOpenerPolicy, and SecureSslRedirect settings will have no effect.");
        if (!xframe)
            Warn("security.W002", $"You do not have '{typeof(Middleware.XFrameOptionsMiddleware).FullName}' in your Middleware, so your pages will not be served with an 'x-frame-options' header. Unless there is a good reason for your site to be served in a frame, you should consider enabling this header to help prevent clickjacking attacks.");
        if (!csrf)
            Warn("security.W003", $"You don't appear to be using Nuages' built-in cross-site request forgery protection via the middleware ('{typeof(Middleware.CsrfViewMiddleware).FullName}' is not in your Middleware). Enabling the middleware is the safest approach to ensure you don't leave any holes.");
        if (security && settings.SecureHstsSeconds == 0)
            Warn("security.W004", "You have not set a value for the SecureHstsSeconds setting. If your entire site is served only over SSL, you may want to consider setting a value and enabling HTTP Strict Transport Security. Be sure to read the documentation first; enabling HSTS carelessly can cause serious, irreversible problems.");
        if (security && settings.SecureHstsSeconds > 0 && !settings.SecureHstsIncludeSubdomains)
            Warn("security.W005", "You have not set the SecureHstsIncludeSubdomains setting to true. Without this, your site is potentially vulnerable to attack via an insecure connection to a subdomain. Only set this to true if you are certain that all subdomains of your domain should be served exclusively via SSL.");
        if (security && !settings.SecureContentTypeNosniff)
            Warn("security.W006", "Your SecureContentTypeNosniff setting is not set to true, so your pages will not be served with an 'X-Content-Type-Options: nosniff' header. You should consider enabling this header to prevent the browser from identifying content types incorrectly.");
        if (security && !settings.SecureSslRedirect)
            Warn("security.W008", "Your SecureSslRedirect setting is not set to true. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting true or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.");
        if (settings.SecretKey.Length < 50 || settings.SecretKey.Distinct().Count() < 5 || settings.SecretKey.StartsWith("django-insecure-", StringComparison.Ordinal))
            problems.Add(new("security.W009",
                "Your SecretKey has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-' indicating that it was generated automatically by Django.",
                "Generate a long and random value for SecretKey, otherwise many of Nuages' security-critical features will be vulnerable to attack.", false));
        if (csrf && !settings.CsrfCookieSecure)
            Warn("security.W016", $"You have '{typeof(Middleware.CsrfViewMiddleware).FullName}' in your Middleware, but you have not set CsrfCookieSecure to true. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token.");
        if (settings.Debug)
            Warn("security.W018", "You should not have Debug set to true in deployment.");
        if (xframe && !settings.XFrameOptions.Equals("DENY", StringComparison.OrdinalIgnoreCase))
            Warn("security.W019", $"You have '{typeof(Middleware.XFrameOptionsMiddleware).FullName}' in your Middleware, but XFrameOptions is not set to 'DENY'. Unless there is a good reason for your site to serve other parts of itself in a frame, you should change it to 'DENY'.");
        if (settings.AllowedHosts.Count == 0)
            Warn("security.W020", "AllowedHosts must not be empty in deployment.");
        if (security && settings.SecureHstsSeconds > 0 && !settings.SecureHstsPreload)
            Warn("security.W021", "You have not set the SecureHstsPreload setting to true. Without this, your site cannot be submitted to the browser preload list.");
        if (security && settings.SecureReferrerPolicy is null)
            Warn("security.W022", "You have not set the SecureReferrerPolicy setting. Without this, your site will not send a Referrer-Policy header. You should consider enabling this header to protect user privacy.");
        if (security && settings.SecureReferrerPolicy is { } referrer
            && referrer.Split(',', StringSplitOptions.TrimEntries).Any(v => !ReferrerPolicies.Contains(v)))
            problems.Add(new("security.E023", "You have set the SecureReferrerPolicy setting to an invalid value.", $"Valid values are: {string.Join(", ", ReferrerPolicies)}.", true));
        if (security && settings.SecureCrossOriginOpenerPolicy is { } opener && !OpenerPolicies.Contains(opener))
            problems.Add(new("security.E024", "You have set the SecureCrossOriginOpenerPolicy setting to an invalid value.", $"Valid values are: {string.Join(", ", OpenerPolicies)}.", true));

        // Nuages' own: a sync-only middleware puts every request it wraps, async ones included, on a sync worker for
        // the request's whole life, so a long poll or a stream behind it holds one of the SyncWorkers.
        foreach (var (name, type) in settings.Middleware.Zip(middleware))
        {
            if (type is null || Handlers.Handler.CapabilitiesOf(type).HasFlag(Middleware.MiddlewareCapabilities.Async)) continue;
            problems.Add(new("nuages.W001",
                $"The middleware '{name}' is sync-only: every request through it, async views and long polls included, holds one of the {settings.SyncWorkers} sync workers (SyncWorkers) until its response is built.",
                "Make it async-capable (implement IAsyncMiddleware, or derive from Middleware with [NonBlocking] hooks), or keep long-running async views out of its reach.", false));
        }
    }

    private static Type? TryResolve(string name)
    {
        try
        {
            return Handlers.Handler.ResolveMiddlewareType(name);
        }
        catch (Nuages.Core.ImproperlyConfigured)
        {
            return null;
        }
    }

    private static void CheckNamespaces(IReadOnlyList<UrlPattern> patterns, string prefix, List<CheckMessage> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            if (pattern.Include is not { } include) continue;
            if (include.Namespace is { } ns && !seen.Add(ns))
                problems.Add(new("urls.W005", $"URL namespace '{prefix}{ns}' isn't unique. You may not be able to reverse all URLs in this namespace", null, false));
            CheckNamespaces(include.Patterns, include.Namespace is null ? prefix : $"{prefix}{include.Namespace}:", problems);
        }
    }

    public static string Format(List<CheckMessage> problems)
    {
        if (problems.Count == 0) return "System check identified no issues (0 silenced).\n";
        var sb = new StringBuilder();
        var errors = problems.Where(p => p.IsError).ToList();
        var warnings = problems.Where(p => !p.IsError).ToList();
        sb.Append(errors.Count > 0 ? "SystemCheckError: System check identified some issues:\n" : "System check identified some issues:\n");
        if (errors.Count > 0) sb.Append("\nERRORS:\n").AppendJoin("\n", errors).Append('\n');
        if (warnings.Count > 0) sb.Append("\nWARNINGS:\n").AppendJoin("\n", warnings).Append('\n');
        sb.Append($"\nSystem check identified {problems.Count} issue{(problems.Count == 1 ? "" : "s")} (0 silenced).\n");
        return sb.ToString();
    }
}
