using Nuages.Http;
using Nuages.Middleware;
using Nuages.Urls;
using Nuages.Views;
using Nuages.Views.Decorators;
using static Nuages.Urls.Routes;

namespace Conformance;

/// <summary>
/// For each decorator name, a sync view at <c>/deco/&lt;name&gt;/sync</c> and an async one at
/// <c>/deco/&lt;name&gt;/async</c>, decorated as Django's conformance site decorates them, each answering
/// <c>{"decorator": name, "mode": "sync"|"async", "method": …}</c> plus the extra fields noted.
/// </summary>
public static class DecoratorTable
{
    private static readonly string Fox = string.Join(" ", Enumerable.Repeat("The quick brown fox jumps over the lazy dog.", 12));
    private static readonly DateTime NewYear2024 = new(2024, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Extra fields a view adds to its JSON, from the request and the view itself.</summary>
    private delegate void Extras(HttpRequest request, Delegate view, IDictionary<string, object?> json);

    private static readonly Extras None = (_, _, _) => { };

    private static readonly Extras CsrfInput = (request, _, json) => json["csrf_input"] = Csrf.GetToken(request).Length > 0;

    private static readonly Extras Text = (_, _, json) => json["text"] = Fox;

    private static readonly (string Name, Func<Delegate, Delegate> Decorate, Extras Extras)[] Table =
    [
        ("none", v => v, None),
        ("cache_control", v => ViewDecorators.CacheControl(v, ("max_age", 3600), ("public", true)), None),
        ("never_cache", ViewDecorators.NeverCache, None),
        ("no_append_slash", ViewDecorators.NoAppendSlash, None),
        ("csrf_exempt", ViewDecorators.CsrfExempt, None),
        ("csrf_protect", ViewDecorators.CsrfProtect, None),
        ("ensure_csrf_cookie", ViewDecorators.EnsureCsrfCookie, None),
        ("requires_csrf_token", ViewDecorators.RequiresCsrfToken, CsrfInput),
        ("sensitive_variables", v => ViewDecorators.SensitiveVariables(v, "password", "card"), FrameVars),
        ("sensitive_post_parameters", v => ViewDecorators.SensitivePostParameters(v, "password"), PostParameters),
        ("gzip_page", ViewDecorators.GzipPage, Text),
        ("condition", v => ViewDecorators.Condition(v, _ => "cond-v1", _ => NewYear2024), None),
        ("conditional_page", ViewDecorators.ConditionalPage, None),
        ("etag", v => ViewDecorators.ETag(v, _ => "\"etag-v1\""), None),
        ("last_modified", v => ViewDecorators.LastModified(v, _ => NewYear2024), None),
        ("require_http_methods", v => ViewDecorators.RequireHttpMethods(v, "GET", "POST"), None),
        ("require_GET", ViewDecorators.RequireGet, None),
        ("require_POST", ViewDecorators.RequirePost, None),
        ("require_safe", ViewDecorators.RequireSafe, None),
        ("vary_on_cookie", ViewDecorators.VaryOnCookie, None),
        ("vary_on_headers", v => ViewDecorators.VaryOnHeaders(v, "Accept-Language", "User-Agent"), None),
        ("xframe_options_deny", ViewDecorators.XFrameOptionsDeny, None),
        ("xframe_options_sameorigin", ViewDecorators.XFrameOptionsSameOrigin, None),
        ("xframe_options_exempt", ViewDecorators.XFrameOptionsExempt, None),
        ("cache_page", v => ViewDecorators.CachePage(v, 60), None),
    ];

    private static void FrameVars(HttpRequest request, Delegate view, IDictionary<string, object?> json)
    {
        var locals = new Dictionary<string, object?> { ["user"] = "alice", ["password"] = "s3cret", ["card"] = "4111111111111111" };
        json["frame_vars"] = ExceptionReporterFilter.For(request).CleanseVariables(view, locals);
    }

    private static void PostParameters(HttpRequest request, Delegate view, IDictionary<string, object?> json) =>
        json["post"] = ExceptionReporterFilter.For(request).GetPostParameters(request)
            .OrderBy(p => p.Key, StringComparer.Ordinal).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    /// <summary>The URL patterns of the table.</summary>
    public static IEnumerable<UrlPattern> UrlPatterns()
    {
        foreach (var (name, decorate, extras) in Table)
        {
            yield return Path($"deco/{name}/sync", decorate(SyncView(name, extras)));
            yield return Path($"deco/{name}/async", decorate(AsyncView(name, extras)));
        }
        yield return Path("deco/gzip_etag/sync", ViewDecorators.GzipPage(ViewDecorators.ETag(SyncView("gzip_page+etag", Text), _ => "\"etag-v1\"")));
        yield return Path("deco/gzip_etag/async", ViewDecorators.GzipPage(ViewDecorators.ETag(AsyncView("gzip_page+etag", Text), _ => "\"etag-v1\"")));
        yield return Path("deco/csrf_exempt_requires_token/sync", ViewDecorators.CsrfExempt(ViewDecorators.RequiresCsrfToken(SyncView("csrf_exempt+requires_csrf_token", CsrfInput))));
        yield return Path("deco/csrf_exempt_requires_token/async", ViewDecorators.CsrfExempt(ViewDecorators.RequiresCsrfToken(AsyncView("csrf_exempt+requires_csrf_token", CsrfInput))));
        foreach (var mode in new[] { "sync", "async" })
        {
            yield return Path($"deco/no_append_slash/{mode}/dir/", ViewDecorators.NoAppendSlash(mode == "sync" ? SyncView("no_append_slash", None) : AsyncView("no_append_slash", None)));
            yield return Path($"deco/append_slash_control/{mode}/dir/", mode == "sync" ? SyncView("append_slash_control", None) : AsyncView("append_slash_control", None));
        }
    }

    private static Delegate SyncView(string name, Extras extras)
    {
        Func<HttpRequest, HttpResponse>? self = null;
        self = request => Respond(request, name, "sync", extras, self!);
        return self;
    }

    private static Delegate AsyncView(string name, Extras extras)
    {
        Func<HttpRequest, Task<HttpResponse>>? self = null;
        self = async request =>
        {
            await Task.Yield();
            return Respond(request, name, "async", extras, self!);
        };
        return self;
    }

    private static HttpResponse Respond(HttpRequest request, string name, string mode, Extras extras, Delegate view)
    {
        var json = new Dictionary<string, object?> { ["decorator"] = name, ["mode"] = mode, ["method"] = request.Method };
        extras(request, request.ResolverMatch?.Func ?? view, json);
        return new JsonResponse(json);
    }
}
