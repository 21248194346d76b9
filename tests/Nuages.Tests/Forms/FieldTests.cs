using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nuages.Core;
using Nuages.Forms;
using Nuages.Tests.Support;

namespace Nuages.Tests.Forms;

/// <summary>
/// Every form field cleaning the values Django's cleaned (Vectors/django_fields.py): the clean value, or the errors
/// with Django's messages word for word and their codes, in order.
/// </summary>
public class FieldTests
{
    private static readonly JsonArray Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Forms", "Vectors", "django_fields.json")))!.AsArray();

    [Fact]
    public void Fields_clean_as_Djangos()
    {
        using var site = TestSite.Create(_ => { }).Enter(); // TimeZone UTC, as the script's
        var wrong = new List<string>();
        foreach (var node in Django)
        {
            var c = node!.AsObject();
            var field = Make((string)c["field"]!, c["options"]!.AsObject());
            var value = Value(c["value"]);
            var label = $"{c["field"]}({c["options"]!.ToJsonString()}).clean({c["value"]?.ToJsonString() ?? "None"})";
            try
            {
                var clean = field.Clean(value);
                if (c["clean"] is not JsonObject expected) wrong.Add($"{label}: Django refused it ({c["errors"]!.ToJsonString()}); Nuages cleaned it to {Show(clean)}");
                else if (!Same(expected, clean)) wrong.Add($"{label}: Django {expected.ToJsonString()}, Nuages {Show(clean)}");
            }
            catch (ValidationError e)
            {
                var ours = new JsonArray([.. e.ErrorList.Select(x => (JsonNode)new JsonObject { ["message"] = x.Message, ["code"] = x.Code })]);
                if (c["errors"] is not JsonArray errors) wrong.Add($"{label}: Django cleaned it to {c["clean"]!.ToJsonString()}; Nuages refused it: {ours.ToJsonString()}");
                else if (!JsonNode.DeepEquals(errors, ours)) wrong.Add($"{label}: Django {errors.ToJsonString()}, Nuages {ours.ToJsonString()}");
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Django.Count} cases differ:\n" + string.Join("\n", wrong));
    }

    private static Field Make(string kind, JsonObject options)
    {
        T? Opt<T>(string name) => options[name] is { } v ? v.Deserialize<T>() : default;
        bool Has(string name) => options.ContainsKey(name);
        var required = !Has("required") || Opt<bool>("required");
        List<Choice> choices = [.. (options["choices"]?.AsArray() ?? []).Select(ToChoice)];
        return kind switch
        {
            "CharField" => new CharField
            {
                Required = required, MaxLength = Opt<int?>("max_length"), MinLength = Opt<int?>("min_length"),
                Strip = !Has("strip") || Opt<bool>("strip"), EmptyValue = Has("empty_value") ? Opt<string?>("empty_value") : "",
            },
            "EmailField" => new EmailField { Required = required },
            "URLField" => new URLField { Required = required },
            "SlugField" => new SlugField { Required = required, AllowUnicode = Opt<bool>("allow_unicode") },
            "RegexField" => new RegexField(Opt<string>("regex")!) { Required = required },
            "IntegerField" => new IntegerField { Required = required, MaxValue = Opt<long?>("max_value"), MinValue = Opt<long?>("min_value") },
            "FloatField" => new FloatField { Required = required, MaxValue = Opt<double?>("max_value"), MinValue = Opt<double?>("min_value") },
            "DecimalField" => new DecimalField
            {
                Required = required, MaxDigits = Opt<int?>("max_digits"), DecimalPlaces = Opt<int?>("decimal_places"),
                MinValue = Has("min_value") ? decimal.Parse(Opt<string>("min_value")!, CultureInfo.InvariantCulture) : null,
            },
            "BooleanField" => new BooleanField { Required = required },
            "NullBooleanField" => new NullBooleanField { Required = required },
            "ChoiceField" => new ChoiceField { Required = required, Choices = choices },
            "TypedChoiceField" => new TypedChoiceField
            {
                Required = required, Choices = choices, Coerce = text => int.Parse(text, CultureInfo.InvariantCulture),
                EmptyValue = Has("empty_value") ? null : "",
            },
            "MultipleChoiceField" => new MultipleChoiceField { Required = required, Choices = choices },
            "DateField" => new DateField { Required = required },
            "TimeField" => new TimeField { Required = required },
            "DateTimeField" => new DateTimeField { Required = required },
            "DurationField" => new DurationField { Required = required },
            "UUIDField" => new UUIDField { Required = required },
            "JSONField" => new JSONField { Required = required },
            "GenericIPAddressField" => new GenericIPAddressField { Required = required, Protocol = Opt<string>("protocol") ?? "both", UnpackIPv4 = Opt<bool>("unpack_ipv4") },
            _ => throw new InvalidOperationException(kind),
        };
    }

    private static Choice ToChoice(JsonNode? pair)
    {
        var value = Value(pair![0]);
        return pair[1] is JsonArray group ? new Choice(value, (string)value!, [.. group.Select(ToChoice)]) : new Choice(value, (string)pair[1]!);
    }

    private static object? Value(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.String => (string)node!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => (long)node!,
        JsonValueKind.Array => node!.AsArray().Select(v => (string)v!).ToList(),
        _ => throw new InvalidOperationException(node!.ToJsonString()),
    };

    private static bool Same(JsonObject expected, object? clean)
    {
        var value = expected["value"];
        // a JSON field's value is a JsonNode: compared with what Django's json.loads gave
        if (clean is JsonNode node && (string)expected["type"]! is "list" or "int" or "bool" or "float")
            return JsonNode.DeepEquals(node, value);
        return (string)expected["type"]! switch
        {
            "none" => clean is null,
            "str" => clean is string s && s == (string)value!,
            "bool" => clean is bool b && b == (bool)value!,
            "int" => clean is long n && n == (long)value! || clean is int i && i == (long)value!,
            "float" => clean is double d && PythonReprOf(d) == (string)value!,
            "decimal" => clean is decimal m && m == decimal.Parse((string)value!, NumberStyles.Float, CultureInfo.InvariantCulture) && (((string)value!).Contains('E') || m.ToString(CultureInfo.InvariantCulture) == (string)value!),
            "date" => clean is DateOnly day && day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == (string)value!,
            "time" => clean is TimeOnly t && IsoTime(t.ToTimeSpan()) == (string)value!,
            "datetime" => clean is DateTimeOffset o && IsoDateTime(o) == (string)value!,
            "duration" => clean is TimeSpan span && Math.Abs(span.TotalSeconds - double.Parse((string)value!, CultureInfo.InvariantCulture)) < 1e-6,
            "uuid" => clean is Guid g && g.ToString("D") == (string)value!,
            "list" => clean is List<string> list && list.SequenceEqual(value!.AsArray().Select(v => (string)v!)),
            "json" => JsonNode.DeepEquals(clean as JsonNode, JsonNode.Parse((string)value!)),
            var type => throw new InvalidOperationException(type),
        };
    }

    private static string PythonReprOf(double d) => (string)typeof(ValidationError).Assembly.GetType("Nuages.Core.PythonRepr")!
        .GetMethod("Of", [typeof(double)])!.Invoke(null, [d])!;

    private static string IsoTime(TimeSpan t) => t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)
        + (t.Ticks % TimeSpan.TicksPerSecond is var ticks and > 0 ? "." + (ticks / 10).ToString("000000", CultureInfo.InvariantCulture) : "");

    private static string IsoDateTime(DateTimeOffset o) => o.ToString("yyyy-MM-dd'T'", CultureInfo.InvariantCulture) + IsoTime(o.TimeOfDay)
        + (o.Offset < TimeSpan.Zero ? "-" : "+") + o.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static string Show(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        JsonNode n => n.ToJsonString(),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => $"{value.GetType().Name} {f.ToString(null, CultureInfo.InvariantCulture)}",
        _ => value.ToString() ?? "",
    };
}
