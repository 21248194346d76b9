using Nuages.Http;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Who checks credentials and finds a session's user (Django's authentication backends): list them in
/// <c>Settings.AuthenticationBackends</c>. Override the async members too when the backend does I/O, so that async views
/// never wait on sync I/O; by default they call the sync ones.
/// </summary>
public abstract class AuthenticationBackend
{
    /// <summary>The user the credentials name, or null when they name nobody (or not this backend's business).</summary>
    public virtual IUser? Authenticate(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials) => null;

    /// <summary>The async form of <see cref="Authenticate"/>.</summary>
    public virtual Task<IUser?> AuthenticateAsync(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials, CancellationToken cancellationToken = default) =>
        Task.FromResult(Authenticate(request, credentials));

    /// <summary>The user of a session, by the primary key it stored; null when gone or not allowed.</summary>
    public virtual IUser? GetUser(string userId) => null;

    /// <summary>The async form of <see cref="GetUser"/>.</summary>
    public virtual Task<IUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default) => Task.FromResult(GetUser(userId));
}

/// <summary>
/// Django's <c>ModelBackend</c>: a username and password checked against the user model; inactive users refused.
/// Stored in sessions as <c>django.contrib.auth.backends.ModelBackend</c>, so Django reads Nuages' sessions and the other way round.
/// </summary>
public class ModelBackend : AuthenticationBackend
{
    /// <summary>Whether <paramref name="user"/> may log in (Django's <c>user_can_authenticate</c>): active users only.</summary>
    protected virtual bool UserCanAuthenticate(IUser user) => user.IsActive;

    private static (string? Username, string? Password) Credentials(IReadOnlyDictionary<string, string?> credentials, UserModel model)
    {
        credentials.TryGetValue("username", out var username);
        if (username is null) credentials.TryGetValue(model.UsernameField, out username);
        credentials.TryGetValue("password", out var password);
        return (username, password);
    }

    /// <inheritdoc/>
    public override IUser? Authenticate(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials)
    {
        var model = UserModel.Current;
        var (username, password) = Credentials(credentials, model);
        if (username is null || password is null) return null;
        if (model.GetByNaturalKey(username) is not { } user)
        {
            // hash once anyway, so that an unknown username takes as long as a wrong password (Django's #20760)
            Passwords.MakePassword(password);
            return null;
        }
        return user.CheckPassword(password) && UserCanAuthenticate(user) ? user : null;
    }

    /// <inheritdoc/>
    public override async Task<IUser?> AuthenticateAsync(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials, CancellationToken cancellationToken = default)
    {
        var model = UserModel.Current;
        var (username, password) = Credentials(credentials, model);
        if (username is null || password is null) return null;
        if (await model.GetByNaturalKeyAsync(username, cancellationToken).ConfigureAwait(false) is not { } user)
        {
            Passwords.MakePassword(password);
            return null;
        }
        return await user.CheckPasswordAsync(password, cancellationToken).ConfigureAwait(false) && UserCanAuthenticate(user) ? user : null;
    }

    /// <inheritdoc/>
    public override IUser? GetUser(string userId) => UserModel.Current.GetByPk(userId) is { } user && UserCanAuthenticate(user) ? user : null;

    /// <inheritdoc/>
    public override async Task<IUser?> GetUserAsync(string userId, CancellationToken cancellationToken = default) =>
        await UserModel.Current.GetByPkAsync(userId, cancellationToken).ConfigureAwait(false) is { } user && UserCanAuthenticate(user) ? user : null;
}

/// <summary>Django's <c>AllowAllUsersModelBackend</c>: as <see cref="ModelBackend"/>, inactive users included.</summary>
public class AllowAllUsersModelBackend : ModelBackend
{
    /// <inheritdoc/>
    protected override bool UserCanAuthenticate(IUser user) => true;
}

/// <summary>
/// Django's <c>RemoteUserBackend</c>, for <see cref="RemoteUserMiddleware"/>: the <c>remote_user</c> credential is
/// trusted; an unknown name becomes a new user with an unusable password (unless <see cref="CreateUnknownUser"/> is
/// false). Override <see cref="ConfigureUser"/> to fill a new user in.
/// </summary>
public class RemoteUserBackend : ModelBackend
{
    /// <summary>Whether an unknown name makes a user (Django's <c>create_unknown_user</c>).</summary>
    protected virtual bool CreateUnknownUser => true;

    /// <summary>The name as stored (Django's <c>clean_username</c>): as given by default.</summary>
    protected virtual string CleanUsername(string username) => username;

    /// <summary>Fills a new user in before it is saved again (Django's <c>configure_user</c>).</summary>
    protected virtual User ConfigureUser(HttpRequest? request, User user, bool created) => user;

    /// <inheritdoc/>
    public override IUser? Authenticate(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials)
    {
        if (!credentials.TryGetValue("remote_user", out var remote) || string.IsNullOrEmpty(remote)) return null;
        var username = CleanUsername(remote);
        User? user;
        var created = false;
        if (CreateUnknownUser)
            (user, created) = User.Objects.GetOrCreate(new { Username = username }, defaults: new { Password = Passwords.MakePassword(null) });
        else user = User.Objects.Filter("username", username).First();
        if (user is null) return null;
        user = ConfigureUser(request, user, created);
        return UserCanAuthenticate(user) ? user : null;
    }

    /// <inheritdoc/>
    public override async Task<IUser?> AuthenticateAsync(HttpRequest? request, IReadOnlyDictionary<string, string?> credentials, CancellationToken cancellationToken = default)
    {
        if (!credentials.TryGetValue("remote_user", out var remote) || string.IsNullOrEmpty(remote)) return null;
        var username = CleanUsername(remote);
        User? user;
        var created = false;
        if (CreateUnknownUser)
            (user, created) = await User.Objects.GetOrCreateAsync(new { Username = username }, defaults: new { Password = Passwords.MakePassword(null) }, cancellationToken: cancellationToken).ConfigureAwait(false);
        else user = await User.Objects.Filter("username", username).FirstAsync(cancellationToken).ConfigureAwait(false);
        if (user is null) return null;
        user = ConfigureUser(request, user, created);
        return UserCanAuthenticate(user) ? user : null;
    }
}
