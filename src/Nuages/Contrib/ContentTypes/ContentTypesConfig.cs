using Nuages.Apps;
using Nuages.Db.Models;

namespace Nuages.Contrib.ContentTypes;

/// <summary>
/// Django's <c>django.contrib.contenttypes</c> as an installed app: <c>s.InstalledApps.Add&lt;ContentTypesConfig&gt;()</c>
/// gives the <see cref="ContentType"/> table (<c>django_content_type</c>) by migrations named as Django's, so a
/// database Django migrated is read as migrated. Without it, the table is made as a model without migrations.
/// </summary>
public sealed class ContentTypesConfig : AppConfig
{
    /// <inheritdoc/>
    public override string Label => "contenttypes";

    /// <summary>The namespace of <see cref="ContentType"/>, so that the model belongs to this app.</summary>
    public override string Name => typeof(ContentType).Namespace!;

    /// <inheritdoc/>
    public override IReadOnlyList<Type> Models => [typeof(ContentType)];

    /// <inheritdoc/>
    public override string MigrationsNamespace => typeof(ContentTypesConfig).Namespace + ".Migrations";
}
