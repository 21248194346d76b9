using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Nuages.Core;
using Nuages.Db;

namespace Nuages.Conf;

/// <summary>
/// Reads the <c>Nuages</c> section of a configuration (appsettings.json, <c>NUAGES__*</c> environment variables) into
/// <see cref="Settings"/>: every public settable property by its name — a setting added later is read with nothing to
/// write — over what code set. A key that names no setting, or a value of the wrong type, fails when the site is
/// created, naming the key as both sources spell it. A list given there replaces the list set in code; a plain value
/// <c>a,b</c> is a whole list too (an environment variable cannot give an array).
/// </summary>
internal static class SettingsBinder
{
    private const string Section = "Nuages";

    public static void Bind(Settings settings, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (!section.Exists()) return;
        foreach (var child in section.GetChildren())
        {
            var property = Find(typeof(Settings), child.Key)
                ?? throw new ImproperlyConfigured(
                    $"{Name(child)} is not a setting: Settings has no property '{child.Key}'.{Suggest(typeof(Settings), child.Key)}");
            property.SetValue(settings, Read(property.PropertyType, child, property.GetValue(settings), property.Name));
        }
    }

    /// <summary>The public properties code can set: what configuration may set too.</summary>
    public static IEnumerable<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static PropertyInfo? Find(Type type, string key) =>
        Bindable(type).FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));

    private static string Suggest(Type type, string key)
    {
        var close = Bindable(type).Select(p => p.Name).Where(n => Distance(n.ToLowerInvariant(), key.ToLowerInvariant()) <= 2).ToList();
        return close.Count == 0 ? "" : $" Did you mean {string.Join(" or ", close.Select(n => $"'{n}'"))}?";
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }

    /// <summary>How the key reads in both sources: <c>Nuages:SyncWorkers (NUAGES__SyncWorkers)</c>.</summary>
    private static string Name(IConfigurationSection section)
    {
        var path = section.Path;
        return $"The setting {path} ({path.Replace(":", "__", StringComparison.Ordinal).Replace(Section + "__", "NUAGES__", StringComparison.OrdinalIgnoreCase)})";
    }

    private static object? Read(Type type, IConfigurationSection section, object? current, string setting)
    {
        if (type == typeof(List<string>)) return ReadList(section);
        if (type == typeof(Dictionary<string, object?>)) return ReadPolicy(section, (Dictionary<string, object?>?)current);
        if (type == typeof(Dictionary<string, DatabaseSettings>)) return ReadDatabases(section, (Dictionary<string, DatabaseSettings>?)current);
        if (type == typeof(Dictionary<string, string>))
            return new Dictionary<string, string>((Dictionary<string, string>?)current ?? [], StringComparer.Ordinal).With(section.GetChildren().Select(c => (c.Key, c.Value ?? "")));
        if (type == typeof(TemplateSettings)) return ReadObject(section, current ?? new TemplateSettings());
        // AuthPasswordValidators: a list of { Name, Options }, by index (NUAGES__AuthPasswordValidators__0__Name); it replaces the code's list
        if (type == typeof(List<PasswordValidatorSettings>))
            return section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue)
                .Select(c => (PasswordValidatorSettings)ReadObject(c, new PasswordValidatorSettings())).ToList();
        if (type == typeof(Dictionary<string, CacheSettings>)) return ReadCaches(section, (Dictionary<string, CacheSettings>?)current);
        if (type == typeof(Dictionary<string, ChannelLayerSettings>))
        {
            var layers = new Dictionary<string, ChannelLayerSettings>((Dictionary<string, ChannelLayerSettings>?)current ?? [], StringComparer.Ordinal);
            foreach (var alias in section.GetChildren())
                layers[alias.Key] = (ChannelLayerSettings)ReadObject(alias, layers.GetValueOrDefault(alias.Key) ?? new ChannelLayerSettings());
            return layers;
        }
        if (type == typeof(Dictionary<string, int>))
            return new Dictionary<string, int>((Dictionary<string, int>?)current ?? [], StringComparer.Ordinal)
                .WithNumbers(section.GetChildren().Select(c => (c.Key, (int)Scalar(typeof(int), c)!)));
        if (section.Value is null && section.GetChildren().Any() || !IsScalar(type))
            throw new ImproperlyConfigured($"{Name(section)} can only be set in code: {setting} holds {Describe(type)}, which configuration cannot express.");
        return Scalar(type, section);
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsEnum || t == typeof(string) || t == typeof(bool) || t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(TimeSpan);
    }

    private static string Describe(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(a => a.Name))}>"
        : type.Name;

    /// <summary>A value of a simple type; "" and "null" are null for the nullable ones.</summary>
    private static object? Scalar(Type type, IConfigurationSection section)
    {
        var raw = section.Value ?? "";
        var underlying = Nullable.GetUnderlyingType(type);
        if ((underlying is not null || type == typeof(string) && IsNullableString(section)) && (raw.Length == 0 || raw.Equals("null", StringComparison.OrdinalIgnoreCase)))
            return null;
        var t = underlying ?? type;
        if (t == typeof(string)) return raw;
        if (t == typeof(bool))
            return bool.TryParse(raw, out var flag) ? flag : throw Invalid(section, "true or false", raw);
        if (t == typeof(int))
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var small) ? small : throw Invalid(section, "a whole number" + (underlying is null ? "" : " or null"), raw);
        if (t == typeof(long))
            return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var large) ? large : throw Invalid(section, "a whole number" + (underlying is null ? "" : " or null"), raw);
        if (t == typeof(double))
            return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : throw Invalid(section, "a number" + (underlying is null ? "" : " or null"), raw);
        if (t == typeof(TimeSpan))
            return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var span) ? span
                : double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds)
                : throw Invalid(section, "a time span (00:00:30) or a number of seconds" + (underlying is null ? "" : " or null"), raw);
        if (t.IsEnum)
            return Enum.TryParse(t, raw, ignoreCase: true, out var member) && !int.TryParse(raw, out _) ? member
                : throw Invalid(section, "one of " + string.Join(", ", Enum.GetNames(t)), raw);
        throw new InvalidOperationException($"No reader for {t}.");
    }

    // Every string setting that documents null as a value is declared string?: the setter takes null.
    private static bool IsNullableString(IConfigurationSection section)
    {
        var property = Find(typeof(Settings), section.Key) ?? Find(typeof(DatabaseSettings), section.Key);
        return property is not null && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
    }

    private static ImproperlyConfigured Invalid(IConfigurationSection section, string expected, string raw) =>
        new($"{Name(section)} must be {expected}, not '{raw}'.");

    private static List<string> ReadList(IConfigurationSection section)
    {
        if (section.Value is { } flat)
            return [.. flat.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        return [.. section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).Select(c => c.Value ?? "").Where(v => v.Length > 0)];
    }

    /// <summary>A policy (<c>SecureCsp</c>): directive → list of sources (an array, or <c>a,b</c>), or a single value.</summary>
    private static Dictionary<string, object?> ReadPolicy(IConfigurationSection section, Dictionary<string, object?>? current)
    {
        var policy = new Dictionary<string, object?>(current ?? [], StringComparer.Ordinal);
        foreach (var directive in section.GetChildren())
            policy[directive.Key] = directive.Value is null ? ReadList(directive) : directive.Value.Contains(',', StringComparison.Ordinal) ? ReadList(directive) : directive.Value;
        return policy;
    }

    /// <summary>A settings object (<c>Templates</c>): each key is one of its properties, read as a setting is.</summary>
    private static object ReadObject(IConfigurationSection section, object target)
    {
        var type = target.GetType();
        foreach (var child in section.GetChildren())
        {
            var property = Find(type, child.Key)
                ?? throw new ImproperlyConfigured($"{Name(child)} is not an option: {type.Name} has no property '{child.Key}'.{Suggest(type, child.Key)}");
            property.SetValue(target, Read(property.PropertyType, child, property.GetValue(target), $"{type.Name}.{property.Name}"));
        }
        return target;
    }

    private static Dictionary<string, int> WithNumbers(this Dictionary<string, int> dictionary, IEnumerable<(string Key, int Value)> entries)
    {
        foreach (var (key, value) in entries) dictionary[key] = value;
        return dictionary;
    }

    private static Dictionary<string, string> With(this Dictionary<string, string> dictionary, IEnumerable<(string Key, string Value)> entries)
    {
        foreach (var (key, value) in entries) dictionary[key] = value;
        return dictionary;
    }

    /// <summary>
    /// <c>Databases</c>: per alias, <c>Engine</c> (Sqlite, Postgres) with <c>ConnectionString</c> — or <c>Path</c> for a
    /// SQLite file — and any option of <see cref="DatabaseSettings"/>; an alias set in code keeps what is not given.
    /// </summary>
    /// <summary>Caches by alias: an alias given there changes the one code set, option by option, or adds one.</summary>
    private static Dictionary<string, CacheSettings> ReadCaches(IConfigurationSection section, Dictionary<string, CacheSettings>? current)
    {
        var caches = new Dictionary<string, CacheSettings>(current ?? [], StringComparer.Ordinal);
        foreach (var alias in section.GetChildren())
            caches[alias.Key] = (CacheSettings)ReadObject(alias, caches.GetValueOrDefault(alias.Key) ?? new CacheSettings());
        return caches;
    }

    private static Dictionary<string, DatabaseSettings> ReadDatabases(IConfigurationSection section, Dictionary<string, DatabaseSettings>? current)
    {
        var databases = new Dictionary<string, DatabaseSettings>(current ?? []);
        foreach (var alias in section.GetChildren())
        {
            databases.TryGetValue(alias.Key, out var database);
            var engine = alias["Engine"] is { } engineText ? (DatabaseEngine)Scalar(typeof(DatabaseEngine), alias.GetSection("Engine"))! : database?.Engine;
            var connection = alias["ConnectionString"] ?? (alias["Path"] is { } path ? Database.Sqlite(path).ConnectionString : database?.ConnectionString);
            if (engine is null || connection is null)
                throw new ImproperlyConfigured(
                    $"{Name(alias)} needs an Engine (Sqlite or Postgres) and a ConnectionString (or, for SQLite, a Path), as in \"Databases\": {{ \"{alias.Key}\": {{ \"Engine\": \"Sqlite\", \"Path\": \"db.sqlite3\" }} }}.");
            database = (database ?? new DatabaseSettings(engine.Value, connection)) with { Engine = engine.Value, ConnectionString = connection };
            foreach (var option in alias.GetChildren())
            {
                if (option.Key is "Engine" or "ConnectionString" or "Path") continue;
                var property = Find(typeof(DatabaseSettings), option.Key)
                    ?? throw new ImproperlyConfigured($"{Name(option)} is not a database option: DatabaseSettings has no property '{option.Key}'.{Suggest(typeof(DatabaseSettings), option.Key)}");
                property.SetValue(database, Scalar(property.PropertyType, option));
            }
            databases[alias.Key] = database;
        }
        return databases;
    }
}
