using System.Text.Json.Nodes;
using Nuages.Channels;

namespace Nuages.Tests.Channels;

/// <summary>What the layers' tests send, and a look at a channel that must stay empty.</summary>
internal static class LayerProbe
{
    public static JsonObject Message(string type, string? text = null) => text is null ? new JsonObject { ["type"] = type } : new JsonObject { ["type"] = type, ["text"] = text };

    /// <summary>Whether <paramref name="channel"/> gives nothing within 300 ms.</summary>
    public static async Task<bool> Nothing(ChannelLayer layer, string channel)
    {
        using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            await layer.ReceiveAsync(channel, quick.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }
}
