using Nuages.Apps;
using Nuages.Db.Migrations;

namespace Nuages.Tests.Db.Migrations.Ledger
{
    public sealed class LedgerConfig : AppConfig;
}

namespace Nuages.Tests.Db.Migrations.Ledger.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override bool Initial => true;

        public override IReadOnlyList<Operation> Operations =>
        [
            new CreateModel("Entry", [("id", Field.Auto()), ("account", Field.Of<string>(maxLength: 20)), ("day", Field.Of<DateOnly>()), ("amount", Field.Of<decimal>())]),
            new AddIndex("Entry", new ModelIndex("ledger_day_idx", ["-day", "account"])),
            new AlterUniqueTogether("Entry", [["account", "day"]]),
        ];
    }

    public sealed class _0002_rename_index : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("ledger", "0001_initial")];

        public override IReadOnlyList<Operation> Operations => [new RenameIndex("Entry", "ledger_when_idx", "ledger_day_idx")];
    }

    public sealed class _0003_relax : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("ledger", "0002_rename_index")];

        public override IReadOnlyList<Operation> Operations =>
        [
            new AlterUniqueTogether("Entry", []),
            new SeparateDatabaseAndState(
                databaseOperations: [new RunSql("ALTER TABLE ledger_entry ADD COLUMN note text NULL", "ALTER TABLE ledger_entry DROP COLUMN note")],
                stateOperations: [new AddField("Entry", "note", Field.Of<string>(@null: true))]),
            new AlterField("Entry", "account", Field.Of<string>(maxLength: 40)),
        ];
    }
}
