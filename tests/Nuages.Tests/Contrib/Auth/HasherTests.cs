using System.Text.Json.Nodes;
using Nuages.Contrib.Auth;
using Nuages.Tests.Support;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>
/// Password hashes as django/contrib/auth/hashers.py makes and checks them: Django's hashes verify here, Nuages' verify
/// in Django (Vectors/django_hashers.py, nuages_hashes.fsx), outdated ones are remade, unusable ones match nothing.
/// </summary>
public class HasherTests
{
    private static readonly JsonNode Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Contrib", "Vectors", "django_hashers.json")))!;

    private static IDisposable Site() => TestSite.Create(s => s.PasswordHashers.Add("django.contrib.auth.hashers.MD5PasswordHasher")).Enter();

    [Fact]
    public void Hashes_made_by_Django_verify_and_the_same_salt_gives_the_same_string()
    {
        using var site = Site();
        var count = 0;
        foreach (var vector in Django["vectors"]!.AsArray())
        {
            var password = (string)vector!["password"]!;
            var encoded = (string)vector["encoded"]!;
            if (password.Length == 0 && encoded.StartsWith("argon2$", StringComparison.Ordinal))
            {
                // the one known gap: Konscious' Argon2 refuses an empty password, so this hash is not verified here
                Assert.False(Passwords.CheckPassword(password, encoded));
                Assert.Throws<NotSupportedException>(() => Passwords.MakePassword("", hasher: "argon2"));
                count++;
                continue;
            }
            Assert.True(Passwords.CheckPassword(password, encoded), encoded);
            Assert.False(Passwords.CheckPassword(password + "!", encoded), encoded);
            var hasher = Passwords.IdentifyHasher(encoded);
            var decoded = hasher.Decode(encoded);
            // the deterministic ones: Nuages writes Django's string from the same salt and parameters
            var again = hasher switch
            {
                Pbkdf2PasswordHasher pbkdf2 => pbkdf2.Encode(password, (string)decoded["salt"], (int)decoded["iterations"]),
                Md5PasswordHasher or Argon2PasswordHasher => hasher.Encode(password, (string)decoded["salt"]),
                _ => null,
            };
            if (again is not null) Assert.Equal(encoded, again);
            count++;
        }
        Assert.Equal(29, count);
    }

    [Fact]
    public void Hashes_made_by_Nuages_are_accepted_by_Django()
    {
        using var site = Site();
        var checkedByDjango = Django["nuages_checked_by_django"]!.AsArray();
        var made = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Contrib", "Vectors", "nuages_hashes.json")))!.AsArray();
        Assert.Equal(made.Count, checkedByDjango.Count);
        Assert.Equal(14, made.Count);
        foreach (var answer in checkedByDjango)
        {
            var encoded = (string)answer!["encoded"]!;
            var usable = Passwords.IsPasswordUsable(encoded);
            Assert.Equal(usable, (bool)answer["django_accepts"]!);
            Assert.False((bool)answer["django_accepts_wrong"]!);
            Assert.Equal(usable, Passwords.CheckPassword((string)answer["password"]!, encoded));
        }
        // what nuages_hashes.fsx made is what Nuages makes: 1,000,000 iterations of PBKDF2-SHA256 and a 22-character salt
        var fresh = Passwords.MakePassword("letmein");
        Assert.Matches(@"^pbkdf2_sha256\$1000000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$", fresh);
        Assert.Contains(checkedByDjango, a => ((string)a!["encoded"]!).StartsWith("argon2$argon2id$v=19$m=102400,t=2,p=8$", StringComparison.Ordinal));
        Assert.Contains(checkedByDjango, a => ((string)a!["encoded"]!).StartsWith("bcrypt_sha256$$2b$12$", StringComparison.Ordinal));
    }

    [Fact]
    public void Unusable_passwords_and_gibberish_match_nothing()
    {
        using var site = Site();
        var unusable = Passwords.MakePassword(null);
        Assert.Equal((string)Django["unusable"]!["prefix"]!, unusable[..1]);
        Assert.Equal((int)Django["unusable"]!["length"]!, unusable.Length);
        Assert.False(Passwords.IsPasswordUsable(unusable));
        Assert.NotEqual(unusable, Passwords.MakePassword(null));
        foreach (var stored in new[] { unusable, "", "nonsense", "pbkdf2_sha256$abc$salt$hash", "unknown$1$2$3", "argon2$argon2id$v=19$m=8$x$y", "bcrypt_sha256$$2b$" })
        {
            Assert.False(Passwords.CheckPassword("", stored), stored);
            Assert.False(Passwords.CheckPassword("letmein", stored), stored);
        }
        Assert.False(Passwords.CheckPassword(null, Passwords.MakePassword("x", hasher: "md5")));
        Assert.Equal("Unknown password hashing algorithm 'sha3'. Did you specify it in the PasswordHashers setting?",
            Assert.Throws<ArgumentException>(() => Passwords.GetHasher("sha3")).Message.Split(" (Parameter")[0]);
    }

    [Fact]
    public async Task An_outdated_hash_is_remade_with_the_preferred_hasher_when_the_password_is_right()
    {
        using var site = Site();
        var old = new Pbkdf2PasswordHasher().Encode("letmein", "seasalt12345678901234", 1000);
        Assert.True(Passwords.GetHasher().MustUpdate(old)); // fewer iterations than 1,000,000
        string? remade = null;
        Assert.False(Passwords.CheckPassword("wrong", old, p => remade = Passwords.MakePassword(p)));
        Assert.Null(remade);
        Assert.True(Passwords.CheckPassword("letmein", old, p => remade = Passwords.MakePassword(p)));
        Assert.StartsWith("pbkdf2_sha256$1000000$", remade);
        Assert.True(Passwords.CheckPassword("letmein", remade!, _ => throw new InvalidOperationException("a current hash is not remade")));

        // another hasher's hash (argon2, md5) is remade with the preferred one; so is a short salt
        var md5 = Passwords.MakePassword("letmein", hasher: "md5");
        var updated = false;
        Assert.True(await Passwords.CheckPasswordAsync("letmein", md5, _ => { updated = true; return Task.CompletedTask; }));
        Assert.True(updated);
        Assert.Equal((true, true), Passwords.VerifyPassword("letmein", new Pbkdf2PasswordHasher().Encode("letmein", "short", 1_000_000)));
        Assert.Equal((true, false), Passwords.VerifyPassword("letmein", Passwords.MakePassword("letmein")));
        Assert.Equal((true, false), Passwords.VerifyPassword("letmein", md5, preferred: "md5"));
    }
}
