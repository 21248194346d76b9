using System.ComponentModel.DataAnnotations;
using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Tests.Db;

public sealed class LookupRow : Model<LookupRow>
{
    [MaxLength(50)] public string Name { get; set; } = "";
    public int Score { get; set; }
    public double Ratio { get; set; }
    public decimal Price { get; set; }
    public bool Flag { get; set; }
    public Guid Token { get; set; }
    public DateOnly Day { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// A site whose "sqlite" and "postgres" aliases are test databases made for the class (Nuages.Test.TestDatabase), with
/// the LookupRow table in each: the fixture the ORM tests use.
/// </summary>
public sealed class LookupSite : IDisposable
{
    public LookupSite()
    {
        App = NuagesApp.Create([], new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["sqlite"] = OrmDatabase.Settings("sqlite");
            if (Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES") is { Length: > 0 }) s.Databases["postgres"] = OrmDatabase.Settings("postgres");
        });
        App.Models.Add(typeof(LookupRow));
        Database = Nuages.Test.TestDatabase.Create(App);
    }

    public NuagesApp App { get; }

    public Nuages.Test.TestDatabase Database { get; }

    public void Dispose() => Database.Dispose();
}

/// <summary>Lookup values go through the field, as Django's get_prep_value: text becomes the field's type, or the query fails naming it.</summary>
public class LookupValueTests(LookupSite site) : Nuages.Test.TestCase(site.App), IClassFixture<LookupSite>
{
    private static readonly Guid Token = Guid.Parse("12345678-1234-5678-1234-567812345678");

    // Each test seeds its rows in its own transaction, rolled back after it.
    private static string Prepare(string engine) => engine;

    private static async Task Seed(string alias)
    {
        await new LookupRow { Name = "12", Score = 12, Ratio = 1.5, Price = 9.99m, Flag = true, Token = Token, Day = new DateOnly(2024, 2, 29), At = new DateTimeOffset(2024, 2, 29, 10, 30, 0, TimeSpan.Zero) }.SaveAsync(alias);
        await new LookupRow { Name = "other", Score = 3, Ratio = -2, Price = 1m, Flag = false, Token = Guid.Empty, Day = new DateOnly(2023, 1, 1), At = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero) }.SaveAsync(alias);
    }

    [Fact]
    public Task Text_values_become_the_fields_type_on_sqlite() => TextValues(Prepare("sqlite"));

    [PostgresFact]
    public Task Text_values_become_the_fields_type_on_postgres() => TextValues(Prepare("postgres"));

    private static async Task TextValues(string alias)
    {
        await Seed(alias);
        var rows = LookupRow.Objects.Using(alias);
        async Task<string[]> Names(string lookup, object value) => [.. (await rows.Filter(lookup, value).OrderBy("name").ToListAsync()).Select(r => r.Name)];

        Assert.Equal(["12"], await Names("score", " 12 "));
        Assert.Equal(["12"], await Names("score__gte", "1_0"));
        Assert.Equal(["12"], await Names("score", 12.9)); // Python's int() truncates
        Assert.Equal(["12", "other"], await Names("score__in", new object[] { "3", 12L }));
        Assert.Equal(["12"], await Names("score__range", new[] { "10", "20" }));
        Assert.Equal(["12"], await Names("ratio__gt", "1e0"));
        Assert.Equal(["12"], await Names("price", "9.99"));
        Assert.Equal(["12"], await Names("flag", "True"));
        Assert.Equal(["other"], await Names("flag", "0"));
        Assert.Equal(["12"], await Names("token", "{12345678-1234-5678-1234-567812345678}"));
        Assert.Equal(["12"], await Names("day", "2024-02-29"));
        Assert.Equal(["12"], await Names("day__gte", "2024-2-1"));
        Assert.Equal(["12"], await Names("at__gte", "2024-02-29"));
        Assert.Equal(["12"], await Names("at", "2024-02-29T10:30:00+00:00"));
        Assert.Equal(["12"], await Names("at__date", "2024-02-29"));
        Assert.Equal(["12"], await Names("at__year", "2024"));
        Assert.Equal(["12"], await Names("name", 12)); // a text field compares with str(value)
    }

    [Fact]
    public Task Date_lookups_give_the_same_rows_whatever_the_values_type_on_sqlite() => DateLookups(Prepare("sqlite"));

    [PostgresFact]
    public Task Date_lookups_give_the_same_rows_whatever_the_values_type_on_postgres() => DateLookups(Prepare("postgres"));

    private static async Task DateLookups(string alias)
    {
        await Seed(alias);
        var rows = LookupRow.Objects.Using(alias);
        object[] sameDay = ["2024-02-29", new DateTime(2024, 2, 29), new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), new DateOnly(2024, 2, 29), new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero)];
        foreach (var value in sameDay)
        {
            foreach (var lookup in new[] { "at__gte", "at__date", "day", "day__gte" })
            {
                var names = (await rows.Filter(lookup, value).ToListAsync()).Select(r => r.Name).ToList();
                Assert.True(names.SequenceEqual(["12"]), $"{lookup} with {value.GetType().Name} {value} gave [{string.Join(", ", names)}]");
            }
            var before = (await rows.Filter("at__lt", value).ToListAsync()).Select(r => r.Name).ToList();
            Assert.True(before.SequenceEqual(["other"]), $"at__lt with {value.GetType().Name} gave [{string.Join(", ", before)}]");
        }
    }

    [Fact]
    public async Task The_async_twins_keep_the_sync_methods_params_shape()
    {
        await Seed("sqlite");
        var rows = LookupRow.Objects.Using("sqlite");
        Assert.Equal("12", (await rows.LatestAsync("at")).Name);
        Assert.Equal("other", (await rows.EarliestAsync("day", "at")).Name);
        Assert.Equal(rows.Latest("at").Name, (await rows.LatestAsync(["at"], CancellationToken.None)).Name);
    }

    [Theory]
    [InlineData("score", "abc", "Field 'score' expected a number but got 'abc'.")]
    [InlineData("score__gt", "1.5", "Field 'score' expected a number but got '1.5'.")]
    [InlineData("score__in", "", "Field 'score' expected a number but got ''.")]
    [InlineData("ratio", "one", "Field 'ratio' expected a number but got 'one'.")]
    public void A_value_the_field_cannot_take_fails_when_the_query_is_built(string lookup, string value, string message)
    {
        object argument = lookup.EndsWith("__in", StringComparison.Ordinal) ? new[] { value } : value;
        var error = Assert.Throws<ArgumentException>(() => LookupRow.Objects.Filter(lookup, argument));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("price", "ten", "“ten” value must be a decimal number.")]
    [InlineData("flag", "yes", "“yes” value must be either True or False.")]
    [InlineData("token", "not-a-uuid", "“not-a-uuid” is not a valid UUID.")]
    [InlineData("day", "29/02/2024", "“29/02/2024” value has an invalid date format. It must be in YYYY-MM-DD format.")]
    [InlineData("day", "2023-02-29", "“2023-02-29” value has the correct format (YYYY-MM-DD) but it is an invalid date.")]
    [InlineData("at", "yesterday", "“yesterday” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.")]
    public void Fields_that_validate_their_values_raise_djangos_validation_error(string lookup, string value, string message)
    {
        var error = Assert.Throws<ValidationError>(() => LookupRow.Objects.Filter(lookup, value));
        Assert.Equal([message], error.Messages);
    }
}
