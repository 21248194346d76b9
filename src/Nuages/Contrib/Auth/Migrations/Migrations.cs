#pragma warning disable CA1707 // migration classes are named as Django names migration files
using Nuages.Db.Migrations;

namespace Nuages.Contrib.Auth.Migrations;

/// <summary>
/// Django's <c>auth.0001_initial</c>, with the columns Django had then (django/contrib/auth/migrations/): the later
/// migrations below bring them to today's, one Django migration each, so that <c>django_migrations</c> rows written
/// by Django and by Nuages are the same.
/// </summary>
public sealed class _0001_initial : Migration
{
    /// <inheritdoc/>
    public override bool Initial => true;

    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("contenttypes", "0001_initial")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations =>
    [
        new CreateModel("Permission",
        [
            ("id", Field.Auto()),
            ("name", Field.Of<string>(maxLength: 50)),
            ("content_type", Field.ForeignKey("contenttypes.ContentType")),
            ("codename", Field.Of<string>(maxLength: 100)),
        ]),
        new AlterUniqueTogether("Permission", [["content_type", "codename"]]),
        new CreateModel("Group",
        [
            ("id", Field.Auto()),
            ("name", Field.Of<string>(maxLength: 80, unique: true)),
            ("permissions", Field.ManyToManyTo("auth.Permission")),
        ]),
        new CreateModel("User",
        [
            ("id", Field.Auto()),
            ("password", Field.Of<string>(maxLength: 128)),
            ("last_login", Field.Of<global::System.DateTimeOffset>()),
            ("is_superuser", Field.Of<bool>()),
            ("username", Field.Of<string>(maxLength: 30, unique: true)),
            ("first_name", Field.Of<string>(maxLength: 30)),
            ("last_name", Field.Of<string>(maxLength: 30)),
            ("email", Field.Of<string>(maxLength: 75)),
            ("is_staff", Field.Of<bool>()),
            ("is_active", Field.Of<bool>()),
            ("date_joined", Field.Of<global::System.DateTimeOffset>()),
            ("groups", Field.ManyToManyTo("auth.Group")),
            ("user_permissions", Field.ManyToManyTo("auth.Permission")),
        ]),
    ];
}

/// <summary>Django's <c>auth.0002_alter_permission_name_max_length</c>: 255 characters.</summary>
public sealed class _0002_alter_permission_name_max_length : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0001_initial")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [new AlterField("Permission", "name", Field.Of<string>(maxLength: 255))];
}

/// <summary>Django's <c>auth.0003_alter_user_email_max_length</c>: 254 characters.</summary>
public sealed class _0003_alter_user_email_max_length : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0002_alter_permission_name_max_length")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [new AlterField("User", "email", Field.Of<string>(maxLength: 254))];
}

/// <summary>Django's <c>auth.0004_alter_user_username_opts</c>: the username's messages and validators, no column change.</summary>
public sealed class _0004_alter_user_username_opts : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0003_alter_user_email_max_length")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [];
}

/// <summary>Django's <c>auth.0005_alter_user_last_login_null</c>: a user who never logged in has no last login.</summary>
public sealed class _0005_alter_user_last_login_null : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0004_alter_user_username_opts")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [new AlterField("User", "last_login", Field.Of<global::System.DateTimeOffset>(@null: true))];
}

/// <summary>Django's <c>auth.0006_require_contenttypes_0002</c>: no operation, a dependency on contenttypes' second migration.</summary>
public sealed class _0006_require_contenttypes_0002 : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0005_alter_user_last_login_null"), ("contenttypes", "0002_remove_content_type_name")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [];
}

/// <summary>Django's <c>auth.0007_alter_validators_add_error_messages</c>: messages only, no column change.</summary>
public sealed class _0007_alter_validators_add_error_messages : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0006_require_contenttypes_0002")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [];
}

/// <summary>Django's <c>auth.0008_alter_user_username_max_length</c>: 150 characters.</summary>
public sealed class _0008_alter_user_username_max_length : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0007_alter_validators_add_error_messages")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [new AlterField("User", "username", Field.Of<string>(maxLength: 150, unique: true))];
}

/// <summary>Django's <c>auth.0009_alter_user_last_name_max_length</c>: 150 characters.</summary>
public sealed class _0009_alter_user_last_name_max_length : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0008_alter_user_username_max_length")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [new AlterField("User", "last_name", Field.Of<string>(maxLength: 150))];
}

/// <summary>Django's <c>auth.0010_alter_group_name_max_length</c>: 150 characters.</summary>
public sealed class _0010_alter_group_name_max_length : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0009_alter_user_last_name_max_length")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [new AlterField("Group", "name", Field.Of<string>(maxLength: 150, unique: true))];
}

/// <summary>Django's <c>auth.0011_update_proxy_permissions</c>: moves proxy models' permissions; Nuages has no proxy models, so nothing to move.</summary>
public sealed class _0011_update_proxy_permissions : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0010_alter_group_name_max_length"), ("contenttypes", "0002_remove_content_type_name")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [];
}

/// <summary>Django's <c>auth.0012_alter_user_first_name_max_length</c>: 150 characters.</summary>
public sealed class _0012_alter_user_first_name_max_length : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("auth", "0011_update_proxy_permissions")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations => [new AlterField("User", "first_name", Field.Of<string>(maxLength: 150))];
}
