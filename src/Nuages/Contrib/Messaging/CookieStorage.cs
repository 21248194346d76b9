using System.Text.Json.Nodes;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Contrib.Messaging;

/// <summary>
/// Django's cookie storage (django/contrib/messages/storage/cookie.py): the messages in the <c>messages</c> cookie,
/// signed with the cookie signer (salt <c>django.contrib.messages</c>) and compressed — Django's format, so either
/// site reads the other's. At most 2,048 bytes: the oldest messages that do not fit are left to the next storage.
/// </summary>
public sealed class CookieStorage(HttpRequest request, Settings settings) : MessageStorage(request, settings)
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "messages";

    /// <summary>The most the cookie may hold (half of the 4 KB uwsgi allows all headers, as Django reasons).</summary>
    public const int MaxCookieSize = 2048;

    /// <summary>Django's marker of messages left to another storage.</summary>
    public const string NotFinished = "__messagesnotfinished__";

    /// <summary>Django's salt of the messages cookie.</summary>
    public const string KeySalt = "django.contrib.messages";

    /// <inheritdoc/>
    protected internal override (List<Message>? Messages, bool AllRetrieved) Load()
    {
        var items = Request.Cookies.TryGetValue(CookieName, out var data) ? Decode(data) : null;
        var all = !(items is { Count: > 0 } && items[^1] is NotFinished);
        if (!all) items!.RemoveAt(items.Count - 1);
        return (items?.OfType<Message>().ToList(), all);
    }

    /// <summary>The messages of a cookie Django or Nuages wrote; null (and the cookie marked used, so it is dropped) when it is not valid.</summary>
    private List<object>? Decode(string data)
    {
        if (data.Length == 0) return null;
        try
        {
            if (MessageStorage.Decode(Signing.GetCookieSigner(KeySalt).UnsignObject(data)) is { } items) return items;
        }
        catch (BadSignature)
        {
            // tampered with, or another key: as Django, the messages are dropped
        }
        Used = true;
        return null;
    }

    /// <summary>The cookie value of <paramref name="items"/>: Django's <c>sign_object(…, compress=True)</c> of the encoded list.</summary>
    internal static string Sign(IEnumerable<object> items, TimeProvider? time = null) => Signing.GetCookieSigner(KeySalt, time).SignObject(MessageStorage.Encode(items), compress: true);

    /// <inheritdoc/>
    protected internal override List<Message> Store(List<Message> messages, HttpResponse response, bool removeOldest = true)
    {
        var unstored = new List<Message>();
        messages = [.. messages];
        var encoded = messages.Count > 0 ? Sign(messages) : null;
        while (encoded is not null && encoded.Length > MaxCookieSize)
        {
            if (removeOldest)
            {
                unstored.Add(messages[0]);
                messages.RemoveAt(0);
            }
            else
            {
                unstored.Insert(0, messages[^1]);
                messages.RemoveAt(messages.Count - 1);
            }
            encoded = Sign([.. messages, NotFinished]);
        }
        if (encoded is not null)
            Sessions.SessionCookies.Set(response, Settings, CookieName, encoded, null, "/");
        else
            Sessions.SessionCookies.Delete(response, Settings, CookieName, "/"); // as Django: whenever there is nothing to keep
        return unstored;
    }
}
