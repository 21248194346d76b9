using System.ComponentModel.DataAnnotations;
using Nuages.Apps;
using Nuages.Db.Migrations;
using Nuages.Db.Models;
using Nuages.Db.Query;

namespace Nuages.Tests.Db.Migrations.Tags
{
    public sealed class TagsConfig : AppConfig;

    public sealed class Label : Model<Label>
    {
        [MaxLength(30)] public string Name { get; set; } = "";
    }

    public sealed class Note : Model<Note>
    {
        [MaxLength(100)] public string Text { get; set; } = "";

        public ManyToMany<Label> Labels => ManyToMany<Label>();
    }
}

namespace Nuages.Tests.Db.Migrations.Tags.Migrations
{
    public sealed class _0001_initial : Migration
    {
        public override bool Initial => true;

        public override IReadOnlyList<Operation> Operations =>
        [
            new CreateModel("Label", [("id", Field.Auto()), ("name", Field.Of<string>(maxLength: 30))]),
            new CreateModel("Note", [("id", Field.Auto()), ("text", Field.Of<string>(maxLength: 100)), ("labels", Field.ManyToManyTo("tags.Label"))]),
        ];
    }
}
