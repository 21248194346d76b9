using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nuages.Conf;
using Nuages.Contrib.Sessions;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Contrib.Messaging;

/// <summary>
/// Django's session storage (django/contrib/messages/storage/session.py): the messages in the session under
/// <c>_messages</c>, as the JSON text Django's encoder writes. Needs <see cref="SessionMiddleware"/> before
/// <see cref="MessageMiddleware"/>.
/// </summary>
public sealed class SessionStorage(HttpRequest request, Settings settings) : MessageStorage(request, settings)
{
    /// <summary>Django's session key of the messages.</summary>
    public const string SessionKey = "_messages";

    private SessionBase Session => Request.Features.Get<SessionBase>()
        ?? throw new ImproperlyConfigured("The session-based temporary message storage requires session middleware to be installed, and come before the message middleware in the MIDDLEWARE list.");

    /// <inheritdoc/>
    protected internal override (List<Message>? Messages, bool AllRetrieved) Load()
    {
        var text = Session.Get<string>(SessionKey);
        List<object>? items = null;
        if (text is not null)
        {
            try
            {
                items = Decode(JsonNode.Parse(text));
            }
            catch (JsonException)
            {
                items = null;
            }
        }
        return (items?.OfType<Message>().ToList(), true);
    }

    /// <inheritdoc/>
    protected internal override List<Message> Store(List<Message> messages, HttpResponse response, bool removeOldest = true)
    {
        if (messages.Count > 0) Session.Set(SessionKey, Serialize(messages));
        else Session.Pop(SessionKey);
        return [];
    }

    /// <summary>Django's <c>MessageEncoder().encode(messages)</c>: JSON with Python's default separators.</summary>
    internal static string Serialize(IEnumerable<Message> messages) =>
        Encoding.UTF8.GetString(JsonResponse.AddPythonSpacing(JsonSerializer.SerializeToUtf8Bytes(Encode(messages), JsonSigningSerializer.Options)));
}

/// <summary>
/// Django's default storage (django/contrib/messages/storage/fallback.py): the cookie first, the session for what
/// the cookie cannot hold.
/// </summary>
public sealed class FallbackStorage : MessageStorage
{
    private readonly MessageStorage[] _storages;
    private readonly HashSet<MessageStorage> _used = [];

    /// <summary>The cookie and session storages of <paramref name="request"/>.</summary>
    public FallbackStorage(HttpRequest request, Settings settings) : base(request, settings) =>
        _storages = [new CookieStorage(request, settings), new SessionStorage(request, settings)];

    /// <inheritdoc/>
    protected internal override (List<Message>? Messages, bool AllRetrieved) Load()
    {
        var all = new List<Message>();
        var allRetrieved = false;
        foreach (var storage in _storages)
        {
            var (messages, retrieved) = storage.Load();
            allRetrieved = retrieved;
            // a storage that never held messages: stop, as Django does
            if (messages is null) break;
            if (messages.Count > 0) _used.Add(storage);
            all.AddRange(messages);
            if (retrieved) break;
        }
        return (all, allRetrieved);
    }

    /// <inheritdoc/>
    protected internal override List<Message> Store(List<Message> messages, HttpResponse response, bool removeOldest = true)
    {
        foreach (var storage in _storages)
        {
            if (messages.Count > 0) messages = storage.Store(messages, response, removeOldest: false);
            else if (_used.Remove(storage)) storage.Store([], response);
        }
        return messages;
    }
}
