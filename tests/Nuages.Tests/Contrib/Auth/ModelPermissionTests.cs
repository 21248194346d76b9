using Nuages.Contrib.Auth;
using Nuages.Db.Models;

namespace Nuages.Tests.Contrib.Auth;

[ModelPermission("publish_permnote", "Can publish note"), ModelPermission("archive_permnote", "Can archive note"), DefaultPermissions("view")]
public sealed class PermNote : Nuages.Db.Models.Model<PermNote>
{
    public string Title { get; set; } = "";
}

/// <summary>Custom permissions of a model (Django's Meta.permissions and Meta.default_permissions), made by migrate's hook.</summary>
public class ModelPermissionTests
{
    private sealed class NotesApp : Nuages.Apps.AppConfig
    {
        public override string Label => "notes";

        public override IReadOnlyList<Type> Models => [typeof(PermNote)];
    }

    [Fact]
    public async Task Migrate_makes_a_models_own_permissions_and_only_the_defaults_it_asks_for()
    {
        var app = AuthTests.Site();
        using var scope = app.Enter();
        var apps = app.Apps.All.Append(new NotesApp()).ToList();
        await new AuthConfig().PostMigrateAsync(apps, "default");
        await new AuthConfig().PostMigrateAsync(apps, "default"); // twice: nothing made twice
        var type = ContentType.IdFor(typeof(PermNote));
        var made = Permission.Objects.Filter("content_type", type).OrderBy("codename").ToList().Select(p => (p.Codename, p.Name)).ToList();
        Assert.Equal([("archive_permnote", "Can archive note"), ("publish_permnote", "Can publish note"), ("view_permnote", "Can view perm note")], made);
    }
}
