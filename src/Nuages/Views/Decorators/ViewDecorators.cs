namespace Nuages.Views.Decorators;

/// <summary>
/// The decorators as functions over view delegates, for views that are not methods you can put an
/// attribute on: <c>Path("x/", ViewDecorators.NeverCache(view))</c>. The first applied is the innermost, as
/// in Python: <c>NeverCache(RequireGet(view))</c> is <c>@never_cache @require_GET def view</c>.
/// </summary>
public static class ViewDecorators
{
    /// <summary>Wraps <paramref name="view"/> with any decorator.</summary>
    public static Delegate Decorate(Delegate view, ViewDecoratorAttribute decorator)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(decorator);
        return new Func<Http.HttpRequest, Http.HttpResponse>(new DecoratedView(view, decorator).Invoke);
    }

    /// <summary><c>cache_control</c> with directives in the order given: <c>("max_age", 3600), ("public", true)</c>.</summary>
    public static Delegate CacheControl(Delegate view, params (string Name, object Value)[] directives) =>
        Decorate(view, new CacheControlAttribute(directives.Select(d => (d.Name.Replace('_', '-'), d.Value))));

    /// <summary><c>condition</c> with sync functions; a <see cref="DateTime"/> without a kind is UTC.</summary>
    public static Delegate Condition(Delegate view, Func<Http.HttpRequest, string?>? etag = null, Func<Http.HttpRequest, DateTime?>? lastModified = null) =>
        Decorate(view, new ConditionDecorator(
            etag is null ? null : r => new ValueTask<string?>(etag(r)),
            lastModified is null ? null : r => new ValueTask<DateTimeOffset?>(ConditionDecorator.AsUtc(lastModified(r)))));

    /// <summary><c>condition</c> with async functions.</summary>
    public static Delegate Condition(Delegate view, Func<Http.HttpRequest, Task<string?>>? etag, Func<Http.HttpRequest, Task<DateTime?>>? lastModified) =>
        Decorate(view, new ConditionDecorator(
            etag is null ? null : async r => await etag(r).ConfigureAwait(false),
            lastModified is null ? null : async r => ConditionDecorator.AsUtc(await lastModified(r).ConfigureAwait(false))));

    /// <summary><c>etag</c>: <c>condition</c> with only an ETag function (as django/views/decorators/http.py).</summary>
    public static Delegate ETag(Delegate view, Func<Http.HttpRequest, string?> etag) => Condition(view, etag: etag);

    /// <summary><c>last_modified</c>: <c>condition</c> with only a Last-Modified function (as django/views/decorators/http.py).</summary>
    public static Delegate LastModified(Delegate view, Func<Http.HttpRequest, DateTime?> lastModified) => Condition(view, lastModified: lastModified);

    /// <summary><c>conditional_page</c>.</summary>
    public static Delegate ConditionalPage(Delegate view) => Decorate(view, new ConditionalPageAttribute());

    /// <summary><c>gzip_page</c>.</summary>
    public static Delegate GzipPage(Delegate view) => Decorate(view, new GzipPageAttribute());

    /// <summary><c>sensitive_post_parameters</c>; no names hides every value.</summary>
    public static Delegate SensitivePostParameters(Delegate view, params string[] names) => Decorate(view, new SensitivePostParametersAttribute(names));

    /// <summary><c>sensitive_variables</c>; no names hides every variable.</summary>
    public static Delegate SensitiveVariables(Delegate view, params string[] names) => Decorate(view, new SensitiveVariablesAttribute(names));

    /// <summary><c>no_append_slash</c>.</summary>
    public static Delegate NoAppendSlash(Delegate view) => Decorate(view, new NoAppendSlashAttribute());

    /// <summary><c>csrf_exempt</c>.</summary>
    public static Delegate CsrfExempt(Delegate view) => Decorate(view, new CsrfExemptAttribute());

    /// <summary><c>non_atomic_requests</c>: the view runs outside AtomicRequests' block on the aliases named (<c>default</c> when none is).</summary>
    public static Delegate NonAtomicRequests(Delegate view, params string[] aliases) => Decorate(view, new NonAtomicRequestsAttribute(aliases));

    /// <summary><c>csrf_protect</c>.</summary>
    public static Delegate CsrfProtect(Delegate view) => Decorate(view, new CsrfProtectAttribute());

    /// <summary><c>requires_csrf_token</c>.</summary>
    public static Delegate RequiresCsrfToken(Delegate view) => Decorate(view, new RequiresCsrfTokenAttribute());

    /// <summary><c>ensure_csrf_cookie</c>.</summary>
    public static Delegate EnsureCsrfCookie(Delegate view) => Decorate(view, new EnsureCsrfCookieAttribute());

    /// <summary><c>cache_page(seconds, cache=, key_prefix=)</c>: the page cache around one view, in the cache named (<c>default</c> unless given).</summary>
    public static Delegate CachePage(Delegate view, int seconds, string? cache = null, string? keyPrefix = null) =>
        Decorate(view, new CachePageAttribute(seconds) { Cache = cache, KeyPrefix = keyPrefix });

    /// <summary><c>csp_override</c>.</summary>
    public static Delegate CspOverride(Delegate view, IReadOnlyDictionary<string, object?> config) => Decorate(view, new CspOverrideDecorator(config));

    /// <summary><c>csp_report_only_override</c>.</summary>
    public static Delegate CspReportOnlyOverride(Delegate view, IReadOnlyDictionary<string, object?> config) => Decorate(view, new CspReportOnlyOverrideDecorator(config));

    /// <summary><c>never_cache</c>.</summary>
    public static Delegate NeverCache(Delegate view) => Decorate(view, new NeverCacheAttribute());

    /// <summary><c>vary_on_headers</c>.</summary>
    public static Delegate VaryOnHeaders(Delegate view, params string[] headers) => Decorate(view, new VaryOnHeadersAttribute(headers));

    /// <summary><c>vary_on_cookie</c>.</summary>
    public static Delegate VaryOnCookie(Delegate view) => Decorate(view, new VaryOnCookieAttribute());

    /// <summary><c>require_http_methods</c>.</summary>
    public static Delegate RequireHttpMethods(Delegate view, params string[] methods) => Decorate(view, new RequireHttpMethodsAttribute(methods));

    /// <summary><c>require_GET</c>.</summary>
    public static Delegate RequireGet(Delegate view) => Decorate(view, new RequireGetAttribute());

    /// <summary><c>require_POST</c>.</summary>
    public static Delegate RequirePost(Delegate view) => Decorate(view, new RequirePostAttribute());

    /// <summary><c>require_safe</c>.</summary>
    public static Delegate RequireSafe(Delegate view) => Decorate(view, new RequireSafeAttribute());

    /// <summary><c>xframe_options_deny</c>.</summary>
    public static Delegate XFrameOptionsDeny(Delegate view) => Decorate(view, new XFrameOptionsDenyAttribute());

    /// <summary><c>xframe_options_sameorigin</c>.</summary>
    public static Delegate XFrameOptionsSameOrigin(Delegate view) => Decorate(view, new XFrameOptionsSameOriginAttribute());

    /// <summary><c>xframe_options_exempt</c>.</summary>
    public static Delegate XFrameOptionsExempt(Delegate view) => Decorate(view, new XFrameOptionsExemptAttribute());
}
