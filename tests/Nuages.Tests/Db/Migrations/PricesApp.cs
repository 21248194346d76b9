using Nuages.Apps;
using Nuages.Db.Migrations;

namespace Nuages.Tests.Db.Migrations.Prices
{
    public sealed class PricesConfig : AppConfig;
}

namespace Nuages.Tests.Db.Migrations.Prices.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override IReadOnlyList<Operation> Operations =>
            [new CreateModel("Price", [("id", Field.Auto()), ("sku", Field.Of<string>(maxLength: 10)), ("amount", Field.Of<decimal>()), ("currency", Field.Of<string>(maxLength: 3))])];
    }

    public sealed class _0002_constraints : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("prices", "0001_initial")];

        public override IReadOnlyList<Operation> Operations =>
        [
            new AddConstraint("Price", Constraint.CheckOf("price_amount_positive", "amount > 0")),
            new AddConstraint("Price", Constraint.UniqueOf("price_sku_currency", "sku", "currency")),
            new AlterModelOptions("Price", new Dictionary<string, object?> { ["ordering"] = new[] { "sku" } }),
        ];
    }

    public sealed class _0003_free_prices : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("prices", "0002_constraints")];

        public override IReadOnlyList<Operation> Operations => [new RemoveConstraint("Price", "price_amount_positive")];
    }
}
