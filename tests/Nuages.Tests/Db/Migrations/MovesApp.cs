using System.ComponentModel.DataAnnotations;
using Nuages.Apps;
using Nuages.Db.Migrations;
using Nuages.Db.Models;

namespace Nuages.Tests.Db.Migrations.Moves
{
    public sealed class MovesConfig : AppConfig;

    /// <summary>Customer in the migration, Client now: a renamed model, if the answer says so.</summary>
    public sealed class Client : Model<Client>
    {
        [MaxLength(40)] public string Name { get; set; } = "";
    }
}

namespace Nuages.Tests.Db.Migrations.Moves.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override IReadOnlyList<Operation> Operations =>
            [new CreateModel("Customer", [("id", Field.Auto()), ("name", Field.Of<string>(maxLength: 40))])];
    }
}
