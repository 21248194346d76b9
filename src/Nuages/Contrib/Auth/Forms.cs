using System.Text;
using Nuages.Core;
using Nuages.Forms;
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
