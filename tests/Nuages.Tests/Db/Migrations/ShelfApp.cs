using Nuages.Apps;
using Nuages.Db.Migrations;

namespace Nuages.Tests.Db.Migrations.Shelf
{
    public sealed class ShelfConfig : AppConfig;
}

namespace Nuages.Tests.Db.Migrations.Shelf.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override bool Initial => true;

        public override IReadOnlyList<Operation> Operations =>
        [
            new CreateModel("Author", [("id", Field.Auto()), ("name", Field.Of<string>(maxLength: 100))]),
            new CreateModel("Book", [("id", Field.Auto()), ("title", Field.Of<string>(maxLength: 200)), ("author", Field.ForeignKey("shelf.Author")), ("pages", Field.Of<int>(@null: true))]),
        ];
    }

    public sealed class _0002_data : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("shelf", "0001_initial")];

        public override IReadOnlyList<Operation> Operations =>
        [
            new RunSql("INSERT INTO shelf_author (id, name) VALUES (1, 'Ann'); INSERT INTO shelf_book (id, title, author_id, pages) VALUES (1, 'A', 1, 100); INSERT INTO shelf_book (id, title, author_id, pages) VALUES (2, 'B', 1, NULL)",
                       "DELETE FROM shelf_book; DELETE FROM shelf_author"),
        ];
    }

    public sealed class _0003_rating : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("shelf", "0002_data")];

        public override IReadOnlyList<Operation> Operations =>
        [
            new AddField("Book", "rating", Field.Of<int>(@default: 3)),
            new AddField("Book", "note", Field.Of<string>(@null: true)),
        ];
    }

    public sealed class _0004_alter : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("shelf", "0003_rating")];

        public override IReadOnlyList<Operation> Operations =>
        [
            new AlterField("Book", "pages", Field.Of<int>(@default: 0)),
            new AlterField("Book", "title", Field.Of<string>(maxLength: 300)),
        ];
    }

    public sealed class _0005_renames : Migration
    {
        public override IReadOnlyList<(string App, string Name)> Dependencies => [("shelf", "0004_alter")];

        public override IReadOnlyList<Operation> Operations =>
        [
            new RenameField("Book", "title", "name"),
            new RemoveField("Book", "note"),
            new RenameModel("Author", "Writer"),
            new AlterModelTable("Book", "shelf_volumes"),
        ];
    }
}
