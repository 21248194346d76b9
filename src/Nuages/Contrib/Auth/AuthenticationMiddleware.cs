using Nuages.Contrib.Sessions;
using Nuages.Core;
using Nuages.Http;
using Nuages.Middleware;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Django's <c>AuthenticationMiddleware</c>: gives each request its user — <c>request.User</c> (read from the session
/// on first use, sync) and <c>await request.GetUserAsync()</c> (Django's <c>auser</c>, async I/O). Nothing is read
/// until a view asks, so it runs inline in both modes. Put it after <see cref="SessionMiddleware"/>.
/// </summary>
[NonBlocking]
public sealed class AuthenticationMiddleware(Next next) : MiddlewareMixin(next)
{
    /// <inheritdoc/>
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        if (request.Features.Get<SessionBase>() is null)
            throw new ImproperlyConfigured("The authentication middleware requires session middleware to be installed. Edit your Settings.Middleware to insert "
                + "Nuages.Contrib.Sessions.SessionMiddleware before Nuages.Contrib.Auth.AuthenticationMiddleware.");
        request.Features.Set(new LazyUser());
        return null;
    }
}

/// <summary>
/// Django 5.1's <c>login_not_required</c>: a view <see cref="LoginRequiredMiddleware"/> lets anyone see. Put it on a view
/// method, a view class, or wrap a view with <see cref="AuthDecorators.LoginNotRequired"/>. The login and password
/// reset views have it.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, Inherited = true)]
public sealed class LoginNotRequiredAttribute : Nuages.Views.Decorators.ViewDecoratorAttribute;

/// <summary>
/// Django 5.1's <c>LoginRequiredMiddleware</c>: every view needs a logged-in user unless marked
/// <see cref="LoginNotRequiredAttribute"/>; others go to the login page with <c>next</c> (a view's own
/// <c>[LoginRequired(LoginUrl = …)]</c> is honoured). Put it after <see cref="AuthenticationMiddleware"/>. In async
/// requests the user is read with async I/O.
/// </summary>
public sealed class LoginRequiredMiddleware(Next next) : MiddlewareMixin(next)
{
    // PERF: what a route's view is marked with, read once per view delegate (routes keep theirs for the site's life)
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Delegate, Tuple<bool, LoginRequiredAttribute?>> Marks = [];

    private static (bool Exempt, LoginRequiredAttribute? Declared) Inspect(Delegate view)
    {
        var marks = Marks.GetValue(view, static v =>
        {
            var (exempt, declared) = Read(v);
            return Tuple.Create(exempt, declared);
        });
        return (marks.Item1, marks.Item2);
    }

    private static (bool Exempt, LoginRequiredAttribute? Declared) Read(Delegate view)
    {
        LoginRequiredAttribute? declared = null;
        while (view.Target is Nuages.Views.Decorators.DecoratedView decorated)
        {
            if (decorated.Decorator is LoginNotRequiredAttribute) return (true, null);
            declared ??= decorated.Decorator as LoginRequiredAttribute;
            view = decorated.Inner;
        }
        if (view.Method.IsDefined(typeof(LoginNotRequiredAttribute), inherit: true)) return (true, null);
        declared ??= (LoginRequiredAttribute?)Attribute.GetCustomAttribute(view.Method, typeof(LoginRequiredAttribute), inherit: true);
        if (view.Target is Nuages.Views.IClassViewInvoker invoker && invoker.ViewType.IsDefined(typeof(LoginNotRequiredAttribute), inherit: true)) return (true, null);
        return (false, declared);
    }

    /// <inheritdoc/>
    protected internal override HttpResponse? ProcessView(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        var (exempt, declared) = Inspect(view);
        return exempt || request.User.IsAuthenticated ? null : AuthDecorators.RedirectToLogin(request, declared?.LoginUrl, declared?.RedirectFieldName ?? "next");
    }

    /// <inheritdoc/>
    protected internal override async ValueTask<HttpResponse?> ProcessViewAsync(HttpRequest request, Delegate view, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        var (exempt, declared) = Inspect(view);
        if (exempt || (await request.GetUserAsync().ConfigureAwait(false)).IsAuthenticated) return null;
        return AuthDecorators.RedirectToLogin(request, declared?.LoginUrl, declared?.RedirectFieldName ?? "next");
    }
}

/// <summary>
/// Django's <c>RemoteUserMiddleware</c>: a server or proxy in front of the site has authenticated the user and says who
/// in <see cref="Header"/> (<c>REMOTE_USER</c>; set <c>HTTP_X_REMOTE_USER</c> for an <c>X-Remote-User</c> header from
/// a proxy you trust, never one the client can send). The user is logged in with <see cref="RemoteUserBackend"/>
/// (list it in <c>AuthenticationBackends</c>); without the header, a user it logged in is logged out. Put it after
/// <see cref="AuthenticationMiddleware"/>. In async requests it works with async I/O.
/// </summary>
public class RemoteUserMiddleware(Next next) : MiddlewareMixin(next)
{
    /// <summary>The request's meta key naming the user.</summary>
    protected virtual string Header => "REMOTE_USER";

    /// <summary>Whether a missing header logs out a user the header logged in (Django's <c>force_logout_if_no_header</c>).</summary>
    protected virtual bool ForceLogoutIfNoHeader => true;

    /// <inheritdoc/>
    protected override HttpResponse? ProcessRequest(HttpRequest request)
    {
        Async.SyncMode.Wait(Run(request, false), "RemoteUserMiddleware");
        return null;
    }

    /// <inheritdoc/>
    protected override async ValueTask<HttpResponse?> ProcessRequestAsync(HttpRequest request)
    {
        await Run(request, true).ConfigureAwait(false);
        return null;
    }

    private async ValueTask Run(HttpRequest request, bool async)
    {
        if (request.Features.Get<LazyUser>() is null)
            throw new ImproperlyConfigured("The remote user middleware requires the authentication middleware to be installed. Edit your Settings.Middleware to insert "
                + "Nuages.Contrib.Auth.AuthenticationMiddleware before Nuages.Contrib.Auth.RemoteUserMiddleware.");
        var current = async ? await request.GetUserAsync().ConfigureAwait(false) : request.User;
        var username = request.Meta.Get(Header);
        if (string.IsNullOrEmpty(username))
        {
            if (ForceLogoutIfNoHeader && current.IsAuthenticated) await RemoveInvalidUser(request, async).ConfigureAwait(false);
            return;
        }
        if (current.IsAuthenticated)
        {
            if (current.GetUsername() == username) return;
            await RemoveInvalidUser(request, async).ConfigureAwait(false);
        }
        var credentials = new Dictionary<string, string?> { ["remote_user"] = username };
        var user = async ? await Auth.AuthenticateAsync(request, credentials, request.Aborted).ConfigureAwait(false) : Auth.Authenticate(request, credentials);
        if (user is null) return;
        if (async) await Auth.LoginAsync(request, user, cancellationToken: request.Aborted).ConfigureAwait(false);
        else Auth.Login(request, user);
    }

    /// <summary>Logs out a user a <see cref="RemoteUserBackend"/> logged in (Django's <c>_remove_invalid_user</c>).</summary>
    private static async ValueTask RemoveInvalidUser(HttpRequest request, bool async)
    {
        var path = async ? await request.Session.GetAsync<string>(Auth.BackendSessionKey).ConfigureAwait(false) : request.Session.Get<string>(Auth.BackendSessionKey);
        if (path is null || Auth.LoadBackend(path) is not RemoteUserBackend) return;
        if (async) await Auth.LogoutAsync(request, request.Aborted).ConfigureAwait(false);
        else Auth.Logout(request);
    }
}
