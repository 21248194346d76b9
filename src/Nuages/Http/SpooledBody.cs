using System.IO.MemoryMappedFiles;

namespace Nuages.Http;

/// <summary>
/// A request body too large to keep in memory (over <c>FileUploadMaxMemorySize</c>), spooled to a temporary
/// file while it is read (as django/core/handlers/asgi.py) and mapped into memory for parsing, so a large upload never sits
/// in the managed heap. The file is deleted when the request ends, touched or not (as django/core/handlers/asgi.py).
/// </summary>
internal sealed unsafe class SpooledBody : IDisposable
{
    private readonly FileStream _file;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private byte* _pointer;

    public SpooledBody()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-body-{Guid.NewGuid():N}.tmp");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 65_536,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    public string Path { get; }

    public long Length => _file.Length;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _file.WriteAsync(data, cancellationToken);

    public void Write(ReadOnlySpan<byte> data) => _file.Write(data);

    /// <summary>The whole body, mapped from the file (valid until the request ends).</summary>
    public ReadOnlySpan<byte> Span
    {
        get
        {
            if (Length == 0) return [];
            if (_pointer is null)
            {
                _file.Flush();
                _map = MemoryMappedFile.CreateFromFile(_file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _pointer);
            }
            return new ReadOnlySpan<byte>(_pointer + _view!.PointerOffset, checked((int)Length));
        }
    }

    public void Dispose()
    {
        if (_pointer is not null)
        {
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            _pointer = null;
        }
        _view?.Dispose();
        _map?.Dispose();
        _file.Dispose();
    }
}
