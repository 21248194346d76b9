using System.Security.Cryptography;
using System.Text;

namespace Nuages.Contrib.Auth;

/// <summary>
/// A way of storing passwords (django/contrib/auth/hashers.py's <c>BasePasswordHasher</c>): a hash stored as
/// <c>algorithm$…</c>, Django's strings exactly, so a database Django wrote logs its users in here and the other way
/// round. List them in <c>Settings.PasswordHashers</c>, preferred first.
/// </summary>
public abstract class PasswordHasher
{
    /// <summary>The characters of salts and random strings (Django's <c>RANDOM_STRING_CHARS</c>).</summary>
    internal const string RandomStringChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>The bits of randomness a salt carries (Django's <c>salt_entropy</c>).</summary>
    protected const int SaltEntropy = 128;

    /// <summary>The name before the first <c>$</c> of the hashes it makes.</summary>
    public abstract string Algorithm { get; }

    /// <summary>A new salt: 22 random letters and digits (128 bits), as Django's <c>salt()</c>.</summary>
    public virtual string Salt() => RandomNumberGenerator.GetString(RandomStringChars, (int)Math.Ceiling(SaltEntropy / Math.Log2(RandomStringChars.Length)));

    /// <summary>The stored form of <paramref name="password"/> with <paramref name="salt"/>.</summary>
    public abstract string Encode(string password, string salt);

    /// <summary>Whether <paramref name="password"/> is the one <paramref name="encoded"/> stores (compared in constant time).</summary>
    public abstract bool Verify(string password, string encoded);

    /// <summary>Whether a hash made with other parameters (fewer iterations, a weak salt) should be made again (Django's <c>must_update</c>).</summary>
    public virtual bool MustUpdate(string encoded) => false;

    /// <summary>
    /// Spends the work a verification with the current parameters would have spent beyond <paramref name="encoded"/>'s
    /// (Django's <c>harden_runtime</c>), so that a wrong password on an old hash takes as long as on a new one.
    /// </summary>
    public virtual void HardenRuntime(string password, string encoded)
    {
    }

    /// <summary>The parts of <paramref name="encoded"/> by name (Django's <c>decode</c>): algorithm, salt, hash, and the parameters.</summary>
    public abstract IReadOnlyDictionary<string, object> Decode(string encoded);

    /// <summary>Django's <c>must_update_salt</c>: a salt too short for <see cref="SaltEntropy"/> bits.</summary>
    protected static bool MustUpdateSalt(string salt) => salt.Length * Math.Log2(RandomStringChars.Length) < SaltEntropy;

    /// <summary>Equality that takes as long whatever the strings share (Django's <c>constant_time_compare</c>).</summary>
    protected static bool ConstantTimeEquals(string a, string b) => Core.Signer.ConstantTimeCompare(a, b);
}

/// <summary>
/// Django's default hasher: PBKDF2 with SHA-256, <c>pbkdf2_sha256$1000000$salt$base64</c>. <see cref="Iterations"/>
/// is Django 5.2's (1,000,000; Django 6.0 uses 1,200,000): hashes with other counts verify and are remade on login.
/// </summary>
public class Pbkdf2PasswordHasher : PasswordHasher
{
    /// <inheritdoc/>
    public override string Algorithm => "pbkdf2_sha256";

    /// <summary>The iterations of new hashes (Django 5.2's).</summary>
    public virtual int Iterations => 1_000_000;

    /// <summary>The digest PBKDF2 uses.</summary>
    protected virtual HashAlgorithmName Digest => HashAlgorithmName.SHA256;

    /// <inheritdoc/>
    public override string Encode(string password, string salt) => Encode(password, salt, Iterations);

    /// <summary>The stored form with <paramref name="iterations"/>.</summary>
    public string Encode(string password, string salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (salt.Contains('$', StringComparison.Ordinal)) throw new ArgumentException("A salt may not contain '$'.", nameof(salt));
        var length = Digest == HashAlgorithmName.SHA1 ? 20 : 32;
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), iterations, Digest, length);
        return $"{Algorithm}${iterations}${salt}${Convert.ToBase64String(hash)}";
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Decode(string encoded)
    {
        var parts = encoded.Split('$', 4);
        if (parts.Length != 4 || parts[0] != Algorithm || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations))
            throw new FormatException($"'{Algorithm}' hashes are {Algorithm}$iterations$salt$hash.");
        return new Dictionary<string, object> { ["algorithm"] = parts[0], ["iterations"] = iterations, ["salt"] = parts[2], ["hash"] = parts[3] };
    }

    /// <inheritdoc/>
    public override bool Verify(string password, string encoded)
    {
        var decoded = Decode(encoded);
        return ConstantTimeEquals(encoded, Encode(password, (string)decoded["salt"], (int)decoded["iterations"]));
    }

    /// <inheritdoc/>
    public override bool MustUpdate(string encoded)
    {
        var decoded = Decode(encoded);
        return (int)decoded["iterations"] != Iterations || MustUpdateSalt((string)decoded["salt"]);
    }

    /// <inheritdoc/>
    public override void HardenRuntime(string password, string encoded)
    {
        var decoded = Decode(encoded);
        var extra = Iterations - (int)decoded["iterations"];
        if (extra > 0) Encode(password, (string)decoded["salt"], extra);
    }
}

/// <summary>Django's <c>PBKDF2SHA1PasswordHasher</c>: <c>pbkdf2_sha1$1000000$salt$base64</c>.</summary>
public class Pbkdf2Sha1PasswordHasher : Pbkdf2PasswordHasher
{
    /// <inheritdoc/>
    public override string Algorithm => "pbkdf2_sha1";

    /// <inheritdoc/>
    protected override HashAlgorithmName Digest => HashAlgorithmName.SHA1;
}

/// <summary>
/// Django's <c>Argon2PasswordHasher</c>: Argon2id, <c>argon2$argon2id$v=19$m=102400,t=2,p=8$salt$hash</c> (Django's
/// time, memory and parallelism; the salt and 16-byte hash in base64 without padding, as argon2-cffi writes them).
/// Hashes of argon2i and argon2d verify too. An empty password cannot be hashed with it (the Argon2 library used,
/// Konscious.Security.Cryptography, refuses one): such a hash Django made does not verify here.
/// </summary>
public class Argon2PasswordHasher : PasswordHasher
{
    /// <inheritdoc/>
    public override string Algorithm => "argon2";

    /// <summary>Passes over memory (Django's <c>time_cost</c>).</summary>
    public virtual int TimeCost => 2;

    /// <summary>KiB of memory (Django's <c>memory_cost</c>).</summary>
    public virtual int MemoryCost => 102_400;

    /// <summary>Lanes (Django's <c>parallelism</c>).</summary>
    public virtual int Parallelism => 8;

    private const int HashLength = 16;

    /// <inheritdoc/>
    public override string Encode(string password, string salt)
    {
        ArgumentNullException.ThrowIfNull(password);
        var saltBytes = Encoding.UTF8.GetBytes(salt);
        var hash = Derive("argon2id", Encoding.UTF8.GetBytes(password), saltBytes, MemoryCost, TimeCost, Parallelism, HashLength);
        return $"{Algorithm}$argon2id$v=19$m={MemoryCost},t={TimeCost},p={Parallelism}${B64(saltBytes)}${B64(hash)}";
    }

    private static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=');

    private static byte[] Unb64(string text) => Convert.FromBase64String(text + new string('=', (4 - text.Length % 4) % 4));

    private static byte[] Derive(string variety, byte[] password, byte[] salt, int memory, int time, int parallelism, int length)
    {
        // Konscious' Argon2, the implementation used here, refuses an empty password (argon2-cffi accepts one)
        if (password.Length == 0) throw new NotSupportedException("The argon2 hasher cannot hash an empty password here: list another hasher first for such passwords.");
        using Konscious.Security.Cryptography.Argon2 argon2 = variety switch
        {
            "argon2id" => new Konscious.Security.Cryptography.Argon2id(password),
            "argon2i" => new Konscious.Security.Cryptography.Argon2i(password),
            "argon2d" => new Konscious.Security.Cryptography.Argon2d(password),
            _ => throw new FormatException($"'{variety}' is not an Argon2 variety."),
        };
        argon2.Salt = salt;
        argon2.MemorySize = memory;
        argon2.Iterations = time;
        argon2.DegreeOfParallelism = parallelism;
        return argon2.GetBytes(length);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Decode(string encoded)
    {
        // argon2$argon2id$v=19$m=102400,t=2,p=8$salt$hash
        var parts = encoded.Split('$');
        if (parts.Length != 6 || parts[0] != Algorithm || !parts[2].StartsWith("v=", StringComparison.Ordinal))
            throw new FormatException("'argon2' hashes are argon2$variety$v=19$m=…,t=…,p=…$salt$hash.");
        try
        {
            var parameters = parts[3].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
            return new Dictionary<string, object>
            {
                ["algorithm"] = parts[0], ["variety"] = parts[1], ["version"] = int.Parse(parts[2][2..], System.Globalization.CultureInfo.InvariantCulture),
                ["memory_cost"] = parameters["m"], ["time_cost"] = parameters["t"], ["parallelism"] = parameters["p"],
                ["salt"] = Encoding.Latin1.GetString(Unb64(parts[4])), ["hash"] = parts[5],
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            throw new FormatException($"Malformed argon2 parameters: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override bool Verify(string password, string encoded)
    {
        IReadOnlyDictionary<string, object> decoded;
        try
        {
            decoded = Decode(encoded);
        }
        catch (FormatException)
        {
            return false;
        }
        if ((int)decoded["version"] != 19) return false; // argon2-cffi writes version 1.3 (0x13); older hashes are not made by Django
        if (password.Length == 0) return false; // see Derive: not verifiable with Konscious' Argon2
        var parts = encoded.Split('$');
        var expected = Unb64(parts[5]);
        var actual = Derive((string)decoded["variety"], Encoding.UTF8.GetBytes(password), Unb64(parts[4]),
            (int)decoded["memory_cost"], (int)decoded["time_cost"], (int)decoded["parallelism"], expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <inheritdoc/>
    public override bool MustUpdate(string encoded)
    {
        var decoded = Decode(encoded);
        return (string)decoded["variety"] != "argon2id" || (int)decoded["version"] != 19 || (int)decoded["memory_cost"] != MemoryCost
            || (int)decoded["time_cost"] != TimeCost || (int)decoded["parallelism"] != Parallelism
            || Unb64(encoded.Split('$')[5]).Length != HashLength || MustUpdateSalt((string)decoded["salt"]);
    }
}

/// <summary>
/// Django's <c>BCryptSHA256PasswordHasher</c>: bcrypt of the password's SHA-256 in hex (so long passwords are not cut
/// at 72 bytes), <c>bcrypt_sha256$$2b$12$salt+hash</c>, 12 rounds.
/// </summary>
public class BCryptSha256PasswordHasher : PasswordHasher
{
    /// <inheritdoc/>
    public override string Algorithm => "bcrypt_sha256";

    /// <summary>The log2 of bcrypt's rounds (Django's <c>rounds</c>).</summary>
    public virtual int Rounds => 12;

    /// <inheritdoc/>
    public override string Salt() => BCrypt.Net.BCrypt.GenerateSalt(Rounds, 'b');

    /// <inheritdoc/>
    public override string Encode(string password, string salt)
    {
        ArgumentNullException.ThrowIfNull(password);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
        return $"{Algorithm}${BCrypt.Net.BCrypt.HashPassword(digest, salt)}";
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Decode(string encoded)
    {
        // bcrypt_sha256$$2b$12$<22 salt><31 hash>
        var parts = encoded.Split('$', 5);
        if (parts.Length != 5 || parts[0] != Algorithm || parts[1].Length != 0 || parts[4].Length < 22)
            throw new FormatException("'bcrypt_sha256' hashes are bcrypt_sha256$$2b$rounds$salthash.");
        return new Dictionary<string, object>
        {
            ["algorithm"] = parts[0], ["algostr"] = parts[2], ["work_factor"] = int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture),
            ["salt"] = parts[4][..22], ["checksum"] = parts[4][22..],
        };
    }

    /// <inheritdoc/>
    public override bool Verify(string password, string encoded)
    {
        try
        {
            Decode(encoded);
            var data = encoded[(Algorithm.Length + 1)..];
            return ConstantTimeEquals(encoded, Encode(password, data[..29]));
        }
        catch (Exception e) when (e is FormatException or BCrypt.Net.SaltParseException or ArgumentException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public override bool MustUpdate(string encoded) => (int)Decode(encoded)["work_factor"] != Rounds;

    /// <inheritdoc/>
    public override void HardenRuntime(string password, string encoded)
    {
        var data = encoded[(Algorithm.Length + 1)..];
        var rounds = (int)Decode(encoded)["work_factor"];
        // the work factor is logarithmic: one more round doubles the work
        for (var extra = (1 << Math.Max(0, Rounds - rounds)) - 1; extra > 0; extra--) Encode(password, data[..29]);
    }
}

/// <summary>
/// Django's <c>MD5PasswordHasher</c>, <c>md5$salt$hex</c>: fast, hence for tests only (list it first in a test
/// site's <c>PasswordHashers</c> to make its users quickly), never for a site's users.
/// </summary>
public class Md5PasswordHasher : PasswordHasher
{
    /// <inheritdoc/>
    public override string Algorithm => "md5";

    /// <inheritdoc/>
    public override string Encode(string password, string salt)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (salt.Length == 0 || salt.Contains('$', StringComparison.Ordinal)) throw new ArgumentException("A salt is some characters without '$'.", nameof(salt));
#pragma warning disable CA5351 // Django's MD5 hasher, kept for tests and for hashes Django made with it
        return $"{Algorithm}${salt}${Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(salt + password)))}";
#pragma warning restore CA5351
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Decode(string encoded)
    {
        var parts = encoded.Split('$', 3);
        if (parts.Length != 3 || parts[0] != Algorithm) throw new FormatException("'md5' hashes are md5$salt$hash.");
        return new Dictionary<string, object> { ["algorithm"] = parts[0], ["salt"] = parts[1], ["hash"] = parts[2] };
    }

    /// <inheritdoc/>
    public override bool Verify(string password, string encoded) => ConstantTimeEquals(encoded, Encode(password, (string)Decode(encoded)["salt"]));

    /// <inheritdoc/>
    public override bool MustUpdate(string encoded) => MustUpdateSalt((string)Decode(encoded)["salt"]);
}
