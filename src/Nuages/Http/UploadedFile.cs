using System.Collections;

namespace Nuages.Http;

/// <summary>A file sent in a <c>multipart/form-data</c> request, as Django's <c>UploadedFile</c>.</summary>
public sealed class UploadedFile
{
    private readonly ReadOnlyMemory<byte> _content;

    internal UploadedFile(string fieldName, string name, string contentType, string? charset, ReadOnlyMemory<byte> content)
    {
        FieldName = fieldName;
        Name = name;
        ContentType = contentType;
        Charset = charset;
        _content = content;
    }

    /// <summary>The form field the file was sent under.</summary>
    public string FieldName { get; }

    /// <summary>The client's file name, reduced to its last path component.</summary>
    public string Name { get; }

    /// <summary>The media type the client declared.</summary>
    public string ContentType { get; }

    /// <summary>The charset the client declared for the part, if any.</summary>
    public string? Charset { get; }

    /// <summary>Size in bytes.</summary>
    public long Size => _content.Length;

    /// <summary>The whole content.</summary>
    public ReadOnlyMemory<byte> Content => _content;

    /// <summary>A read-only stream over the content.</summary>
    public Stream OpenRead() => new MemoryStream(_content.ToArray(), writable: false);
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
