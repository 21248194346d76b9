using Nuages.Conf;
using Nuages.Contrib.Sessions;
using Nuages.Http;
using Nuages.Templates;
using Nuages.Views.Decorators;
using Nuages.Views.Generic;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Django's <c>LoginView</c>: GET shows <c>registration/login.html</c> with an <see cref="AuthenticationForm"/> as
/// <c>form</c> and the wanted page as <c>next</c>; a valid POST logs the user in and redirects to <c>next</c> — when
/// it is safe (<see cref="SafeRedirects"/>: this host, or <see cref="SuccessUrlAllowedHosts"/>) — else to
/// <c>Settings.LoginRedirectUrl</c>. CSRF-protected and never cached, as Django's. <see cref="AsyncLoginView"/>
/// does it with async I/O.
/// </summary>
[LoginNotRequired]
public class LoginView : FormView<AuthenticationForm>
{
    /// <summary>A login view with Django's template name.</summary>
    public LoginView() => TemplateName = "registration/login.html";

    /// <summary>The query or form field carrying the page to go to after login.</summary>
    public string RedirectFieldName { get; set; } = "next";

    /// <summary>Whether a user already logged in is sent on at once (Django's <c>redirect_authenticated_user</c>).</summary>
    public bool RedirectAuthenticatedUser { get; set; }

    /// <summary>Other hosts <c>next</c> may go to (Django's <c>success_url_allowed_hosts</c>).</summary>
    public IReadOnlySet<string> SuccessUrlAllowedHosts { get; set; } = new HashSet<string>();

    /// <inheritdoc/>
    public override AuthenticationForm GetForm() => Request.Method is "POST" or "PUT"
        ? new AuthenticationForm { Request = Request, Initial = GetInitial(), Prefix = GetPrefix(), Data = Request.Form, Files = Request.Files }
        : new AuthenticationForm { Request = Request, Initial = GetInitial(), Prefix = GetPrefix() };

    /// <summary>The page <c>next</c> names, if it is safe to go to; "" otherwise (Django's <c>get_redirect_url</c>).</summary>
    public virtual string GetRedirectUrl()
    {
        var wanted = Request.Form.Get(RedirectFieldName) ?? Request.Query.Get(RedirectFieldName);
        var hosts = new HashSet<string>(SuccessUrlAllowedHosts, StringComparer.Ordinal) { Request.GetHost() };
        return SafeRedirects.UrlHasAllowedHostAndScheme(wanted, hosts, requireHttps: Request.IsSecure) ? wanted! : "";
    }

    /// <inheritdoc/>
    public override string GetSuccessUrl() => GetRedirectUrl() is { Length: > 0 } url ? url : Shortcuts.ResolveUrl(Site.Current.Settings.LoginRedirectUrl);

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        context[RedirectFieldName] = GetRedirectUrl();
        return context;
    }

    /// <inheritdoc/>
    public override HttpResponse FormValid(AuthenticationForm form)
    {
        Auth.Login(Request, form.GetUser()!);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    /// <inheritdoc/>
    public override async Task<HttpResponse> FormValidAsync(AuthenticationForm form, CancellationToken cancellationToken)
    {
        await Auth.LoginAsync(Request, form.GetUser()!, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    private HttpResponseRedirect? AlreadyIn(IUser user)
    {
        if (!RedirectAuthenticatedUser || !user.IsAuthenticated) return null;
        var url = GetSuccessUrl();
        if (url == Request.Path)
            throw new InvalidOperationException("Redirection loop for authenticated user detected. Check that your LoginRedirectUrl doesn't point to a login page.");
        return new HttpResponseRedirect(url);
    }

    /// <summary>GET: the login page.</summary>
    [CsrfProtect, NeverCache]
    public override HttpResponse Get(HttpRequest request) => (HttpResponse?)AlreadyIn(request.User) ?? base.Get(request);

    /// <summary>POST: the credentials checked.</summary>
    [CsrfProtect, NeverCache]
    public override HttpResponse Post(HttpRequest request) => (HttpResponse?)AlreadyIn(request.User) ?? base.Post(request);
}

/// <summary><see cref="LoginView"/> with async handlers: the user, the credentials and the session with async I/O.</summary>
public class AsyncLoginView : LoginView
{
    /// <summary>GET, async.</summary>
    [CsrfProtect, NeverCache]
    public new async Task<HttpResponse> Get(HttpRequest request) =>
        (HttpResponse?)AlreadyInAsync(await request.GetUserAsync().ConfigureAwait(false)) ?? await FormPageAsync(request.Aborted).ConfigureAwait(false);

    /// <summary>POST, async.</summary>
    [CsrfProtect, NeverCache]
    public new async Task<HttpResponse> Post(HttpRequest request) =>
        (HttpResponse?)AlreadyInAsync(await request.GetUserAsync().ConfigureAwait(false)) ?? await SubmitAsync(request.Aborted).ConfigureAwait(false);

    /// <summary>PUT, async: as POST.</summary>
    public new Task<HttpResponse> Put(HttpRequest request) => Post(request);

    private HttpResponseRedirect? AlreadyInAsync(IUser user) => RedirectAuthenticatedUser && user.IsAuthenticated ? new HttpResponseRedirect(GetSuccessUrl()) : null;
}

/// <summary>
/// Django's <c>LogoutView</c> (POST only, as since Django 5.0): logs out, then redirects to <c>next</c> (when safe),
/// <see cref="NextPage"/> or <c>Settings.LogoutRedirectUrl</c>, or shows <c>registration/logged_out.html</c>.
/// </summary>
public class LogoutView : TemplateView
{
    /// <summary>A logout view with Django's template name.</summary>
    public LogoutView() => TemplateName = "registration/logged_out.html";

    /// <summary>Where to go after logging out; <c>Settings.LogoutRedirectUrl</c> when null.</summary>
    public string? NextPage { get; set; }

    /// <summary>The query or form field that may name where to go.</summary>
    public string RedirectFieldName { get; set; } = "next";

    /// <summary>Only POST and OPTIONS, as Django 5's.</summary>
    protected internal override IReadOnlyList<string> HttpMethodNames => ["post", "options"];

    private string? NextUrl()
    {
        var next = NextPage ?? Site.Current.Settings.LogoutRedirectUrl;
        var wanted = Request.Form.Get(RedirectFieldName) ?? Request.Query.Get(RedirectFieldName);
        if (wanted is not null)
            return SafeRedirects.UrlHasAllowedHostAndScheme(wanted, [Request.GetHost()], requireHttps: Request.IsSecure) ? wanted : Request.Path;
        return next is null ? null : Shortcuts.ResolveUrl(next);
    }

    /// <summary>What follows the logout: a redirect, or the logged-out page.</summary>
    protected HttpResponse AfterLogout() => NextUrl() is { } url ? new HttpResponseRedirect(url)
        : RenderToResponse(GetContextData(new Dictionary<string, object?> { ["title"] = "Logged out", ["subtitle"] = null }));

    /// <summary>POST: logs out (sync).</summary>
    [CsrfProtect, NeverCache]
    public HttpResponse Post(HttpRequest request)
    {
        Auth.Logout(request);
        return AfterLogout();
    }
}

/// <summary><see cref="LogoutView"/> with an async POST: the session flushed with async I/O.</summary>
public class AsyncLogoutView : LogoutView
{
    /// <summary>POST, async.</summary>
    [CsrfProtect, NeverCache]
    public new async Task<HttpResponse> Post(HttpRequest request)
    {
        await Auth.LogoutAsync(request, request.Aborted).ConfigureAwait(false);
        return AfterLogout();
    }
}

/// <summary>
/// The <c>auth</c> context processor (Django's <c>django.contrib.auth.context_processors.auth</c>): <c>user</c>
/// (read with async I/O when the template renders asynchronously) and <c>perms</c>.
/// </summary>
public static class AuthContext
{
    /// <summary>List it in <c>Templates.ContextProcessors</c> as <c>Nuages.Contrib.Auth.AuthContext.ContextProcessor</c> (or Django's name).</summary>
    public static IEnumerable<KeyValuePair<string, object?>> ContextProcessor(HttpRequest request) =>
    [
        new("user", new DeferredUser(request)),
        new("perms", new PermWrapper(request)),
    ];

    /// <summary>The request's user, read on first use in the template's mode.</summary>
    private sealed class DeferredUser(HttpRequest request) : Core.IDeferredValue
    {
        public object? DeferredValue => User(request);

        public async ValueTask<object?> GetDeferredValueAsync(CancellationToken cancellationToken) => await UserAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The request's user, anonymous on a site without the authentication middleware (as Django's processor).</summary>
    internal static IUser User(HttpRequest request) => request.Features.Get<LazyUser>() is null ? AnonymousUser.Instance : request.User;

    /// <summary>The async form of <see cref="User"/>.</summary>
    internal static async ValueTask<IUser> UserAsync(HttpRequest request, CancellationToken cancellationToken) =>
        request.Features.Get<LazyUser>() is null ? AnonymousUser.Instance : await request.GetUserAsync(cancellationToken).ConfigureAwait(false);
}

/// <summary>
/// Django's <c>PermWrapper</c>: <c>{{ perms.blog }}</c> is whether the user has any permission in the app,
/// <c>{{ perms.blog.change_post }}</c> whether they have that one; <c>{% if "blog.change_post" in perms %}</c> too.
/// The user's permissions are read once, on first use, in the template's mode (async I/O in an async render).
/// </summary>
public sealed class PermWrapper(HttpRequest request) : Core.IDeferredValue
{
    private Known? _known;

    /// <inheritdoc/>
    public object? DeferredValue
    {
        get
        {
            if (_known is not null) return _known;
            var user = AuthContext.User(request);
            return _known = new Known(user, Perms.GetAllPermissions(user));
        }
    }

    /// <inheritdoc/>
    public async ValueTask<object?> GetDeferredValueAsync(CancellationToken cancellationToken)
    {
        if (_known is not null) return _known;
        var user = await AuthContext.UserAsync(request, cancellationToken).ConfigureAwait(false);
        return _known = new Known(user, await Perms.GetAllPermissionsAsync(user, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The user's permissions, read: lookups answer from memory.</summary>
    private sealed class Known(IUser user, IReadOnlySet<string> permissions) : ITemplateLookup
    {
        private bool All => user.IsActive && user.IsSuperuser;

        public bool Has(string permission) => All || permissions.Contains(permission);

        public bool HasApp(string app) => All || permissions.Any(p => p.StartsWith(app + ".", StringComparison.Ordinal));

        public bool TryLookup(string name, out object? value)
        {
            if (name.Contains('.', StringComparison.Ordinal))
            {
                value = Has(name);
                return (bool)value;
            }
            value = new AppPerms(this, name);
            return true;
        }

        public override string ToString() => "PermWrapper(" + user + ")";
    }

    /// <summary>One app's permissions of the user: true when any, and each by its code name.</summary>
    private sealed class AppPerms(Known known, string app) : ITemplateLookup, ITemplateTruth
    {
        public bool IsTrue => known.HasApp(app);

        public bool TryLookup(string name, out object? value)
        {
            value = known.Has($"{app}.{name}");
            return true;
        }

        public override string ToString() => IsTrue ? "True" : "False";
    }
}

/// <summary>
/// Django's <c>PasswordChangeView</c> (for logged-in users): <c>registration/password_change_form.html</c> with a
/// <see cref="PasswordChangeForm"/>; a valid change is saved, this session kept (<see cref="Auth.UpdateSessionAuthHash"/>),
/// the user's other sessions logged out, then a redirect to the URL named <c>password_change_done</c>.
/// </summary>
public class PasswordChangeView : FormView<PasswordChangeForm>
{
    /// <summary>A password change view with Django's template name.</summary>
    public PasswordChangeView() => TemplateName = "registration/password_change_form.html";

    /// <inheritdoc/>
    public override PasswordChangeForm GetForm() => Request.Method is "POST" or "PUT"
        ? new PasswordChangeForm { User = Request.User, Prefix = GetPrefix(), Data = Request.Form }
        : new PasswordChangeForm { User = Request.User, Prefix = GetPrefix() };

    /// <inheritdoc/>
    public override string GetSuccessUrl() => SuccessUrl ?? Shortcuts.ResolveUrl("password_change_done");

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        context.TryAdd("title", "Password change");
        return context;
    }

    /// <inheritdoc/>
    public override HttpResponse FormValid(PasswordChangeForm form)
    {
        form.Save();
        Auth.UpdateSessionAuthHash(Request, form.User);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    /// <inheritdoc/>
    public override async Task<HttpResponse> FormValidAsync(PasswordChangeForm form, CancellationToken cancellationToken)
    {
        await form.SaveAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Auth.UpdateSessionAuthHashAsync(Request, form.User, cancellationToken).ConfigureAwait(false);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    /// <summary>GET: the form.</summary>
    [LoginRequired, CsrfProtect, NeverCache]
    public override HttpResponse Get(HttpRequest request) => base.Get(request);

    /// <summary>POST: the change.</summary>
    [LoginRequired, CsrfProtect, NeverCache]
    public override HttpResponse Post(HttpRequest request) => base.Post(request);
}

/// <summary><see cref="PasswordChangeView"/> with async handlers: the user, the old password's check and the save with async I/O.</summary>
public class AsyncPasswordChangeView : PasswordChangeView
{
    /// <summary>GET, async.</summary>
    [LoginRequired, CsrfProtect, NeverCache]
    public new async Task<HttpResponse> Get(HttpRequest request)
    {
        await request.GetUserAsync().ConfigureAwait(false); // read once with async I/O; GetForm then finds it
        return await FormPageAsync(request.Aborted).ConfigureAwait(false);
    }

    /// <summary>POST, async.</summary>
    [LoginRequired, CsrfProtect, NeverCache]
    public new async Task<HttpResponse> Post(HttpRequest request)
    {
        await request.GetUserAsync().ConfigureAwait(false);
        return await SubmitAsync(request.Aborted).ConfigureAwait(false);
    }

    /// <summary>PUT, async: as POST.</summary>
    public new Task<HttpResponse> Put(HttpRequest request) => Post(request);
}

/// <summary>Django's <c>PasswordChangeDoneView</c>: <c>registration/password_change_done.html</c>, for logged-in users.</summary>
public class PasswordChangeDoneView : TemplateView
{
    /// <summary>The page with Django's template name.</summary>
    public PasswordChangeDoneView() => TemplateName = "registration/password_change_done.html";

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        context.TryAdd("title", "Password change successful");
        return context;
    }

    /// <summary>GET: the page.</summary>
    [LoginRequired]
    public override HttpResponse Get(HttpRequest request) => base.Get(request);
}

/// <summary>
/// Django's <c>PasswordResetView</c>: <c>registration/password_reset_form.html</c> with a <see cref="PasswordResetForm"/>;
/// a valid address gets the link mailed (<c>registration/password_reset_subject.txt</c> and
/// <c>registration/password_reset_email.html</c>, your templates), then a redirect to the URL named
/// <c>password_reset_done</c> — known address or not.
/// </summary>
[LoginNotRequired]
public class PasswordResetView : FormView<PasswordResetForm>
{
    /// <summary>A reset view with Django's template names.</summary>
    public PasswordResetView() => TemplateName = "registration/password_reset_form.html";

    /// <summary>The mail's body template.</summary>
    public string EmailTemplateName { get; set; } = "registration/password_reset_email.html";

    /// <summary>The mail's subject template (one line).</summary>
    public string SubjectTemplateName { get; set; } = "registration/password_reset_subject.txt";

    /// <summary>An HTML body template, if any.</summary>
    public string? HtmlEmailTemplateName { get; set; }

    /// <summary>The sender; <c>Settings.DefaultFromEmail</c> when null.</summary>
    public string? FromEmail { get; set; }

    /// <summary>The token generator.</summary>
    public PasswordResetTokenGenerator TokenGenerator { get; set; } = PasswordResetTokenGenerator.Default;

    /// <inheritdoc/>
    public override string GetSuccessUrl() => SuccessUrl ?? Shortcuts.ResolveUrl("password_reset_done");

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        context.TryAdd("title", "Password reset");
        return context;
    }

    /// <inheritdoc/>
    public override HttpResponse FormValid(PasswordResetForm form)
    {
        form.Save(Request, SubjectTemplateName, EmailTemplateName, HtmlEmailTemplateName, FromEmail, TokenGenerator);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    /// <inheritdoc/>
    public override async Task<HttpResponse> FormValidAsync(PasswordResetForm form, CancellationToken cancellationToken)
    {
        await form.SaveAsync(Request, SubjectTemplateName, EmailTemplateName, HtmlEmailTemplateName, FromEmail, TokenGenerator, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    /// <summary>GET: the form.</summary>
    [CsrfProtect]
    public override HttpResponse Get(HttpRequest request) => base.Get(request);

    /// <summary>POST: the mail.</summary>
    [CsrfProtect]
    public override HttpResponse Post(HttpRequest request) => base.Post(request);
}

/// <summary><see cref="PasswordResetView"/> with async handlers: the users read and the mail sent with async I/O.</summary>
[LoginNotRequired]
public class AsyncPasswordResetView : PasswordResetView
{
    /// <summary>GET, async.</summary>
    [CsrfProtect]
    public new Task<HttpResponse> Get(HttpRequest request) => FormPageAsync(request.Aborted);

    /// <summary>POST, async.</summary>
    [CsrfProtect]
    public new Task<HttpResponse> Post(HttpRequest request) => SubmitAsync(request.Aborted);

    /// <summary>PUT, async: as POST.</summary>
    public new Task<HttpResponse> Put(HttpRequest request) => Post(request);
}

/// <summary>Django's <c>PasswordResetDoneView</c>: <c>registration/password_reset_done.html</c>.</summary>
[LoginNotRequired]
public class PasswordResetDoneView : TemplateView
{
    /// <summary>The page with Django's template name.</summary>
    public PasswordResetDoneView() => TemplateName = "registration/password_reset_done.html";

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        context.TryAdd("title", "Password reset sent");
        return context;
    }
}

/// <summary>
/// Django's <c>PasswordResetConfirmView</c>, at a URL with <c>&lt;uidb64&gt;</c> and <c>&lt;token&gt;</c>: a good token is
/// kept in the session and the browser sent to the same URL with <c>set-password</c> in its place (so the token
/// leaks in no Referer); there <c>registration/password_reset_confirm.html</c> shows a <see cref="SetPasswordForm"/>
/// (<c>validlink</c> true), and a valid one sets the password and redirects to <c>password_reset_complete</c>. A bad
/// or used link shows the page with <c>validlink</c> false and no form.
/// </summary>
[LoginNotRequired]
public class PasswordResetConfirmView : FormView<SetPasswordForm>
{
    /// <summary>The session key of the token (Django's <c>INTERNAL_RESET_SESSION_TOKEN</c>).</summary>
    public const string InternalResetSessionToken = "_password_reset_token";

    private IUser? _user;
    private bool _validLink;

    /// <summary>A confirm view with Django's template name.</summary>
    public PasswordResetConfirmView() => TemplateName = "registration/password_reset_confirm.html";

    /// <summary>What stands for the token in the URL once it is in the session (Django's <c>reset_url_token</c>).</summary>
    public string ResetUrlToken { get; set; } = "set-password";

    /// <summary>Whether the user is logged in after the reset (Django's <c>post_reset_login</c>).</summary>
    public bool PostResetLogin { get; set; }

    /// <summary>The token generator.</summary>
    public PasswordResetTokenGenerator TokenGenerator { get; set; } = PasswordResetTokenGenerator.Default;

    /// <summary>The user the URL's uidb64 names, or null (Django's <c>get_user</c>).</summary>
    protected virtual IUser? GetUser(string uidb64) => Id(uidb64) is { } id ? UserModel.Current.GetByPk(id) : null;

    /// <summary>The async form of <see cref="GetUser"/>.</summary>
    protected virtual async Task<IUser?> GetUserAsync(string uidb64, CancellationToken cancellationToken) =>
        Id(uidb64) is { } id ? await UserModel.Current.GetByPkAsync(id, cancellationToken).ConfigureAwait(false) : null;

    private static string? Id(string uidb64)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Core.Signer.Base64UrlDecode(uidb64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Django's <c>dispatch</c>, written once for both modes: the link checked; a response when the page is not the form's.</summary>
    private protected async ValueTask<HttpResponse?> Check(bool async, CancellationToken cancellationToken)
    {
        var uid = Kwargs.TryGetValue("uidb64", out var given) ? given as string ?? "" : "";
        _user = async ? await GetUserAsync(uid, cancellationToken).ConfigureAwait(false) : GetUser(uid);
        var token = Kwargs.TryGetValue("token", out var raw) ? raw as string ?? "" : "";
        if (_user is not null)
        {
            if (token == ResetUrlToken)
            {
                var kept = async ? await Request.Session.GetAsync<string>(InternalResetSessionToken, cancellationToken: cancellationToken).ConfigureAwait(false)
                    : Request.Session.Get<string>(InternalResetSessionToken);
                if (TokenGenerator.CheckToken(_user, kept))
                {
                    _validLink = true;
                    return null;
                }
            }
            else if (TokenGenerator.CheckToken(_user, token))
            {
                // the token goes into the session and out of the URL, so no Referer header can leak it
                if (async) await Request.Session.SetAsync(InternalResetSessionToken, token, cancellationToken).ConfigureAwait(false);
                else Request.Session.Set(InternalResetSessionToken, token);
                return new HttpResponseRedirect(Request.Path.Replace(token, ResetUrlToken, StringComparison.Ordinal));
            }
        }
        return RenderToResponse(GetContextData());
    }

    /// <inheritdoc/>
    public override SetPasswordForm GetForm() => Request.Method is "POST" or "PUT"
        ? new SetPasswordForm { User = _user!, Data = Request.Form }
        : new SetPasswordForm { User = _user! };

    /// <inheritdoc/>
    public override string GetSuccessUrl() => SuccessUrl ?? Shortcuts.ResolveUrl("password_reset_complete");

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        if (!_validLink)
            return base.GetContextData(new Dictionary<string, object?>(StringComparer.Ordinal) { ["form"] = null, ["title"] = "Password reset unsuccessful", ["validlink"] = false });
        var data = base.GetContextData(extra);
        data.TryAdd("title", "Enter new password");
        data["validlink"] = true;
        return data;
    }

    /// <inheritdoc/>
    public override HttpResponse FormValid(SetPasswordForm form)
    {
        var user = form.Save();
        Request.Session.Pop(InternalResetSessionToken);
        if (PostResetLogin) Auth.Login(Request, user);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    /// <inheritdoc/>
    public override async Task<HttpResponse> FormValidAsync(SetPasswordForm form, CancellationToken cancellationToken)
    {
        var user = await form.SaveAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Request.Session.PopAsync(InternalResetSessionToken, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (PostResetLogin) await Auth.LoginAsync(Request, user, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    /// <summary>GET: the link checked, then the form.</summary>
    [CsrfProtect, NeverCache]
    public override HttpResponse Get(HttpRequest request) => Async.SyncMode.Result(Check(false, default), "PasswordResetConfirmView") ?? base.Get(request);

    /// <summary>POST: the new password.</summary>
    [CsrfProtect, NeverCache]
    public override HttpResponse Post(HttpRequest request) => Async.SyncMode.Result(Check(false, default), "PasswordResetConfirmView") ?? base.Post(request);
}

/// <summary><see cref="PasswordResetConfirmView"/> with async handlers: the user, the session and the new password with async I/O.</summary>
[LoginNotRequired]
public class AsyncPasswordResetConfirmView : PasswordResetConfirmView
{
    /// <summary>GET, async.</summary>
    [CsrfProtect, NeverCache]
    public new async Task<HttpResponse> Get(HttpRequest request) =>
        await Check(true, request.Aborted).ConfigureAwait(false) ?? await FormPageAsync(request.Aborted).ConfigureAwait(false);

    /// <summary>POST, async.</summary>
    [CsrfProtect, NeverCache]
    public new async Task<HttpResponse> Post(HttpRequest request) =>
        await Check(true, request.Aborted).ConfigureAwait(false) ?? await SubmitAsync(request.Aborted).ConfigureAwait(false);

    /// <summary>PUT, async: as POST.</summary>
    public new Task<HttpResponse> Put(HttpRequest request) => Post(request);
}

/// <summary>Django's <c>PasswordResetCompleteView</c>: <c>registration/password_reset_complete.html</c> with <c>login_url</c>.</summary>
[LoginNotRequired]
public class PasswordResetCompleteView : TemplateView
{
    /// <summary>The page with Django's template name.</summary>
    public PasswordResetCompleteView() => TemplateName = "registration/password_reset_complete.html";

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        context.TryAdd("title", "Password reset complete");
        context["login_url"] = Shortcuts.ResolveUrl(Site.Current.Settings.LoginUrl);
        return context;
    }
}
