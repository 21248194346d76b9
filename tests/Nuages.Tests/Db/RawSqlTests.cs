using Nuages.Core;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Test;

namespace Nuages.Tests.Db;

/// <summary>Raw SQL, as Django's connection.cursor() and Manager.raw: %s placeholders on both engines, in the ORM's transactions.</summary>
public class RawSqlTests(LookupSite site) : TestCase(site.App), IClassFixture<LookupSite>
{
    private static readonly string Table = ModelMeta.For(typeof(LookupRow)).Table;

    public static TheoryData<string> Engines()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (Environment.GetEnvironmentVariable("NUAGES_TEST_POSTGRES") is { Length: > 0 }) data.Add("postgres");
        return data;
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Execute_and_query_take_djangos_placeholders_and_pass_values_apart(string alias)
    {
        var connection = Database.Connections[alias];
        Assert.Equal(alias == "sqlite" ? "sqlite" : "postgresql", connection.Vendor);
        var insert = $"INSERT INTO {Table} (name, score, ratio, price, flag, token, day, at) VALUES (%s, %s, 0, 0, %s, %s, %s, %s)";
        Assert.Equal(1, connection.Execute(insert, "Robert'); DROP TABLE x;--", 7, true, Guid.Empty, new DateOnly(2024, 1, 1), DateTimeOffset.UnixEpoch));
        Assert.Equal(1, await connection.ExecuteAsync(insert, ["50% off", 8, false, Guid.Empty, new DateOnly(2024, 1, 2), DateTimeOffset.UnixEpoch]));
        var rows = connection.Query($"SELECT name, score FROM {Table} WHERE score >= %s ORDER BY score", 7);
        Assert.Equal(["Robert'); DROP TABLE x;--", "50% off"], rows.Select(r => (string)r[0]!));
        Assert.Equal(8L, Convert.ToInt64(rows[1][1], System.Globalization.CultureInfo.InvariantCulture));
        // %% is a literal percent sign, as in Django's cursor.execute
        var like = await connection.QueryAsync($"SELECT name FROM {Table} WHERE name LIKE '%%off'");
        Assert.Equal("50% off", Assert.Single(like)[0]);
        Assert.Equal(2, connection.Execute($"UPDATE {Table} SET score = score + %s WHERE score >= %s", 1, 7));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_placeholder_count_that_does_not_match_the_values_is_refused_before_the_database(string alias)
    {
        var connection = Database.Connections[alias];
        Assert.Equal("Not enough parameters for the SQL statement: it has 2 %s placeholders and 1 parameters were given.",
            Assert.Throws<ArgumentException>(() => connection.Query($"SELECT 1 FROM {Table} WHERE score = %s AND name = %s", 1)).Message);
        Assert.Equal("Not all parameters were used in the SQL statement: it has 0 %s placeholders and 1 parameters were given.",
            Assert.Throws<ArgumentException>(() => connection.Execute($"DELETE FROM {Table}", 1)).Message);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Raw_statements_run_in_the_atomic_block_and_roll_back_with_it(string alias)
    {
        var connection = Database.Connections[alias];
        try
        {
            using var block = Atomic.Begin(alias);
            await new LookupRow { Name = "in block" }.SaveAsync(alias);
            Assert.Equal(1, Convert.ToInt32(connection.Query($"SELECT COUNT(*) FROM {Table} WHERE name = %s", "in block")[0][0], System.Globalization.CultureInfo.InvariantCulture));
            throw new InvalidOperationException("roll back");
        }
        catch (InvalidOperationException) { }
        Assert.Empty(connection.Query($"SELECT id FROM {Table} WHERE name = %s", "in block"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Raw_gives_models_matched_by_column_and_needs_the_primary_key(string alias)
    {
        await new LookupRow { Name = "b", Score = 2, Day = new DateOnly(2024, 2, 29) }.SaveAsync(alias);
        await new LookupRow { Name = "a", Score = 1 }.SaveAsync(alias);
        var rows = LookupRow.Objects.Raw($"SELECT id, name, score, day FROM {Table} WHERE score > %s ORDER BY name", 0).Using(alias).ToList();
        Assert.Equal([("a", 1), ("b", 2)], rows.Select(r => (r.Name, r.Score)));
        Assert.Equal(new DateOnly(2024, 2, 29), rows[1].Day);
        var renamed = new List<LookupRow>();
        await foreach (var row in LookupRow.Objects.Raw($"SELECT id AS ident, name AS label FROM {Table} ORDER BY name", [], new Dictionary<string, string> { ["ident"] = "id", ["label"] = "name" }).Using(alias))
            renamed.Add(row);
        Assert.Equal(["a", "b"], renamed.Select(r => r.Name));
        Assert.All(renamed, r => Assert.True(r.Id > 0));
        Assert.Equal("Raw query must include the primary key",
            Assert.Throws<FieldError>(() => LookupRow.Objects.Raw($"SELECT name FROM {Table}").Using(alias).ToList()).Message);
    }

    [Fact]
    public void An_alias_the_site_does_not_have_is_named_in_the_error()
    {
        var error = Assert.ThrowsAny<Exception>(() => Database.Connections["nope"]);
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }
}
