using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Functions;
using Nuages.Db.Models;
using Nuages.Db.Query;

using Nuages.Tests.Support;

namespace Nuages.Tests.Db;

public sealed class FnRow : Model<FnRow>
{
    [MaxLength(50)] public string Name { get; set; } = "";
    [MaxLength(50)] public string? Nick { get; set; }
    public int Pages { get; set; }
    public double? Rating { get; set; }
    [DecimalField(6, 2)] public decimal Price { get; set; }
    public DateOnly Born { get; set; }
    public DateTimeOffset Joined { get; set; }
}

/// <summary>
/// Database functions, ordering with NULLs and negation answer as Django's: the answers are Django's own, made by
/// Vectors/django_functions.py on the same rows, compared on SQLite and PostgreSQL.
/// </summary>
public class FunctionTests
{
    private static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Db", "Vectors", "django_functions.json")))!.AsObject();

    [Fact]
    public void Functions_answer_as_Djangos_on_sqlite() => Compare(Seed("sqlite"));

    [PostgresFact]
    public void Functions_answer_as_Djangos_on_postgres() => Compare(Seed("postgres"));

    private static string Seed(string engine)
    {
        var alias = OrmDatabase.Prepare(engine, typeof(FnRow));
        var rows = FnRow.Objects.Using(alias);
        rows.Create(new FnRow { Name = "Émile Zola", Pages = 120, Rating = 4.5, Price = 12.50m, Born = new(1840, 4, 2), Joined = new(2021, 3, 15, 10, 30, 45, TimeSpan.Zero) });
        rows.Create(new FnRow { Name = "ada lovelace", Nick = "Ada", Pages = 7, Price = 3.00m, Born = new(1815, 12, 10), Joined = new(2022, 12, 31, 23, 59, 59, TimeSpan.Zero) });
        rows.Create(new FnRow { Name = "  Grace  ", Nick = "", Pages = -15, Rating = 2.25, Price = 99.99m, Born = new(1906, 12, 9), Joined = new(2020, 2, 29, 0, 0, 0, TimeSpan.Zero) });
        return alias;
    }

    private static void Compare(string alias)
    {
        var R = FnRow.Objects.Using(alias);
        List<object?> Column(QueryExpression expression) => R.Annotate(new { V = expression }).OrderBy("id").ValuesList("v", flat: true).ToList();
        List<object?> Pages(QuerySet<FnRow> qs) => qs.ValuesList("pages", flat: true).ToList();
        var cases = new List<(string Name, Func<object?> Query)>
        {
            ("length", () => Column(new Length("name"))),
            ("concat", () => Column(new Concat("name", new Value("/"), "nick"))),
            ("substr", () => Column(new Substr("name", 2, 3))),
            ("substr_to_end", () => Column(new Substr("name", 4))),
            ("left", () => Column(new Left("name", 3))),
            ("right", () => Column(new Right("name", 4))),
            ("trim", () => Column(new Trim("name"))),
            ("ltrim", () => Column(new LTrim("name"))),
            ("rtrim", () => Column(new RTrim("name"))),
            ("replace", () => Column(new Replace("name", new Value("a"), new Value("4")))),
            ("replace_remove", () => Column(new Replace("name", new Value(" ")))),
            ("strindex", () => Column(new StrIndex("name", new Value("a")))),
            ("lpad", () => Column(new LPad("nick", 5, new Value("*")))),
            ("rpad_cut", () => Column(new RPad("name", 4))),
            ("lower_ascii", () => Column(new Lower("nick"))),
            ("upper_ascii", () => Column(new Upper("nick"))),
            ("coalesce_fields", () => Column(new Coalesce("nick", "name"))),
            ("nullif", () => Column(new NullIf("nick", new Value("")))),
            ("greatest", () => Column(new Greatest("pages", 10))),
            ("least", () => Column(new Least("pages", 10))),
            ("abs", () => Column(new Abs("pages"))),
            ("ceil", () => Column(new Ceil("rating"))),
            ("floor", () => Column(new Floor("rating"))),
            ("round", () => Column(new Round("rating"))),
            ("mod", () => Column(new Mod("pages", 4))),
            ("power", () => Column(new Power("pages", 2))),
            ("sqrt", () => Column(new Sqrt(new Abs("pages")))),
            ("negate", () => Column(-new F("pages"))),
            ("cast_text", () => Column(new Cast("pages", typeof(string)))),
            ("cast_float", () => Column(new Cast("price", typeof(double)))),
            ("extract_year", () => Column(new ExtractYear("born"))),
            ("extract_month", () => Column(new ExtractMonth("joined"))),
            ("extract_quarter", () => Column(new ExtractQuarter("joined"))),
            ("extract_week", () => Column(new ExtractWeek("joined"))),
            ("extract_week_day", () => Column(new ExtractWeekDay("joined"))),
            ("extract_iso_week_day", () => Column(new ExtractIsoWeekDay("joined"))),
            ("extract_iso_year", () => Column(new ExtractIsoYear("joined"))),
            ("extract_day", () => Column(new ExtractDay("born"))),
            ("extract_hour", () => Column(new ExtractHour("joined"))),
            ("trunc_month", () => Column(new TruncMonth("joined"))),
            ("trunc_year_date", () => Column(new TruncYear("born"))),
            ("trunc_quarter", () => Column(new TruncQuarter("joined"))),
            ("trunc_week", () => Column(new TruncWeek("joined"))),
            ("trunc_day", () => Column(new TruncDay("joined"))),
            ("trunc_hour", () => Column(new TruncHour("joined"))),
            ("trunc_date", () => Column(new TruncDate("joined"))),
            ("order_nulls_first", () => Pages(R.OrderBy(new F("rating").Asc(nullsFirst: true)))),
            ("order_nulls_last", () => Pages(R.OrderBy(new F("rating").Desc(nullsLast: true)))),
            ("order_by_function", () => Pages(R.OrderBy(new Length("name").Desc()))),
            ("filter_on_function", () => Pages(R.Alias(new { N = new Length("name") }).Filter("n__gt", 9).OrderBy("id"))),
            ("values_function", () => R.Values("name").Annotate(new { N = new Length("name") }).OrderBy("id").ToList().Select(r => new[] { r["name"], r["n"] }).ToList()),
            ("update_function", () => R.Filter("nick", "Ada").Update(new { Nick = new Upper("nick"), Pages = new Abs(new F("pages") - 100) })),
            ("after_update", () => R.OrderBy("id").ValuesList("nick", "pages").ToList()),
        };
        DjangoAnswers.AssertSame(Django, cases, Json, Same);
    }

    /// <summary>Our values as django_functions.py writes Django's: decimals as text, dates and datetimes in ISO 8601.</summary>
    private static JsonNode? Json(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        decimal d => JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
        DateTimeOffset t => JsonValue.Create(t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        bool b => JsonValue.Create(b),
        IConvertible n => JsonValue.Create(Convert.ToDouble(n, CultureInfo.InvariantCulture)),
        System.Collections.IEnumerable items => new JsonArray([.. items.Cast<object?>().Select(Json)]),
        _ => throw new InvalidOperationException($"No JSON for {value.GetType().Name}."),
    };

    /// <summary>JSON equality where numbers compare as numbers (Python writes 5.0, .NET 5).</summary>
    private static bool Same(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        (JsonValue x, JsonValue y) when x.TryGetValue<double>(out var m) && y.TryGetValue<double>(out var n) => Math.Abs(m - n) < 1e-9,
        _ => JsonNode.DeepEquals(a, b),
    };

    [Fact]
    public void Engines_answer_as_Djangos_where_they_differ_on_sqlite() => Differences(Seed("sqlite"), "sqlite");

    [PostgresFact]
    public void Engines_answer_as_Djangos_where_they_differ_on_postgres() => Differences(Seed("postgres"), "postgres");

    private static void Differences(string alias, string engine)
    {
        var R = FnRow.Objects.Using(alias);
        List<object?> Column(QueryExpression expression) => R.Annotate(new { V = expression }).OrderBy("id").ValuesList("v", flat: true).ToList();
        // SQLite's LOWER and UPPER fold ASCII only; PostgreSQL's fold Unicode — Django's answers differ by engine the same way
        Assert.Equal(engine == "sqlite" ? ["Émile zola", "ada lovelace", "  grace  "] : ["émile zola", "ada lovelace", "  grace  "], Column(new Lower("name")));
        Assert.Equal(["ÉMILE ZOLA", "ADA LOVELACE", "  GRACE  "], Column(new Upper("name")));
        Assert.Equal(engine == "sqlite" ? 0 : 1, R.Alias(new { L = new Lower("name") }).Filter("l", "émile zola").Count());
        // Greatest with NULL: PostgreSQL leaves it out, SQLite answers NULL (Django's documented difference)
        Assert.Equal(engine == "sqlite" ? [4.5, null, 2.25] : [4.5, 1.0, 2.25], Column(new Greatest("rating", 1.0)));
        // Round with places (Django 4.0+): half away from zero on both
        Assert.Equal([4.5, null, 2.3], Column(new Round("rating", 1)));
        Assert.Equal("'pos' must be greater than 0", Assert.Throws<ArgumentException>(() => new Substr("name", 0)).Message);
        Assert.Equal(DateTimeOffset.UtcNow.Year, ((DateTimeOffset)R.Annotate(new { At = new Now() }).ValuesList("at", flat: true).First()!).Year);
        // DISTINCT ON: PostgreSQL only, as Django's can_distinct_on_fields
        if (engine == "sqlite")
            Assert.Equal("DISTINCT ON fields is not supported by this database backend", Assert.Throws<NotSupportedError>(() => R.OrderBy("nick").Distinct("nick").ToList()).Message);
        else
            Assert.Equal([-15, 7, 120], R.OrderBy(new F("nick").Asc(), new F("pages").Asc()).Distinct("nick").ValuesList<int>("pages").ToList()); // "", "Ada", then NULL last
    }
}
