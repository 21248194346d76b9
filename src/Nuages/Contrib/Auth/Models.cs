using System.ComponentModel.DataAnnotations;
using Nuages.Db.Models;
using Nuages.Db.Query;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Who a request is from (Django's user API as views and templates see it): a user of the site's user model, or
/// <see cref="AnonymousUser"/>.
/// </summary>
public interface IUser
{
    /// <summary>The primary key; null for the anonymous user.</summary>
    object? Pk { get; }

    /// <summary>True for a real user, false for the anonymous one (Django's <c>is_authenticated</c>).</summary>
    bool IsAuthenticated { get; }

    /// <summary>The opposite of <see cref="IsAuthenticated"/> (Django's <c>is_anonymous</c>).</summary>
    bool IsAnonymous { get; }

    /// <summary>Whether the account may log in (Django's <c>is_active</c>).</summary>
    bool IsActive { get; }

    /// <summary>Whether the user has every permission (Django's <c>is_superuser</c>).</summary>
    bool IsSuperuser { get; }

    /// <summary>Whether the user may use the admin (Django's <c>is_staff</c>).</summary>
    bool IsStaff { get; }

    /// <summary>The name the user logs in with (Django's <c>get_username()</c>).</summary>
    string GetUsername();
}

/// <summary>The user of a request nobody logged in to (Django's <c>AnonymousUser</c>): no id, no permissions.</summary>
public sealed class AnonymousUser : IUser
{
    /// <summary>The one anonymous user.</summary>
    public static AnonymousUser Instance { get; } = new();

    /// <inheritdoc/>
    public object? Pk => null;

#pragma warning disable CA1822 // instance members, as templates read them on any user
    /// <summary>Always null, as Django's.</summary>
    public object? Id => null;

    /// <summary>Always "", as Django's.</summary>
    public string Username => "";
#pragma warning restore CA1822

    /// <inheritdoc/>
    public bool IsAuthenticated => false;

    /// <inheritdoc/>
    public bool IsAnonymous => true;

    /// <inheritdoc/>
    public bool IsActive => false;

    /// <inheritdoc/>
    public bool IsSuperuser => false;

    /// <inheritdoc/>
    public bool IsStaff => false;

    /// <inheritdoc/>
    public string GetUsername() => "";

    /// <inheritdoc/>
    public override string ToString() => "AnonymousUser";
}

/// <summary>
/// What every user model has (Django's <c>AbstractBaseUser</c>): a stored password and the last login. Derive a user
/// model of your own from it (or from <see cref="AbstractUser{T}"/>) and name it in <c>Settings.AuthUserModel</c>.
/// </summary>
public abstract class AbstractBaseUser<T> : Model<T>, IStoredUser where T : AbstractBaseUser<T>, new()
{
    /// <summary>The stored password (<c>algorithm$…</c>), never the password itself.</summary>
    [MaxLength(128)] public string Password { get; set; } = "";

    /// <summary>When the user last logged in.</summary>
    public DateTimeOffset? LastLogin { get; set; }

    /// <summary>The model field the user logs in with (Django's <c>USERNAME_FIELD</c>).</summary>
    public virtual string UsernameField => "username";

    /// <inheritdoc/>
    public object? Pk => Id;

    /// <inheritdoc/>
    public bool IsAuthenticated => true;

    /// <inheritdoc/>
    public bool IsAnonymous => false;

    // a user model without these fields is active, neither staff nor superuser (as Django's AbstractBaseUser)
    bool IUser.IsActive => ActiveState;

    bool IUser.IsSuperuser => SuperuserState;

    bool IUser.IsStaff => StaffState;

    /// <summary>What <see cref="IUser.IsActive"/> says: true unless the model stores otherwise.</summary>
    protected virtual bool ActiveState => true;

    /// <summary>What <see cref="IUser.IsSuperuser"/> says: false unless the model stores otherwise.</summary>
    protected virtual bool SuperuserState => false;

    /// <summary>What <see cref="IUser.IsStaff"/> says: false unless the model stores otherwise.</summary>
    protected virtual bool StaffState => false;

    /// <inheritdoc/>
    public abstract string GetUsername();

    /// <summary>Stores <paramref name="rawPassword"/> hashed with the preferred hasher (null: an unusable password). Save the user after.</summary>
    public void SetPassword(string? rawPassword) => Password = Passwords.MakePassword(rawPassword);

    /// <summary>Stores a password no one can log in with (Django's <c>set_unusable_password</c>).</summary>
    public void SetUnusablePassword() => Password = Passwords.MakePassword(null);

    /// <summary>Whether the stored password is one a user can log in with.</summary>
    public bool HasUsablePassword() => Passwords.IsPasswordUsable(Password);

    /// <summary>
    /// Whether <paramref name="rawPassword"/> is the user's (Django's <c>check_password</c>); an outdated hash is remade
    /// and saved (the password field only).
    /// </summary>
    public bool CheckPassword(string? rawPassword) => Passwords.CheckPassword(rawPassword, Password, raw =>
    {
        SetPassword(raw);
        Save(updateFields: ["password"]);
    });

    /// <summary><see cref="CheckPassword"/> saving an outdated hash with async I/O (Django's <c>acheck_password</c>).</summary>
    public Task<bool> CheckPasswordAsync(string? rawPassword, CancellationToken cancellationToken = default) =>
        Passwords.CheckPasswordAsync(rawPassword, Password, async raw =>
        {
            SetPassword(raw);
            await SaveAsync(updateFields: ["password"], cancellationToken: cancellationToken).ConfigureAwait(false);
        });

    /// <summary>
    /// The HMAC of the stored password that a session keeps (Django's <c>get_session_auth_hash</c>): when the password
    /// changes, the sessions logged in with the old one no longer match and are logged out.
    /// </summary>
    public string GetSessionAuthHash(string? secret = null) => AuthSessions.PasswordHash(Password, secret);

    void IStoredUser.SavePassword() => Save(updateFields: ["password"]);

    Task IStoredUser.SavePasswordAsync(CancellationToken cancellationToken) => SaveAsync(updateFields: ["password"], cancellationToken: cancellationToken);

    void IStoredUser.TouchLastLogin(bool save)
    {
        LastLogin = DateTimeOffset.UtcNow;
        if (save) Save(updateFields: ["last_login"]);
    }

    async Task IStoredUser.TouchLastLoginAsync(CancellationToken cancellationToken)
    {
        LastLogin = DateTimeOffset.UtcNow;
        await SaveAsync(updateFields: ["last_login"], cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => GetUsername();
}

/// <summary>
/// Django's <c>AbstractUser</c> (with <c>PermissionsMixin</c>): the fields of <c>auth_user</c> — a unique username,
/// names, email, staff and active flags, the date joined, superuser, groups and permissions.
/// </summary>
public abstract class AbstractUser<T> : AbstractBaseUser<T>, IPermissionsUser where T : AbstractUser<T>, new()
{
    QuerySet<Permission> IPermissionsUser.OwnPermissions() => UserPermissions.All();

    QuerySet<Group> IPermissionsUser.OwnGroups() => Groups.All();

    /// <summary>The name the user logs in with: 150 characters or fewer, letters, digits and @/./+/-/_ only.</summary>
    [MaxLength(150), Unique] public string Username { get; set; } = "";

    /// <summary>The first name.</summary>
    [MaxLength(150), Blank] public string FirstName { get; set; } = "";

    /// <summary>The last name.</summary>
    [MaxLength(150), Blank] public string LastName { get; set; } = "";

    /// <summary>The email address.</summary>
    [MaxLength(254), Blank] public string Email { get; set; } = "";

    /// <summary>Whether the user may use the admin.</summary>
    public bool IsStaff { get; set; }

    /// <summary>Whether the account may log in; unset it rather than delete the account.</summary>
    public bool IsActive { get; set; } = true;

    /// <summary>Whether the user has every permission without being given them.</summary>
    public bool IsSuperuser { get; set; }

    /// <inheritdoc/>
    protected override bool ActiveState => IsActive;

    /// <inheritdoc/>
    protected override bool SuperuserState => IsSuperuser;

    /// <inheritdoc/>
    protected override bool StaffState => IsStaff;

    /// <summary>When the account was made.</summary>
    public DateTimeOffset DateJoined { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The user's groups, whose permissions the user has.</summary>
    public ManyToMany<Group> Groups => ManyToMany<Group>();

    /// <summary>The permissions given to the user directly.</summary>
    public ManyToMany<Permission> UserPermissions => ManyToMany<Permission>();

    /// <inheritdoc/>
    public override string GetUsername() => Username;

    /// <summary>The first and last names with a space between, trimmed (Django's <c>get_full_name</c>).</summary>
    public string GetFullName() => $"{FirstName} {LastName}".Trim();

    /// <summary>The first name (Django's <c>get_short_name</c>).</summary>
    public string GetShortName() => FirstName;
}

/// <summary>Django's <c>User</c>, in Django's table <c>auth_user</c>: a site pointed at Django's database finds its users.</summary>
[DbTable("auth_user")]
public sealed class User : AbstractUser<User>;

/// <summary>A set of permissions given together (Django's <c>Group</c>, table <c>auth_group</c>).</summary>
[DbTable("auth_group")]
public sealed class Group : Model<Group>
{
    /// <summary>The group's unique name.</summary>
    [MaxLength(150), Unique] public string Name { get; set; } = "";

    /// <summary>The group's permissions.</summary>
    public ManyToMany<Permission> Permissions => ManyToMany<Permission>();

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// A permission to act on a model (Django's <c>Permission</c>, table <c>auth_permission</c>): <c>add_post</c>,
/// <c>change_post</c>, <c>delete_post</c>, <c>view_post</c> are made for every model after <c>migrate</c>.
/// </summary>
[DbTable("auth_permission"), UniqueTogether("content_type", "codename")]
#pragma warning disable CA1711 // Django's model name
public sealed class Permission : Model<Permission>
{
    /// <summary>The permission's description (<c>Can change post</c>).</summary>
    [MaxLength(255)] public string Name { get; set; } = "";

    /// <summary>The model the permission is about.</summary>
    [OnDelete(OnDelete.Cascade)] public ForeignKey<ContentType> ContentType { get; set; } = new();

    /// <summary>The permission's code (<c>change_post</c>).</summary>
    [MaxLength(100)] public string Codename { get; set; } = "";

    /// <inheritdoc/>
    public override string ToString() => Name;
}
#pragma warning restore CA1711
