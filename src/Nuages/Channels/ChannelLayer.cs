using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nuages.Channels;

/// <summary>A channel's queue is at its capacity (Channels' <c>ChannelFull</c>): the message was not sent.</summary>
public sealed class ChannelFull(string channel) : Exception($"The channel '{channel}' is full.")
{
    /// <summary>The full channel.</summary>
    public string Channel { get; } = channel;
}

/// <summary>
/// What carries messages between consumers (Channels' channel layers, channels/layers.py): channels (one reader
/// each), groups of channels, and messages as JSON objects with a <c>type</c> (<c>chat.message</c>), so that a layer
/// may carry them between processes. Messages expire after <see cref="Expiry"/>; a channel holds at most
/// <see cref="Capacity"/> (or its pattern's <see cref="ChannelCapacity"/>) before <see cref="ChannelFull"/>.
/// </summary>
public abstract partial class ChannelLayer
{
    /// <summary>Names are shorter than this (Channels' <c>MAX_NAME_LENGTH</c>).</summary>
    public const int MaxNameLength = 100;

    private readonly List<(Regex Pattern, int Capacity)> _capacities = [];

    /// <summary>How long a message waits to be received (Channels' <c>expiry</c>: 60 s).</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a channel stays in a group (Channels' <c>group_expiry</c>: 86,400 s).</summary>
    public TimeSpan GroupExpiry { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How many messages a channel holds (Channels' <c>capacity</c>: 100).</summary>
    public int Capacity { get; init; } = 100;

    /// <summary>Capacities by channel name pattern, globs as Channels' <c>channel_capacity</c> (<c>"http.request": 200</c>, <c>"websocket.send*": 20</c>); the first match wins.</summary>
    public IReadOnlyDictionary<string, int> ChannelCapacity
    {
        init
        {
            foreach (var (glob, capacity) in value)
                _capacities.Add((new Regex("^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$"), capacity));
        }
    }

    /// <summary>The capacity of <paramref name="channel"/> (Channels' <c>get_capacity</c>).</summary>
    public int GetCapacity(string channel)
    {
        foreach (var (pattern, capacity) in _capacities)
            if (pattern.IsMatch(channel)) return capacity;
        return Capacity;
    }

    [GeneratedRegex(@"^[a-zA-Z\d\-_.]+(![\d\w\-_.]*)?$")]
    private static partial Regex ChannelName();

    [GeneratedRegex(@"^[a-zA-Z\d\-_.]+$")]
    private static partial Regex GroupName();

    private static string InvalidName(string kind) =>
        $"{kind} name must be a valid unicode string with length < {MaxNameLength} containing only ASCII alphanumerics, hyphens, underscores, or periods.";

    /// <summary>Refuses a bad channel name with Channels' message (Channels raises TypeError).</summary>
    protected static void RequireValidChannelName(string? name, bool receive = false)
    {
        if (name is null || name.Length >= MaxNameLength || !ChannelName().IsMatch(name)) throw new ArgumentException(InvalidName("Channel"), nameof(name));
        if (receive && name.Contains('!', StringComparison.Ordinal) && !name.EndsWith('!')) throw new ArgumentException("Specific channel names in receive() must end at the !", nameof(name));
    }

    /// <summary>Refuses a bad group name with Channels' message.</summary>
    protected static void RequireValidGroupName(string? name)
    {
        if (name is null || name.Length >= MaxNameLength || !GroupName().IsMatch(name)) throw new ArgumentException(InvalidName("Group"), nameof(name));
    }

    /// <summary>The part of a process-specific name up to and including its <c>!</c>; the name itself otherwise (Channels' <c>non_local_name</c>).</summary>
    public static string NonLocalName(string name) => name.IndexOf('!', StringComparison.Ordinal) is var bang and >= 0 ? name[..(bang + 1)] : name;

    /// <summary>Twelve random ASCII letters, for new channel names.</summary>
    protected static string RandomLetters(int count = 12) =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", count);

    /// <summary>A message as the JSON a layer carries between processes, refused when larger than <paramref name="limit"/> characters.</summary>
    protected static string ToJson(JsonObject message, int limit, string layer)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.ContainsKey("__asgi_channel__")) throw new ArgumentException("A message may not carry '__asgi_channel__'.", nameof(message));
        var json = message.ToJsonString();
        if (json.Length > limit)
            throw new ArgumentException($"The message is {json.Length:N0} bytes as JSON; {layer} carries at most {limit:N0}. Send a key to something stored (the database, the cache) instead.", nameof(message));
        return json;
    }

    /// <summary>Puts <paramref name="message"/> (a copy) on <paramref name="channel"/>; <see cref="ChannelFull"/> when it is at capacity.</summary>
    public abstract Task SendAsync(string channel, JsonObject message, CancellationToken cancellationToken = default);

    /// <summary>The next message of <paramref name="channel"/>, waiting for one.</summary>
    public abstract Task<JsonObject> ReceiveAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>A new channel name unique to this process (Channels' <c>new_channel</c>).</summary>
    public abstract Task<string> NewChannelAsync(string prefix = "specific.", CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="channel"/> to <paramref name="group"/> (Channels' <c>group_add</c>).</summary>
    public abstract Task GroupAddAsync(string group, string channel, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="channel"/> from <paramref name="group"/> (Channels' <c>group_discard</c>).</summary>
    public abstract Task GroupDiscardAsync(string group, string channel, CancellationToken cancellationToken = default);

    /// <summary>Sends a copy of <paramref name="message"/> to every channel of <paramref name="group"/>; full channels are skipped (Channels' <c>group_send</c>).</summary>
    public abstract Task GroupSendAsync(string group, JsonObject message, CancellationToken cancellationToken = default);

    /// <summary>Forgets every channel and group (Channels' <c>flush</c>).</summary>
    public abstract Task FlushAsync(CancellationToken cancellationToken = default);
}
