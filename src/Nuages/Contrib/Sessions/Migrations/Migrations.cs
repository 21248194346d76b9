#pragma warning disable CA1707 // migration classes are named as Django names migration files
using Nuages.Db.Migrations;

namespace Nuages.Contrib.Sessions.Migrations;

/// <summary>Django's <c>sessions.0001_initial</c>: the <c>django_session</c> table.</summary>
public sealed class _0001_initial : Migration
{
    /// <inheritdoc/>
    public override bool Initial => true;

    /// <inheritdoc/>
    public override IReadOnlyList<Operation> Operations =>
    [
        new CreateModel("Session", SessionsConfig.Fields, dbTable: SessionsConfig.Table),
    ];
}
