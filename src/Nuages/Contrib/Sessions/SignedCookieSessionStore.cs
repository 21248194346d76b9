using System.Text.Json.Nodes;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Contrib.Sessions;

/// <summary>
/// Django's signed-cookie store (django/contrib/sessions/backends/signed_cookies.py): no store at all — the values
/// travel in the cookie itself, signed (readable by the visitor, not changeable) with Django's salt, so Django reads
/// them too. Keep such sessions small (a cookie holds about 4 KB), and know that a copied cookie stays valid until it
/// expires.
/// </summary>
public sealed class SignedCookieSessionStore(string? sessionKey, Settings settings) : SessionBase(sessionKey, settings)
{
    /// <summary>Django's salt of signed-cookie sessions.</summary>
    public const string Salt = "django.contrib.sessions.backends.signed_cookies";

    /// <inheritdoc/>
    protected override ValueTask<OrderedDictionary<string, JsonNode?>> LoadAsync(bool async, CancellationToken cancellationToken)
    {
        try
        {
            var node = new TimestampSigner(salt: Salt, time: Time).UnsignObject(SessionKey!, TimeSpan.FromSeconds(Settings.SessionCookieAge));
            return new(FromObject(node));
        }
        catch (BadSignature)
        {
            // tampered with or expired: a new, empty session (Django's load creates one)
            Modified = true;
            return new(new OrderedDictionary<string, JsonNode?>());
        }
    }

    /// <inheritdoc/>
    protected override ValueTask CreateAsync(bool async, CancellationToken cancellationToken)
    {
        Modified = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override async ValueTask SaveAsync(bool mustCreate, bool async, CancellationToken cancellationToken)
    {
        var data = await SessionDataAsync(noLoad: mustCreate, async, cancellationToken).ConfigureAwait(false);
        SessionKey = new TimestampSigner(salt: Salt, time: Time).SignObject(ToObject(data), compress: true);
        Modified = true;
    }

    /// <inheritdoc/>
    protected override ValueTask<bool> ExistsAsync(string sessionKey, bool async, CancellationToken cancellationToken) => new(false);

    /// <inheritdoc/>
    protected override ValueTask DeleteAsync(string? sessionKey, bool async, CancellationToken cancellationToken)
    {
        // the cookie is the store: forgetting the values is all there is
        SessionKey = null;
        Remember([]);
        Modified = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override ValueTask CycleKeyCore(bool async, CancellationToken cancellationToken) => SaveAsync(false, async, cancellationToken);
}
