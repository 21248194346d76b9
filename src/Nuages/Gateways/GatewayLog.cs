using Microsoft.Extensions.Logging;

namespace Nuages.Gateways;

/// <summary>The log lines both gateways write.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 2001, EventName = "Access", Level = LogLevel.Information, Message = "\"{Method} {Path} {Protocol}\" {Status}")]
    private static partial void Access(ILogger logger, string method, string path, string protocol, int status);

    /// <summary>The access-log line of a request; its full path is built only when the line is written.</summary>
    public static void Access(ILogger logger, Http.HttpRequest request, string protocol, int status)
    {
#pragma warning disable CA1873 // guarded just above: the analyzer does not see an IsEnabled check on the same line
        if (logger.IsEnabled(LogLevel.Information)) Access(logger, request.Method, request.GetFullPath(), protocol, status);
#pragma warning restore CA1873
    }

    [LoggerMessage(EventId = 2002, EventName = "ClientDisconnected", Level = LogLevel.Debug, Message = "Client disconnected before the response to {Path} was sent.")]
    public static partial void Disconnected(ILogger logger, string path);

    [LoggerMessage(EventId = 2003, EventName = "StreamingWarning", Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void StreamingWarning(ILogger logger, string warning);
}
