using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;

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
        IDictionary => true,
        IEnumerable => false,
        _ => !data.GetType().IsPrimitive && data is not decimal and not DateTime and not DateTimeOffset and not Guid and not Enum,
    };

    /// <summary>Python's default separators are <c>", "</c> and <c>": "</c>: add the space after each one outside strings.</summary>
    private static byte[] AddPythonSpacing(byte[] json)
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

/// <summary>
/// Escapes as Python's <c>json.dumps(ensure_ascii=True)</c>: everything outside printable ASCII, plus
/// quote and backslash; <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and <c>'</c> stay as they are.
/// </summary>
internal sealed class PythonJsonEncoder : JavaScriptEncoder
{
    public static readonly PythonJsonEncoder Instance = new();

    public override int MaxOutputCharactersPerInputCharacter => 12; // a surrogate pair: \ud83d\ude00

    public override bool WillEncode(int unicodeScalar) => unicodeScalar < 0x20 || unicodeScalar > 0x7E || unicodeScalar is '"' or '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            var c = text[i];
            if (c < 0x20 || c > 0x7E || c is '"' or '\\') return i;
        }
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        string escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            < 0x10000 => "\\u" + unicodeScalar.ToString("x4"),
            _ => Surrogates(unicodeScalar),
        };
        if (escaped.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        for (var i = 0; i < escaped.Length; i++) buffer[i] = escaped[i];
        numberOfCharactersWritten = escaped.Length;
        return true;
    }

    private static string Surrogates(int scalar)
    {
        var rune = new System.Text.Rune(scalar);
        Span<char> pair = stackalloc char[2];
        rune.EncodeToUtf16(pair);
        return $"\\u{(int)pair[0]:x4}\\u{(int)pair[1]:x4}";
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        for (var i = 0; i < utf8Text.Length; i++)
        {
            var b = utf8Text[i];
            if (b < 0x20 || b > 0x7E || b is (byte)'"' or (byte)'\\') return i;
        }
        return -1;
    }
}
