using Microsoft.Extensions.Logging;

namespace Nuages.Gateways;

/// <summary>The log lines both gateways write.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 2001, EventName = "Access", Level = LogLevel.Information, Message = "\"{Method} {Path} {Protocol}\" {Status}")]
    public static partial void Access(ILogger logger, string method, string path, string protocol, int status);

    [LoggerMessage(EventId = 2002, EventName = "ClientDisconnected", Level = LogLevel.Debug, Message = "Client disconnected before the response to {Path} was sent.")]
    public static partial void Disconnected(ILogger logger, string path);

    [LoggerMessage(EventId = 2003, EventName = "StreamingWarning", Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void StreamingWarning(ILogger logger, string warning);
}
