using System.Text;
using Nuages.Core;
using Nuages.Forms;
using Microsoft.Extensions.Logging;
using Nuages.Http;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Django's <c>UsernameField</c>: a <see cref="CharField"/> normalized to Unicode NFKC (so look-alike characters are
/// one name), with the attributes browsers need not to capitalize or forget it.
/// </summary>
public class UsernameField : CharField
{
    /// <summary>A username field.</summary>
    public UsernameField() => Widget = new TextInput { Attrs = { ["autofocus"] = true } };

    /// <inheritdoc/>
    public override object? ToPython(object? value) => base.ToPython(value) is string text ? text.Normalize(NormalizationForm.FormKC) : null;

    /// <inheritdoc/>
    public override Dictionary<string, object?> WidgetAttrs(Widget widget)
    {
        // Django's order: these at the field's making, maxlength when the form learns the model's length
        var attrs = new Dictionary<string, object?>(StringComparer.Ordinal) { ["autocapitalize"] = "none", ["autocomplete"] = "username" };
        foreach (var (name, value) in base.WidgetAttrs(widget)) attrs[name] = value;
        return attrs;
    }
}

/// <summary>
/// Django's <c>AuthenticationForm</c>: a username and a password checked by the site's backends in <c>Clean</c>
/// (with async I/O in <c>IsValidAsync</c>); Django's messages for a wrong pair and an inactive account.
/// <see cref="GetUser"/> is the user once valid.
/// </summary>
public class AuthenticationForm : Form
{
    private IUser? _user;

    /// <summary>A login form; give it the request with <see cref="Request"/>.</summary>
    public AuthenticationForm()
    {
        var model = UserModel.Current;
        var field = Db.Models.ModelMeta.For(model.Type).Fields.FirstOrDefault(f => f.Key == model.UsernameField);
        Username = new UsernameField { MaxLength = field?.MaxLength ?? 254, Label = Field.PrettyName(model.UsernameField) };
    }

    /// <summary>The request, given to the backends.</summary>
    public HttpRequest? Request { get; init; }

    /// <summary>The username.</summary>
    public UsernameField Username { get; }

    /// <summary>The password, never stripped.</summary>
    public CharField Password { get; } = new() { Label = "Password", Strip = false, Widget = new PasswordInput { Attrs = { ["autocomplete"] = "current-password" } } };

    /// <summary>Django's messages: <c>invalid_login</c> and <c>inactive</c>.</summary>
    public Dictionary<string, string> LoginErrorMessages { get; } = new()
    {
        ["invalid_login"] = "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive.",
        ["inactive"] = "This account is inactive.",
    };

    /// <summary>The user the form logged in, once valid (Django's <c>get_user</c>).</summary>
    public IUser? GetUser() => _user;

    /// <inheritdoc/>
    protected override void Clean()
    {
        var username = CleanedData.Get(Username);
        var password = CleanedData.Get(Password);
        if (username is null || string.IsNullOrEmpty(password)) return;
        _user = Auth.Authenticate(Request, username, password) ?? throw InvalidLogin();
        ConfirmLoginAllowed(_user);
    }

    /// <inheritdoc/>
    protected override async ValueTask CleanAsync(CancellationToken cancellationToken)
    {
        var username = CleanedData.Get(Username);
        var password = CleanedData.Get(Password);
        if (username is null || string.IsNullOrEmpty(password)) return;
        _user = await Auth.AuthenticateAsync(Request, username, password, cancellationToken).ConfigureAwait(false) ?? throw InvalidLogin();
        ConfirmLoginAllowed(_user);
    }

    /// <summary>Refuses users who may not log in even with the right password (Django's <c>confirm_login_allowed</c>): inactive ones.</summary>
    protected virtual void ConfirmLoginAllowed(IUser user)
    {
        if (!user.IsActive) throw new ValidationError(LoginErrorMessages["inactive"], "inactive");
    }

    private ValidationError InvalidLogin() => new(LoginErrorMessages["invalid_login"], "invalid_login",
        new Dictionary<string, object?> { ["username"] = Username.Label?.ToLowerInvariant() ?? "username" });
}

/// <summary>
/// Django's <c>SetPasswordForm</c>: a new password typed twice, checked by the site's password validators against
/// <see cref="User"/>; <see cref="Save"/> stores it.
/// </summary>
public class SetPasswordForm : Form
{
    /// <summary>Whose password it sets.</summary>
    public IUser User { get; init; } = AnonymousUser.Instance;

    /// <summary>The new password.</summary>
    public CharField NewPassword1 { get; } = new()
    {
        Label = "New password", Strip = false, HelpText = PasswordValidation.HelpTextHtml(),
        Widget = new PasswordInput { Attrs = { ["autocomplete"] = "new-password" } },
    };

    /// <summary>The new password again.</summary>
    public CharField NewPassword2 { get; } = new()
    {
        Label = "New password confirmation", Strip = false, Widget = new PasswordInput { Attrs = { ["autocomplete"] = "new-password" } },
    };

    /// <summary>Django's <c>clean_new_password2</c>: the two must match, then pass the validators.</summary>
    public string? CleanNewPassword2()
    {
        var first = CleanedData.Get(NewPassword1);
        var second = CleanedData.Get(NewPassword2);
        if (first is not null && second is not null && first != second)
            throw new ValidationError("The two password fields didn’t match.", "password_mismatch");
        if (second is not null) PasswordValidation.ValidatePassword(second, User);
        return second;
    }

    private IStoredUser Stored => User as IStoredUser ?? throw new InvalidOperationException("Only a stored user has a password to set.");

    /// <summary>Sets the password and saves it (Django's <c>save</c>; <paramref name="commit"/> false leaves the saving to you).</summary>
    public virtual IUser Save(bool commit = true)
    {
        Stored.SetPassword(CleanedData.Get(NewPassword1));
        if (commit) Stored.SavePassword();
        return User;
    }

    /// <summary>The async form of <see cref="Save"/>.</summary>
    public virtual async Task<IUser> SaveAsync(bool commit = true, CancellationToken cancellationToken = default)
    {
        Stored.SetPassword(CleanedData.Get(NewPassword1));
        if (commit) await Stored.SavePasswordAsync(cancellationToken).ConfigureAwait(false);
        return User;
    }
}

/// <summary>Django's <c>PasswordChangeForm</c>: the old password first, then the new one twice.</summary>
public class PasswordChangeForm : SetPasswordForm
{
    /// <summary>The old password; its field comes first, as Django orders it.</summary>
    public CharField OldPassword { get; } = new()
    {
        Label = "Old password", Strip = false,
        Widget = new PasswordInput { Attrs = { ["autocomplete"] = "current-password", ["autofocus"] = true } },
    };

    /// <inheritdoc/>
    protected override IEnumerable<string> FieldOrder => ["old_password", "new_password1", "new_password2"];

    /// <summary>Django's <c>clean_old_password</c>.</summary>
    public async Task<string?> CleanOldPasswordAsync(CancellationToken cancellationToken)
    {
        var old = CleanedData.Get(OldPassword);
        return User is IStoredUser stored && await stored.CheckPasswordAsync(old, cancellationToken).ConfigureAwait(false) ? old
            : throw new ValidationError("Your old password was entered incorrectly. Please enter it again.", "password_incorrect");
    }

    /// <summary>The sync twin of <see cref="CleanOldPasswordAsync"/>.</summary>
    public string? CleanOldPassword()
    {
        var old = CleanedData.Get(OldPassword);
        return User is IStoredUser stored && stored.CheckPassword(old) ? old
            : throw new ValidationError("Your old password was entered incorrectly. Please enter it again.", "password_incorrect");
    }
}

/// <summary>
/// Django's <c>PasswordResetForm</c>: an email address; <see cref="Save"/> mails each active user with that address
/// (and a usable password) a link with their id and a <see cref="PasswordResetTokenGenerator"/> token — and tells
/// nobody whether the address is known.
/// </summary>
public partial class PasswordResetForm : Form
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Failed to send password reset email to {User}")]
    private static partial void ResetMailFailed(ILogger logger, long user, Exception exception);

    /// <summary>The email address.</summary>
    public EmailField Email { get; } = new() { Label = "Email", MaxLength = 254, Widget = new EmailInput { Attrs = { ["autocomplete"] = "email" } } };

    /// <summary>The active users with a usable password and this address, case aside (Django's <c>get_users</c>).</summary>
    public virtual IEnumerable<User> GetUsers(string email) => Matching(email, Query(email).ToList());

    /// <summary>The async form of <see cref="GetUsers"/>: read with async I/O.</summary>
    public virtual async Task<IReadOnlyList<User>> GetUsersAsync(string email, CancellationToken cancellationToken = default) =>
        [.. Matching(email, await Query(email).ToListAsync(cancellationToken).ConfigureAwait(false))];

    private static Db.Query.QuerySet<User> Query(string email) => User.Objects.Filter("email__iexact", email).Filter("is_active", true);

    private static IEnumerable<User> Matching(string email, List<User> users) =>
        users.Where(u => u.HasUsablePassword() && string.Equals(email.Normalize(System.Text.NormalizationForm.FormKC), u.Email.Normalize(System.Text.NormalizationForm.FormKC), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Mails the reset link to each user of the address (Django's <c>save</c>): the subject from
    /// <paramref name="subjectTemplateName"/> on one line, the body from <paramref name="emailTemplateName"/>, with
    /// <c>email</c>, <c>domain</c>, <c>site_name</c>, <c>uid</c> (the id in URL-safe base64), <c>user</c>, <c>token</c>
    /// and <c>protocol</c>. A mail that cannot be sent is logged, not shown.
    /// </summary>
    public virtual void Save(HttpRequest request, string subjectTemplateName = "registration/password_reset_subject.txt",
        string emailTemplateName = "registration/password_reset_email.html", string? htmlEmailTemplateName = null,
        string? fromEmail = null, PasswordResetTokenGenerator? tokenGenerator = null, string? domainOverride = null,
        IReadOnlyDictionary<string, object?>? extraEmailContext = null) =>
        Async.SyncMode.Wait(SaveCore(request, subjectTemplateName, emailTemplateName, htmlEmailTemplateName, fromEmail, tokenGenerator, domainOverride, extraEmailContext, false, default), "PasswordResetForm.Save");

    /// <summary>The async form of <see cref="Save"/>: the users read and the mail sent with async I/O.</summary>
    public virtual Task SaveAsync(HttpRequest request, string subjectTemplateName = "registration/password_reset_subject.txt",
        string emailTemplateName = "registration/password_reset_email.html", string? htmlEmailTemplateName = null,
        string? fromEmail = null, PasswordResetTokenGenerator? tokenGenerator = null, string? domainOverride = null,
        IReadOnlyDictionary<string, object?>? extraEmailContext = null, CancellationToken cancellationToken = default) =>
        SaveCore(request, subjectTemplateName, emailTemplateName, htmlEmailTemplateName, fromEmail, tokenGenerator, domainOverride, extraEmailContext, true, cancellationToken).AsTask();

    private async ValueTask SaveCore(HttpRequest request, string subjectTemplateName, string emailTemplateName, string? htmlEmailTemplateName,
        string? fromEmail, PasswordResetTokenGenerator? tokenGenerator, string? domainOverride, IReadOnlyDictionary<string, object?>? extraEmailContext,
        bool async, CancellationToken cancellationToken)
    {
        var email = CleanedData.Get(Email)!;
        var domain = domainOverride ?? request.GetHost();
        tokenGenerator ??= PasswordResetTokenGenerator.Default;
        var users = async ? await GetUsersAsync(email, cancellationToken).ConfigureAwait(false) : GetUsers(email);
        foreach (var user in users)
        {
            var context = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["email"] = user.Email, ["domain"] = domain, ["site_name"] = domain,
                ["uid"] = Signer.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(UserModel.PkText(user))),
                ["user"] = user, ["token"] = tokenGenerator.MakeToken(user), ["protocol"] = request.IsSecure ? "https" : "http",
            };
            foreach (var (key, value) in extraEmailContext ?? new Dictionary<string, object?>()) context[key] = value;
            var subject = string.Concat(Shortcuts.RenderToString(subjectTemplateName, context).Split(["\r\n", "\n", "\r"], StringSplitOptions.None));
            var message = new EmailMessage
            {
                Subject = subject, Body = Shortcuts.RenderToString(emailTemplateName, context), FromEmail = fromEmail, To = [user.Email],
                HtmlBody = htmlEmailTemplateName is null ? null : Shortcuts.RenderToString(htmlEmailTemplateName, context),
            };
            try
            {
                if (async) await message.SendAsync(cancellationToken).ConfigureAwait(false);
                else message.Send();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ResetMailFailed(request.LoggerFactory.CreateLogger("Nuages.Contrib.Auth"), user.Id, e);
            }
        }
    }
}
