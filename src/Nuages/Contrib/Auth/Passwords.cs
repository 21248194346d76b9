using System.Collections.Concurrent;
using System.Security.Cryptography;
using Nuages.Conf;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Making and checking stored passwords with the site's <c>PasswordHashers</c> (django/contrib/auth/hashers.py):
/// <c>Passwords.MakePassword("s3cret")</c> → <c>pbkdf2_sha256$1000000$…</c>; <c>Passwords.CheckPassword("s3cret", stored)</c>.
/// </summary>
public static class Passwords
{
    /// <summary>What begins a password no one can log in with (Django's <c>UNUSABLE_PASSWORD_PREFIX</c>).</summary>
    public const string UnusablePasswordPrefix = "!";

    private const int UnusablePasswordSuffixLength = 40;

    // Django's dotted names for Nuages' hashers, so a settings file written for Django reads the same
    private static readonly Dictionary<string, string> DjangoNames = new(StringComparer.Ordinal)
    {
        ["django.contrib.auth.hashers.PBKDF2PasswordHasher"] = typeof(Pbkdf2PasswordHasher).FullName!,
        ["django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher"] = typeof(Pbkdf2Sha1PasswordHasher).FullName!,
        ["django.contrib.auth.hashers.Argon2PasswordHasher"] = typeof(Argon2PasswordHasher).FullName!,
        ["django.contrib.auth.hashers.BCryptSHA256PasswordHasher"] = typeof(BCryptSha256PasswordHasher).FullName!,
        ["django.contrib.auth.hashers.MD5PasswordHasher"] = typeof(Md5PasswordHasher).FullName!,
    };

    private static readonly ConcurrentDictionary<string, PasswordHasher[]> ByList = new(StringComparer.Ordinal);

    /// <summary>The site's hashers, preferred first (Django's <c>get_hashers</c>).</summary>
    public static IReadOnlyList<PasswordHasher> Hashers()
    {
        var names = Site.TryCurrent?.Settings.PasswordHashers ?? new Settings().PasswordHashers;
        return ByList.GetOrAdd(string.Join('\n', names), static (_, names) => [.. names.Select(Load)], names);
    }

    private static PasswordHasher Load(string name)
    {
        var type = TypeNames.Resolve(DjangoNames.GetValueOrDefault(name, name))
            ?? throw new Core.ImproperlyConfigured($"PasswordHashers names '{name}', which is not a type this program has.");
        if (!typeof(PasswordHasher).IsAssignableFrom(type) || Activator.CreateInstance(type) is not PasswordHasher hasher)
            throw new Core.ImproperlyConfigured($"PasswordHashers names '{name}', which is not a PasswordHasher with a constructor without arguments.");
        return hasher;
    }

    /// <summary>
    /// The hasher of <paramref name="algorithm"/> among the site's, or the preferred one for <c>"default"</c> (Django's
    /// <c>get_hasher</c>).
    /// </summary>
    public static PasswordHasher GetHasher(string algorithm = "default")
    {
        var hashers = Hashers();
        if (algorithm == "default") return hashers[0];
        foreach (var hasher in hashers)
            if (hasher.Algorithm == algorithm) return hasher;
        throw new ArgumentException($"Unknown password hashing algorithm '{algorithm}'. Did you specify it in the PasswordHashers setting?", nameof(algorithm));
    }

    /// <summary>The hasher that made <paramref name="encoded"/>, by its prefix (Django's <c>identify_hasher</c>).</summary>
    public static PasswordHasher IdentifyHasher(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var end = encoded.IndexOf('$', StringComparison.Ordinal);
        if (end <= 0) throw new ArgumentException("The stored password is not one a hasher made.", nameof(encoded));
        return GetHasher(encoded[..end]);
    }

    /// <summary>Whether <paramref name="encoded"/> is a password one may log in with (not made by <c>MakePassword(null)</c>).</summary>
    public static bool IsPasswordUsable(string? encoded) => encoded is null || !encoded.StartsWith(UnusablePasswordPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The stored form of <paramref name="password"/> (Django's <c>make_password</c>); a null password gives an unusable
    /// one (<c>!</c> and 40 random characters), which no password matches.
    /// </summary>
    public static string MakePassword(string? password, string? salt = null, string hasher = "default")
    {
        if (password is null) return UnusablePasswordPrefix + RandomNumberGenerator.GetString(PasswordHasher.RandomStringChars, UnusablePasswordSuffixLength);
        var chosen = GetHasher(hasher);
        return chosen.Encode(password, salt ?? chosen.Salt());
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="encoded"/>, and whether the hash should be remade with
    /// the preferred hasher (Django's <c>verify_password</c>): a wrong password on an outdated hash costs the work of the
    /// current parameters too, so that timing tells nothing.
    /// </summary>
    public static (bool IsCorrect, bool MustUpdate) VerifyPassword(string? password, string? encoded, string preferred = "default")
    {
        if (password is null || encoded is null || !IsPasswordUsable(encoded)) return (false, false);
        var preferredHasher = GetHasher(preferred);
        PasswordHasher hasher;
        try
        {
            hasher = IdentifyHasher(encoded);
        }
        catch (ArgumentException)
        {
            return (false, false); // gibberish, or a hasher no longer listed
        }
        var changed = hasher.Algorithm != preferredHasher.Algorithm;
        bool mustUpdate, correct;
        try
        {
            mustUpdate = changed || preferredHasher.MustUpdate(encoded);
            correct = hasher.Verify(password, encoded);
        }
        catch (FormatException)
        {
            return (false, false); // a known prefix on a malformed hash
        }
        if (!correct && !changed && mustUpdate) hasher.HardenRuntime(password, encoded);
        return (correct, mustUpdate);
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="encoded"/> (Django's <c>check_password</c>); when it
    /// does and the hash is outdated, <paramref name="setter"/> is given the password to store it anew.
    /// </summary>
    public static bool CheckPassword(string? password, string? encoded, Action<string>? setter = null, string preferred = "default")
    {
        var (correct, mustUpdate) = VerifyPassword(password, encoded, preferred);
        if (setter is not null && correct && mustUpdate) setter(password!);
        return correct;
    }

    /// <summary>
    /// <see cref="CheckPassword"/> with an async setter (Django's <c>acheck_password</c>): the hashing is CPU work, done
    /// on the calling thread; the setter saves with async I/O.
    /// </summary>
    public static async Task<bool> CheckPasswordAsync(string? password, string? encoded, Func<string, Task>? setter = null, string preferred = "default")
    {
        var (correct, mustUpdate) = VerifyPassword(password, encoded, preferred);
        if (setter is not null && correct && mustUpdate) await setter(password!).ConfigureAwait(false);
        return correct;
    }
}
