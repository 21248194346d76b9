using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;

using Nuages.Tests.Support;

namespace Nuages.Tests.Db;

public sealed class JqDoc : Model<JqDoc>
{
    [MaxLength(10)] public string Name { get; set; } = "";
    public JsonNode? Meta { get; set; }
}

/// <summary>
/// JSON key transforms and lookups answer as Django's JSONField: the answers are Django's own, made by
/// Vectors/django_json.py on the same rows, compared on SQLite and PostgreSQL.
/// </summary>
public class JsonFieldTests
{
    private static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Db", "Vectors", "django_json.json")))!.AsObject();

    [Fact]
    public void Json_lookups_answer_as_Djangos_on_sqlite() => Compare(Seed("sqlite"), "sqlite");

    [PostgresFact]
    public void Json_lookups_answer_as_Djangos_on_postgres() => Compare(Seed("postgres"), "postgres");

    private static string Seed(string engine)
    {
        var alias = OrmDatabase.Prepare(engine, typeof(JqDoc));
        var docs = JqDoc.Objects.Using(alias);
        foreach (var (name, meta) in new[]
        {
            ("a", """{"genre": "fantasy", "awards": ["hugo", "nebula"], "edition": 2, "info": {"pages": 300}, "nick": null}"""),
            ("b", """{"genre": "scifi", "awards": [], "edition": 10}"""),
            ("c", """{"genre": "Fantasy", "edition": 1, "info": {"pages": 120}}"""),
            ("d", null),
            ("e", "{}"),
            ("f", """{"nick": "z", "edition": 3.5}"""),
        })
            docs.Create(new JqDoc { Name = name, Meta = meta is null ? null : JsonNode.Parse(meta) });
        return alias;
    }

    private static void Compare(string alias, string engine)
    {
        var D = JqDoc.Objects.Using(alias);
        static object Names(QuerySet<JqDoc> qs) => qs.OrderBy("name").ValuesList<string>("name").ToList();
        var cases = new List<(string Name, Func<object?> Query)>
        {
            ("key_exact", () => Names(D.Filter("meta__genre", "fantasy"))),
            ("key_iexact", () => Names(D.Filter("meta__genre__iexact", "fantasy"))),
            ("key_icontains", () => Names(D.Filter("meta__genre__icontains", "ANT"))),
            ("key_startswith", () => Names(D.Filter("meta__genre__startswith", "sci"))),
            ("key_gte", () => Names(D.Filter("meta__edition__gte", 2))),
            ("key_lt", () => Names(D.Filter("meta__edition__lt", 3))),
            ("index", () => Names(D.Filter("meta__awards__0", "hugo"))),
            ("nested_gt", () => Names(D.Filter("meta__info__pages__gt", 200))),
            ("has_key", () => Names(D.Filter("meta__has_key", "info"))),
            ("has_keys", () => Names(D.Filter("meta__has_keys", new[] { "genre", "edition" }))),
            ("has_any_keys", () => Names(D.Filter("meta__has_any_keys", new[] { "info", "nick" }))),
            ("nested_has_key", () => Names(D.Filter("meta__info__has_key", "pages"))),
            ("key_isnull", () => Names(D.Filter("meta__nick__isnull", true))),
            ("key_isnotnull", () => Names(D.Filter("meta__nick__isnull", false))),
            ("key_json_null", () => Names(D.Filter("meta__nick", null))),
            ("field_isnull", () => Names(D.Filter("meta__isnull", true))),
            ("field_exact", () => Names(D.Filter("meta", new Dictionary<string, object>()))),
            ("key_in", () => Names(D.Filter("meta__genre__in", new[] { "scifi", "Fantasy" }))),
            ("exclude_key", () => Names(D.Exclude("meta__genre", "fantasy"))),
            ("values_key", () => D.OrderBy("name").ValuesList("meta__genre", flat: true).ToList()),
            ("values_object", () => D.OrderBy("name").ValuesList("meta__info", flat: true).ToList()),
            ("values_index", () => D.OrderBy("name").ValuesList("meta__awards__1", flat: true).ToList()),
            ("order_by_key", () => D.Filter("meta__has_key", "edition").OrderBy("meta__edition").ValuesList<string>("name").ToList()),
        };
        DjangoAnswers.AssertSame(Django, cases);

        // contains and contained_by: jsonb containment on PostgreSQL; Django refuses them on SQLite
        if (engine == "sqlite")
        {
            Assert.Equal("contains lookup is not supported on this database backend.",
                Assert.Throws<NotSupportedError>(() => D.Filter("meta__contains", new { genre = "fantasy" }).ToList()).Message);
        }
        else
        {
            Assert.Equal(["a"], Names(D.Filter("meta__contains", new { genre = "fantasy" })) as List<string>);
            Assert.Equal(["b", "e"], Names(D.Filter("meta__contained_by", new Dictionary<string, object> { ["genre"] = "scifi", ["awards"] = Array.Empty<string>(), ["edition"] = 10, ["x"] = 1 })) as List<string>);
            Assert.Equal(["a"], Names(D.Filter("meta__awards__contains", new[] { "nebula" })) as List<string>);
        }
    }
}
