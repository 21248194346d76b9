using System.Buffers;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Gateways;

/// <summary>
/// Collects a request body as it arrives: in memory up to <c>FileUploadMaxMemorySize</c>, then in a
/// temporary file (as django/core/handlers/asgi.py). Writes to the file are page-cache writes, short enough to make inline.
/// </summary>
internal sealed class BodyBuffer(long memoryLimit, long? sizeLimit) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _memory = new(4096);
    private SpooledBody? _spool;
    private long _length;

    /// <summary>Adds a chunk; throws <see cref="RequestDataTooBig"/> past <c>sizeLimit</c>.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        _length += chunk.Length;
        if (sizeLimit is { } max && _length > max) throw new RequestDataTooBig(Nuages.Http.RequestLimitMessages.RequestDataTooBig);
        if (_spool is null && _length > memoryLimit)
        {
            _spool = new SpooledBody();
            _spool.Write(_memory.WrittenSpan);
            _memory.Clear();
        }
        if (_spool is not null) _spool.Write(chunk);
        else _memory.Write(chunk);
    }

    /// <summary>The body: bytes in memory, or the spool that now belongs to the caller.</summary>
    public (byte[] Body, SpooledBody? Spool) Finish()
    {
        var spool = _spool;
        _spool = null;
        return spool is null ? (_memory.WrittenSpan.ToArray(), null) : ([], spool);
    }

    /// <summary>Deletes a spool nobody took (the read failed).</summary>
    public void Dispose() => _spool?.Dispose();
}
