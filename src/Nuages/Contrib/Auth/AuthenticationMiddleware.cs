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
    private static (bool Exempt, LoginRequiredAttribute? Declared) Inspect(Delegate view)
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
