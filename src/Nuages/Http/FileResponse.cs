using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.StaticFiles;

namespace Nuages.Http;

/// <summary>
/// Streams a file in 64 KiB blocks, read asynchronously, with Content-Length, a Content-Type guessed
/// from the file name and a Content-Disposition (<c>inline</c>, or <c>attachment</c> when
/// <c>asAttachment</c>), as Django's <c>FileResponse</c>. The stream is disposed once sent.
/// </summary>
public sealed class FileResponse : StreamingHttpResponse
{
    /// <summary>Bytes read per part.</summary>
    public const int BlockSize = 65_536;

    private static readonly FileExtensionContentTypeProvider ContentTypes = CreateProvider();
    private readonly Stream _stream;

    /// <summary>Streams <paramref name="stream"/>; <paramref name="filename"/> defaults to the file's name when it is a <see cref="FileStream"/>.</summary>
    public FileResponse(Stream stream, bool asAttachment = false, string? filename = null, string? contentType = null, int status = 200)
        : base(contentType ?? "application/octet-stream", status)
    {
        _stream = stream;
        filename ??= stream is FileStream fs ? System.IO.Path.GetFileName(fs.Name) : "";
        if (stream.CanSeek) Headers["Content-Length"] = (stream.Length - stream.Position).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (contentType is null)
            Headers["Content-Type"] = filename.Length > 0 && ContentTypes.TryGetContentType(filename, out var guessed) ? guessed : "application/octet-stream";
        if (ContentDisposition(asAttachment, filename) is { } disposition) Headers["Content-Disposition"] = disposition;
    }

    /// <summary>Opens and streams the file at <paramref name="path"/>.</summary>
    public FileResponse(string path, bool asAttachment = false, string? filename = null, string? contentType = null)
        : this(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true), asAttachment, filename ?? System.IO.Path.GetFileName(path), contentType)
    {
    }

    /// <inheritdoc />
    public override bool IsAsync => true;

    internal override IEnumerable<byte[]> RawParts()
    {
        using (_stream)
        {
            var buffer = new byte[BlockSize];
            int read;
            while ((read = _stream.Read(buffer, 0, buffer.Length)) > 0) yield return buffer[..read];
        }
    }

    internal override async IAsyncEnumerable<byte[]> RawPartsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using (_stream.ConfigureAwait(false))
        {
            var buffer = new byte[BlockSize];
            int read;
            while ((read = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0) yield return buffer[..read];
        }
    }

    /// <summary>Django's <c>content_disposition_header</c>.</summary>
    internal static string? ContentDisposition(bool asAttachment, string filename)
    {
        if (filename.Length == 0) return asAttachment ? "attachment" : null;
        var disposition = asAttachment ? "attachment" : "inline";
        var quotable = filename.All(c => c == '\t' || (c >= 0x20 && c <= 0x7E));
        return quotable
            ? $"{disposition}; filename=\"{filename.Replace("\\", "\\\\").Replace("\"", "\\\"")}\""
            : $"{disposition}; filename*=utf-8''{Uri.EscapeDataString(filename)}";
    }

    private static FileExtensionContentTypeProvider CreateProvider()
    {
        var provider = new FileExtensionContentTypeProvider();
        // Python's mimetypes knows these; ASP.NET's table does not.
        provider.Mappings[".py"] = "text/x-python";
        provider.Mappings[".md"] = "text/markdown";
        return provider;
    }
}
