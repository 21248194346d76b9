using Nuages.Apps;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Django's <c>django.contrib.auth</c> as an installed app: <c>s.InstalledApps.Add&lt;AuthConfig&gt;()</c> (with
/// <c>ContentTypesConfig</c> and <c>SessionsConfig</c>) gives Django's tables — <c>auth_user</c>, <c>auth_group</c>,
/// <c>auth_permission</c> and their links — by migrations named as Django's, so a database Django migrated is read
/// as migrated and its users log in with their passwords. Add <see cref="AuthenticationMiddleware"/> for <c>request.User</c>.
/// </summary>
public sealed class AuthConfig : AppConfig
{
    /// <inheritdoc/>
    public override string Label => "auth";

    /// <inheritdoc/>
    public override string Name => typeof(AuthConfig).Namespace!;

    /// <inheritdoc/>
    public override IReadOnlyList<Type> Models => [typeof(Permission), typeof(Group), typeof(User)];

    /// <inheritdoc/>
    public override string MigrationsNamespace => typeof(AuthConfig).Namespace + ".Migrations";
}
