using System.Collections;
using System.Runtime.InteropServices;

namespace Nuages.Http;

/// <summary>
/// A file sent in a <c>multipart/form-data</c> request, as Django's <c>UploadedFile</c>: in memory, or, over
/// <c>FileUploadMaxMemorySize</c>, in a temporary file (<see cref="TemporaryFilePath"/>) deleted when the request ends.
/// </summary>
public sealed class UploadedFile : IDisposable
{
    private ReadOnlyMemory<byte>? _content;
    private readonly long _size;

    internal UploadedFile(string fieldName, string name, string contentType, string? charset, ReadOnlyMemory<byte> content)
    {
        FieldName = fieldName;
        Name = name;
        ContentType = contentType;
        Charset = charset;
        _content = content;
        _size = content.Length;
    }

    private UploadedFile(string fieldName, string name, string contentType, string? charset, string path, long size)
    {
        FieldName = fieldName;
        Name = name;
        ContentType = contentType;
        Charset = charset;
        TemporaryFilePath = path;
        _size = size;
    }

    internal static UploadedFile OnDisk(string fieldName, string name, string contentType, string? charset, ReadOnlySpan<byte> content)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nuages-upload-{Guid.NewGuid():N}.tmp");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write)) file.Write(content);
        return new UploadedFile(fieldName, name, contentType, charset, path, content.Length);
    }

    /// <summary>Where the file is on disk, when it was too large to keep in memory (Django's <c>temporary_file_path()</c>).</summary>
    public string? TemporaryFilePath { get; }

    /// <summary>The form field the file was sent under.</summary>
    public string FieldName { get; }

    /// <summary>The client's file name, reduced to its last path component.</summary>
    public string Name { get; }

    /// <summary>The media type the client declared.</summary>
    public string ContentType { get; }

    /// <summary>The charset the client declared for the part, if any.</summary>
    public string? Charset { get; }

    /// <summary>Size in bytes.</summary>
    public long Size => _size;

    /// <summary>The whole content (read from disk, once, for a file kept there).</summary>
    public ReadOnlyMemory<byte> Content => _content ??= File.ReadAllBytes(TemporaryFilePath!);

    /// <summary>A read-only stream over the content, without loading a file kept on disk.</summary>
    public Stream OpenRead() => TemporaryFilePath is { } path && _content is null
        ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)
        : MemoryMarshal.TryGetArray(Content, out var segment) ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false) : new MemoryStream(Content.ToArray(), writable: false);

    /// <summary>Deletes the temporary file, if any (the request does it when it ends).</summary>
    public void Dispose()
    {
        if (TemporaryFilePath is { } path) File.Delete(path);
    }
}

/// <summary>The uploaded files of a request by field name; a field may carry several files.</summary>
public sealed class UploadedFileDict : IEnumerable<KeyValuePair<string, UploadedFile>>
{
    private readonly List<KeyValuePair<string, UploadedFile>> _files = [];

    internal static UploadedFileDict Empty { get; } = new();

    internal void Add(string field, UploadedFile file) => _files.Add(new(field, file));

    /// <summary>The last file sent under <paramref name="field"/>; throws naming the field when none was.</summary>
    public UploadedFile this[string field] => Get(field) ?? throw new KeyNotFoundException($"No file was sent under '{field}'.");

    /// <summary>The last file sent under <paramref name="field"/>, or null.</summary>
    public UploadedFile? Get(string field)
    {
        for (var i = _files.Count - 1; i >= 0; i--)
            if (_files[i].Key == field) return _files[i].Value;
        return null;
    }

    /// <summary>Every file sent under <paramref name="field"/>, in order.</summary>
    public IReadOnlyList<UploadedFile> GetList(string field) => _files.Where(f => f.Key == field).Select(f => f.Value).ToList();

    /// <summary>Whether a file was sent under <paramref name="field"/>.</summary>
    public bool ContainsKey(string field) => Get(field) is not null;

    /// <summary>Number of files.</summary>
    public int Count => _files.Count;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, UploadedFile>> GetEnumerator() => _files.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
