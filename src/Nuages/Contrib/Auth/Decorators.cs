using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;
using Nuages.Views.Decorators;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Django's <c>user_passes_test</c>: a view for users who pass <see cref="Test"/>; others are sent to the login page
/// with the page they wanted as <c>next</c>. On an async view the user is read with async I/O (Django 5's
/// <c>auser</c>), so the view keeps its mode.
/// </summary>
public class UserPassesTestAttribute : ViewDecoratorAttribute
{
    /// <summary>A decorator that lets through the users <paramref name="test"/> accepts.</summary>
    public UserPassesTestAttribute(Func<IUser, bool> test) => Test = test;

    /// <summary>For subclasses that override <see cref="Test"/>.</summary>
    protected UserPassesTestAttribute() => Test = _ => true;

    /// <summary>The test a user must pass.</summary>
    protected Func<IUser, bool> Test { get; init; }

    /// <summary>The login page, a URL or a URL name; <c>Settings.LoginUrl</c> when null.</summary>
    public string? LoginUrl { get; init; }

    /// <summary>The query parameter that carries the page wanted (<c>next</c>); none when empty.</summary>
    public string RedirectFieldName { get; init; } = "next";

    /// <inheritdoc/>
    public override HttpResponse? Before(HttpRequest request) => Test(request.User) ? null : Refuse(request, request.User);

    /// <inheritdoc/>
    public override async ValueTask<HttpResponse?> BeforeAsync(HttpRequest request)
    {
        var user = await request.GetUserAsync().ConfigureAwait(false);
        return Test(user) ? null : Refuse(request, user);
    }

    /// <summary>What a user who fails the test gets: the login page (a subclass may raise <see cref="PermissionDenied"/> instead).</summary>
    protected virtual HttpResponse Refuse(HttpRequest request, IUser user) => AuthDecorators.RedirectToLogin(request, LoginUrl, RedirectFieldName);
}

/// <summary>Django's <c>login_required</c>: the view for logged-in users; others go to the login page with <c>next</c>.</summary>
public sealed class LoginRequiredAttribute() : UserPassesTestAttribute(user => user.IsAuthenticated);

/// <summary>
/// Django's <c>permission_required</c>: the view for users with every permission named (<c>blog.change_post</c>);
/// others go to the login page, or get a 403 when <see cref="RaiseException"/>.
/// </summary>
public sealed class PermissionRequiredAttribute : UserPassesTestAttribute
{
    /// <summary>A decorator requiring <paramref name="permissions"/>.</summary>
    public PermissionRequiredAttribute(params string[] permissions)
    {
        Permissions = permissions;
        Test = user => Perms.HasPerms(user, Permissions);
    }

    /// <summary>The permissions required, <c>app_label.codename</c>.</summary>
    public IReadOnlyList<string> Permissions { get; }

    /// <summary>Whether a user without them gets a 403 (Django's <c>raise_exception</c>) rather than the login page.</summary>
    public bool RaiseException { get; init; }

    /// <inheritdoc/>
    public override async ValueTask<HttpResponse?> BeforeAsync(HttpRequest request)
    {
        var user = await request.GetUserAsync().ConfigureAwait(false);
        return await Perms.HasPermsAsync(user, Permissions, request.Aborted).ConfigureAwait(false) ? null : Refuse(request, user);
    }

    /// <inheritdoc/>
    protected override HttpResponse Refuse(HttpRequest request, IUser user) =>
        RaiseException ? throw new PermissionDenied() : base.Refuse(request, user);
}

/// <summary>The auth decorators as functions over view delegates, and the login redirect they make.</summary>
public static class AuthDecorators
{
    /// <summary><see cref="LoginRequiredAttribute"/> around <paramref name="view"/>.</summary>
    public static Delegate LoginRequired(Delegate view, string? loginUrl = null, string redirectFieldName = "next") =>
        ViewDecorators.Decorate(view, new LoginRequiredAttribute { LoginUrl = loginUrl, RedirectFieldName = redirectFieldName });

    /// <summary><see cref="LoginNotRequiredAttribute"/> around <paramref name="view"/>: <see cref="LoginRequiredMiddleware"/> lets anyone see it.</summary>
    public static Delegate LoginNotRequired(Delegate view) => ViewDecorators.Decorate(view, new LoginNotRequiredAttribute());

    /// <summary><see cref="PermissionRequiredAttribute"/> around <paramref name="view"/>.</summary>
    public static Delegate PermissionRequired(Delegate view, string permission, bool raiseException = false, string? loginUrl = null) =>
        ViewDecorators.Decorate(view, new PermissionRequiredAttribute(permission) { RaiseException = raiseException, LoginUrl = loginUrl });

    /// <summary><see cref="UserPassesTestAttribute"/> around <paramref name="view"/>.</summary>
    public static Delegate UserPassesTest(Delegate view, Func<IUser, bool> test, string? loginUrl = null, string redirectFieldName = "next") =>
        ViewDecorators.Decorate(view, new UserPassesTestAttribute(test) { LoginUrl = loginUrl, RedirectFieldName = redirectFieldName });

    /// <summary>
    /// The redirect to the login page for <paramref name="request"/> (Django's <c>user_passes_test</c>'s): <c>next</c>
    /// is the page's path when the login page is on the same site, its full URL otherwise.
    /// </summary>
    public static HttpResponseRedirect RedirectToLogin(HttpRequest request, string? loginUrl = null, string redirectFieldName = "next")
    {
        var resolved = Shortcuts.ResolveUrl(loginUrl ?? Site.Current.Settings.LoginUrl);
        var path = request.BuildAbsoluteUri();
        var (loginScheme, loginHost) = SafeRedirects.SchemeAndHost(resolved);
        var (scheme, host) = SafeRedirects.SchemeAndHost(path);
        if ((loginScheme.Length == 0 || loginScheme == scheme) && (loginHost.Length == 0 || loginHost == host)) path = request.GetFullPath();
        return RedirectToLogin(path, resolved, redirectFieldName);
    }

    /// <summary>The login page with <paramref name="next"/> in its query (Django's <c>redirect_to_login</c>).</summary>
    public static HttpResponseRedirect RedirectToLogin(string next, string? loginUrl = null, string redirectFieldName = "next")
    {
        var resolved = Shortcuts.ResolveUrl(loginUrl ?? Site.Current.Settings.LoginUrl);
        if (redirectFieldName.Length == 0) return new HttpResponseRedirect(resolved);
        var hash = resolved.IndexOf('#', StringComparison.Ordinal);
        var fragment = hash >= 0 ? resolved[hash..] : "";
        var withoutFragment = hash >= 0 ? resolved[..hash] : resolved;
        var question = withoutFragment.IndexOf('?', StringComparison.Ordinal);
        var query = question >= 0 ? new QueryDict(withoutFragment[(question + 1)..]) : new QueryDict();
        query.SetList(redirectFieldName, [next]);
        return new HttpResponseRedirect($"{(question >= 0 ? withoutFragment[..question] : withoutFragment)}?{query.UrlEncode("/")}{fragment}");
    }
}
