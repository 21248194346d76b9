using System.Text;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Http;

/// <summary>
/// Parses a buffered <c>multipart/form-data</c> body into fields and files. Malformed input is a
/// <see cref="MultiPartParserError"/> (answered 400), never a 500; limits are Django's
/// (field count, file count, in-memory size of the non-file fields).
/// </summary>
internal static class MultipartParser
{
    public static (QueryDict Form, UploadedFileDict Files) Parse(HttpRequest request, Settings settings)
    {
        if (!request.ContentParams.TryGetValue("boundary", out var boundaryText) || boundaryText.Length == 0)
            throw new MultiPartParserError("Invalid boundary in multipart: null");
        if (boundaryText.Length > 70 || boundaryText.Any(c => c > 0x7E || c < 0x20))
            throw new MultiPartParserError($"Invalid boundary in multipart: {boundaryText}");

        var body = request.BodySpan;
        // an empty body is no fields and no files (Content-Length 0 is valid, as django/http/multipartparser.py says)
        if (body.IsEmpty) return (new QueryDict(), new UploadedFileDict());
        var delimiter = Encoding.ASCII.GetBytes("--" + boundaryText);
        var form = new QueryDict();
        var files = new UploadedFileDict();
        long fieldBytes = 0;
        var fieldCount = 0;
        var fileCount = 0;

        var pos = body.IndexOf(delimiter);
        if (pos < 0) throw new MultiPartParserError("The multipart body has no opening boundary.");
        pos += delimiter.Length;
        while (true)
        {
            if (body[pos..].StartsWith("--"u8)) break; // closing delimiter
            pos = SkipLineEnd(body, pos);
            var next = body[pos..].IndexOf(delimiter);
            if (next < 0) throw new MultiPartParserError("The multipart body ends without a closing boundary.");
            var part = body.Slice(pos, next);
            // The CRLF before a delimiter belongs to the delimiter.
            if (part.EndsWith("\r\n"u8)) part = part[..^2];
            else if (part.EndsWith("\n"u8)) part = part[..^1];
            ReadPart(part, request, settings, form, files, ref fieldBytes, ref fieldCount, ref fileCount);
            pos += next + delimiter.Length;
        }
        return (form.Freeze(), files);
    }

    private static int SkipLineEnd(ReadOnlySpan<byte> body, int pos)
    {
        if (body[pos..].StartsWith("\r\n"u8)) return pos + 2;
        if (body[pos..].StartsWith("\n"u8)) return pos + 1;
        throw new MultiPartParserError("A multipart boundary is not followed by a line end.");
    }

    private static void ReadPart(ReadOnlySpan<byte> part, HttpRequest request, Settings settings, QueryDict form, UploadedFileDict files, ref long fieldBytes, ref int fieldCount, ref int fileCount)
    {
        var encoding = request.Encoding;
        var headerEnd = part.IndexOf("\r\n\r\n"u8);
        var separator = 4;
        if (headerEnd < 0)
        {
            headerEnd = part.IndexOf("\n\n"u8);
            separator = 2;
        }
        string? disposition = null, contentType = null;
        if (headerEnd >= 0)
        {
            foreach (var line in Encoding.UTF8.GetString(part[..headerEnd]).Split('\n'))
            {
                var colon = line.IndexOf(':');
                if (colon <= 0) continue;
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase)) disposition = value;
                else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = value;
            }
        }
        var parameters = disposition is null ? null : HeaderParameters.Parse(disposition).Params;
        var isFile = parameters is not null && parameters.ContainsKey("filename");

        // Django counts every part that is not a file toward DATA_UPLOAD_MAX_NUMBER_FIELDS — those without a
        // Content-Disposition (or without headers at all) and those without a name included, though it then
        // skips them — so thousands of nameless parts are refused like thousands of fields.
        if (!isFile)
        {
            fieldCount++;
            if (settings.DataUploadMaxNumberFields is { } maxFields && fieldCount > maxFields)
                throw new TooManyFieldsSent(RequestLimitMessages.TooManyFields);
        }
        if (parameters is null || !parameters.TryGetValue("name", out var fieldName)) return;
        fieldName = fieldName.Trim();
        var content = part[(headerEnd + separator)..];

        if (isFile)
        {
            // Files are counted before their names are looked at, as Django does.
            if (settings.DataUploadMaxNumberFiles is { } maxFiles && ++fileCount > maxFiles)
                throw new TooManyFilesSent(RequestLimitMessages.TooManyFiles);
            // An empty file input sends filename=""; a name that sanitizes to nothing ("..", "/", a control) is
            // no safer: Django skips both.
            if (UploadedFileName.Sanitize(parameters["filename"]) is not { } fileName) return;
            var (type, typeParams) = HeaderParameters.Parse(contentType ?? "application/octet-stream");
            var charset = typeParams.GetValueOrDefault("charset");
            // Django's TemporaryUploadedFile: a file over FileUploadMaxMemorySize goes to disk, deleted when the request ends.
            var file = content.Length > settings.FileUploadMaxMemorySize
                ? UploadedFile.OnDisk(fieldName, fileName, type, charset, content)
                : new UploadedFile(fieldName, fileName, type, charset, content.ToArray());
            if (file.TemporaryFilePath is not null) request.RegisterResource(file);
            files.Add(fieldName, file);
            return;
        }

        // As Django: the value and the name plus two (the '&' and '=' an urlencoded body would spend) count.
        fieldBytes += content.Length + fieldName.Length + 2;
        if (settings.DataUploadMaxMemorySize is { } maxBytes && fieldBytes > maxBytes)
            throw new RequestDataTooBig(RequestLimitMessages.RequestDataTooBig);
        form.AppendInternal(fieldName, encoding.GetString(content));
    }
}
