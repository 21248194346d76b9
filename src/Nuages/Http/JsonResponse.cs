using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using Nuages.Core;

namespace Nuages.Http;

/// <summary>
/// A response whose body is <paramref name="data"/> serialized as JSON, laid out as Django's
/// <c>JsonResponse</c> lays it out (<c>{"a": 1, "b": [1, 2]}</c>, non-ASCII escaped), so bodies and
/// Content-Length match Django's. Only objects are accepted unless <paramref name="safe"/> is false.
/// </summary>
public sealed class JsonResponse(object? data, bool safe = true, JsonSerializerOptions? options = null, int status = 200)
    : HttpResponse(Serialize(data, safe, options), "application/json", status)
{
    private static readonly JsonSerializerOptions DefaultOptions = new()
    {
        Encoder = PythonJsonEncoder.Instance,
    };

    private static byte[] Serialize(object? data, bool safe, JsonSerializerOptions? options)
    {
        if (safe && !IsJsonObject(data))
            throw new ArgumentException("In order to allow non-dict objects to be serialized set the safe parameter to False.", nameof(data));
        options ??= DefaultOptions;
        var compact = JsonSerializer.SerializeToUtf8Bytes(data, data?.GetType() ?? typeof(object), options);
        return options.WriteIndented ? compact : AddPythonSpacing(compact);
    }

    /// <summary>What Django calls a dict: anything System.Text.Json writes as an object.</summary>
    private static bool IsJsonObject(object? data) => data switch
    {
        null or string or JsonElement { ValueKind: not JsonValueKind.Object } => false,
        JsonElement => true,
        System.Text.Json.Nodes.JsonObject => true,
        System.Text.Json.Nodes.JsonNode => false,
        IDictionary => true,
        IEnumerable => false,
        _ => !data.GetType().IsPrimitive && data is not decimal and not DateTime and not DateTimeOffset and not Guid and not Enum,
    };

    /// <summary>Python's default separators are <c>", "</c> and <c>": "</c>: add the space after each one outside strings.</summary>
    internal static byte[] AddPythonSpacing(byte[] json)
    {
        var extra = 0;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                if (b == '\\') i++;
                else if (b == '"') inString = false;
            }
            else if (b == '"') inString = true;
            else if (b is (byte)',' or (byte)':') extra++;
        }
        if (extra == 0) return json;
        var result = new byte[json.Length + extra];
        var o = 0;
        inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            result[o++] = b;
            if (inString)
            {
                if (b == '\\') result[o++] = json[++i];
                else if (b == '"') inString = false;
            }
            else if (b == '"') inString = true;
            else if (b is (byte)',' or (byte)':') result[o++] = (byte)' ';
        }
        return result;
    }
}
