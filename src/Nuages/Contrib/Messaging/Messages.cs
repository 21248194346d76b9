using Nuages.Apps;
using Nuages.Conf;
using Nuages.Core;
using Nuages.Http;

namespace Nuages.Contrib.Messaging;

/// <summary>
/// Django's messages API (django/contrib/messages/api.py): one-time notices for the next page —
/// <c>Messages.Success(request, "Profile saved.")</c> before a redirect, <c>{% for message in messages %}</c> in the
/// template. Needs <see cref="MessageMiddleware"/>.
/// </summary>
public static class Messages
{
    /// <summary>Adds a message at <paramref name="level"/>; without the middleware, <see cref="MessageFailure"/> unless <paramref name="failSilently"/>.</summary>
    public static void Add(HttpRequest request, int level, string text, string extraTags = "", bool failSilently = false, bool isSafe = false)
    {
        if (Storage(request) is { } storage) storage.Add(level, text, extraTags, isSafe);
        else if (!failSilently) throw new MessageFailure("You cannot add messages without installing django.contrib.messages.middleware.MessageMiddleware");
    }

    /// <summary>A debug message (stored only when <c>MessageLevel</c> is lowered to 10).</summary>
    public static void Debug(HttpRequest request, string text, string extraTags = "", bool failSilently = false) => Add(request, MessageLevels.Debug, text, extraTags, failSilently);

    /// <summary>An information message.</summary>
    public static void Info(HttpRequest request, string text, string extraTags = "", bool failSilently = false) => Add(request, MessageLevels.Info, text, extraTags, failSilently);

    /// <summary>A success message.</summary>
    public static void Success(HttpRequest request, string text, string extraTags = "", bool failSilently = false) => Add(request, MessageLevels.Success, text, extraTags, failSilently);

    /// <summary>A warning message.</summary>
    public static void Warning(HttpRequest request, string text, string extraTags = "", bool failSilently = false) => Add(request, MessageLevels.Warning, text, extraTags, failSilently);

    /// <summary>An error message.</summary>
    public static void Error(HttpRequest request, string text, string extraTags = "", bool failSilently = false) => Add(request, MessageLevels.Error, text, extraTags, failSilently);

    /// <summary>The request's messages (Django's <c>get_messages</c>); iterating marks them seen. Empty without the middleware.</summary>
    public static IEnumerable<Message> Get(HttpRequest request) => Storage(request) ?? (IEnumerable<Message>)[];

    /// <summary>The lowest level stored for this request (Django's <c>get_level</c>).</summary>
    public static int GetLevel(HttpRequest request) => Storage(request)?.Level ?? Site.Current.Settings.MessageLevel;

    /// <summary>Sets the lowest level stored for this request; null goes back to the setting. False without the middleware.</summary>
    public static bool SetLevel(HttpRequest request, int? level)
    {
        if (Storage(request) is not { } storage) return false;
        storage.Level = level;
        return true;
    }

    private static MessageStorage? Storage(HttpRequest request) => request.Features.Get<MessageStorage>();

    /// <summary>
    /// The <c>messages</c> context processor (Django's <c>django.contrib.messages.context_processors.messages</c>):
    /// <c>messages</c> and <c>DEFAULT_MESSAGE_LEVELS</c>. List it as
    /// <c>Nuages.Contrib.Messaging.Messages.ContextProcessor</c> (or Django's name) in <c>Templates.ContextProcessors</c>.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, object?>> ContextProcessor(HttpRequest request) =>
    [
        new("messages", Get(request)),
        new("DEFAULT_MESSAGE_LEVELS", DefaultMessageLevels),
    ];

    // one for every render: read-only, since every template shares it
    private static readonly System.Collections.ObjectModel.ReadOnlyDictionary<string, object?> DefaultMessageLevels = new(new Dictionary<string, object?>
    {
        ["DEBUG"] = MessageLevels.Debug, ["INFO"] = MessageLevels.Info, ["SUCCESS"] = MessageLevels.Success,
        ["WARNING"] = MessageLevels.Warning, ["ERROR"] = MessageLevels.Error,
    });

    /// <summary>The storage a setting names: <c>fallback</c> (Django's default), <c>cookie</c>, <c>session</c>, or Django's dotted names.</summary>
    internal static MessageStorage Create(HttpRequest request, Settings settings) => settings.MessageStorage switch
    {
        "fallback" or "django.contrib.messages.storage.fallback.FallbackStorage" => new FallbackStorage(request, settings),
        "cookie" or "django.contrib.messages.storage.cookie.CookieStorage" => new CookieStorage(request, settings),
        "session" or "django.contrib.messages.storage.session.SessionStorage" => new SessionStorage(request, settings),
        _ => throw new ImproperlyConfigured($"The MessageStorage setting is '{settings.MessageStorage}': use fallback, cookie or session (or Django's dotted names of them)."),
    };
}

/// <summary>A message was added without <see cref="MessageMiddleware"/> (Django's <c>MessageFailure</c>).</summary>
public sealed class MessageFailure(string message) : Exception(message);

/// <summary>
/// Django's <c>django.contrib.messages</c> as an installed app (no models): lists it among the site's apps, as
/// Django's startproject does; the work is <see cref="MessageMiddleware"/>'s and <see cref="Messages"/>'.
/// </summary>
public sealed class MessagesConfig : AppConfig
{
    /// <inheritdoc/>
    public override string Label => "messages";

    /// <inheritdoc/>
    public override string Name => typeof(MessagesConfig).Namespace!;

    /// <inheritdoc/>
    public override IReadOnlyList<Type> Models => [];
}
