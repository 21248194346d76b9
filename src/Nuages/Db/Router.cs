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

/// <summary>The site's routers, asked in order (Django's <c>ConnectionRouter</c>).</summary>
internal static class Routers
{
    private static volatile IDatabaseRouter[] _routers = [];

    public static bool Active => _routers.Length > 0;

    internal static void Configure(IReadOnlyList<IDatabaseRouter> routers)
    {
        if (routers.Count > 0) _routers = [.. routers];
    }

    public static string? ForRead(Type model) => _routers.Select(r => r.DbForRead(model)).FirstOrDefault(a => a is not null);

    public static string? ForWrite(Type model, object? instance = null) => _routers.Select(r => r.DbForWrite(model, instance)).FirstOrDefault(a => a is not null);

    public static bool AllowRelation(object row, object related, string rowAlias, string relatedAlias) =>
        _routers.Select(r => r.AllowRelation(row, related)).FirstOrDefault(a => a is not null) ?? rowAlias == relatedAlias;

    public static bool AllowMigrate(string alias, Type model) => _routers.Select(r => r.AllowMigrate(alias, model)).FirstOrDefault(a => a is not null) ?? true;
}
