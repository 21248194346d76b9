using System.Collections.Concurrent;
using System.Globalization;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Contrib.Auth;

/// <summary>What the auth app does to a stored user, whatever the user model: save its last login, hash its password for the session.</summary>
internal interface IStoredUser : IUser
{
    string Password { get; }

    DateTimeOffset? LastLogin { get; }

    bool CheckPassword(string? rawPassword);

    Task<bool> CheckPasswordAsync(string? rawPassword, CancellationToken cancellationToken = default);

    string GetSessionAuthHash(string? secret = null);

    void SetPassword(string? rawPassword);

    void SavePassword();

    Task SavePasswordAsync(CancellationToken cancellationToken);

    void TouchLastLogin(bool save);

    Task TouchLastLoginAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The site's user model (<c>Settings.AuthUserModel</c>), reached without knowing its type (Django's
/// <c>get_user_model()</c>): rows by natural key and by primary key, in both modes.
/// </summary>
internal abstract class UserModel
{
    private static readonly ConcurrentDictionary<string, UserModel> ByName = new(StringComparer.Ordinal);

    public abstract Type Type { get; }

    /// <summary>The field users log in with (Django's <c>USERNAME_FIELD</c>).</summary>
    public abstract string UsernameField { get; }

    public abstract IStoredUser? GetByNaturalKey(string username);

    public abstract Task<IStoredUser?> GetByNaturalKeyAsync(string username, CancellationToken cancellationToken);

    public abstract IStoredUser? GetByPk(string pk);

    public abstract Task<IStoredUser?> GetByPkAsync(string pk, CancellationToken cancellationToken);

    /// <summary>A new, unsaved user (for the dummy hashing that hides whether a username exists).</summary>
    public abstract IStoredUser New();

    /// <summary>The site's user model.</summary>
    public static UserModel Current => For(Site.TryCurrent?.Settings.AuthUserModel ?? "auth.User");

    public static UserModel For(string name) => ByName.GetOrAdd(name, static name =>
    {
        var type = name == "auth.User" ? typeof(User) : TypeNames.Resolve(name) ?? ModelType(name)
            ?? throw new ImproperlyConfigured($"AuthUserModel refers to model '{name}' that has not been installed.");
        if (!IsUserModel(type))
            throw new ImproperlyConfigured($"AuthUserModel is '{name}', which is not a user model: derive it from AbstractUser<T> or AbstractBaseUser<T>.");
        return (UserModel)Activator.CreateInstance(typeof(UserModel<>).MakeGenericType(type))!;
    });

    private static Type? ModelType(string label)
    {
        var dot = label.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? ModelMeta.Known(label[..dot], label[(dot + 1)..].ToLowerInvariant()) : null;
    }

    private static bool IsUserModel(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(AbstractBaseUser<>)) return true;
        return false;
    }

    /// <summary>The primary key as the session stores it (Django's <c>value_to_string</c>): the id's digits.</summary>
    public static string PkText(IUser user) => Convert.ToString(user.Pk, CultureInfo.InvariantCulture) ?? "";
}

/// <summary><see cref="UserModel"/> for <typeparamref name="T"/>.</summary>
internal sealed class UserModel<T> : UserModel where T : AbstractBaseUser<T>, new()
{
    public override Type Type => typeof(T);

    public override string UsernameField { get; } = new T().UsernameField;

    public override IStoredUser? GetByNaturalKey(string username) => Model<T>.Objects.Filter(UsernameField, username).First();

    public override async Task<IStoredUser?> GetByNaturalKeyAsync(string username, CancellationToken cancellationToken) =>
        await Model<T>.Objects.Filter(UsernameField, username).FirstAsync(cancellationToken).ConfigureAwait(false);

    public override IStoredUser? GetByPk(string pk) =>
        long.TryParse(pk, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? Model<T>.Objects.Filter("pk", id).FirstOrDefault() : null;

    public override async Task<IStoredUser?> GetByPkAsync(string pk, CancellationToken cancellationToken) =>
        long.TryParse(pk, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            ? await Model<T>.Objects.Filter("pk", id).FirstAsync(cancellationToken).ConfigureAwait(false) : null;

    public override IStoredUser New() => new T();
}
