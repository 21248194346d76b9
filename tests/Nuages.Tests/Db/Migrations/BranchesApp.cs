using Nuages.Apps;
using Nuages.Db.Migrations;

namespace Nuages.Tests.Db.Migrations.Branches
{
    public sealed class BranchesConfig : AppConfig;
}

namespace Nuages.Tests.Db.Migrations.Branches.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override IReadOnlyList<Operation> Operations => [new RunSql("SELECT 1", RunSql.Noop)];
    }

    public sealed class _0002_left : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("branches", "0001_initial")];

        public override IReadOnlyList<Operation> Operations => [new RunSql("SELECT 2", RunSql.Noop)];
    }

    public sealed class _0002_right : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("branches", "0001_initial")];

        public override IReadOnlyList<Operation> Operations => [new RunSql("SELECT 3", RunSql.Noop)];
    }
}
