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
/// Django's <c>ClearableFileInput</c>, a file field's widget: with a stored file as its value (a
/// <see cref="Files.StoredFile"/>, from <c>storage.Stored(name)</c>) it shows "Currently: <i>link</i>", a "Clear"
/// checkbox when the field is optional, and "Change:" before the file input. Ticking Clear gives the field
/// <c>false</c>; ticking it and choosing a file is a contradiction.
/// </summary>
public class ClearableFileInput() : Input("file", "django/forms/widgets/clearable_file_input.html")
{
    /// <summary>The label of the checkbox (Django's <c>clear_checkbox_label</c>).</summary>
    public string ClearCheckboxLabel { get; init; } = "Clear";

    /// <summary>What precedes the link to the stored file (Django's <c>initial_text</c>).</summary>
    public string InitialText { get; init; } = "Currently";

    /// <summary>What precedes the file input when a file is stored (Django's <c>input_text</c>).</summary>
    public string InputText { get; init; } = "Change";

    /// <summary>The name of the checkbox: the input's with <c>-clear</c>.</summary>
    public static string ClearCheckboxName(string name) => name + "-clear";

    /// <summary>The id of the checkbox: its name with <c>_id</c>.</summary>
    public static string ClearCheckboxId(string name) => name + "_id";

    private static bool IsInitial(object? value) => value is Files.StoredFile { Url.Length: > 0 };

    /// <inheritdoc/>
    public override object? FormatValue(object? value) => IsInitial(value) ? value : null;

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContext(string name, object? value, IReadOnlyDictionary<string, object?>? attrs)
    {
        var context = base.GetContext(name, value, attrs);
        var checkboxName = ClearCheckboxName(name);
        context["checkbox_name"] = checkboxName;
        context["checkbox_id"] = ClearCheckboxId(checkboxName);
        context["is_initial"] = IsInitial(value);
        context["input_text"] = InputText;
        context["initial_text"] = InitialText;
        context["clear_checkbox_label"] = ClearCheckboxLabel;
        return context;
    }

    /// <inheritdoc/>
    public override object? ValueFromData(FormData data, Http.UploadedFileDict? files, string name)
    {
        var upload = files?.Get(name);
        if (!IsRequired && new CheckboxInput().ValueFromData(data, files, ClearCheckboxName(name)) is true)
            return upload is not null ? FileField.Contradiction : false;
        return upload;
    }

    /// <inheritdoc/>
    public override bool ValueOmittedFromData(FormData data, Http.UploadedFileDict? files, string name) =>
        files?.ContainsKey(name) != true && !data.Contains(ClearCheckboxName(name));

    /// <inheritdoc/>
    public override bool UseRequiredAttribute(object? initial) => base.UseRequiredAttribute(initial) && initial is null;
}

/// <summary>
/// Django's <c>FileField</c>: an uploaded file (<c>request.Files</c>, through the form's <c>Files</c>), with a name
/// of at most <see cref="MaxLength"/> characters and, unless <see cref="AllowEmptyFile"/>, some content. An
/// unbound or untouched field keeps its initial file. Store it with <c>FileSystemStorage</c>.
/// <c>CleanedData.Get(field)</c> is the new upload (null when none); <c>CleanedData[name]</c> is the initial file
/// when nothing was uploaded, and <c>false</c> when an optional field's Clear box was ticked.
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
    protected override Widget DefaultWidget() => new ClearableFileInput();

    /// <summary>What a <see cref="ClearableFileInput"/> gives when a file is chosen and Clear ticked (Django's <c>FILE_INPUT_CONTRADICTION</c>).</summary>
    internal static readonly object Contradiction = new();

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

    /// <summary>
    /// Django's <c>clean(data, initial)</c>: no new file keeps the initial one; Clear ticked on an optional field is
    /// <c>false</c> (on a required one, as nothing sent); Clear and a file together are refused.
    /// </summary>
    public object? Clean(object? value, object? initial)
    {
        if (ReferenceEquals(value, Contradiction)) throw Error("contradiction");
        if (value is false)
        {
            if (!Required) return false;
            value = null;
        }
        return value is null && initial is not null ? initial : Clean(value);
    }

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
