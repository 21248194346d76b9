using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Contrib.Auth;

/// <summary>
/// Django's <c>PasswordResetTokenGenerator</c>: a token for a password reset link, <c>{base36 seconds}-{hash}</c>,
/// that works for <c>Settings.PasswordResetTimeout</c> and stops working once the user's password or last login
/// changes. Tokens are Django's, so a link Django sent works here and the other way round (same secret key).
/// </summary>
public class PasswordResetTokenGenerator
{
    /// <summary>The salt of the HMAC (Django's <c>key_salt</c>).</summary>
    protected virtual string KeySalt => "django.contrib.auth.tokens.PasswordResetTokenGenerator";

    private static readonly DateTime Epoch = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>The site's generator (Django's <c>default_token_generator</c>).</summary>
    public static PasswordResetTokenGenerator Default { get; } = new();

    /// <summary>The secret key; the site's <c>SecretKey</c> when null.</summary>
    public string? Secret { get; init; }

    /// <summary>The server's clock, in the site's time zone as Django's <c>datetime.now()</c> reads it.</summary>
    protected virtual DateTime Now()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Site.TryCurrent?.Settings.TimeZone ?? "UTC");
        return TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone);
    }

    private static long Seconds(DateTime wall) => (long)(wall - Epoch).TotalSeconds;

    /// <summary>A token for <paramref name="user"/> (Django's <c>make_token</c>).</summary>
    public string MakeToken(IUser user) => Make(user, Seconds(Now()), Secret ?? Site.Current.Settings.SecretKey);

    /// <summary>
    /// Whether <paramref name="token"/> is one this generator made for <paramref name="user"/> with this state of the
    /// user, with the secret key or an old one, no older than <c>PasswordResetTimeout</c> (Django's <c>check_token</c>).
    /// </summary>
    public bool CheckToken(IUser? user, string? token)
    {
        if (user is null || string.IsNullOrEmpty(token)) return false;
        var parts = token.Split('-');
        if (parts.Length != 2 || parts[0].Length is 0 or > 13 || !TryBase36(parts[0], out var timestamp)) return false;
        var settings = Site.Current.Settings;
        var secrets = Secret is { } own ? [own] : new[] { settings.SecretKey }.Concat(settings.SecretKeyFallbacks);
        if (!secrets.Any(secret => Signer.ConstantTimeCompare(Make(user, timestamp, secret), token)))
            return false;
        return Seconds(Now()) - timestamp <= settings.PasswordResetTimeout;
    }

    private string Make(IUser user, long timestamp, string secret)
    {
        var hash = Signer.SaltedHmac(KeySalt, Encoding.UTF8.GetBytes(HashValue(user, timestamp)), Encoding.UTF8.GetBytes(secret), "sha256");
        var hex = Convert.ToHexStringLower(hash);
        var every = new StringBuilder(hex.Length / 2);
        for (var i = 0; i < hex.Length; i += 2) every.Append(hex[i]); // every other digit, to shorten the URL
        return $"{ToBase36(timestamp)}-{every}";
    }

    /// <summary>
    /// What the token signs (Django's <c>_make_hash_value</c>): the primary key, the stored password, the last login to
    /// the second and the email — each a thing a reset changes, so a used link is dead.
    /// </summary>
    protected virtual string HashValue(IUser user, long timestamp)
    {
        var stored = user as IStoredUser;
        var login = stored?.LastLogin is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";
        var email = Db.Models.ModelMeta.For(user.GetType()).Fields.FirstOrDefault(f => f.Key == "email")?.Get(user) as string ?? "";
        return $"{UserModel.PkText(user)}{stored?.Password}{login}{timestamp.ToString(CultureInfo.InvariantCulture)}{email}";
    }

    /// <summary>Django's <c>int_to_base36</c>.</summary>
    public static string ToBase36(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        if (value == 0) return "0";
        var sb = new StringBuilder();
        for (; value > 0; value /= 36) sb.Insert(0, digits[(int)(value % 36)]);
        return sb.ToString();
    }

    private static bool TryBase36(string text, out long value)
    {
        value = 0;
        foreach (var c in text.ToLowerInvariant())
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : -1;
            if (digit < 0) return false;
            value = value * 36 + digit;
        }
        return true;
    }
}
