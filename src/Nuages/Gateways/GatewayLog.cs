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

    [LoggerMessage(EventId = 2010, EventName = "WebSocketNoRoute", Level = LogLevel.Warning, Message = "WebSocket refused: no route found for path '{Path}'.")]
    public static partial void WebSocketNoRoute(ILogger logger, string path);

    [LoggerMessage(EventId = 2011, EventName = "WebSocketOrigin", Level = LogLevel.Warning, Message = "WebSocket refused: the Origin '{Origin}' of {Path} is not allowed (Settings.WebSocketAllowedOrigins, else Settings.AllowedHosts).")]
    public static partial void WebSocketOrigin(ILogger logger, string origin, string path);

    [LoggerMessage(EventId = 2012, EventName = "WebSocketLimit", Level = LogLevel.Warning, Message = "WebSocket refused: {Limit} sockets are open (Settings.WebSocketMaxConnections).")]
    public static partial void WebSocketLimit(ILogger logger, int limit);

    [LoggerMessage(EventId = 2013, EventName = "WebSocketException", Level = LogLevel.Error, Message = "Exception inside application: {Message} (WebSocket {Path})")]
    public static partial void WebSocketException(ILogger logger, Exception exception, string message, string path);

    [LoggerMessage(EventId = 2014, EventName = "WebSocketTooBig", Level = LogLevel.Warning, Message = "WebSocket {Path} closed (1009): a message is over {Limit} bytes (Settings.WebSocketMaxMessageSize).")]
    public static partial void WebSocketTooBig(ILogger logger, string path, int limit);

    [LoggerMessage(EventId = 2015, EventName = "WebSocketSlowClient", Level = LogLevel.Warning, Message = "WebSocket {Path} closed (1008): its client reads slower than the site sends ({Queued} bytes waiting, Settings.WebSocketSendQueueLimit is {Limit}).")]
    public static partial void WebSocketSlowClient(ILogger logger, string path, long queued, int limit);

    [LoggerMessage(EventId = 2016, EventName = "WebSocketConnect", Level = LogLevel.Information, Message = "WSCONNECT {Path} [{Client}]")]
    public static partial void WebSocketConnect(ILogger logger, string path, string? client);

    [LoggerMessage(EventId = 2017, EventName = "WebSocketDisconnect", Level = LogLevel.Information, Message = "WSDISCONNECT {Path} [{Client}] {Code}")]
    public static partial void WebSocketDisconnect(ILogger logger, string path, string? client, int code);
}
