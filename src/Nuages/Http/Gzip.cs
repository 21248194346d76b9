using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace Nuages.Http;

/// <summary>
/// Django's <c>compress_string</c> / <c>compress_sequence</c>: gzip at level 6 with mtime 0, and a random
/// 0–99-byte file name of <c>a</c>s in the header (the FNAME flag) so that compressed sizes leak less
/// about secrets in the page (BREACH, as django/views/decorators/gzip.py does).
/// </summary>
internal static class Gzip
{
    /// <summary>Django's default <c>max_random_bytes</c>.</summary>
    public const int MaxRandomBytes = 100;

    public static byte[] Compress(ReadOnlySpan<byte> data, int maxRandomBytes = MaxRandomBytes)
    {
        using var output = new MemoryStream(data.Length / 2 + 64);
        WriteHeader(output, maxRandomBytes);
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(data);
        WriteTrailer(output, Crc32.Append(0, data), (uint)data.Length);
        return output.ToArray();
    }

    /// <summary>One continuous gzip stream over a sync sequence: the header first, then the compressed parts, flushed as they come.</summary>
    public static IEnumerable<byte[]> CompressSequence(IEnumerable<byte[]> parts, int maxRandomBytes = MaxRandomBytes)
    {
        var buffer = new MemoryStream();
        WriteHeader(buffer, maxRandomBytes);
        yield return Drain(buffer);
        uint crc = 0;
        uint length = 0;
        var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true);
        try
        {
            foreach (var part in parts)
            {
                crc = Crc32.Append(crc, part);
                length += (uint)part.Length;
                deflate.Write(part);
                deflate.Flush();
                if (buffer.Length > 0) yield return Drain(buffer);
            }
        }
        finally
        {
            deflate.Dispose();
        }
        WriteTrailer(buffer, crc, length);
        yield return Drain(buffer);
    }

    /// <summary>An async sequence: each part becomes a gzip member of its own (as django/views/decorators/gzip.py); the members concatenate to one valid gzip body.</summary>
    public static async IAsyncEnumerable<byte[]> CompressSequenceAsync(IAsyncEnumerable<byte[]> parts, int maxRandomBytes = MaxRandomBytes,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return Compress(part, maxRandomBytes);
    }

    private static byte[] Drain(MemoryStream buffer)
    {
        var bytes = buffer.ToArray();
        buffer.SetLength(0);
        return bytes;
    }

    private static void WriteHeader(Stream output, int maxRandomBytes)
    {
        // ID1 ID2 CM FLG MTIME(4) XFL OS, as Python writes them for level 6 (XFL 0, OS 255).
        output.Write([0x1f, 0x8b, 0x08, (byte)(maxRandomBytes > 0 ? 0x08 : 0x00), 0, 0, 0, 0, 0x00, 0xff]);
        if (maxRandomBytes <= 0) return;
        var name = new byte[Random.Shared.Next(maxRandomBytes) + 1];
        name.AsSpan(0, name.Length - 1).Fill((byte)'a');
        output.Write(name); // NUL-terminated
    }

    private static void WriteTrailer(Stream output, uint crc, uint length)
    {
        Span<byte> trailer = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], length);
        output.Write(trailer);
    }

    /// <summary>The CRC-32 of the gzip trailer (IEEE 802.3 polynomial).</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Build();

        private static uint[] Build()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }

        public static uint Append(uint crc, ReadOnlySpan<byte> data)
        {
            var c = ~crc;
            foreach (var b in data) c = Table[(c ^ b) & 0xff] ^ (c >> 8);
            return ~c;
        }
    }
}
