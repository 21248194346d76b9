using System.Collections;
using System.Text.Json.Nodes;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Contrib.Messaging;

/// <summary>
/// Where a request's messages are kept between requests (Django's <c>BaseStorage</c>): messages read from the last
/// response and those added now. Iterating marks them used, so they are gone on the next response; not iterating keeps
/// them for the next request. Subclasses read (<see cref="Load"/>) and write (<see cref="Store"/>) the messages.
/// </summary>
public abstract class MessageStorage : IEnumerable<Message>
{
    private List<Message>? _loaded;
    private List<Message> _queued = [];
    private int? _level;

    /// <summary>The storage of <paramref name="request"/>.</summary>
    protected MessageStorage(HttpRequest request, Settings settings)
    {
        Request = request;
        Settings = settings;
    }

    /// <summary>The request.</summary>
    protected HttpRequest Request { get; }

    /// <summary>The site's settings.</summary>
    protected Settings Settings { get; }

    /// <summary>Whether the messages were iterated: they are then dropped from storage when the response is made.</summary>
    public bool Used { get; set; }

    /// <summary>Whether a message was added in this request.</summary>
    public bool AddedNew { get; private set; }

    /// <summary>The lowest level stored (the <c>MessageLevel</c> setting unless set); setting null goes back to it.</summary>
    public int? Level
    {
        get => _level ?? Settings.MessageLevel;
        set => _level = value;
    }

    private List<Message> Loaded => _loaded ??= Prepared(Load().Messages ?? []);

    /// <summary>The number of messages, read and new.</summary>
    public int Count => Loaded.Count + _queued.Count;

    /// <summary>Adds a message unless its text is empty or its level below <see cref="Level"/> (Django's <c>add</c>).</summary>
    public void Add(int level, string text, string? extraTags = "", bool isSafe = false)
    {
        if (string.IsNullOrEmpty(text) || level < Level) return;
        AddedNew = true;
        _queued.Add(Tagged(new Message(level, text, extraTags, isSafe)));
    }

    /// <summary>Every message, read and new; marks them used.</summary>
    public IEnumerator<Message> GetEnumerator()
    {
        Used = true;
        if (_queued.Count > 0)
        {
            Loaded.AddRange(_queued);
            _queued = [];
        }
        return Loaded.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Stores what the next request must see (Django's <c>update</c>): when used, only the messages added after; else,
    /// when some were added, the old and the new. Returns the messages that did not fit.
    /// </summary>
    public IReadOnlyList<Message> Update(HttpResponse response)
    {
        if (Used) return Store(_queued, response);
        if (AddedNew) return Store([.. Loaded, .. _queued], response);
        return [];
    }

    /// <summary>The messages stored, or null when there were none; and whether this storage had them all.</summary>
    protected internal abstract (List<Message>? Messages, bool AllRetrieved) Load();

    /// <summary>Stores <paramref name="messages"/> for the next request; returns those it could not.</summary>
    protected internal abstract List<Message> Store(List<Message> messages, HttpResponse response, bool removeOldest = true);

    private List<Message> Prepared(List<Message> messages)
    {
        foreach (var message in messages) Tagged(message);
        return messages;
    }

    private Message Tagged(Message message)
    {
        message.LevelTag = Settings.MessageTags.TryGetValue(message.Level.ToString(System.Globalization.CultureInfo.InvariantCulture), out var tag)
            ? tag
            : MessageLevels.DefaultTags.GetValueOrDefault(message.Level, "");
        return message;
    }

    // ---- Django's MessageEncoder / MessageDecoder: ["__json_message", is_safe, level, text, extra_tags?].

    internal const string MessageKey = "__json_message";

    internal static JsonArray Encode(IEnumerable<object> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            if (item is Message message)
            {
                var encoded = new JsonArray(MessageKey, message.IsSafe ? 1 : 0, message.Level, message.Text);
                if (message.ExtraTags is not null) encoded.Add(message.ExtraTags); // Django 4.1+: "" is kept
                array.Add(encoded);
            }
            else array.Add(JsonValue.Create((string)item));
        }
        return array;
    }

    internal static List<object>? Decode(JsonNode? node)
    {
        if (node is not JsonArray array) return null;
        var items = new List<object>();
        foreach (var item in array)
        {
            if (item is JsonArray { Count: >= 4 } m && m[0]?.GetValueKind() == System.Text.Json.JsonValueKind.String && (string?)m[0] == MessageKey)
                items.Add(new Message((int)m[2]!, (string)m[3]!, m.Count > 4 ? (string?)m[4] : null, (int)m[1]! != 0));
            else if (item?.GetValueKind() == System.Text.Json.JsonValueKind.String) items.Add((string)item!);
            else return null;
        }
        return items;
    }
}
