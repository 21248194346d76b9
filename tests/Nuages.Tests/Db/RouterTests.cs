using Microsoft.Extensions.Configuration;
using Nuages.Db;
using Nuages.Db.Models;

namespace Nuages.Tests.Db;

public sealed class RoutedRow : Model<RoutedRow>
{
    public string Name { get; set; } = "";
}

public sealed class PinnedRow : Model<PinnedRow>
{
    public string Name { get; set; } = "";
}

public sealed class RoutedItem : Model<RoutedItem>
{
    [OnDelete(OnDelete.Cascade)] public ForeignKey<PinnedRow>? Pinned { get; set; }
}

/// <summary>Reads of RoutedRow go to routed_b, writes to routed_a; PinnedRow's table lives in routed_b only.</summary>
internal sealed class SplitRouter : IDatabaseRouter
{
    public string? DbForRead(Type model) => model == typeof(RoutedRow) ? "routed_b" : null;

    public string? DbForWrite(Type model, object? instance) => model == typeof(RoutedRow) ? "routed_a" : null;

    public bool? AllowMigrate(string alias, Type model) => model == typeof(PinnedRow) ? alias == "routed_b" : null;
}

/// <summary>Several databases and a router (Django's DATABASE_ROUTERS), on SQLite files of their own.</summary>
public class RouterTests
{
    [Fact]
    public async Task A_router_sends_reads_and_writes_and_tables_where_it_says()
    {
        var folder = Directory.CreateTempSubdirectory("nuages-router-");
        NuagesApp.Create([], new ConfigurationBuilder().Build(), s =>
        {
            s.Debug = true;
            s.Databases["routed_a"] = Database.Sqlite(Path.Combine(folder.FullName, "a.sqlite3"));
            s.Databases["routed_b"] = Database.Sqlite(Path.Combine(folder.FullName, "b.sqlite3"));
            s.DatabaseRouters.Add(new SplitRouter());
        });
        Type[] models = [typeof(RoutedRow), typeof(PinnedRow), typeof(RoutedItem)];
        Assert.DoesNotContain(Schema.Sql(models, "routed_a"), sql => sql.Contains("\"pinned_row\" (", StringComparison.Ordinal)); // AllowMigrate
        Schema.Migrate(models, "routed_a");
        Schema.Migrate(models, "routed_b");

        var written = await RoutedRow.Objects.CreateAsync(new RoutedRow { Name = "written" }); // a write: routed_a
        Assert.Equal(0, RoutedRow.Objects.Count()); // a read: routed_b, where nothing was written
        Assert.Equal(1, await RoutedRow.Objects.Using("routed_a").CountAsync()); // Using overrides the router
        written.Name = "saved again";
        written.Save(); // the router says where, for a save too
        Assert.Equal("saved again", RoutedRow.Objects.Using("routed_a").Get().Name);
        Assert.Equal(1, RoutedRow.Objects.Filter("name", "saved again").Update(new { Name = "updated" })); // routed_a
        Assert.Equal("updated", (await RoutedRow.Objects.Using("routed_a").GetAsync()).Name);
        await RoutedRow.Objects.Using("routed_b").CreateAsync(new RoutedRow { Name = "replica" });
        Assert.Equal("replica", (await RoutedRow.Objects.GetAsync()).Name);

        // a row keeps the database it came from; a reference to a row of another database is refused
        var pinned = PinnedRow.Objects.Using("routed_b").Create(new PinnedRow { Name = "pinned" });
        var item = new RoutedItem { Pinned = pinned };
        var refused = Assert.Throws<InvalidOperationException>(() => item.Save("routed_a"));
        Assert.Equal($"Cannot assign \"PinnedRow {pinned.Id}\": the current database router prevents this relation.", refused.Message);
        item.Save("routed_b");
        var read = RoutedItem.Objects.Using("routed_b").Get();
        Assert.Equal("pinned", read.Pinned!.Value!.Name); // loaded from routed_b, the row's own database
        read.Save(); // no alias given: back where it came from
        Assert.Equal(1, RoutedItem.Objects.Using("routed_b").Count());
        Assert.Equal(0, RoutedItem.Objects.Using("routed_a").Count());
    }
}
