using Nuages.Apps;
using Nuages.Db.Migrations;

namespace Nuages.Tests.Db.Migrations.Journal
{
    public sealed class JournalConfig : AppConfig;
}

namespace Nuages.Tests.Db.Migrations.Journal.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override bool Initial => true;

        public override IReadOnlyList<Operation> Operations =>
        [
            new RunSql("CREATE TABLE journal_entry (id integer NOT NULL PRIMARY KEY, title varchar(100) NOT NULL)", "DROP TABLE journal_entry"),
            new RunSql("INSERT INTO journal_entry (id, title) VALUES (1, 'one'); INSERT INTO journal_entry (id, title) VALUES (2, 'three; with a semicolon')", RunSql.Noop),
        ];
    }

    public sealed class _0002_add_words : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("journal", "0001_initial")];

        public override IReadOnlyList<Operation> Operations =>
        [
            new RunSql("ALTER TABLE journal_entry ADD COLUMN words integer NOT NULL DEFAULT 0", "ALTER TABLE journal_entry DROP COLUMN words"),
        ];
    }

    public sealed class _0003_fill_words : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("journal", "0002_add_words")];

        public override IReadOnlyList<Operation> Operations =>
        [
            // a data migration, async, undone by nothing
            new RunCode(async context => await context.Connection.ExecuteAsync("UPDATE journal_entry SET words = length(title)"), RunCode.Noop),
        ];
    }
}

namespace Nuages.Tests.Db.Migrations.Library
{
    public sealed class LibraryConfig : AppConfig;
}

namespace Nuages.Tests.Db.Migrations.Library.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("journal", "0002_add_words")];

        public override IReadOnlyList<Operation> Operations =>
        [
            new RunSql("CREATE TABLE library_book (id integer NOT NULL PRIMARY KEY, entry_id integer NOT NULL REFERENCES journal_entry (id))", "DROP TABLE library_book"),
            new RunCode(context => context.Connection.Execute("INSERT INTO library_book (id, entry_id) VALUES (%s, %s)", 10, 1),
                        context => context.Connection.Execute("DELETE FROM library_book WHERE id = %s", 10)),
        ];
    }

    public sealed class _0002_irreversible : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("library", "0001_initial")];

        public override IReadOnlyList<Operation> Operations => [new RunSql("UPDATE library_book SET entry_id = 2")];
    }
}
