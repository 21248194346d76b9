using System.Collections;
using Nuages.Db.Backends;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>A condition of a WHERE clause: a lookup, or a combination (Django's Q tree).</summary>
internal abstract record WhereNode
{
    /// <summary>The SQL, with every value appended to <paramref name="values"/> as a parameter.</summary>
    public abstract string Compile(Backend backend, List<object?> values);
}

internal sealed record AndNode(IReadOnlyList<WhereNode> Children) : WhereNode
{
    public override string Compile(Backend backend, List<object?> values) => "(" + string.Join(" AND ", Children.Select(c => c.Compile(backend, values))) + ")";
}

internal sealed record OrNode(IReadOnlyList<WhereNode> Children) : WhereNode
{
    public override string Compile(Backend backend, List<object?> values) => "(" + string.Join(" OR ", Children.Select(c => c.Compile(backend, values))) + ")";
}

internal sealed record NotNode(WhereNode Child) : WhereNode
{
    public override string Compile(Backend backend, List<object?> values) => "NOT " + Child.Compile(backend, values);
}

/// <summary>One Django lookup on one field.</summary>
internal sealed record LeafNode(FieldMeta Field, string Lookup, object? Value) : WhereNode
{
    private static readonly string[] Lookups = ["exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "gt", "gte", "lt", "lte", "in", "isnull"];

    /// <summary>The node for a Django lookup string (<c>"name__istartswith"</c>); bad names fail here, naming the choices.</summary>
    public static LeafNode Parse(ModelMeta meta, string lookup, object? value)
    {
        var parts = lookup.Split("__");
        var field = meta.Field(parts[0] == "pk" ? "id" : parts[0]);
        var kind = parts.Length > 1 ? parts[1] : "exact";
        if (parts.Length > 2 || !Lookups.Contains(kind))
            throw new FieldError($"Unsupported lookup '{string.Join("__", parts.Skip(1))}' for {field.Column}. Supported: {string.Join(", ", Lookups)}.");
        return new LeafNode(field, kind, value);
    }

    public override string Compile(Backend backend, List<object?> values)
    {
        var sqlite = backend is SqliteBackend;
        var column = Backend.Quote(Field.Column);
        string Param(object? v)
        {
            values.Add(ModelMeta.ToDatabase(v, sqlite));
            return "@p" + (values.Count - 1);
        }
        static string Escape(object? v) => (v?.ToString() ?? "").Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
        var value = Value;
        return "(" + (Lookup switch
        {
            "exact" when value is null => $"{column} IS NULL",
            "exact" => $"{column} = {Param(value)}",
            "iexact" => $"{column} {backend.InsensitiveLike} {Param(Escape(value))} ESCAPE '\\'",
            "contains" => $"{column} {backend.SensitiveLike} {Param("%" + Escape(value) + "%")} ESCAPE '\\'",
            "icontains" => $"{column} {backend.InsensitiveLike} {Param("%" + Escape(value) + "%")} ESCAPE '\\'",
            "startswith" => $"{column} {backend.SensitiveLike} {Param(Escape(value) + "%")} ESCAPE '\\'",
            "istartswith" => $"{column} {backend.InsensitiveLike} {Param(Escape(value) + "%")} ESCAPE '\\'",
            "endswith" => $"{column} {backend.SensitiveLike} {Param("%" + Escape(value))} ESCAPE '\\'",
            "iendswith" => $"{column} {backend.InsensitiveLike} {Param("%" + Escape(value))} ESCAPE '\\'",
            "gt" => $"{column} > {Param(value)}",
            "gte" => $"{column} >= {Param(value)}",
            "lt" => $"{column} < {Param(value)}",
            "lte" => $"{column} <= {Param(value)}",
            "in" => value is IEnumerable items and not string && items.Cast<object?>().ToList() is { Count: > 0 } list
                ? $"{column} IN ({string.Join(", ", list.Select(Param))})"
                : "1 = 0",
            "isnull" => value is true ? $"{column} IS NULL" : $"{column} IS NOT NULL",
            _ => throw new FieldError($"Unsupported lookup '{Lookup}'."),
        }) + ")";
    }
}
