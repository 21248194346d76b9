using System.Text;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Making users as Django's <c>UserManager</c> does: <c>UserManager.CreateUser("ann", "ann@example.com", "pw")</c>
/// (the email's domain lower-cased, the username NFKC-normalized, the password hashed; null gives an unusable one)
/// and <c>CreateSuperuser</c> (staff and superuser), with async twins. For the site's user model when it is
/// <see cref="AbstractUser{T}"/>-shaped; <see cref="User"/> by default.
/// </summary>
public static class UserManager
{
    /// <summary>Django's <c>normalize_email</c>: the domain part lower-cased.</summary>
    public static string NormalizeEmail(string? email)
    {
        email ??= "";
        var at = email.LastIndexOf('@');
        return at < 0 ? email : email[..at] + "@" + email[(at + 1)..].ToLowerInvariant();
    }

    private static User Make(string username, string? email, string? password, bool staff, bool superuser, Action<User>? extra)
    {
        if (string.IsNullOrEmpty(username)) throw new ArgumentException("The given username must be set", nameof(username));
        var user = new User { Username = username.Normalize(NormalizationForm.FormKC), Email = NormalizeEmail(email), IsStaff = staff, IsSuperuser = superuser };
        extra?.Invoke(user);
        if (superuser && !user.IsStaff) throw new ArgumentException("Superuser must have is_staff=True.", nameof(extra));
        if (superuser && !user.IsSuperuser) throw new ArgumentException("Superuser must have is_superuser=True.", nameof(extra));
        user.SetPassword(password);
        return user;
    }

    /// <summary>A saved user (Django's <c>create_user</c>); <paramref name="extra"/> sets other fields before the save.</summary>
    public static User CreateUser(string username, string? email = null, string? password = null, Action<User>? extra = null, string? @using = null)
    {
        var user = Make(username, email, password, false, false, extra);
        user.Save(@using);
        return user;
    }

    /// <summary>The async form of <see cref="CreateUser"/> (Django's <c>acreate_user</c>).</summary>
    public static async Task<User> CreateUserAsync(string username, string? email = null, string? password = null, Action<User>? extra = null, string? @using = null, CancellationToken cancellationToken = default)
    {
        var user = Make(username, email, password, false, false, extra);
        await user.SaveAsync(@using, cancellationToken: cancellationToken).ConfigureAwait(false);
        return user;
    }

    /// <summary>A saved superuser, staff too (Django's <c>create_superuser</c>).</summary>
    public static User CreateSuperuser(string username, string? email = null, string? password = null, Action<User>? extra = null, string? @using = null)
    {
        var user = Make(username, email, password, true, true, extra);
        user.Save(@using);
        return user;
    }

    /// <summary>The async form of <see cref="CreateSuperuser"/> (Django's <c>acreate_superuser</c>).</summary>
    public static async Task<User> CreateSuperuserAsync(string username, string? email = null, string? password = null, Action<User>? extra = null, string? @using = null, CancellationToken cancellationToken = default)
    {
        var user = Make(username, email, password, true, true, extra);
        await user.SaveAsync(@using, cancellationToken: cancellationToken).ConfigureAwait(false);
        return user;
    }
}
