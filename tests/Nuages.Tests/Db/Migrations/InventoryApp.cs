using System.ComponentModel.DataAnnotations;
using Nuages.Apps;
using Nuages.Db.Migrations;
using Nuages.Db.Models;

namespace Nuages.Tests.Db.Migrations.Inventory
{
    public sealed class InventoryConfig : AppConfig;

    /// <summary>The model as it is now: the migration below knows Name only.</summary>
    public sealed class Item : Model<Item>
    {
        [MaxLength(80)] public string Name { get; set; } = "";
        public int Quantity { get; set; }
        public DateOnly? Restocked { get; set; }
    }

    [Index("-code", Name = "bin_code_desc"), UniqueTogether("item", "code")]
    public sealed class Bin : Model<Bin>
    {
        [OnDelete(OnDelete.Cascade)] public ForeignKey<Item> Item { get; set; } = new();
        [MaxLength(10), Unique] public string Code { get; set; } = "";
    }
}

namespace Nuages.Tests.Db.Migrations.Inventory.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override bool Initial => true;

        public override IReadOnlyList<Operation> Operations =>
        [
            new CreateModel("Item", [("id", Field.Auto()), ("name", Field.Of<string>(maxLength: 50)), ("obsolete", Field.Of<bool>())]),
        ];
    }
}
