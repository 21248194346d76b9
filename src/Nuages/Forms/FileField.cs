using Nuages.Core;
using Nuages.Http;

namespace Nuages.Forms;

/// <summary>Django's <c>FileInput</c>: <c>&lt;input type="file"&gt;</c>, read from the uploaded files; a value is never rendered back.</summary>
public sealed class FileInput() : Input("file", "django/forms/widgets/file.html")
{
    /// <inheritdoc/>
    public override object? ValueFromData(FormData data, UploadedFileDict? files, string name) => files?.Get(name);

    /// <inheritdoc/>
    public override bool ValueOmittedFromData(FormData data, UploadedFileDict? files, string name) => files?.ContainsKey(name) != true;

    /// <inheritdoc/>
    public override object? FormatValue(object? value) => null; // a file input cannot be given a value

    /// <inheritdoc/>
    public override bool UseRequiredAttribute(object? initial) => base.UseRequiredAttribute(initial) && initial is null;
}

/// <summary>
/// Django's <c>FileField</c>: an uploaded file (<c>request.Files</c>, through the form's <c>Files</c>), with a name
/// of at most <see cref="MaxLength"/> characters and, unless <see cref="AllowEmptyFile"/>, some content. An
/// unbound or untouched field keeps its initial file. Store it with <c>FileSystemStorage</c>.
/// </summary>
public class FileField : Field<UploadedFile>
{
    /// <summary>A file field with Django's messages.</summary>
    public FileField()
    {
        ErrorMessages["invalid"] = "No file was submitted. Check the encoding type on the form.";
        ErrorMessages["missing"] = "No file was submitted.";
        ErrorMessages["empty"] = "The submitted file is empty.";
        ErrorMessages["max_length"] = "Ensure this filename has at most %(max)d characters (it has %(length)d).";
        ErrorMessages["contradiction"] = "Please either submit a file or check the clear checkbox, not both.";
    }

    /// <summary>The longest file name allowed.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Whether an empty file is accepted.</summary>
    public bool AllowEmptyFile { get; init; }

    /// <inheritdoc/>
    protected override Widget DefaultWidget() => new FileInput();

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (IsEmpty(value)) return null;
        if (value is not UploadedFile file) throw Error("invalid");
        if (MaxLength is { } max && file.Name.Length > max)
        {
            // Django's ngettext: "character" when the limit is 1, unless the message was replaced
            var message = max == 1 && ErrorMessages["max_length"] == "Ensure this filename has at most %(max)d characters (it has %(length)d)."
                ? "Ensure this filename has at most %(max)d character (it has %(length)d)." : ErrorMessages["max_length"];
            throw new ValidationError(message, "max_length", new Dictionary<string, object?> { ["max"] = max, ["length"] = file.Name.Length });
        }
        if (file.Name.Length == 0) throw Error("invalid");
        if (!AllowEmptyFile && file.Size == 0) throw Error("empty");
        return file;
    }

    /// <summary>Django's <c>clean(data, initial)</c>: no new file keeps the initial one.</summary>
    public object? Clean(object? value, object? initial) => value is null && initial is not null ? initial : Clean(value);

    /// <inheritdoc/>
    public override object? BoundData(object? data, object? initial) => initial;

    /// <inheritdoc/>
    public override bool HasChanged(object? initial, object? data) => !Disabled && data is not null;
}

/// <summary>
/// Django's <c>ImageField</c> without an imaging library: a <see cref="FileField"/> whose content must begin as a
/// PNG, JPEG, GIF, WebP or BMP image does (its type checked by its first bytes, not by its name or declared type).
/// </summary>
public class ImageField : FileField
{
    /// <summary>An image field with Django's message.</summary>
    public ImageField() => ErrorMessages["invalid_image"] = "Upload a valid image. The file you uploaded was either not an image or a corrupted image.";

    /// <inheritdoc/>
    public override object? ToPython(object? value)
    {
        if (base.ToPython(value) is not UploadedFile file) return null;
        Span<byte> head = stackalloc byte[12];
        int read;
        using (var stream = file.OpenRead()) read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return IsImage(head[..read]) ? file : throw Error("invalid_image");
    }

    private static bool IsImage(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])
        || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)
        || (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        || head.StartsWith("BM"u8);
}
