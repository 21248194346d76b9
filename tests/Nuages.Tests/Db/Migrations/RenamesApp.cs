using System.ComponentModel.DataAnnotations;
using Nuages.Apps;
using Nuages.Db.Migrations;
using Nuages.Db.Models;

namespace Nuages.Tests.Db.Migrations.Renames
{
    public sealed class RenamesConfig : AppConfig;

    /// <summary>FullName in the migration, DisplayName now: a rename or a new field, as the question decides.</summary>
    public sealed class Person : Model<Person>
    {
        [MaxLength(50)] public string DisplayName { get; set; } = "";
    }
}

namespace Nuages.Tests.Db.Migrations.Renames.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override IReadOnlyList<Operation> Operations =>
            [new CreateModel("Person", [("id", Field.Auto()), ("full_name", Field.Of<string>(maxLength: 50))])];
    }
}
