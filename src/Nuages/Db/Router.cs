namespace Nuages.Db;

/// <summary>
/// Django's database router: which alias reads and writes of a model go to when no <c>Using(alias)</c> says, whether
/// two rows may be related, and whether a model's table belongs in a database. Every method may say null ("no
/// opinion"); the next router is asked, then Django's defaults apply. Register routers in <c>Settings.DatabaseRouters</c>.
/// </summary>
public interface IDatabaseRouter
{
    /// <summary>The alias reads of <paramref name="model"/> go to, or null.</summary>
    string? DbForRead(Type model) => null;

    /// <summary>The alias writes of <paramref name="model"/> (of <paramref name="instance"/>, when one is saved) go to, or null.</summary>
    string? DbForWrite(Type model, object? instance) => null;

    /// <summary>Whether <paramref name="row"/> may point at <paramref name="related"/>, or null; by default rows of one database only.</summary>
    bool? AllowRelation(object row, object related) => null;

    /// <summary>Whether <c>migrate</c> on <paramref name="alias"/> creates <paramref name="model"/>'s table, or null (yes).</summary>
    bool? AllowMigrate(string alias, Type model) => null;
}

/// <summary>A site's routers, asked in order (Django's <c>ConnectionRouter</c>); the statics ask the current site's.</summary>
internal sealed class Routers(IReadOnlyList<IDatabaseRouter> routers)
{
    private readonly IDatabaseRouter[] _routers = [.. routers];

    // No site to tell (a model's manager made before any site): no router, so Django's defaults.
    private static IDatabaseRouter[] CurrentRouters => Conf.Site.TryCurrent is { } site ? Connections.Of(site).Routers._routers : [];

    public static bool Active => CurrentRouters.Length > 0;

    public static string? ForRead(Type model)
    {
        foreach (var router in CurrentRouters)
            if (router.DbForRead(model) is { } alias) return alias;
        return null;
    }

    public static string? ForWrite(Type model, object? instance = null)
    {
        foreach (var router in CurrentRouters)
            if (router.DbForWrite(model, instance) is { } alias) return alias;
        return null;
    }

    public static bool AllowRelation(object row, object related, string rowAlias, string relatedAlias)
    {
        foreach (var router in CurrentRouters)
            if (router.AllowRelation(row, related) is { } allowed) return allowed;
        return rowAlias == relatedAlias;
    }

    public static bool AllowMigrate(string alias, Type model)
    {
        foreach (var router in CurrentRouters)
            if (router.AllowMigrate(alias, model) is { } allowed) return allowed;
        return true;
    }
}
