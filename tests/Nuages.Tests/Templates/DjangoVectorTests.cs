using System.Globalization;
using System.Text.Json;
using Nuages.Conf;
using Nuages.Templates;

namespace Nuages.Tests.Templates;

/// <summary>
/// Templates rendered by Django itself (Vectors/dtl_cases.py, run with Debian's python3-django) and by Nuages, compared
/// byte for byte: outputs, and for templates Django refuses, the exception and its message.
/// </summary>
public class DjangoVectorTests
{
    // Messages that name Nuages' own libraries where the script's bare Django engine has none.
    private static readonly HashSet<string> FirstLineOnly = ["load-unknown"];

    // The static library is always there in Nuages (Django's DjangoTemplates backend adds it too); the script's bare engine has none.
    private static readonly HashSet<string> Skipped = ["load-static"];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases().Keys) if (!Skipped.Contains(c.Split('@')[0])) data.Add(c);
        return data;
    }

    private static Dictionary<string, JsonElement> Cases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Templates", "Vectors", "dtl_cases.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    }

    private static readonly Lazy<Dictionary<string, JsonElement>> All = new(Cases);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Renders_as_django_does(string name)
    {
        var c = All.Value[name];
        var templates = c.GetProperty("templates").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var options = c.GetProperty("options");
        var settings = new TemplateSettings
        {
            StringIfInvalid = options.TryGetProperty("string_if_invalid", out var invalid) ? invalid.GetString()! : "",
            Autoescape = !options.TryGetProperty("autoescape", out var autoescape) || autoescape.GetBoolean(),
        };
        var engine = new Engine(settings, [new LocMemLoader(templates)]);
        var context = (Dictionary<string, object?>)Decode(c.GetProperty("context"))!;
        var main = options.TryGetProperty("render", out var render) ? render.GetString()! : "main";
        if (c.TryGetProperty("output", out var output))
        {
            Assert.Equal(output.GetString(), engine.GetTemplate(main).Render(new Dictionary<string, object?>(context)));
            Assert.Equal(output.GetString(), await engine.GetTemplate(main).RenderAsync(new Dictionary<string, object?>(context)));
            return;
        }
        var expected = c.GetProperty("error").GetString();
        var message = c.GetProperty("message").GetString()!;
        var error = Record.Exception(() => engine.GetTemplate(main).Render(context));
        Assert.NotNull(error);
        Assert.Equal(expected, expected switch
        {
            "ValueError" when error is ArgumentException => "ValueError",
            _ => error.GetType().Name,
        });
        if (FirstLineOnly.Contains(name.Split('@')[0])) Assert.Equal(message.Split('\n')[0], error.Message.Split('\n')[0]);
        else Assert.Equal(message, error.Message);
    }

    /// <summary>The script's JSON with its markers: safe strings, dates, datetimes, infinities.</summary>
    internal static object? Decode(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt32(out var i) ? i : value.TryGetInt64(out var l) ? l
            : value.GetRawText().Contains('.', StringComparison.Ordinal) || value.GetRawText().Contains('e', StringComparison.OrdinalIgnoreCase) ? value.GetDouble() : (object)decimal.Parse(value.GetRawText(), CultureInfo.InvariantCulture),
        JsonValueKind.Array => value.EnumerateArray().Select(Decode).ToList(),
        JsonValueKind.Object when value.TryGetProperty("__safe__", out var safe) => new SafeString(safe.GetString()!),
        JsonValueKind.Object when value.TryGetProperty("__date__", out var date) => DateOnly.Parse(date.GetString()!, CultureInfo.InvariantCulture),
        JsonValueKind.Object when value.TryGetProperty("__datetime__", out var dt) => DateTime.Parse(dt.GetString()!, CultureInfo.InvariantCulture),
        JsonValueKind.Object when value.TryGetProperty("__float__", out var f) => f.GetString() == "inf" ? double.PositiveInfinity : double.NegativeInfinity,
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => Decode(p.Value)),
        _ => throw new ArgumentException($"Unexpected JSON {value.ValueKind}"),
    };
}
