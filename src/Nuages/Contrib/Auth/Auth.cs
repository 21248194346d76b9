using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Nuages.Conf;
using Nuages.Contrib.Sessions;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Contrib.Auth;

/// <summary>What an auth signal tells its receivers: the request (null outside one), the user (null when unknown), the credentials of a failed login.</summary>
public sealed record AuthSignalArgs(HttpRequest? Request, IUser? User, IReadOnlyDictionary<string, string?>? Credentials = null);

/// <summary>
/// A signal of the auth app (Django's <c>user_logged_in</c>, <c>user_logged_out</c>, <c>user_login_failed</c>):
/// receivers connected once, sync ones called from sync code, async ones awaited from async code (a sync receiver is
/// called from async code too: keep it free of I/O, or connect an async twin).
/// </summary>
public sealed class AuthSignal
{
    private ImmutableArray<Action<AuthSignalArgs>> _sync = [];
    private ImmutableArray<Func<AuthSignalArgs, Task>> _async = [];

    /// <summary>Connects a sync receiver.</summary>
    public void Connect(Action<AuthSignalArgs> receiver) => ImmutableInterlocked.Update(ref _sync, list => list.Add(receiver));

    /// <summary>Connects an async receiver, called by the async API (and by the sync one through a wait).</summary>
    public void Connect(Func<AuthSignalArgs, Task> receiver) => ImmutableInterlocked.Update(ref _async, list => list.Add(receiver));

    /// <summary>Disconnects a receiver.</summary>
    public void Disconnect(Delegate receiver)
    {
        if (receiver is Action<AuthSignalArgs> sync) ImmutableInterlocked.Update(ref _sync, list => list.Remove(sync));
        if (receiver is Func<AuthSignalArgs, Task> async) ImmutableInterlocked.Update(ref _async, list => list.Remove(async));
    }

    internal void Send(AuthSignalArgs args)
    {
        foreach (var receiver in _sync) receiver(args);
        foreach (var receiver in _async) Async.AsyncToSync.Run(() => receiver(args));
    }

    internal async Task SendAsync(AuthSignalArgs args)
    {
        foreach (var receiver in _sync) receiver(args);
        foreach (var receiver in _async) await receiver(args).ConfigureAwait(false);
    }
}

/// <summary>The session's record of a login: the user's key, backend and password hash.</summary>
internal static class AuthSessions
{
    private const string KeySalt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";

    /// <summary>Django's <c>get_session_auth_hash</c>: salted HMAC-SHA256 of the stored password, in hex.</summary>
    public static string PasswordHash(string password, string? secret = null)
    {
        var key = secret ?? Site.TryCurrent?.Settings.SecretKey ?? "";
        return Convert.ToHexStringLower(Signer.SaltedHmac(KeySalt, Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(key), "sha256"));
    }

    /// <summary>The hashes with the old secret keys (Django's <c>get_session_auth_fallback_hash</c>).</summary>
    public static IEnumerable<string> FallbackHashes(string password) =>
        (Site.TryCurrent?.Settings.SecretKeyFallbacks ?? []).Select(secret => PasswordHash(password, secret));
}

/// <summary>
/// Logging users in and out (django/contrib/auth/__init__.py), in both modes: <c>Auth.Authenticate(request, username,
/// password)</c> then <c>Auth.Login(request, user)</c>; <c>await Auth.AuthenticateAsync(…)</c>, <c>await
/// Auth.LoginAsync(…)</c> in async views (Django's <c>aauthenticate</c>, <c>alogin</c>), with no sync I/O.
/// </summary>
public static partial class Auth
{
    /// <summary>The session key of the user's primary key (Django's <c>SESSION_KEY</c>).</summary>
    public const string SessionKey = "_auth_user_id";

    /// <summary>The session key of the backend that logged the user in.</summary>
    public const string BackendSessionKey = "_auth_user_backend";

    /// <summary>The session key of the password's hash, which a password change makes stale.</summary>
    public const string HashSessionKey = "_auth_user_hash";

    private const string DjangoModelBackend = "django.contrib.auth.backends.ModelBackend";

    private static readonly Dictionary<string, Type> DjangoBackends = new(StringComparer.Ordinal)
    {
        [DjangoModelBackend] = typeof(ModelBackend),
        ["django.contrib.auth.backends.AllowAllUsersModelBackend"] = typeof(AllowAllUsersModelBackend),
        ["django.contrib.auth.backends.RemoteUserBackend"] = typeof(RemoteUserBackend),
    };

    private static readonly ConcurrentDictionary<string, AuthenticationBackend> Loaded = new(StringComparer.Ordinal);

    // which backend authenticated a user (Django sets user.backend)
    private static readonly ConditionalWeakTable<IUser, string> BackendOf = [];

    /// <summary>Sent after a login (Django's <c>user_logged_in</c>); the user's last login is saved before.</summary>
    public static AuthSignal UserLoggedIn { get; } = new();

    /// <summary>Sent before a logout (Django's <c>user_logged_out</c>); the user is null when nobody was logged in.</summary>
    public static AuthSignal UserLoggedOut { get; } = new();

    /// <summary>Sent when credentials name nobody (Django's <c>user_login_failed</c>), with the password hidden.</summary>
    public static AuthSignal UserLoginFailed { get; } = new();

    private static List<string> BackendNames() => Site.TryCurrent?.Settings.AuthenticationBackends ?? [DjangoModelBackend];

    /// <summary>The backend a setting names (Django's <c>load_backend</c>).</summary>
    public static AuthenticationBackend LoadBackend(string name) => Loaded.GetOrAdd(name, static name =>
    {
        var type = DjangoBackends.GetValueOrDefault(name) ?? TypeNames.Resolve(name)
            ?? throw new ImproperlyConfigured($"AuthenticationBackends names '{name}', which is not a type this program has.");
        return Activator.CreateInstance(type) as AuthenticationBackend
            ?? throw new ImproperlyConfigured($"AuthenticationBackends names '{name}', which is not an AuthenticationBackend.");
    });

    /// <summary>The site's backends with their names, in order (Django's <c>_get_backends</c>).</summary>
    public static IReadOnlyList<(string Name, AuthenticationBackend Backend)> Backends()
    {
        var names = BackendNames();
        if (names.Count == 0)
            throw new ImproperlyConfigured("No authentication backends have been defined. Does AuthenticationBackends contain anything?");
        return [.. names.Select(n => (n, LoadBackend(n)))];
    }

    /// <summary>The user a username and password name, or null (Django's <c>authenticate</c>).</summary>
    public static IUser? Authenticate(HttpRequest? request, string? username, string? password) =>
        Authenticate(request, new Dictionary<string, string?> { ["username"] = username, ["password"] = password });

    /// <summary>
    /// The user the credentials name, asking each backend in turn, or null (Django's <c>authenticate</c>); a backend
    /// throwing <see cref="PermissionDenied"/> stops the search. A failure sends <see cref="UserLoginFailed"/>.
    /// </summary>
    public static IUser? Authenticate(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials) =>
        Async.SyncMode.Result(AuthenticateCore(request, credentials, false, default), "Authenticate");

    /// <summary>The async form of <see cref="Authenticate(HttpRequest?, string?, string?)"/> (Django's <c>aauthenticate</c>).</summary>
    public static Task<IUser?> AuthenticateAsync(HttpRequest? request, string? username, string? password, CancellationToken cancellationToken = default) =>
        AuthenticateAsync(request, new Dictionary<string, string?> { ["username"] = username, ["password"] = password }, cancellationToken);

    /// <summary>The async form of <see cref="Authenticate(HttpRequest?, IReadOnlyDictionary{string, string?})"/>.</summary>
    public static Task<IUser?> AuthenticateAsync(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials, CancellationToken cancellationToken = default) =>
        AuthenticateCore(request, credentials, true, cancellationToken).AsTask();

    /// <summary>Django's <c>authenticate</c>, written once for both modes.</summary>
    private static async ValueTask<IUser?> AuthenticateCore(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials, bool async, CancellationToken cancellationToken)
    {
        foreach (var (name, backend) in Backends())
        {
            IUser? user;
            try
            {
                user = async ? await backend.AuthenticateAsync(request, credentials, cancellationToken).ConfigureAwait(false) : backend.Authenticate(request, credentials);
            }
            catch (PermissionDenied)
            {
                break;
            }
            if (user is null) continue;
            BackendOf.AddOrUpdate(user, name);
            return user;
        }
        LogFailure(request, credentials);
        var failed = new AuthSignalArgs(request, null, CleanseCredentials(credentials));
        if (async) await UserLoginFailed.SendAsync(failed).ConfigureAwait(false);
        else UserLoginFailed.Send(failed);
        return null;
    }

    // the failed logins of the last minute, for the rate the log gives
    private static readonly ConcurrentQueue<long> RecentFailures = new();

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Failed login for '{Username}' from {Address}: {Count} failed logins in the last minute")]
    private static partial void FailedLogin(Microsoft.Extensions.Logging.ILogger logger, string? username, string address, int count);

    /// <summary>Logs a failed login (category <c>Nuages.Security.Login</c>, warning) with the rate of failures over the last minute.</summary>
    private static void LogFailure(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials)
    {
        var now = Environment.TickCount64;
        RecentFailures.Enqueue(now);
        while (RecentFailures.TryPeek(out var oldest) && now - oldest > 60_000) RecentFailures.TryDequeue(out _);
        if (request is null) return;
        credentials.TryGetValue("username", out var username);
        FailedLogin(request.LoggerFactory.CreateLogger("Nuages.Security.Login"),
            username, request.Meta.Get("REMOTE_ADDR") ?? "?", RecentFailures.Count);
    }

    /// <summary>The credentials with anything that looks like a secret hidden, as Django's <c>_clean_credentials</c>.</summary>
    private static Dictionary<string, string?> CleanseCredentials(IReadOnlyDictionary<string, string?> credentials) =>
        credentials.ToDictionary(c => c.Key, c => System.Text.RegularExpressions.Regex.IsMatch(c.Key, "api|token|key|secret|password|signature", System.Text.RegularExpressions.RegexOptions.IgnoreCase) ? "********************" : c.Value);

    private static string BackendFor(IUser user, string? backend)
    {
        if (backend is not null) return backend;
        if (BackendOf.TryGetValue(user, out var remembered)) return remembered;
        var backends = Backends();
        if (backends.Count == 1) return backends[0].Name;
        throw new ArgumentException("You have multiple authentication backends configured and therefore must provide the `backend` argument or authenticate the user first.", nameof(backend));
    }

    /// <summary>
    /// Logs <paramref name="user"/> in on the request's session (Django's <c>login</c>): another user's session is emptied,
    /// the session key changes (no fixation), the CSRF token is rotated, the last login saved, <see cref="UserLoggedIn"/> sent.
    /// </summary>
    public static void Login(HttpRequest request, IUser user, string? backend = null) =>
        Async.SyncMode.Wait(LoginCore(request, user, backend, false, default), "Login");

    /// <summary>The async form of <see cref="Login"/> (Django's <c>alogin</c>): the session and the last login with async I/O.</summary>
    public static Task LoginAsync(HttpRequest request, IUser user, string? backend = null, CancellationToken cancellationToken = default) =>
        LoginCore(request, user, backend, true, cancellationToken).AsTask();

    /// <summary>Django's <c>login</c>, written once for both modes.</summary>
    private static async ValueTask LoginCore(HttpRequest request, IUser user, string? backend, bool async, CancellationToken cancellationToken)
    {
        var session = request.Session;
        var hash = user is IStoredUser stored ? stored.GetSessionAuthHash() : "";
        async ValueTask Set(string key, object? value)
        {
            if (async) await session.SetAsync(key, value, cancellationToken).ConfigureAwait(false);
            else session.Set(key, value);
        }
        if (async ? await session.HasAsync(SessionKey, cancellationToken).ConfigureAwait(false) : session.Has(SessionKey))
        {
            var known = async ? await session.GetAsync<string>(SessionKey, cancellationToken: cancellationToken).ConfigureAwait(false) : session.Get<string>(SessionKey);
            var knownHash = async ? await session.GetAsync<string>(HashSessionKey, cancellationToken: cancellationToken).ConfigureAwait(false) : session.Get<string>(HashSessionKey);
            // another user's session (or this user's before a password change) is emptied, never reused
            if (known != UserModel.PkText(user) || (hash.Length > 0 && !Same(knownHash ?? "", hash)))
            {
                if (async) await session.FlushAsync(cancellationToken).ConfigureAwait(false);
                else session.Flush();
            }
        }
        else if (async) await session.CycleKeyAsync(cancellationToken).ConfigureAwait(false);
        else session.CycleKey();
        var path = BackendFor(user, backend);
        await Set(SessionKey, UserModel.PkText(user)).ConfigureAwait(false);
        await Set(BackendSessionKey, path).ConfigureAwait(false);
        await Set(HashSessionKey, hash).ConfigureAwait(false);
        SetUser(request, user);
        Middleware.Csrf.RotateToken(request);
        var signal = new AuthSignalArgs(request, user);
        if (async)
        {
            if (user is IStoredUser touched) await touched.TouchLastLoginAsync(cancellationToken).ConfigureAwait(false);
            await UserLoggedIn.SendAsync(signal).ConfigureAwait(false);
        }
        else
        {
            (user as IStoredUser)?.TouchLastLogin(save: true);
            UserLoggedIn.Send(signal);
        }
    }

    /// <summary>Logs the request's user out (Django's <c>logout</c>): <see cref="UserLoggedOut"/> sent, the session emptied, the user anonymous.</summary>
    public static void Logout(HttpRequest request)
    {
        var user = request.Features.Get<LazyUser>()?.Known;
        UserLoggedOut.Send(new AuthSignalArgs(request, user is { IsAuthenticated: true } ? user : null));
        request.Session.Flush();
        SetUser(request, AnonymousUser.Instance);
    }

    /// <summary>The async form of <see cref="Logout"/> (Django's <c>alogout</c>).</summary>
    public static async Task LogoutAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        var user = request.Features.Get<LazyUser>()?.Known;
        await UserLoggedOut.SendAsync(new AuthSignalArgs(request, user is { IsAuthenticated: true } ? user : null)).ConfigureAwait(false);
        await request.Session.FlushAsync(cancellationToken).ConfigureAwait(false);
        SetUser(request, AnonymousUser.Instance);
    }

    private static void SetUser(HttpRequest request, IUser user)
    {
        if (request.Features.Get<LazyUser>() is { } lazy) lazy.Known = user;
        else request.Features.Set(new LazyUser { Known = user });
    }

    private static bool Same(string a, string b) => Signer.ConstantTimeCompare(a, b);

    /// <summary>
    /// The session's user, or <see cref="AnonymousUser"/> (Django's <c>get_user</c>): the backend the session names must
    /// still be listed, the user still found, and the session's password hash must match (or match with an old secret
    /// key, which re-keys the session); otherwise the session is emptied.
    /// </summary>
    public static IUser GetUser(HttpRequest request) => Async.SyncMode.Result(GetUserCore(request, false, default), "GetUser");

    /// <summary>The async form of <see cref="GetUser"/> (Django's <c>aget_user</c>): the session and the user read with async I/O.</summary>
    public static Task<IUser> GetUserAsync(HttpRequest request, CancellationToken cancellationToken = default) => GetUserCore(request, true, cancellationToken).AsTask();

    /// <summary>Django's <c>get_user</c>, written once for both modes.</summary>
    private static async ValueTask<IUser> GetUserCore(HttpRequest request, bool async, CancellationToken cancellationToken)
    {
        var session = request.Session;
        async ValueTask<string?> Read(string key) => async ? await session.GetAsync<string>(key, cancellationToken: cancellationToken).ConfigureAwait(false) : session.Get<string>(key);
        var id = await Read(SessionKey).ConfigureAwait(false);
        var path = await Read(BackendSessionKey).ConfigureAwait(false);
        if (id is null || path is null || !BackendNames().Contains(path)) return AnonymousUser.Instance;
        var backend = LoadBackend(path);
        var user = async ? await backend.GetUserAsync(id, cancellationToken).ConfigureAwait(false) : backend.GetUser(id);
        if (user is IStoredUser stored)
        {
            var sessionHash = await Read(HashSessionKey).ConfigureAwait(false);
            var current = stored.GetSessionAuthHash();
            if (!(sessionHash is { Length: > 0 } && Same(sessionHash, current)))
            {
                // a hash made with an old secret key (SecretKeyFallbacks): the session is re-keyed with the current one
                if (sessionHash is { Length: > 0 } && AuthSessions.FallbackHashes(stored.Password).Any(h => Same(sessionHash, h)))
                {
                    if (async)
                    {
                        await session.CycleKeyAsync(cancellationToken).ConfigureAwait(false);
                        await session.SetAsync(HashSessionKey, current, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        session.CycleKey();
                        session.Set(HashSessionKey, current);
                    }
                }
                else
                {
                    if (async) await session.FlushAsync(cancellationToken).ConfigureAwait(false);
                    else session.Flush();
                    user = null;
                }
            }
        }
        if (user is not null) BackendOf.AddOrUpdate(user, path);
        return user ?? AnonymousUser.Instance;
    }

    /// <summary>
    /// After the user changed their own password, keeps this session logged in (Django's <c>update_session_auth_hash</c>):
    /// the session is re-keyed and stores the new hash; the user's other sessions are logged out.
    /// </summary>
    public static void UpdateSessionAuthHash(HttpRequest request, IUser user)
    {
        request.Session.CycleKey();
        if (user is IStoredUser stored && request.Features.Get<LazyUser>()?.Known is { } current && Equals(current.Pk, user.Pk))
            request.Session.Set(HashSessionKey, stored.GetSessionAuthHash());
    }

    /// <summary>The async form of <see cref="UpdateSessionAuthHash"/> (Django's <c>aupdate_session_auth_hash</c>).</summary>
    public static async Task UpdateSessionAuthHashAsync(HttpRequest request, IUser user, CancellationToken cancellationToken = default)
    {
        await request.Session.CycleKeyAsync(cancellationToken).ConfigureAwait(false);
        if (user is IStoredUser stored && request.Features.Get<LazyUser>()?.Known is { } current && Equals(current.Pk, user.Pk))
            await request.Session.SetAsync(HashSessionKey, stored.GetSessionAuthHash(), cancellationToken).ConfigureAwait(false);
    }

    internal static void SetUserOf(HttpRequest request, IUser user) => SetUser(request, user);

    internal static InvalidOperationException NoMiddleware() =>
        new("request.User needs AuthenticationMiddleware: add Nuages.Contrib.Auth.AuthenticationMiddleware to Settings.Middleware, after SessionMiddleware.");
}

/// <summary><c>request.User</c> and <c>request.GetUserAsync()</c>, which <see cref="AuthenticationMiddleware"/> gives.</summary>
public static class AuthRequestExtensions
{
    extension(HttpRequest request)
    {
        /// <summary>
        /// The request's user (Django's <c>request.user</c>), which <see cref="AuthenticationMiddleware"/> gives: read from
        /// the session on first use, with sync I/O — in async code use <c>await request.GetUserAsync()</c>.
        /// </summary>
        public IUser User
        {
            get
            {
                var lazy = request.Features.Get<LazyUser>() ?? throw Auth.NoMiddleware();
                return lazy.Known ??= Auth.GetUser(request);
            }
            set => Auth.SetUserOf(request, value);
        }

        /// <summary>The request's user, read with async I/O the first time (Django's <c>request.auser()</c>).</summary>
        public async ValueTask<IUser> GetUserAsync(CancellationToken cancellationToken = default)
        {
            var lazy = request.Features.Get<LazyUser>() ?? throw Auth.NoMiddleware();
            return lazy.Known ??= await Auth.GetUserAsync(request, cancellationToken == default ? request.Aborted : cancellationToken).ConfigureAwait(false);
        }
    }

}

/// <summary>The request's user, read once from the session (sync or async) and kept.</summary>
internal sealed class LazyUser
{
    public IUser? Known { get; set; }
}
