using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nuages.Core;
using Nuages.Db.Models;

namespace Nuages.Db.Query;

/// <summary>
/// A key or index path into a JSON field (Django's <c>KeyTransform</c>, django/db/models/fields/json.py):
/// <c>meta__genre</c>, <c>meta__awards__0</c>. On SQLite <c>JSON_EXTRACT(col, '$."genre"')</c>, on PostgreSQL
/// <c>(col -&gt; 'genre')</c> — a key that is a number indexes an array, as Django's <c>compile_json_path</c> does.
/// </summary>
internal sealed class KeyTransform(Col column, IReadOnlyList<string> keys, bool text = false, bool selected = false) : QueryExpression
{
    public Col Column { get; } = column;

    public IReadOnlyList<string> Keys { get; } = keys;

    /// <summary>The same path read as text on PostgreSQL (<c>-&gt;&gt;</c>, Django's KeyTextTransform), for the text lookups.</summary>
    public KeyTransform AsText() => new(Column, Keys, text: true);

    /// <summary>The same path as a selected value: JSON text on both engines, decoded when read (Values).</summary>
    public KeyTransform AsSelected() => new(Column, Keys, selected: true);

    public bool Selected => selected;

    internal override QueryExpression Resolve(SqlQuery query) => this;

    /// <summary>Django's compile_json_path: <c>$."genre"[0]</c>.</summary>
    public static string JsonPath(IEnumerable<string> keys, bool root = true) =>
        (root ? "$" : "") + string.Concat(keys.Select(k => int.TryParse(k, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? $"[{n}]" : "." + JsonSerializer.Serialize(k)));

    internal override string Compile(SqlContext context)
    {
        var column = Column.Compile(context);
        if (context.Backend.Vendor == "sqlite")
        {
            var extract = $"JSON_EXTRACT({column}, {context.Param(JsonPath(Keys))})";
            return selected ? $"JSON_QUOTE({extract})" : extract;
        }
        var sql = column;
        for (var i = 0; i < Keys.Count; i++)
        {
            var op = text && i == Keys.Count - 1 ? "->>" : "->";
            object key = int.TryParse(Keys[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : Keys[i];
            sql = $"({sql} {op} {context.Param(key)})";
        }
        return sql;
    }

    internal override Type? OutputType => text ? typeof(string) : typeof(JsonNode);

    /// <summary>A selected value as Django's JSONField decodes it: text, a number, a boolean, null, or a JsonNode for an object or array.</summary>
    public static object? Decode(object value)
    {
        if (value is DBNull) return null;
        var node = JsonNode.Parse((string)value);
        if (node is not JsonValue scalar) return node; // null, an object or an array
        return scalar.GetValueKind() switch
        {
            JsonValueKind.String => scalar.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ when scalar.TryGetValue<long>(out var whole) => whole,
            _ => (object)scalar.GetValue<double>(),
        };
    }
}

/// <summary>
/// A lookup on a JSON field or a path into one, as Django's JSONField lookups: exact (None is JSON null), the text
/// lookups, gt/gte/lt/lte, in, isnull (a missing key), has_key, has_keys, has_any_keys, contains and contained_by
/// (PostgreSQL only: Django's NotSupportedError on SQLite).
/// </summary>
internal sealed record JsonLookup(Col Column, IReadOnlyList<string> Keys, string Lookup, object? Value, string Alias) : WhereNode
{
    public static readonly string[] Names = ["exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "gt", "gte", "lt", "lte", "in", "isnull", "regex", "iregex", "has_key", "has_keys", "has_any_keys", "contained_by"];

    /// <summary>The lookup for <c>meta__a__b__lookup</c>: the keys, then a lookup name (exact when there is none).</summary>
    public static JsonLookup Build(Col column, IReadOnlyList<string> rest, object? value, string alias)
    {
        var (lookup, keys) = rest.Count > 0 && Names.Contains(rest[^1]) ? (rest[^1], rest.Take(rest.Count - 1).ToList()) : ("exact", rest.ToList());
        if (lookup is "has_keys" or "has_any_keys" && value is not IEnumerable or string)
            throw new ArgumentException($"The {lookup} lookup takes a list of keys.");
        if (lookup is "gt" or "gte" or "lt" or "lte" or "in" or "iexact" or "icontains" or "startswith" or "istartswith" or "endswith" or "iendswith" or "regex" or "iregex" && value is null)
            throw new ArgumentException("Cannot use None as a query value");
        return new JsonLookup(column, [.. keys], lookup, value, alias);
    }

    public override bool ContainsAggregate => false;

    private static JsonText Json(object? value) => new(JsonSerializer.Serialize(value));

    public override string Compile(SqlContext context)
    {
        var sqlite = context.Backend.Vendor == "sqlite";
        var transform = Keys.Count == 0 ? null : new KeyTransform(Column, Keys);
        string Lhs() => transform?.Compile(context) ?? Column.Compile(context);
        switch (Lookup)
        {
            case "has_key" or "has_keys" or "has_any_keys":
            {
                var wanted = Lookup == "has_key" ? [Value?.ToString() ?? ""] : ((IEnumerable)Value!).Cast<object?>().Select(k => k?.ToString() ?? "").ToList();
                var join = Lookup == "has_any_keys" ? " OR " : " AND ";
                if (sqlite)
                {
                    var column = Column.Compile(context);
                    return "(" + string.Join(join, wanted.Select(k => $"JSON_TYPE({column}, {context.Param(KeyTransform.JsonPath([.. Keys, k]))}) IS NOT NULL")) + ")";
                }
                var lhs = Lhs();
                return "(" + string.Join(join, wanted.Select(k => $"{lhs} ? {context.Param(k)}")) + ")";
            }
            case "contains" or "contained_by":
                if (sqlite) throw new NotSupportedError($"{Lookup} lookup is not supported on this database backend.", Alias, null, null);
                return $"({Lhs()} {(Lookup == "contains" ? "@>" : "<@")} {context.Param(Json(Value))})";
            case "isnull" when transform is not null:
                return sqlite
                    ? $"(JSON_TYPE({Column.Compile(context)}, {context.Param(KeyTransform.JsonPath(Keys))}) IS {(Value is true ? "" : "NOT ")}NULL)"
                    : $"({Lhs()} IS {(Value is true ? "" : "NOT ")}NULL)";
            case "isnull":
                return $"({Lhs()} IS {(Value is true ? "" : "NOT ")}NULL)";
            case "exact" when Value is null:
                // None is JSON null: a key holding null, or a field holding null — not a missing key or SQL NULL
                return sqlite
                    ? $"(JSON_TYPE({Column.Compile(context)}, {context.Param(KeyTransform.JsonPath(Keys))}) = 'null')"
                    : $"({Lhs()} = 'null'::jsonb)";
            case "exact":
                return sqlite
                    ? transform is null ? $"(JSON({Lhs()}) = JSON({context.Param(Json(Value))}))" : $"({Lhs()} = JSON_EXTRACT({context.Param(Json(Value))}, '$'))"
                    : $"({Lhs()} = {context.Param(Json(Value))})";
            case "in":
            {
                var lhs = Lhs();
                var items = ((IEnumerable)Value!).Cast<object?>().ToList();
                if (items.Count == 0) return "(1 = 0)";
                return $"({lhs} IN ({string.Join(", ", items.Select(i => sqlite ? $"JSON_EXTRACT({context.Param(Json(i))}, '$')" : context.Param(Json(i))))}))";
            }
            case "gt" or "gte" or "lt" or "lte":
            {
                var op = Lookup switch { "gt" => ">", "gte" => ">=", "lt" => "<", _ => "<=" };
                // SQLite compares the extracted SQL value with the plain value; PostgreSQL compares jsonb with jsonb
                return $"({Lhs()} {op} {(sqlite ? context.Param(Value) : context.Param(Json(Value)))})";
            }
            default:
            {
                // the text lookups compare the value as text: ->> on PostgreSQL, JSON_EXTRACT on SQLite
                var text = transform?.AsText() ?? (QueryExpression)Column;
                var kind = LeafNode.KindOf(Lookup)!.Value;
                return new LeafNode(text, kind, Value).Compile(context);
            }
        }
    }
}
