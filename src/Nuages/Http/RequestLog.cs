using Microsoft.Extensions.Logging;

namespace Nuages.Http;

/// <summary>The warnings written about a request refused before or beside its view (Django's <c>django.request</c> and <c>django.security.csrf</c> lines).</summary>
internal static partial class RequestLog
{
    [LoggerMessage(EventId = 1101, EventName = "MethodNotAllowed", Level = LogLevel.Warning, Message = "Method Not Allowed ({Method}): {Path}")]
    public static partial void MethodNotAllowed(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 1102, EventName = "PreconditionFailed", Level = LogLevel.Warning, Message = "Precondition Failed: {Path}")]
    public static partial void PreconditionFailed(ILogger logger, string path);

    [LoggerMessage(EventId = 1103, EventName = "CsrfForbidden", Level = LogLevel.Warning, Message = "Forbidden ({Reason}): {Path}")]
    public static partial void Forbidden(ILogger logger, string reason, string path);
}
