using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Cache;

/// <summary>
/// Django's file-based cache (django/core/cache/backends/filebased.py): one file per entry in the <c>Location</c>
/// directory, named by the MD5 of its key with Django's <c>.djcache</c> suffix, holding its expiry then its value
/// deflated; written to a temporary file and renamed, so a reader never sees half an entry. When <c>MAX_ENTRIES</c>
/// files exist, a random one in <c>CULL_FREQUENCY</c> goes. Entries are Nuages' (Django's are pickles): the layout is
/// Django's, the contents are not shared with it.
/// </summary>
public sealed class FileBasedCache : BaseCache
{
    /// <summary>Django's suffix of entry files.</summary>
    public const string Suffix = ".djcache";

    private const long Never = long.MaxValue;

    private readonly string _directory;

    /// <summary>A file cache in the directory <c>Location</c> names (made on first write).</summary>
    public FileBasedCache(string alias, CacheSettings settings) : base(alias, settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Location))
            throw new ImproperlyConfigured($"The cache '{alias}' is file-based and needs a directory: set its Location (\"Caches\": {{ \"{alias}\": {{ \"Backend\": \"filebased\", \"Location\": \"/var/tmp/nuages_cache\" }} }}).");
        _directory = Path.GetFullPath(settings.Location);
    }

#pragma warning disable CA5351 // not security: Django names entry files by the MD5 of their key
    private string FileOf(string key) => Path.Combine(_directory, Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(key))) + Suffix);
#pragma warning restore CA5351

    private long Now => Time.GetUtcNow().ToUnixTimeMilliseconds();

    private byte[] Content(byte[] value, TimeSpan? timeout)
    {
        var expires = timeout is { } t ? Now + (long)t.TotalMilliseconds : Never;
        var deflated = Zlib.Compress(value);
        var content = new byte[8 + deflated.Length];
        BinaryPrimitives.WriteInt64LittleEndian(content, expires);
        deflated.CopyTo(content, 8);
        return content;
    }

    /// <summary>The value of a file's content; null (and the file removed) when expired or unreadable.</summary>
    private byte[]? Value(string file, byte[] content)
    {
        if (content.Length >= 8 && BinaryPrimitives.ReadInt64LittleEndian(content) is var expires && expires > Now)
        {
            try
            {
                return Zlib.Decompress(content[8..]);
            }
            catch (InvalidDataException)
            {
                // not an entry of ours: treated as expired, as Django treats an unreadable expiry
            }
        }
        TryDelete(file);
        return null;
    }

    private static async ValueTask<byte[]?> ReadFile(string file, bool async, CancellationToken cancellationToken)
    {
        try
        {
            return async ? await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false) : File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static bool TryDelete(string file)
    {
        try
        {
            if (!File.Exists(file)) return false;
            File.Delete(file);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<byte[]?> ReadAsync(string key, bool async, CancellationToken cancellationToken)
    {
        var file = FileOf(key);
        return await ReadFile(file, async, cancellationToken).ConfigureAwait(false) is { } content ? Value(file, content) : null;
    }

    /// <inheritdoc/>
    protected override async ValueTask<bool> WriteAsync(string key, byte[] value, TimeSpan? timeout, WriteMode mode, bool async, CancellationToken cancellationToken)
    {
        if (mode != WriteMode.Set)
        {
            var current = await ReadAsync(key, async, cancellationToken).ConfigureAwait(false);
            if (mode == WriteMode.Add && current is not null || mode == WriteMode.Touch && current is null) return false;
            if (mode == WriteMode.Touch) value = current!;
        }
        Directory.CreateDirectory(_directory);
        Cull();
        var temporary = Path.Combine(_directory, Path.GetRandomFileName() + ".tmp");
        try
        {
            var content = Content(value, timeout);
            if (async) await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            else File.WriteAllBytes(temporary, content);
            File.Move(temporary, FileOf(key), overwrite: true);
        }
        finally
        {
            TryDelete(temporary);
        }
        return true;
    }

    /// <inheritdoc/>
    protected override ValueTask<bool> RemoveAsync(string key, bool async, CancellationToken cancellationToken) => new(TryDelete(FileOf(key)));

    /// <inheritdoc/>
    protected override ValueTask ClearAllAsync(bool async, CancellationToken cancellationToken)
    {
        foreach (var file in Files()) TryDelete(file);
        return ValueTask.CompletedTask;
    }

    private string[] Files() => Directory.Exists(_directory) ? Directory.GetFiles(_directory, "*" + Suffix) : [];

    private void Cull()
    {
        var files = Files();
        if (files.Length < MaxEntries) return;
        if (CullFrequency == 0)
        {
            foreach (var file in files) TryDelete(file);
            return;
        }
        // a random sample of one in CULL_FREQUENCY, as Django's random.sample
        Random.Shared.Shuffle(files);
        foreach (var file in files.Take(files.Length / CullFrequency)) TryDelete(file);
    }
}
