using System.Text.Json.Nodes;
using Nuages.Contrib.Auth;
using Nuages.Tests.Support;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>Password reset tokens equal to Django's (Vectors/django_tokens.py), and when they stop working.</summary>
public class TokenTests
{
    private static readonly JsonNode Django = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Contrib", "Vectors", "django_tokens.json")))!;

    private sealed class Fixed(DateTime now) : PasswordResetTokenGenerator
    {
        public DateTime At { get; set; } = now;

        protected override DateTime Now() => At;
    }

    [Fact]
    public void Tokens_are_Djangos_and_die_with_a_new_password_a_login_or_time()
    {
        using var site = TestSite.Create(s =>
        {
            s.SecretKey = (string)Django["secret"]!;
            s.SecretKeyFallbacks = ["old-secret"];
        }).Enter();
        var now = DateTime.Parse((string)Django["now"]!, System.Globalization.CultureInfo.InvariantCulture);
        var generator = new Fixed(now);
        foreach (var vector in Django["tokens"]!.AsArray())
        {
            var user = new User
            {
                Id = (long)vector!["pk"]!, Password = (string)vector["password"]!, Email = (string)vector["email"]!,
                LastLogin = vector["last_login"] is { } login ? DateTimeOffset.Parse((string)login!, System.Globalization.CultureInfo.InvariantCulture) : null,
            };
            var token = (string)vector["token"]!;
            Assert.Equal(token, generator.MakeToken(user));
            Assert.True(generator.CheckToken(user, token));
        }

        var ann = new User { Id = 1, Password = "pbkdf2_sha256$1000000$seasalt$abc=", Email = "ann@example.com" };
        var fresh = generator.MakeToken(ann);
        Assert.False(generator.CheckToken(ann, fresh[..^1] + (fresh[^1] == '0' ? '1' : '0')));
        Assert.False(generator.CheckToken(ann, "nonsense"));
        Assert.False(generator.CheckToken(ann, "-abc"));
        Assert.False(generator.CheckToken(null, fresh));
        generator.At = now.AddSeconds(259_200);
        Assert.True(generator.CheckToken(ann, fresh)); // three days exactly
        generator.At = now.AddSeconds(259_201);
        Assert.False(generator.CheckToken(ann, fresh));
        generator.At = now;
        ann.LastLogin = DateTimeOffset.UtcNow;
        Assert.False(generator.CheckToken(ann, fresh)); // a login since
        ann.LastLogin = null;
        ann.Password = "md5$other$1";
        Assert.False(generator.CheckToken(ann, fresh)); // a new password since

        // made with the key before a rotation: still good while the old key is in SecretKeyFallbacks
        var old = new Fixed(now) { Secret = "old-secret" }.MakeToken(ann);
        Assert.True(generator.CheckToken(ann, old));
        Assert.Equal("dj1evf", PasswordResetTokenGenerator.ToBase36(818038923));
    }
}
