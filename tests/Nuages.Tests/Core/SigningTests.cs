using System.Text.Json.Nodes;
using Nuages.Core;
using Nuages.Tests.Support;

namespace Nuages.Tests.Core;

/// <summary>A clock that says what it is told.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public static FixedTime At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// Django's signing (django/core/signing.py), compared byte for byte with values Django made: Vectors/django_signing.py.
/// </summary>
public class SigningTests
{
    internal static readonly JsonObject Django = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Core", "Vectors", "django_signing.json")))!.AsObject();

    internal static string Secret => (string)Django["secret"]!;

    internal static long Now => (long)Django["now"]!;

    private static IDisposable Site(params string[] fallbacks) => TestSite.Create(s =>
    {
        s.SecretKey = Secret;
        s.SecretKeyFallbacks = [.. fallbacks];
    }).Enter();

    [Fact]
    public void Signer_signs_as_Django_and_reads_what_Django_signed()
    {
        foreach (var vector in Django["signer"]!.AsArray())
        {
            var signer = new Signer((string)vector!["key"]!, sep: (string)vector["sep"]!, salt: (string?)vector["salt"], algorithm: (string)vector["algorithm"]!, fallbackKeys: []);
            var signed = (string)vector["signed"]!;
            Assert.Equal(signed, signer.Sign((string)vector["value"]!));
            Assert.Equal((string)vector["value"]!, signer.Unsign(signed));
        }
    }

    [Fact]
    public void Tampering_fails_with_Djangos_messages()
    {
        var signer = new Signer("key", fallbackKeys: []);
        var signed = signer.Sign("hello");
        Assert.Equal("No \":\" found in value", Assert.Throws<BadSignature>(() => signer.Unsign("hello")).Message);
        Assert.Equal($"Signature \"{signed[6..]}\" does not match", Assert.Throws<BadSignature>(() => signer.Unsign("jello" + signed[5..])).Message);
        Assert.Throws<BadSignature>(() => new Signer("key", salt: "other", fallbackKeys: []).Unsign(signed));
        Assert.Throws<BadSignature>(() => new Signer("other key", fallbackKeys: []).Unsign(signed));
        Assert.Equal("Unsafe Signer separator: 'a' (cannot be empty or consist of only A-z0-9-_=) (Parameter 'sep')",
            Assert.Throws<ArgumentException>(() => new Signer("key", sep: "a", fallbackKeys: [])).Message);
        Assert.Throws<ArgumentException>(() => new Signer("key", sep: "", fallbackKeys: []));
    }

    [Fact]
    public void Timestamp_signer_writes_Djangos_base62_time_and_checks_age()
    {
        foreach (var vector in Django["timestamp"]!.AsArray())
        {
            var time = FixedTime.At(Now);
            var signer = new TimestampSigner(Secret, salt: (string?)vector!["salt"], fallbackKeys: [], time: time);
            var signed = (string)vector["signed"]!;
            Assert.Equal(signed, signer.Sign((string)vector["value"]!));
            time.Now = time.Now.AddSeconds(100);
            Assert.Equal((string)vector["value"]!, signer.Unsign(signed, TimeSpan.FromSeconds(100)));
            time.Now = time.Now.AddSeconds(1);
            Assert.Equal("Signature age 101 > 100 seconds", Assert.Throws<SignatureExpired>(() => signer.Unsign(signed, TimeSpan.FromSeconds(100))).Message);
            Assert.Equal((string)vector["value"]!, signer.Unsign(signed)); // no max age: any age
        }
    }

    [Fact]
    public void Dumps_and_loads_match_Django_compressed_or_not()
    {
        using var site = Site();
        foreach (var vector in Django["dumps"]!.AsArray())
        {
            var value = vector!["value"]!.DeepClone();
            var salt = (string)vector["salt"]!;
            var signed = (string)vector["signed"]!;
            var mine = new TimestampSigner(salt: salt, time: FixedTime.At(Now)).SignObject(value, (bool)vector["compress"]!);
            Assert.Equal(signed, mine);
            Assert.True(JsonNode.DeepEquals(value, Signing.Loads(signed, salt: salt)));
        }
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1 }, Signing.Loads<Dictionary<string, int>>(Signing.Dumps(new { a = 1 })));
        Assert.Throws<BadSignature>(() => Signing.Loads(Signing.Dumps("x", salt: "one"), salt: "two"));
        Assert.Throws<SignatureExpired>(() => Signing.Loads(new TimestampSigner(salt: Signing.DefaultSalt, time: FixedTime.At(Now)).SignObject("x"), maxAge: TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Malformed_data_under_a_valid_signature_is_a_bad_signature_not_a_crash()
    {
        using var site = Site();
        var signer = new TimestampSigner(salt: Signing.DefaultSalt);
        foreach (var payload in new[] { "!!!", ".bm90IHpsaWI", "bm90IGpzb24" })
            Assert.Throws<BadSignature>(() => Signing.Loads(signer.Sign(payload)));
    }

    [Fact]
    public void Fallback_keys_rotate_the_secret_key()
    {
        string old;
        using (Site())
            old = Signing.Dumps("kept");
        using var rotated = TestSite.Create(s =>
        {
            s.SecretKey = "the new key";
            s.SecretKeyFallbacks = [Secret];
        }).Enter();
        Assert.Equal("kept", (string)Signing.Loads(old)!);
        Assert.NotEqual(old, Signing.Dumps("kept"));
        using var forgotten = TestSite.Create(s => s.SecretKey = "the new key").Enter();
        Assert.Throws<BadSignature>(() => Signing.Loads(old));
    }

    [Fact]
    public void Signed_cookies_are_Djangos()
    {
        using var site = Site();
        foreach (var vector in Django["cookies"]!.AsArray())
        {
            var name = (string)vector!["name"]!;
            var salt = (string)vector["salt"]!;
            var signed = (string)vector["signed"]!;
            var signer = Signing.GetCookieSigner(name + salt);
            Assert.Equal(signed, new TimestampSigner(CookieKey(), salt: name + salt, time: FixedTime.At(Now)).Sign((string)vector["value"]!));
            Assert.Equal((string)vector["value"]!, signer.Unsign(signed));
        }
    }

    private static byte[] CookieKey() => [.. "django.http.cookies"u8, .. System.Text.Encoding.UTF8.GetBytes(Secret)];
}
