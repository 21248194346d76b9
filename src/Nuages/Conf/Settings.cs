using Microsoft.Extensions.Configuration;
using Nuages.Core;

namespace Nuages.Conf;

/// <summary>
/// The settings of a Nuages site: the part of Django's <c>global_settings</c> that applies.
/// Set them in code in <see cref="NuagesApp.Create(string[], Action{Settings})"/>; the
/// <c>Nuages</c> section of <c>appsettings.json</c> and <c>NUAGES__…</c> environment variables
/// override what the code set.
/// </summary>
public sealed class Settings
{
    /// <summary>Debug mode: technical error pages, adaptation logs, relaxed host checks.</summary>
    public bool Debug { get; set; }

    /// <summary>
    /// Host names this site may serve. A leading dot matches the domain and its subdomains,
    /// <c>*</c> matches anything. When empty and <see cref="Debug"/> is on, <c>.localhost</c>,
    /// <c>127.0.0.1</c> and <c>[::1]</c> are allowed, as in Django.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>The secret used for signing; required when <see cref="Debug"/> is off.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>
    /// Former secret keys, newest first (Django's <c>SECRET_KEY_FALLBACKS</c>): signatures made with them are still
    /// accepted, new ones use <see cref="SecretKey"/>. Rotate by moving the old key here; drop it once its signatures expire.
    /// </summary>
    public List<string> SecretKeyFallbacks { get; set; } = [];

    /// <summary>Charset of text responses when none is given.</summary>
    public string DefaultCharset { get; set; } = "utf-8";

    /// <summary>Content type of <see cref="Http.HttpResponse"/> when none is given (without the charset).</summary>
    public string DefaultContentType { get; set; } = "text/html";

    /// <summary>Redirect a URL without a trailing slash to the one with it (applied by CommonMiddleware).</summary>
    public bool AppendSlash { get; set; } = true;

    /// <summary>Redirect a host without <c>www.</c> to the one with it (applied by CommonMiddleware).</summary>
    public bool PrependWww { get; set; }

    /// <summary>Regular expressions of User-Agent values CommonMiddleware refuses with 403.</summary>
    public List<string> DisallowedUserAgents { get; set; } = [];

    /// <summary>Strict-Transport-Security max-age that SecurityMiddleware sends on HTTPS responses; 0 sends none.</summary>
    public int SecureHstsSeconds { get; set; }

    /// <summary>Adds <c>includeSubDomains</c> to Strict-Transport-Security.</summary>
    public bool SecureHstsIncludeSubdomains { get; set; }

    /// <summary>Adds <c>preload</c> to Strict-Transport-Security.</summary>
    public bool SecureHstsPreload { get; set; }

    /// <summary>Sends <c>X-Content-Type-Options: nosniff</c>.</summary>
    public bool SecureContentTypeNosniff { get; set; } = true;

    /// <summary>Redirects plain-HTTP requests to HTTPS (301).</summary>
    public bool SecureSslRedirect { get; set; }

    /// <summary>The host HTTPS redirects go to; the request's host when null.</summary>
    public string? SecureSslHost { get; set; }

    /// <summary>Regular expressions of paths (without the leading slash) never redirected to HTTPS.</summary>
    public List<string> SecureRedirectExempt { get; set; } = [];

    /// <summary>The Referrer-Policy value (comma-separated fallbacks allowed); null sends none.</summary>
    public string? SecureReferrerPolicy { get; set; } = "same-origin";

    /// <summary>The Cross-Origin-Opener-Policy value; null sends none.</summary>
    public string? SecureCrossOriginOpenerPolicy { get; set; } = "same-origin";

    /// <summary>
    /// Behind a TLS-terminating proxy, the header (in META form) and value that mark a request the client sent over
    /// HTTPS, as Django's <c>SECURE_PROXY_SSL_HEADER</c>: <c>["HTTP_X_FORWARDED_PROTO", "https"]</c>. Empty: the
    /// connection's scheme. Set it only when the proxy always sets (or strips) that header.
    /// </summary>
    public List<string> SecureProxySslHeader { get; set; } = [];

    /// <summary>Take the host from <c>X-Forwarded-Host</c> when a request has it (Django's <c>USE_X_FORWARDED_HOST</c>).</summary>
    public bool UseXForwardedHost { get; set; }

    /// <summary>Take the port from <c>X-Forwarded-Port</c> when a request has it (Django's <c>USE_X_FORWARDED_PORT</c>).</summary>
    public bool UseXForwardedPort { get; set; }

    /// <summary>Name of the CSRF cookie.</summary>
    public string CsrfCookieName { get; set; } = "csrftoken";

    /// <summary>Max-Age of the CSRF cookie in seconds (52 weeks); null makes it a session cookie.</summary>
    public int? CsrfCookieAge { get; set; } = 31_449_600;

    /// <summary>Domain of the CSRF cookie; null for the host only.</summary>
    public string? CsrfCookieDomain { get; set; }

    /// <summary>Path of the CSRF cookie.</summary>
    public string CsrfCookiePath { get; set; } = "/";

    /// <summary>Whether the CSRF cookie is Secure.</summary>
    public bool CsrfCookieSecure { get; set; }

    /// <summary>Whether the CSRF cookie is HttpOnly.</summary>
    public bool CsrfCookieHttpOnly { get; set; }

    /// <summary>SameSite of the CSRF cookie.</summary>
    public string? CsrfCookieSameSite { get; set; } = "Lax";

    /// <summary>The request header carrying the CSRF token, in META form.</summary>
    public string CsrfHeaderName { get; set; } = "HTTP_X_CSRFTOKEN";

    /// <summary>Origins trusted for unsafe requests (<c>https://*.example.com</c> for subdomains).</summary>
    public List<string> CsrfTrustedOrigins { get; set; } = [];

    /// <summary>The Content-Security-Policy ContentSecurityPolicyMiddleware sends (Django 6.0's <c>SECURE_CSP</c>); empty sends none.</summary>
    public Dictionary<string, object?> SecureCsp { get; set; } = [];

    /// <summary>The report-only policy (<c>SECURE_CSP_REPORT_ONLY</c>); empty sends none.</summary>
    public Dictionary<string, object?> SecureCspReportOnly { get; set; } = [];

    /// <summary>The databases by alias (Django's <c>DATABASES</c>): <c>s.Databases["default"] = Database.Sqlite("db.sqlite3")</c>.</summary>
    public Dictionary<string, Db.DatabaseSettings> Databases { get; set; } = [];

    /// <summary>
    /// The channel layers by alias (Channels' <c>CHANNEL_LAYERS</c>); none unless set —
    /// <c>s.ChannelLayers["default"] = new() { Backend = "inmemory" }</c>. <c>ChannelLayers.Get()</c> gives the default one.
    /// </summary>
    public Dictionary<string, ChannelLayerSettings> ChannelLayers { get; set; } = [];

    /// <summary>
    /// The caches by alias (Django's <c>CACHES</c>): a local-memory <c>default</c> unless set —
    /// <c>s.Caches["default"] = new() { Backend = "redis", Location = "redis://127.0.0.1:6379" }</c>.
    /// </summary>
    public Dictionary<string, CacheSettings> Caches { get; set; } = new() { ["default"] = new CacheSettings() };

    /// <summary>The cache the cache middleware and <c>CachePage</c> use (Django's <c>CACHE_MIDDLEWARE_ALIAS</c>).</summary>
    public string CacheMiddlewareAlias { get; set; } = "default";

    /// <summary>How long the cache middleware keeps a page, in seconds, when the response names no max-age (Django's <c>CACHE_MIDDLEWARE_SECONDS</c>).</summary>
    public int CacheMiddlewareSeconds { get; set; } = 600;

    /// <summary>A prefix for the cache middleware's keys, for sites sharing one cache (Django's <c>CACHE_MIDDLEWARE_KEY_PREFIX</c>).</summary>
    public string CacheMiddlewareKeyPrefix { get; set; } = "";

    /// <summary>
    /// Where sessions are kept (Django's <c>SESSION_ENGINE</c>): <c>db</c> (the default; the sessions app's
    /// <c>django_session</c> table), <c>cache</c>, <c>cached_db</c>, <c>signed_cookies</c> — or Django's dotted names of them.
    /// </summary>
    public string SessionEngine { get; set; } = "db";

    /// <summary>The session cookie's name (Django's <c>SESSION_COOKIE_NAME</c>).</summary>
    public string SessionCookieName { get; set; } = "sessionid";

    /// <summary>How long a session lasts, in seconds (two weeks), unless the session sets its own expiry.</summary>
    public int SessionCookieAge { get; set; } = 1_209_600;

    /// <summary>The session cookie's domain; null for the host only.</summary>
    public string? SessionCookieDomain { get; set; }

    /// <summary>The session cookie's path.</summary>
    public string SessionCookiePath { get; set; } = "/";

    /// <summary>Whether the session cookie is Secure (HTTPS only).</summary>
    public bool SessionCookieSecure { get; set; }

    /// <summary>Whether the session cookie is HttpOnly (unreadable by scripts).</summary>
    public bool SessionCookieHttpOnly { get; set; } = true;

    /// <summary>SameSite of the session cookie (and of the messages cookie).</summary>
    public string? SessionCookieSameSite { get; set; } = "Lax";

    /// <summary>Save the session on every request, not only when it changed (Django's <c>SESSION_SAVE_EVERY_REQUEST</c>).</summary>
    public bool SessionSaveEveryRequest { get; set; }

    /// <summary>Make session cookies last until the browser closes, unless a session sets its own expiry.</summary>
    public bool SessionExpireAtBrowserClose { get; set; }

    /// <summary>The cache the <c>cache</c> and <c>cached_db</c> session engines use (Django's <c>SESSION_CACHE_ALIAS</c>).</summary>
    public string SessionCacheAlias { get; set; } = "default";

    /// <summary>Where messages wait for the next request (Django's <c>MESSAGE_STORAGE</c>): <c>fallback</c> (cookie, then session), <c>cookie</c>, <c>session</c>.</summary>
    public string MessageStorage { get; set; } = "fallback";

    /// <summary>The lowest message level stored (Django's <c>MESSAGE_LEVEL</c>): 20, info; 10 keeps debug messages.</summary>
    public int MessageLevel { get; set; } = 20;

    /// <summary>CSS tags of message levels over Django's defaults (Django's <c>MESSAGE_TAGS</c>), keyed by level: <c>s.MessageTags["40"] = "danger"</c>.</summary>
    public Dictionary<string, string> MessageTags { get; set; } = [];

    /// <summary>Django's <c>DATABASE_ROUTERS</c>: where reads and writes go when a query names no alias.</summary>
    public List<Db.IDatabaseRouter> DatabaseRouters { get; set; } = [];

    /// <summary>
    /// The site's apps (Django's <c>INSTALLED_APPS</c>), by the full name of their <c>AppConfig</c> class:
    /// <c>s.InstalledApps.Add&lt;BlogConfig&gt;()</c> in code. Their models are the site's, with <c>app.Models</c>.
    /// </summary>
    public List<string> InstalledApps { get; set; } = [];

    /// <summary>The template engine (Django's <c>TEMPLATES</c>): directories, app directories, autoescaping, context processors, libraries.</summary>
    public TemplateSettings Templates { get; set; } = new();

    /// <summary>The folder uploaded files are stored in (Django's <c>MEDIA_ROOT</c>); the working folder when empty.</summary>
    public string MediaRoot { get; set; } = "";

    /// <summary>The URL prefix of uploaded files (Django's <c>MEDIA_URL</c>), e.g. <c>/media/</c>.</summary>
    public string MediaUrl { get; set; } = "";

    /// <summary>
    /// The password hashers (Django's <c>PASSWORD_HASHERS</c>), by full type name, preferred first: new passwords use the
    /// first; the others verify the hashes they made, which are remade with the first at the next login. Django's
    /// dotted names (<c>django.contrib.auth.hashers.PBKDF2PasswordHasher</c>…) are understood.
    /// </summary>
    public List<string> PasswordHashers { get; set; } =
    [
        "Nuages.Contrib.Auth.Pbkdf2PasswordHasher",
        "Nuages.Contrib.Auth.Pbkdf2Sha1PasswordHasher",
        "Nuages.Contrib.Auth.Argon2PasswordHasher",
        "Nuages.Contrib.Auth.BCryptSha256PasswordHasher",
    ];

    /// <summary>
    /// The checks a new password must pass (Django's <c>AUTH_PASSWORD_VALIDATORS</c>), by type name with options:
    /// <c>new() { Name = "django.contrib.auth.password_validation.MinimumLengthValidator", Options = { ["min_length"] = "9" } }</c>.
    /// None by default, as Django's settings; <c>startproject</c>'s sites list Django's four.
    /// </summary>
    public List<PasswordValidatorSettings> AuthPasswordValidators { get; set; } = [];

    /// <summary>
    /// How mail is sent (Django's <c>EMAIL_BACKEND</c>): <c>smtp</c> (the default), <c>console</c>, <c>file</c>
    /// (into <see cref="EmailFilePath"/>), <c>locmem</c> (kept in <c>Mail.Outbox</c>, for tests), <c>dummy</c> — or
    /// Django's dotted names of them, or the full type name of an <c>IEmailBackend</c>.
    /// </summary>
    public string EmailBackend { get; set; } = "smtp";

    /// <summary>The SMTP server (Django's <c>EMAIL_HOST</c>).</summary>
    public string EmailHost { get; set; } = "localhost";

    /// <summary>The SMTP port (Django's <c>EMAIL_PORT</c>).</summary>
    public int EmailPort { get; set; } = 25;

    /// <summary>The SMTP user; no authentication when empty.</summary>
    public string EmailHostUser { get; set; } = "";

    /// <summary>The SMTP password.</summary>
    public string EmailHostPassword { get; set; } = "";

    /// <summary>Whether to upgrade the SMTP connection with STARTTLS (Django's <c>EMAIL_USE_TLS</c>).</summary>
    public bool EmailUseTls { get; set; }

    /// <summary>Whether the SMTP connection is TLS from the start (Django's <c>EMAIL_USE_SSL</c>, usually port 465).</summary>
    public bool EmailUseSsl { get; set; }

    /// <summary>Seconds before an SMTP operation gives up (Django's <c>EMAIL_TIMEOUT</c>); none when null.</summary>
    public int? EmailTimeout { get; set; }

    /// <summary>The folder the <c>file</c> backend writes into (Django's <c>EMAIL_FILE_PATH</c>).</summary>
    public string EmailFilePath { get; set; } = "";

    /// <summary>The sender of mail that names none (Django's <c>DEFAULT_FROM_EMAIL</c>).</summary>
    public string DefaultFromEmail { get; set; } = "webmaster@localhost";

    /// <summary>How long a password reset link works, in seconds (Django's <c>PASSWORD_RESET_TIMEOUT</c>: three days).</summary>
    public int PasswordResetTimeout { get; set; } = 259_200;

    /// <summary>The user model (Django's <c>AUTH_USER_MODEL</c>): a full type name, or Django's <c>auth.User</c> for Nuages' <c>User</c>.</summary>
    public string AuthUserModel { get; set; } = "auth.User";

    /// <summary>
    /// Who checks credentials (Django's <c>AUTHENTICATION_BACKENDS</c>), tried in order, by full type name; Django's
    /// <c>django.contrib.auth.backends.ModelBackend</c> is Nuages' <c>ModelBackend</c>.
    /// </summary>
    public List<string> AuthenticationBackends { get; set; } = ["django.contrib.auth.backends.ModelBackend"];

    /// <summary>Where <c>LoginRequired</c> sends anonymous users (Django's <c>LOGIN_URL</c>): a path, or a URL name.</summary>
    public string LoginUrl { get; set; } = "/accounts/login/";

    /// <summary>Where login goes when no <c>next</c> is given (Django's <c>LOGIN_REDIRECT_URL</c>): a path, or a URL name.</summary>
    public string LoginRedirectUrl { get; set; } = "/accounts/profile/";

    /// <summary>Where logout goes (Django's <c>LOGOUT_REDIRECT_URL</c>); null renders the logged-out page.</summary>
    public string? LogoutRedirectUrl { get; set; }

    /// <summary>The URL prefix of static files (Django's <c>STATIC_URL</c>), given to templates as <c>STATIC_URL</c>.</summary>
    public string StaticUrl { get; set; } = "/static/";

    /// <summary>The site's time zone (Django's <c>TIME_ZONE</c>), an IANA name: <c>{% now %}</c> and the <c>tz</c> context processor use it.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// The site's language (Django's <c>LANGUAGE_CODE</c>): what <c>{% get_current_language %}</c> answers, and — with
    /// <see cref="UseI18N"/> — a part of the cache middleware's keys, as in Django.
    /// </summary>
    public string LanguageCode { get; set; } = "en-us";

    /// <summary>
    /// Django's <c>USE_I18N</c>: when on (Django's default), page-cache keys end with the language, and a response's
    /// <c>Vary: Accept-Language</c> adds nothing to them (django/utils/cache.py). Nuages translates nothing itself.
    /// </summary>
    public bool UseI18N { get; set; } = true;

    /// <summary>Addresses that see debug information in templates (Django's <c>INTERNAL_IPS</c>; the <c>debug</c> context processor).</summary>
    public List<string> InternalIps { get; set; } = [];

    /// <summary>Middleware, outermost first, by full type name: <c>s.Middleware.Add&lt;CsrfViewMiddleware&gt;()</c> in code.</summary>
    public List<string> Middleware { get; set; } = [];

    /// <summary>Largest request body (excluding file uploads) kept in memory; larger ones are refused (413). Null disables the check.</summary>
    public long? DataUploadMaxMemorySize { get; set; } = 2_621_440;

    /// <summary>Most GET/POST fields a request may carry; more is a 400 (TooManyFieldsSent). Null disables the check.</summary>
    public int? DataUploadMaxNumberFields { get; set; } = 1000;

    /// <summary>Most files a multipart request may carry; more is a 400 (TooManyFilesSent). Null disables the check.</summary>
    public int? DataUploadMaxNumberFiles { get; set; } = 100;

    /// <summary>Uploads up to this size stay in memory; larger ones are spooled to a temporary file.</summary>
    public long FileUploadMaxMemorySize { get; set; } = 2_621_440;

    /// <summary>Overrides the script name (URL prefix) the site is mounted under, as Django's <c>FORCE_SCRIPT_NAME</c>.</summary>
    public string? ForceScriptName { get; set; }

    /// <summary>The <c>X-Frame-Options</c> value XFrameOptionsMiddleware sets (Django's <c>X_FRAME_OPTIONS</c>).</summary>
    public string XFrameOptions { get; set; } = "DENY";

    /// <summary>How many sync calls (sync views, sync middleware, SyncToAsync) may block at once: on dedicated sync workers, or inline on the pool thread holding their request (docs/async.md).</summary>
    public int SyncWorkers { get; set; } = 32;

    /// <summary>On shutdown (SIGTERM, Ctrl-C), how long in-flight requests may take to finish before their <c>Aborted</c> tokens fire.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The origins a WebSocket handshake may come from (Channels' <c>OriginValidator</c> list): <c>*</c>, domains
    /// (<c>.example.com</c> with its subdomains) or full origins (<c>https://example.com:443</c>). Empty checks the
    /// <c>Origin</c> against <see cref="AllowedHosts"/>, as Channels' <c>AllowedHostsOriginValidator</c>.
    /// </summary>
    public List<string> WebSocketAllowedOrigins { get; set; } = [];

    /// <summary>The largest WebSocket message a client may send, in bytes; a larger one closes the socket with 1009.</summary>
    public int WebSocketMaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>How many WebSockets may be open at once; a handshake beyond is answered 503. 0: no limit.</summary>
    public int WebSocketMaxConnections { get; set; }

    /// <summary>How often an open WebSocket is pinged (Daphne's <c>--ping-interval</c>); zero turns pings off.</summary>
    public TimeSpan WebSocketPingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a pinged client may take to answer before its socket is dropped (Daphne's <c>--ping-timeout</c>).</summary>
    public TimeSpan WebSocketPingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a WebSocket may go without a message from its client before it is closed (1000); null: for ever.</summary>
    public TimeSpan? WebSocketIdleTimeout { get; set; }

    /// <summary>
    /// The most bytes one WebSocket's unsent messages may hold: a client that reads slower than the site sends fills
    /// it, and is then closed with 1008 (and dropped if it cannot even take the close), so it never grows memory.
    /// </summary>
    public int WebSocketSendQueueLimit { get; set; } = 1024 * 1024;

    /// <summary>
    /// The slowest a client may send a request body, in bytes per second, once <see cref="MinDataRateGracePeriod"/>
    /// has passed; a slower upload is answered 408 and its connection closed (Kestrel's <c>MinRequestBodyDataRate</c>).
    /// Null lets a client send as slowly as it likes.
    /// </summary>
    public double? MinRequestBodyDataRate { get; set; } = 240;

    /// <summary>
    /// The slowest a client may read a response, in bytes per second, once <see cref="MinDataRateGracePeriod"/> has
    /// passed; a client that reads slower (or not at all) while the site is writing is disconnected, so a stalled
    /// reader of a stream holds no connection forever (Kestrel's <c>MinResponseDataRate</c>). The clock runs only
    /// while a write is waiting on the client: a stream that sends a heartbeat now and then is not cut. Null turns it off.
    /// </summary>
    public double? MinResponseDataRate { get; set; } = 240;

    /// <summary>
    /// The longest one write of a response (at most 64 KiB) may wait on a client that reads nothing; then the
    /// connection is closed and the request's <c>Aborted</c> token fires, so a stalled reader of a stream or a large
    /// file holds nothing for long. Unlike <see cref="MinResponseDataRate"/>, which Kestrel measures as the average
    /// since the response began, it bounds every write. Null turns it off.
    /// </summary>
    public TimeSpan? ResponseWriteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a client may stay below <see cref="MinRequestBodyDataRate"/> or <see cref="MinResponseDataRate"/> before it is cut (more than 1 second).</summary>
    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Write one access-log line per request on the <c>Nuages.Server</c> logger.</summary>
    public bool AccessLog { get; set; } = true;

    /// <summary>
    /// Reads the <c>Nuages</c> section of <paramref name="configuration"/> over the values already set: every setting
    /// by its name (<see cref="SettingsBinder"/>). A list given there replaces the list set in code rather than extending it.
    /// </summary>
    internal void Apply(IConfiguration configuration) => SettingsBinder.Bind(this, configuration);

    /// <summary>Checks the settings a site cannot start without; throws naming the setting to fix.</summary>
    internal void Validate()
    {
        if (!Debug && string.IsNullOrEmpty(SecretKey))
            throw new ImproperlyConfigured(
                "The SecretKey setting must not be empty when Debug is false. Set it in code, " +
                "in appsettings.json (\"Nuages\": { \"SecretKey\": \"…\" }) or with the NUAGES__SecretKey environment variable.");
        if (SyncWorkers < 1)
            throw new ImproperlyConfigured($"The SyncWorkers setting must be at least 1, not {SyncWorkers}.");
        if (MinRequestBodyDataRate is <= 0 || MinResponseDataRate is <= 0)
            throw new ImproperlyConfigured(
                $"The MinRequestBodyDataRate and MinResponseDataRate settings must be positive (bytes per second) or null, not {MinRequestBodyDataRate?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} and {MinResponseDataRate?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}.");
        if (ResponseWriteTimeout is { } write && write <= TimeSpan.Zero)
            throw new ImproperlyConfigured($"The ResponseWriteTimeout setting must be positive or null, not {write}.");
        if (MinDataRateGracePeriod <= TimeSpan.FromSeconds(1))
            throw new ImproperlyConfigured($"The MinDataRateGracePeriod setting must be longer than 1 second (Kestrel checks rates once a second), not {MinDataRateGracePeriod}.");
        if (SecureProxySslHeader.Count is not (0 or 2))
            throw new ImproperlyConfigured(
                "The SecureProxySslHeader setting must hold two values, a header in META form and the value that means HTTPS, as [\"HTTP_X_FORWARDED_PROTO\", \"https\"] (or HTTP_X_FORWARDED_PROTO,https in NUAGES__SecureProxySslHeader).");
        NotNegative(nameof(SecureHstsSeconds), SecureHstsSeconds);
        NotNegative(nameof(DataUploadMaxMemorySize), DataUploadMaxMemorySize);
        NotNegative(nameof(DataUploadMaxNumberFields), DataUploadMaxNumberFields);
        NotNegative(nameof(DataUploadMaxNumberFiles), DataUploadMaxNumberFiles);
        NotNegative(nameof(FileUploadMaxMemorySize), FileUploadMaxMemorySize);
        NotNegative(nameof(CsrfCookieAge), CsrfCookieAge);
        if (WebSocketMaxMessageSize < 1 || WebSocketSendQueueLimit < 1)
            throw new ImproperlyConfigured($"The WebSocketMaxMessageSize and WebSocketSendQueueLimit settings must be at least 1 byte, not {WebSocketMaxMessageSize} and {WebSocketSendQueueLimit}.");
        NotNegative(nameof(WebSocketMaxConnections), WebSocketMaxConnections);
        if (WebSocketPingInterval < TimeSpan.Zero || WebSocketPingTimeout < TimeSpan.Zero || WebSocketIdleTimeout is { } idle && idle <= TimeSpan.Zero)
            throw new ImproperlyConfigured($"The WebSocketPingInterval and WebSocketPingTimeout settings must not be negative, and WebSocketIdleTimeout must be positive or null.");
        if (ShutdownTimeout < TimeSpan.Zero)
            throw new ImproperlyConfigured($"The ShutdownTimeout setting must not be negative, not {ShutdownTimeout}.");
        if (CsrfCookieSameSite is { } sameSite && !(sameSite.Equals("Lax", StringComparison.OrdinalIgnoreCase) || sameSite.Equals("Strict", StringComparison.OrdinalIgnoreCase) || sameSite.Equals("None", StringComparison.OrdinalIgnoreCase)))
            throw new ImproperlyConfigured($"The CsrfCookieSameSite setting must be Lax, Strict, None or null, not '{sameSite}'.");
        if (SessionCookieSameSite is { } sessionSameSite && !(sessionSameSite.Equals("Lax", StringComparison.OrdinalIgnoreCase) || sessionSameSite.Equals("Strict", StringComparison.OrdinalIgnoreCase) || sessionSameSite.Equals("None", StringComparison.OrdinalIgnoreCase)))
            throw new ImproperlyConfigured($"The SessionCookieSameSite setting must be Lax, Strict, None or null, not '{sessionSameSite}'.");
        NotNegative(nameof(SessionCookieAge), SessionCookieAge);
        if (!(XFrameOptions.Equals("DENY", StringComparison.OrdinalIgnoreCase) || XFrameOptions.Equals("SAMEORIGIN", StringComparison.OrdinalIgnoreCase)))
            throw new ImproperlyConfigured($"The XFrameOptions setting must be DENY or SAMEORIGIN, not '{XFrameOptions}'.");
        if (string.IsNullOrWhiteSpace(DefaultCharset))
            throw new ImproperlyConfigured("The DefaultCharset setting must not be empty.");
        if (!Http.HttpRequest.TryGetEncoding(DefaultCharset, out _))
            throw new ImproperlyConfigured($"The DefaultCharset setting names an unknown encoding: '{DefaultCharset}'.");
    }

    private static void NotNegative(string setting, long? value)
    {
        if (value < 0) throw new ImproperlyConfigured($"The {setting} setting must not be negative, not {value}.");
    }

    /// <summary>The hosts checked by <see cref="Http.HttpRequest.GetHost"/>, with Django's Debug fallback.</summary>
    internal IReadOnlyList<string> EffectiveAllowedHosts =>
        Debug && AllowedHosts.Count == 0 ? DebugHosts : AllowedHosts;

    private static readonly string[] DebugHosts = [".localhost", "127.0.0.1", "[::1]"];

}

/// <summary>One entry of <see cref="Settings.AuthPasswordValidators"/>: a validator's type name and its options.</summary>
public sealed class PasswordValidatorSettings
{
    /// <summary>The validator: a full type name, or Django's dotted name of a built-in one.</summary>
    public string Name { get; set; } = "";

    /// <summary>Its options by Django's names (<c>min_length</c>, <c>max_similarity</c>, <c>user_attributes</c>, <c>password_list_path</c>).</summary>
    public Dictionary<string, string> Options { get; set; } = [];
}

/// <summary>One channel layer of <see cref="Settings.ChannelLayers"/> (Channels' <c>BACKEND</c> and <c>CONFIG</c>).</summary>
public sealed class ChannelLayerSettings
{
    /// <summary>
    /// The layer: <c>inmemory</c> (Channels' <c>channels.layers.InMemoryChannelLayer</c>), <c>redis</c>
    /// (<c>channels_redis.core.RedisChannelLayer</c>) or <c>postgres</c> (LISTEN/NOTIFY on a PostgreSQL database of the site).
    /// </summary>
    public string Backend { get; set; } = "inmemory";

    /// <summary>The Redis server of a <c>redis</c> layer (channels_redis' <c>hosts</c>): <c>["redis://127.0.0.1:6379/0"]</c>.</summary>
    public List<string> Hosts { get; set; } = [];

    /// <summary>What the <c>redis</c> layer's keys and the <c>postgres</c> layer's notification channels start with (channels_redis' <c>prefix</c>).</summary>
    public string Prefix { get; set; } = "asgi";

    /// <summary>The alias in <c>Databases</c> of the PostgreSQL database a <c>postgres</c> layer uses.</summary>
    public string Database { get; set; } = "default";

    /// <summary>Seconds a message waits to be received (Channels' <c>expiry</c>).</summary>
    public int Expiry { get; set; } = 60;

    /// <summary>Seconds a channel stays in a group (Channels' <c>group_expiry</c>).</summary>
    public int GroupExpiry { get; set; } = 86_400;

    /// <summary>Messages a channel holds before <c>ChannelFull</c> (Channels' <c>capacity</c>).</summary>
    public int Capacity { get; set; } = 100;

    /// <summary>Capacities by channel-name glob (Channels' <c>channel_capacity</c>).</summary>
    public Dictionary<string, int> ChannelCapacity { get; set; } = [];
}

