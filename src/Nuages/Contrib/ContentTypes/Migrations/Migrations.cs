#pragma warning disable CA1707 // migration classes are named as Django names migration files
using Nuages.Db.Migrations;

namespace Nuages.Contrib.ContentTypes.Migrations;

/// <summary>Django's <c>contenttypes.0001_initial</c>: the table, with the <c>name</c> column Django had then.</summary>
public sealed class _0001_initial : Migration
{
    /// <inheritdoc/>
    public override bool Initial => true;

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations =>
    [
        new CreateModel("ContentType",
        [
            ("id", Field.Auto()),
            ("name", Field.Of<string>(maxLength: 100)),
            ("app_label", Field.Of<string>(maxLength: 100)),
            ("model", Field.Of<string>(maxLength: 100)),
        ], dbTable: "django_content_type"),
        new AlterUniqueTogether("ContentType", [["app_label", "model"]]),
    ];
}

/// <summary>Django's <c>contenttypes.0002_remove_content_type_name</c>.</summary>
public sealed class _0002_remove_content_type_name : Migration
{
    /// <inheritdoc/>
    public override IReadOnlyList<(string App, string Name)> Dependencies => [("contenttypes", "0001_initial")];

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations =>
    [
        new AlterField("ContentType", "name", Field.Of<string>(maxLength: 100, @null: true)),
        new RemoveField("ContentType", "name"),
    ];
}
