using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Nuages.Core;

namespace Nuages.Files;

/// <summary>
/// Django's <c>FileSystemStorage</c> (django/core/files/storage/filesystem.py): files under <see cref="Location"/>
/// (<c>MediaRoot</c>), served at <see cref="BaseUrl"/> (<c>MediaUrl</c>). A name is made safe as Django makes it —
/// spaces to underscores, anything but letters, digits, <c>-</c>, <c>_</c> and <c>.</c> dropped — a name that
/// climbs out of the folder is refused (<see cref="SuspiciousFileOperation"/>), and a name already taken gets
/// Django's <c>_</c> and seven random characters before its extension. Files are created exclusively, so two
/// uploads of one name never overwrite each other.
/// </summary>
public sealed partial class FileSystemStorage
{
    /// <summary>A storage in <paramref name="location"/> (the site's <c>MediaRoot</c>, else the working folder) served at <paramref name="baseUrl"/>.</summary>
    public FileSystemStorage(string? location = null, string? baseUrl = null)
    {
        var settings = Conf.Site.TryCurrent?.Settings;
        Location = Path.GetFullPath(location ?? (settings?.MediaRoot is { Length: > 0 } root ? root : "."));
        BaseUrl = baseUrl ?? settings?.MediaUrl ?? "";
    }

    /// <summary>The folder files are kept in.</summary>
    public string Location { get; }

    /// <summary>The URL the files are served at.</summary>
    public string BaseUrl { get; }

    [GeneratedRegex(@"[^-\w.]")]
    private static partial Regex Unsafe();

    /// <summary>Django's <c>get_valid_filename</c>: <c>"john's portrait in 2004.jpg"</c> → <c>"johns_portrait_in_2004.jpg"</c>.</summary>
    public static string GetValidName(string name)
    {
        var text = Unsafe().Replace(name.Trim().Replace(' ', '_'), "");
        return text is "" or "." or ".." ? throw new SuspiciousFileOperation($"Could not derive file name from '{name}'") : text;
    }

    /// <summary>A name not yet taken (Django's <c>get_available_name</c>): the name, else <c>root_abcdefg.ext</c>; refuses a name that climbs out.</summary>
    public string GetAvailableName(string name, int? maxLength = null)
    {
        name = name.Replace('\\', '/');
        var slash = name.LastIndexOf('/');
        var directory = slash < 0 ? "" : name[..slash];
        var file = name[(slash + 1)..];
        if (directory.Split('/').Contains("..")) throw new SuspiciousFileOperation($"Detected path traversal attempt in '{directory}'");
        ValidateFileName(file);
        // every suffix, as pathlib's suffixes: "archive.tar.gz" keeps ".tar.gz"
        var dot = file.IndexOf('.', file.StartsWith('.') ? 1 : 0);
        var extension = dot < 0 ? "" : file[dot..];
        var root = dot < 0 ? file : file[..dot];
        while (Exists(name) || (maxLength is { } max && name.Length > max))
        {
            name = Join(directory, $"{root}_{RandomString(7)}{extension}");
            if (maxLength is not { } limit || name.Length <= limit) continue;
            // too long: cut the root, as Django does, and refuse when nothing is left of it
            var over = name.Length - limit;
            if (over >= root.Length)
                throw new SuspiciousFileOperation($"Storage can not find an available filename for \"{name}\". Please make sure that the corresponding file field allows sufficient \"max_length\".");
            root = root[..^over];
            name = Join(directory, $"{root}_{RandomString(7)}{extension}");
        }
        return name;
    }

    /// <summary>Django's <c>validate_file_name</c>: a name, not a path; with <paramref name="allowRelativePath"/>, a path that stays inside.</summary>
    public static string ValidateFileName(string name, bool allowRelativePath = false)
    {
        var baseName = name.Replace('\\', '/').Split('/')[^1];
        if (baseName is "" or "." or "..") throw new SuspiciousFileOperation($"Could not derive file name from '{name}'");
        if (allowRelativePath)
        {
            var path = name.Replace('\\', '/');
            if (path.StartsWith('/') || path.Split('/').Contains("..")) throw new SuspiciousFileOperation($"Detected path traversal attempt in '{name}'");
        }
        else if (name != baseName) throw new SuspiciousFileOperation($"File name '{name}' includes path elements");
        return name;
    }

    /// <summary>The full path of a stored name; refuses one outside <see cref="Location"/> (Django's <c>safe_join</c>).</summary>
    public string PathOf(string name)
    {
        var full = Path.GetFullPath(Path.Combine(Location, name));
        var root = Location.EndsWith(Path.DirectorySeparatorChar) ? Location : Location + Path.DirectorySeparatorChar;
        return full.StartsWith(root, StringComparison.Ordinal) || full == Location
            ? full
            : throw new SuspiciousFileOperation($"The joined path ({full}) is located outside of the base path component ({Location})");
    }

    /// <summary>Whether a file of that name is stored.</summary>
    public bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>The URL of a stored name (Django's <c>url</c>).</summary>
    public string Url(string name) => BaseUrl + string.Join('/', name.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    /// <summary>The file of that name as a <see cref="StoredFile"/>: the initial value of a file field that shows it.</summary>
    public StoredFile Stored(string name) => new(name, Url(name));

    /// <summary>
    /// Stores <paramref name="content"/> under a safe, free version of <paramref name="name"/> and returns the name
    /// used (Django's <c>save</c>); the name's folders are made.
    /// </summary>
    public string Save(string name, Stream content, int? maxLength = null) =>
        Async.SyncMode.Result(Write(name, content, maxLength, false, default), "A file storage");

    /// <summary>The async form of <see cref="Save"/>.</summary>
    public ValueTask<string> SaveAsync(string name, Stream content, int? maxLength = null, CancellationToken cancellationToken = default) =>
        Write(name, content, maxLength, true, cancellationToken);

    /// <summary>Stores an uploaded file under its (safe) name.</summary>
    public ValueTask<string> SaveAsync(Http.UploadedFile file, string? name = null, int? maxLength = null, CancellationToken cancellationToken = default) =>
        Write(name ?? GetValidName(file.Name), file.OpenRead(), maxLength, true, cancellationToken, disposeContent: true);

    private async ValueTask<string> Write(string name, Stream content, int? maxLength, bool async, CancellationToken cancellationToken, bool disposeContent = false)
    {
        try
        {
            name = GetAvailableName(name, maxLength);
            while (true)
            {
                var path = PathOf(name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                FileStream target;
                try
                {
                    // created here or not at all: another upload of the same name takes another name
                    target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, async);
                }
                catch (IOException) when (File.Exists(path))
                {
                    name = GetAvailableName(name, maxLength);
                    continue;
                }
                if (async)
                {
                    await using (target.ConfigureAwait(false)) await content.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // a sync stream's async disposal would go through the thread pool: sync mode disposes synchronously
                    using (target) content.CopyTo(target);
                }
                return ValidateFileName(name.Replace('\\', '/'), allowRelativePath: true);
            }
        }
        finally
        {
            if (disposeContent)
            {
                if (async) await content.DisposeAsync().ConfigureAwait(false);
                else content.Dispose();
            }
        }
    }

    /// <summary>Removes a stored file (nothing when it is not there).</summary>
    public void Delete(string name) => File.Delete(PathOf(name));

    private static string Join(string directory, string file) => directory.Length == 0 ? file : directory + "/" + file;

    private static string RandomString(int length)
    {
        const string chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return RandomNumberGenerator.GetString(chars, length);
    }
}

/// <summary>A file name that would reach outside its folder, or from which no name can be made (Django's <c>SuspiciousFileOperation</c>).</summary>
public sealed class SuspiciousFileOperation(string message) : SuspiciousOperation(message);

/// <summary>
/// A file kept in a storage, by its name there and its URL (what Django's <c>FieldFile</c> gives a form): the initial
/// value of a file field, which its <see cref="Forms.ClearableFileInput"/> links to. Its text is its name.
/// </summary>
/// <param name="Name">The name in the storage.</param>
/// <param name="Url">The URL it is served at.</param>
public sealed record StoredFile(string Name, string Url)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
