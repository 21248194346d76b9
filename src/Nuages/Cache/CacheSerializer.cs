using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nuages.Cache;

/// <summary>
/// How values are stored: integers as their decimal digits (as Django's Redis serializer stores them, so a Redis
/// INCRBY works on them and Django reads them), byte arrays as they are behind a <c>B</c>, everything else as JSON
/// behind a <c>J</c>. Every backend stores the encoded bytes, the local-memory one included, so a value read back is
/// a copy — as Django's pickling makes it — and a change to the object after <c>Set</c> does not reach the cache.
/// </summary>
internal static class CacheSerializer
{
    private const byte Json = (byte)'J';
    private const byte Bytes = (byte)'B';

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    public static byte[] Encode(object? value) => value switch
    {
        long or int or short or sbyte or uint or ushort or byte => System.Text.Encoding.ASCII.GetBytes(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        byte[] raw => [Bytes, .. raw],
        _ => EncodeJson(value),
    };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The marker and the JSON in one array. PERF: the buffer and writer are the thread's, reused; serializing never awaits.</summary>
    private static byte[] EncodeJson(object? value)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        buffer.GetSpan(1)[0] = Json;
        buffer.Advance(1);
        JsonSerializer.Serialize(writer, value, value?.GetType() ?? typeof(object), Options);
        writer.Flush();
        var encoded = buffer.WrittenSpan.ToArray();
        // a very large value does not keep its buffer alive on the thread
        if (buffer.Capacity > 64 * 1024) t_buffer = null;
        return encoded;
    }

    /// <summary>The integer an entry holds, if it holds one.</summary>
    public static bool TryInteger(ReadOnlySpan<byte> data, out long value) =>
        Utf8Parser.TryParse(data, out value, out var used) && used == data.Length && data.Length > 0;

    /// <summary>The value untyped: a long, a byte array, or what the JSON holds (string, long, double, bool, null; a JsonNode for lists and objects).</summary>
    public static object? Decode(byte[] data)
    {
        if (TryInteger(data, out var integer)) return integer;
        if (data.Length > 0 && data[0] == Bytes) return data[1..];
        var node = JsonNode.Parse(data.AsSpan(1));
        // object arms: with JsonNode's implicit conversions, the switch would otherwise make every arm a JsonNode
        return node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.String => (object)node.GetValue<string>(),
            JsonValueKind.True => (object)true,
            JsonValueKind.False => (object)false,
            JsonValueKind.Number => node.AsValue().TryGetValue<long>(out var whole) ? (object)whole : (object)node.GetValue<double>(),
            _ => node,
        };
    }

    /// <summary>The value as a <typeparamref name="T"/>.</summary>
    public static T? Decode<T>(byte[] data)
    {
        if (typeof(T) == typeof(object)) return (T?)Decode(data);
        if (TryInteger(data, out var integer))
        {
            var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            return (T)Convert.ChangeType(integer, target, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (data.Length > 0 && data[0] == Bytes)
            return data[1..] is T bytes ? bytes : throw new InvalidCastException($"The cache holds bytes, not a {typeof(T).Name}.");
        return JsonSerializer.Deserialize<T>(data.AsSpan(1), Options);
    }
}
