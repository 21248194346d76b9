using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nuages.Conf;

namespace Nuages.Core;

/// <summary>A signed value failed its check: tampered with, signed with another key or salt, or malformed (Django's <c>signing.BadSignature</c>).</summary>
public class BadSignature(string message) : Exception(message);

/// <summary>A timestamped signature is older than the age allowed (Django's <c>signing.SignatureExpired</c>).</summary>
public sealed class SignatureExpired(string message) : BadSignature(message);

/// <summary>
/// How <see cref="Signer.SignObject"/> turns an object into bytes and back (Django's signing serializers): the default,
/// <see cref="JsonSigningSerializer"/>, writes JSON as Python's <c>json.dumps(obj, separators=(",", ":"))</c> does.
/// </summary>
public interface ISigningSerializer
{
    /// <summary>The object as bytes.</summary>
    byte[] Dumps(object? value);

    /// <summary>The bytes as a JSON tree.</summary>
    JsonNode? Loads(byte[] data);
}

/// <summary>
/// Django's <c>JSONSerializer</c>: compact JSON with every non-ASCII character escaped, so the bytes (and so the
/// signatures) equal those Django makes for the same value.
/// </summary>
public sealed class JsonSigningSerializer : ISigningSerializer
{
    /// <summary>The one instance.</summary>
    public static readonly JsonSigningSerializer Instance = new();

    /// <summary>Python's separators, its ASCII escaping; options a caller may reuse to write the same JSON.</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = PythonJsonEncoder.Instance };

    /// <inheritdoc/>
    public byte[] Dumps(object? value) => JsonSerializer.SerializeToUtf8Bytes(value, value?.GetType() ?? typeof(object), Options);

    /// <inheritdoc/>
    public JsonNode? Loads(byte[] data)
    {
        try
        {
            // Django decodes as latin-1: its JSON is ASCII, so UTF-8 reads the same
            return JsonNode.Parse(data);
        }
        catch (JsonException e)
        {
            throw new BadSignature($"The signed value is not JSON: {e.Message}");
        }
    }
}

/// <summary>
/// Django's <c>django.core.signing.Signer</c>: appends to a value an HMAC of it (SHA-256 by default) keyed by the
/// secret key and a salt, as <c>value:signature</c> in URL-safe base64 — byte for byte what Django makes for the same
/// key, salt and value, so either side reads the other's. <see cref="Unsign"/> also accepts a signature made with one
/// of the fallback keys (Django's <c>SECRET_KEY_FALLBACKS</c>), for key rotation.
/// </summary>
public class Signer
{
    private static readonly Regex UnsafeSeparator = new("^[A-z0-9-_=]*$", RegexOptions.CultureInvariant);

    private readonly byte[] _key;
    private readonly byte[][] _fallbackKeys;

    /// <summary>
    /// A signer with <paramref name="key"/> (the site's <c>SecretKey</c> when null), <paramref name="salt"/> (Django's
    /// default is the class's dotted name, <c>django.core.signing.Signer</c>), and <paramref name="fallbackKeys"/> (the
    /// site's <c>SecretKeyFallbacks</c> when null).
    /// </summary>
    public Signer(string? key = null, string sep = ":", string? salt = null, string algorithm = "sha256", IEnumerable<string>? fallbackKeys = null)
        : this(key is null ? null : Encoding.UTF8.GetBytes(key), sep, salt, algorithm, fallbackKeys?.Select(Encoding.UTF8.GetBytes))
    {
    }

    /// <summary>A signer keyed by bytes (Django's cookie signer prefixes its key with <c>django.http.cookies</c>).</summary>
    public Signer(byte[]? key, string sep = ":", string? salt = null, string algorithm = "sha256", IEnumerable<byte[]>? fallbackKeys = null)
    {
        if (UnsafeSeparator.IsMatch(sep))
            throw new ArgumentException($"Unsafe Signer separator: '{sep}' (cannot be empty or consist of only A-z0-9-_=)", nameof(sep));
        Separator = sep;
        Salt = salt ?? DefaultSalt;
        Algorithm = algorithm;
        _ = Hash(algorithm, [], []); // an unknown algorithm fails here, not on first use
        // as Django: the settings' keys unless given (the fallbacks even with a key given, when a site exists)
        var site = key is null ? Site.Current : fallbackKeys is null ? Site.TryCurrent : null;
        _key = key ?? SecretKey(site!.Settings);
        _fallbackKeys = [.. fallbackKeys ?? site?.Settings.SecretKeyFallbacks.Select(Encoding.UTF8.GetBytes) ?? []];
    }

    /// <summary>The salt Django gives a signer when none is passed: its class's dotted name.</summary>
    protected virtual string DefaultSalt => "django.core.signing.Signer";

    /// <summary>What separates the value from its signature.</summary>
    public string Separator { get; }

    /// <summary>The salt: signatures of one purpose never pass for another's.</summary>
    public string Salt { get; }

    /// <summary>The hash of the HMAC: <c>sha256</c> (Django's default since 3.1), <c>sha1</c>, <c>sha384</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    internal static byte[] SecretKey(Settings settings) =>
        string.IsNullOrEmpty(settings.SecretKey)
            ? throw new ImproperlyConfigured("The SecretKey setting must not be empty: signing needs it.")
            : Encoding.UTF8.GetBytes(settings.SecretKey);

    /// <summary>The signature of <paramref name="value"/> (URL-safe base64, no padding), with this signer's key.</summary>
    public string Signature(string value) => Signature(value, _key);

    private string Signature(string value, byte[] key) =>
        Base64UrlEncode(SaltedHmac(Salt + "signer", Encoding.UTF8.GetBytes(value), key, Algorithm));

    /// <summary><paramref name="value"/>, the separator and its signature.</summary>
    public virtual string Sign(string value) => value + Separator + Signature(value);

    /// <summary>The value of <paramref name="signedValue"/> once its signature is checked; <see cref="BadSignature"/> otherwise.</summary>
    public virtual string Unsign(string signedValue)
    {
        var cut = signedValue.LastIndexOf(Separator, StringComparison.Ordinal);
        if (cut < 0) throw new BadSignature($"No \"{Separator}\" found in value");
        var (value, signature) = (signedValue[..cut], signedValue[(cut + Separator.Length)..]);
        var given = Encoding.UTF8.GetBytes(signature);
        if (CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(Signature(value, _key)))) return value;
        foreach (var key in _fallbackKeys)
            if (CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(Signature(value, key)))) return value;
        throw new BadSignature($"Signature \"{signature}\" does not match");
    }

    /// <summary>
    /// <paramref name="value"/> serialized (JSON by default), in URL-safe base64 — zlib-compressed, marked by a leading
    /// dot, when <paramref name="compress"/> and that saves space — and signed (Django's <c>sign_object</c>).
    /// </summary>
    public string SignObject(object? value, bool compress = false, ISigningSerializer? serializer = null)
    {
        var data = (serializer ?? JsonSigningSerializer.Instance).Dumps(value);
        var compressed = false;
        if (compress)
        {
            var smaller = Zlib.Compress(data);
            if (smaller.Length < data.Length - 1)
            {
                data = smaller;
                compressed = true;
            }
        }
        var encoded = Base64UrlEncode(data);
        return Sign(compressed ? "." + encoded : encoded);
    }

    /// <summary>The object <see cref="SignObject"/> signed, as a JSON tree; <see cref="BadSignature"/> when the signature or the data is bad.</summary>
    public JsonNode? UnsignObject(string signedValue, ISigningSerializer? serializer = null) =>
        (serializer ?? JsonSigningSerializer.Instance).Loads(Decode(Unsign(signedValue)));

    /// <summary>The object <see cref="SignObject"/> signed, as a <typeparamref name="T"/>.</summary>
    public T? UnsignObject<T>(string signedValue) => Read<T>(UnsignObject(signedValue));

    /// <summary>The data of a checked value: base64, inflated when it starts with a dot.</summary>
    private protected static byte[] Decode(string value)
    {
        var compressed = value.StartsWith('.');
        byte[] data;
        try
        {
            data = Base64UrlDecode(compressed ? value[1..] : value);
            return compressed ? Zlib.Decompress(data) : data;
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            throw new BadSignature($"The signed value is not valid data: {e.Message}");
        }
    }

    private protected static T? Read<T>(JsonNode? node)
    {
        try
        {
            return node.Deserialize<T>(JsonSigningSerializer.Options);
        }
        catch (JsonException e)
        {
            throw new BadSignature($"The signed value is not a {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>Django's <c>salted_hmac</c>: HMAC of <paramref name="value"/> keyed by hash(salt + secret).</summary>
    internal static byte[] SaltedHmac(string salt, byte[] value, byte[] secret, string algorithm = "sha1")
    {
        var saltBytes = Encoding.UTF8.GetBytes(salt);
        var key = Hash(algorithm, [.. saltBytes, .. secret], null);
        return Hash(algorithm, value, key);
    }

    /// <summary>The digest of <paramref name="data"/>, or its HMAC when <paramref name="hmacKey"/> is given.</summary>
    private static byte[] Hash(string algorithm, byte[] data, byte[]? hmacKey) => algorithm switch
    {
        "sha256" => hmacKey is null ? SHA256.HashData(data) : HMACSHA256.HashData(hmacKey, data),
#pragma warning disable CA5350 // SHA-1 only when asked for by name: Django's signatures before 3.1, and its salted_hmac default, use it
        "sha1" => hmacKey is null ? SHA1.HashData(data) : HMACSHA1.HashData(hmacKey, data),
#pragma warning restore CA5350
        "sha384" => hmacKey is null ? SHA384.HashData(data) : HMACSHA384.HashData(hmacKey, data),
        "sha512" => hmacKey is null ? SHA512.HashData(data) : HMACSHA512.HashData(hmacKey, data),
        _ => throw new ArgumentException($"'{algorithm}' is not a supported hash algorithm: use sha256, sha1, sha384 or sha512.", nameof(algorithm)),
    };

    /// <summary>URL-safe base64 without padding (Django's <c>b64_encode</c>).</summary>
    public static string Base64UrlEncode(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Django's <c>constant_time_compare</c>: equality of two strings (as UTF-8) in time that tells nothing of where they differ.</summary>
    public static bool ConstantTimeCompare(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Django's <c>b64_decode</c>: URL-safe base64, padding optional.</summary>
    public static byte[] Base64UrlDecode(string value)
    {
        var padded = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }
}

/// <summary>
/// Django's <c>TimestampSigner</c>: signs the value with the time it was signed (seconds in base 62), so
/// <see cref="Unsign(string, TimeSpan?)"/> can refuse a signature older than a maximum age.
/// </summary>
public class TimestampSigner : Signer
{
    /// <inheritdoc cref="Signer(string?, string, string?, string, IEnumerable{string}?)"/>
    public TimestampSigner(string? key = null, string sep = ":", string? salt = null, string algorithm = "sha256", IEnumerable<string>? fallbackKeys = null, TimeProvider? time = null)
        : base(key, sep, salt, algorithm, fallbackKeys) => Time = time ?? TimeProvider.System;

    /// <inheritdoc cref="Signer(byte[], string, string?, string, IEnumerable{byte[]}?)"/>
    public TimestampSigner(byte[]? key, string sep = ":", string? salt = null, string algorithm = "sha256", IEnumerable<byte[]>? fallbackKeys = null, TimeProvider? time = null)
        : base(key, sep, salt, algorithm, fallbackKeys) => Time = time ?? TimeProvider.System;

    /// <inheritdoc/>
    protected override string DefaultSalt => "django.core.signing.TimestampSigner";

    /// <summary>The clock the timestamps are read from.</summary>
    public TimeProvider Time { get; }

    /// <summary>The current time as Django writes it: whole seconds since the epoch, in base 62.</summary>
    public string Timestamp() => Base62.Encode(Time.GetUtcNow().ToUnixTimeSeconds());

    /// <inheritdoc/>
    public override string Sign(string value) => base.Sign(value + Separator + Timestamp());

    /// <inheritdoc/>
    public override string Unsign(string signedValue) => Unsign(signedValue, null);

    /// <summary>The value once its signature is checked and, when <paramref name="maxAge"/> is given, its age too (<see cref="SignatureExpired"/>).</summary>
    public string Unsign(string signedValue, TimeSpan? maxAge)
    {
        var result = base.Unsign(signedValue);
        var cut = result.LastIndexOf(Separator, StringComparison.Ordinal);
        if (cut < 0) throw new BadSignature($"No \"{Separator}\" found in value");
        long timestamp;
        try
        {
            timestamp = Base62.Decode(result[(cut + Separator.Length)..]);
        }
        catch (FormatException e)
        {
            throw new BadSignature(e.Message);
        }
        if (maxAge is { } max)
        {
            var age = (Time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(timestamp)).TotalSeconds;
            if (age > max.TotalSeconds)
                throw new SignatureExpired(string.Create(CultureInfo.InvariantCulture, $"Signature age {age} > {max.TotalSeconds} seconds"));
        }
        return result[..cut];
    }

    /// <summary>The object signed, checked for age as <see cref="Unsign(string, TimeSpan?)"/>.</summary>
    public JsonNode? UnsignObject(string signedValue, TimeSpan? maxAge, ISigningSerializer? serializer = null) =>
        (serializer ?? JsonSigningSerializer.Instance).Loads(Decode(Unsign(signedValue, maxAge)));
}

/// <summary>
/// Django's <c>django.core.signing</c> functions: <see cref="Dumps"/> and <see cref="Loads"/> sign a JSON value with a
/// timestamp under the salt <c>django.core.signing</c>; <see cref="GetCookieSigner"/> is the signer of signed cookies.
/// </summary>
public static class Signing
{
    /// <summary>The default salt of <see cref="Dumps"/> and <see cref="Loads"/>.</summary>
    public const string DefaultSalt = "django.core.signing";

    /// <summary>
    /// A URL-safe signed string of <paramref name="value"/> as JSON (Django's <c>signing.dumps</c>): readable by anyone,
    /// but not changeable without the key. <paramref name="compress"/> deflates it when that is shorter.
    /// </summary>
    public static string Dumps(object? value, string? key = null, string salt = DefaultSalt, bool compress = false, ISigningSerializer? serializer = null) =>
        new TimestampSigner(key, salt: salt).SignObject(value, compress, serializer);

    /// <summary>The value of a string <see cref="Dumps"/> made; <see cref="BadSignature"/> or <see cref="SignatureExpired"/> otherwise.</summary>
    public static JsonNode? Loads(string signedValue, string? key = null, string salt = DefaultSalt, TimeSpan? maxAge = null, IEnumerable<string>? fallbackKeys = null, ISigningSerializer? serializer = null) =>
        new TimestampSigner(key, salt: salt, fallbackKeys: fallbackKeys).UnsignObject(signedValue, maxAge, serializer);

    /// <summary>The value of a string <see cref="Dumps"/> made, as a <typeparamref name="T"/>.</summary>
    public static T? Loads<T>(string signedValue, string? key = null, string salt = DefaultSalt, TimeSpan? maxAge = null, IEnumerable<string>? fallbackKeys = null)
    {
        var node = Loads(signedValue, key, salt, maxAge, fallbackKeys);
        try
        {
            return node.Deserialize<T>(JsonSigningSerializer.Options);
        }
        catch (JsonException e)
        {
            throw new BadSignature($"The signed value is not a {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>
    /// The signer of signed cookies (Django's <c>get_cookie_signer</c>): a <see cref="TimestampSigner"/> keyed by
    /// <c>django.http.cookies</c> + the secret key (and the fallback keys likewise).
    /// </summary>
    public static TimestampSigner GetCookieSigner(string salt = "django.core.signing.get_cookie_signer", TimeProvider? time = null)
    {
        var settings = Site.Current.Settings;
        return new TimestampSigner(CookieKey(Signer.SecretKey(settings)), salt: salt,
            fallbackKeys: settings.SecretKeyFallbacks.Select(k => CookieKey(Encoding.UTF8.GetBytes(k))), time: time);
    }

    private static byte[] CookieKey(byte[] secret) => [.. "django.http.cookies"u8, .. secret];
}

/// <summary>Django's base-62 integers (<c>0-9A-Za-z</c>), as signing timestamps are written.</summary>
internal static class Base62
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Encode(long value)
    {
        if (value == 0) return "0";
        var negative = value < 0;
        var rest = (ulong)Math.Abs(value);
        var digits = new StringBuilder();
        while (rest > 0)
        {
            digits.Insert(0, Alphabet[(int)(rest % 62)]);
            rest /= 62;
        }
        return negative ? "-" + digits : digits.ToString();
    }

    public static long Decode(string text)
    {
        if (text == "0") return 0;
        var sign = 1;
        if (text.StartsWith('-'))
        {
            text = text[1..];
            sign = -1;
        }
        if (text.Length is 0 or > 11) throw new FormatException($"'{text}' is not a base-62 timestamp.");
        long value = 0;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0) throw new FormatException($"'{text}' is not a base-62 timestamp.");
            value = value * 62 + digit;
        }
        return sign * value;
    }
}

/// <summary>
/// zlib streams (RFC 1950), as Python's <c>zlib.compress</c> writes and <c>zlib.decompress</c> reads them. Python deflates
/// with the system's zlib, so where the system has one (<c>libz.so.1</c> on Linux, <c>libz.dylib</c> on macOS) it is
/// used too — same library, same level, same bytes, so compressed signatures equal Django's; elsewhere .NET's
/// (zlib-ng, whose output differs but which any zlib reads).
/// </summary>
internal static unsafe class Zlib
{
    // compress2(dest, destLen, source, sourceLen, level), zlib's one-call deflate
    private static readonly delegate* unmanaged<byte*, nuint*, byte*, nuint, int, int> Compress2 = Load();

    private static delegate* unmanaged<byte*, nuint*, byte*, nuint, int, int> Load()
    {
        foreach (var name in (string[])["libz.so.1", "libz.dylib", "libz.so"])
            if (System.Runtime.InteropServices.NativeLibrary.TryLoad(name, out var library)
                && System.Runtime.InteropServices.NativeLibrary.TryGetExport(library, "compress2", out var export))
                return (delegate* unmanaged<byte*, nuint*, byte*, nuint, int, int>)export;
        return null;
    }

    public static byte[] Compress(byte[] data)
    {
        if (Compress2 != null)
        {
            // zlib's bound for one-call deflate: the data plus 0.1% plus 12 bytes, and some
            var output = new byte[data.Length + data.Length / 1000 + 64];
            nuint length = (nuint)output.Length;
            int status;
            fixed (byte* source = data)
            fixed (byte* destination = output)
                status = Compress2(destination, &length, source, (nuint)data.Length, -1); // Z_DEFAULT_COMPRESSION, as Python's zlib.compress
            if (status == 0) return output[..(int)length];
        }
        using var stream = new MemoryStream();
        using (var zlib = new ZLibStream(stream, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(data);
        return stream.ToArray();
    }

    /// <summary>Inflates, refusing more than <paramref name="limit"/> bytes (a small cookie cannot make a zip bomb).</summary>
    public static byte[] Decompress(byte[] data, int limit = 16 * 1024 * 1024)
    {
        using var input = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            if (output.Length + read > limit) throw new InvalidDataException($"The data inflates past {limit} bytes.");
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }
}
