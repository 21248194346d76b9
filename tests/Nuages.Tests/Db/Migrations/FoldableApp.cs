using Nuages.Apps;
using Nuages.Db.Migrations;

namespace Nuages.Tests.Db.Migrations.Foldable
{
    public sealed class FoldableConfig : AppConfig;
}

namespace Nuages.Tests.Db.Migrations.Foldable.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override IReadOnlyList<Operation> Operations =>
        [
            new CreateModel("Page", [("id", Field.Auto())]),
            new AddField("Page", "title", Field.Of<string>(maxLength: 80, @default: "")),
        ];
    }
}
