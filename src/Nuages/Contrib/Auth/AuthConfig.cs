using Nuages.Apps;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Django's <c>django.contrib.auth</c> as an installed app: <c>s.InstalledApps.Add&lt;AuthConfig&gt;()</c> (with
/// <c>ContentTypesConfig</c> and <c>SessionsConfig</c>) gives Django's tables — <c>auth_user</c>, <c>auth_group</c>,
/// <c>auth_permission</c> and their links — by migrations named as Django's, so a database Django migrated is read
/// as migrated and its users log in with their passwords. Add <see cref="AuthenticationMiddleware"/> for <c>request.User</c>.
/// </summary>
public sealed class AuthConfig : AppConfig, IPostMigrate, Nuages.Channels.IConnectionSetup
{
    /// <summary>
    /// A WebSocket's scope gets its user from the session (Channels' <c>AuthMiddlewareStack</c>):
    /// <c>await Scope.Request.GetUserAsync()</c>, read on first use. Needs the sessions app before this one.
    /// </summary>
    public void SetUp(Nuages.Http.HttpRequest handshake)
    {
        ArgumentNullException.ThrowIfNull(handshake);
        if (handshake.Features.Get<Nuages.Contrib.Sessions.SessionBase>() is not null) handshake.Features.Set(new LazyUser());
    }

    /// <summary>Django's default permissions of every model: add, change, delete, view.</summary>
    public static readonly IReadOnlyList<string> DefaultPermissions = ["add", "change", "delete", "view"];

    /// <summary>
    /// Makes the default permissions of every installed app's models that lack them (Django's <c>create_permissions</c>,
    /// run on <c>post_migrate</c>): <c>add_post</c>, "Can add post"… Nothing happens while the auth tables are not migrated.
    /// </summary>
    public async Task PostMigrateAsync(IReadOnlyList<AppConfig> apps, string alias, CancellationToken cancellationToken = default)
    {
        var recorded = await Db.Migrations.MigrationRecorder.AppliedAsync(alias).ConfigureAwait(false);
        if (!recorded.Contains(("auth", "0001_initial")) || !recorded.Contains(("contenttypes", "0001_initial"))) return;
        foreach (var config in apps)
            foreach (var model in config.Models)
            {
                var contentType = await Db.Models.ContentType.IdForAsync(model, alias, cancellationToken).ConfigureAwait(false);
                var existing = await Permission.Objects.Using(alias).Filter("content_type", contentType).ValuesList<string>("codename").ToListAsync(cancellationToken).ConfigureAwait(false);
                var name = Db.Models.ModelMeta.For(model).VerboseName;
                var defaults = (model.GetCustomAttributes(typeof(DefaultPermissionsAttribute), true).FirstOrDefault() as DefaultPermissionsAttribute)?.Actions ?? DefaultPermissions;
                var wanted = defaults.Select(action => (Codename: $"{action}_{Db.Models.ContentType.ModelName(model)}", Name: $"Can {action} {name}"))
                    .Concat(model.GetCustomAttributes(typeof(ModelPermissionAttribute), true).Cast<ModelPermissionAttribute>().Select(p => (p.Codename, p.Name)));
                var missing = wanted.Where(p => !existing.Contains(p.Codename)).DistinctBy(p => p.Codename)
                    .Select(p => new Permission { Name = p.Name, Codename = p.Codename, ContentType = new() { Id = contentType } })
                    .ToList();
                if (missing.Count > 0) await Permission.Objects.Using(alias).BulkCreateAsync(missing, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
    }

    /// <inheritdoc/>
    public override string Label => "auth";

    /// <inheritdoc/>
    public override string Name => typeof(AuthConfig).Namespace!;

    /// <inheritdoc/>
    public override IReadOnlyList<Type> Models => [typeof(Permission), typeof(Group), typeof(User)];

    /// <inheritdoc/>
    public override string MigrationsNamespace => typeof(AuthConfig).Namespace + ".Migrations";
}

/// <summary>
/// A permission of a model besides the default ones (Django's <c>Meta.permissions</c>):
/// <c>[ModelPermission("publish_post", "Can publish posts")]</c> on the model class; <c>migrate</c> makes it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ModelPermissionAttribute(string codename, string name) : Attribute
{
    /// <summary>The code name (<c>publish_post</c>); checked as <c>app_label.publish_post</c>.</summary>
    public string Codename { get; } = codename;

    /// <summary>The description.</summary>
    public string Name { get; } = name;
}

/// <summary>The default permissions a model gets (Django's <c>Meta.default_permissions</c>): <c>[DefaultPermissions("add", "view")]</c>; none when empty.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DefaultPermissionsAttribute(params string[] actions) : Attribute
{
    /// <summary>The actions (<c>add</c>, <c>change</c>, <c>delete</c>, <c>view</c>, or your own).</summary>
    public IReadOnlyList<string> Actions { get; } = actions;
}

