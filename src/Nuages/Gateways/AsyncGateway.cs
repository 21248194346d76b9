using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Nuages.Async;
using Nuages.Conf;
using Nuages.Handlers;
using Nuages.Http;
using HttpRequest = Nuages.Http.HttpRequest;
using HttpResponse = Nuages.Http.HttpResponse;

namespace Nuages.Gateways;

/// <summary>
/// The async gateway, Django's <c>ASGIHandler</c> as a Kestrel <see cref="RequestDelegate"/>: reads the
/// whole body first (spec A-04), builds the request as a lazy view over Kestrel's own data, runs the
/// handler in async mode and writes the response — buffered with Content-Length, or streamed and
/// flushed part by part.
/// </summary>
internal sealed partial class AsyncGateway
{
    private const string SyncStreamingWarning =
        "StreamingHttpResponse must consume synchronous iterators in order to serve them asynchronously. Use an asynchronous iterator instead.";

    private readonly Handler _handler;
    private readonly Settings _settings;
    private readonly ILogger _serverLogger;
    private readonly ILogger _requestLogger;

    public AsyncGateway(Handler handler)
    {
        _handler = handler;
        _settings = handler.Settings;
        _serverLogger = handler.LoggerFactory.CreateLogger("Nuages.Server");
        _requestLogger = handler.LoggerFactory.CreateLogger("Nuages.Request");
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        HttpResponse response;
        HttpRequest? request = null;
        try
        {
            var body = await ReadBodyAsync(context, aborted).ConfigureAwait(false);
            request = BuildRequest(context, body);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return; // spec A-06: the client left while sending its body; nothing to answer.
        }
        catch (RequestDataTooBig)
        {
            // spec A-09
            await WriteAsync(context, new HttpResponse("413 Payload too large", "text/plain; charset=utf-8", 413), aborted).ConfigureAwait(false);
            return;
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            // Kestrel refused the body itself (malformed chunking, over its own size limit).
            await WriteAsync(context, new HttpResponse("", null, e.StatusCode), aborted).ConfigureAwait(false);
            return;
        }

        try
        {
            response = await _handler.GetResponseAsync(request).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            Log.Disconnected(_requestLogger, request.Path);
            return;
        }
        try
        {
            await WriteAsync(context, response, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            Log.Disconnected(_requestLogger, request.Path);
            return;
        }
        if (_settings.AccessLog) Log.Access(_serverLogger, request.Method, request.GetFullPath(), context.Request.Protocol, response.StatusCode);
    }

    private HttpRequest BuildRequest(HttpContext context, byte[] body)
    {
        var kestrel = context.Request;
        // Kestrel itself answers 400 to a request target with raw non-ASCII bytes (spec A-08), so the query is ASCII here.
        var query = kestrel.QueryString.HasValue ? kestrel.QueryString.Value!.Substring(1) : "";
        var pathBase = kestrel.PathBase.HasValue ? kestrel.PathBase.Value! : "";
        var path = pathBase + (kestrel.Path.HasValue ? kestrel.Path.Value : "/");
        var scriptName = !string.IsNullOrEmpty(_settings.ForceScriptName) ? _settings.ForceScriptName : pathBase;
        return new HttpRequest(_settings, UpperMethod(kestrel.Method), path, scriptName, query, kestrel.Headers, body, kestrel.Scheme,
            new KestrelRequestSource(context), context.RequestAborted);
    }

    /// <summary>spec A-12: methods are upper-cased; Kestrel's interned names for the standard ones already are.</summary>
    private static string UpperMethod(string method)
    {
        foreach (var c in method)
            if (char.IsAsciiLetterLower(c)) return method.ToUpperInvariant();
        return method;
    }

    private async ValueTask<byte[]> ReadBodyAsync(HttpContext context, CancellationToken aborted)
    {
        var kestrel = context.Request;
        var length = kestrel.ContentLength;
        if (length == 0) return [];
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }) return [];
        // Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count files: multipart bodies are checked field by field.
        var limit = IsMultipart(kestrel.ContentType) ? null : _settings.DataUploadMaxMemorySize;
        if (length is { } declared && limit is { } max && declared > max)
            throw new RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.");
        if (length is { } known)
        {
            var buffer = new byte[known];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await kestrel.Body.ReadAsync(buffer.AsMemory(read), aborted).ConfigureAwait(false);
                if (n == 0) throw new OperationCanceledException(aborted);
                read += n;
            }
            return buffer;
        }
        var writer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = writer.GetMemory(8192);
            var n = await kestrel.Body.ReadAsync(memory, aborted).ConfigureAwait(false);
            if (n == 0) return writer.WrittenSpan.ToArray();
            writer.Advance(n);
            if (limit is { } max2 && writer.WrittenCount > max2)
                throw new RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.");
        }
    }

    private static bool IsMultipart(string? contentType) =>
        contentType is not null && contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase);

    private async ValueTask WriteAsync(HttpContext context, HttpResponse response, CancellationToken aborted)
    {
        var kestrel = context.Response;
        kestrel.StatusCode = response.StatusCode;
        if (response.HasCustomReasonPhrase)
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = response.ReasonPhrase;
        var headers = kestrel.Headers;
        foreach (var (name, value) in response.Headers) headers[name] = value;
        if (response.Cookies.Count > 0)
        {
            foreach (var cookie in response.Cookies.Values) headers.Append("Set-Cookie", cookie.ToString());
        }
        var bodyless = response.StatusCode is < 200 or 204 or 304;
        if (!response.Streaming)
        {
            if (bodyless) return;
            var content = response.Content;
            kestrel.ContentLength = content.Length;
            if (content.Length > 0) await kestrel.Body.WriteAsync(content, aborted).ConfigureAwait(false);
            return;
        }
        var streaming = (StreamingHttpResponse)response;
        if (bodyless) return;
        if (!streaming.IsAsync)
        {
            // spec A-31: a sync iterator is drained on a sync worker before anything is sent.
            Log.SyncStreaming(_requestLogger, SyncStreamingWarning);
            var parts = await SyncToAsync.Run(() => streaming.EnumerateParts().ToList(), threadSensitive: false, aborted);
            foreach (var part in parts) await kestrel.Body.WriteAsync(part, aborted).ConfigureAwait(false);
            return;
        }
        await kestrel.StartAsync(aborted).ConfigureAwait(false);
        await foreach (var part in streaming.EnumeratePartsAsync(aborted).ConfigureAwait(false))
        {
            if (part.Length == 0) continue;
            await kestrel.Body.WriteAsync(part, aborted).ConfigureAwait(false);
            await kestrel.Body.FlushAsync(aborted).ConfigureAwait(false); // spec A-32
        }
    }

    /// <summary>Connection facts read from Kestrel only when asked.</summary>
    private sealed class KestrelRequestSource(HttpContext context) : RequestSource
    {
        public override string? RemoteAddress => context.Connection.RemoteIpAddress?.ToString();
        public override string? RemotePort => context.Connection.RemoteIpAddress is null ? null : context.Connection.RemotePort.ToString(CultureInfo.InvariantCulture);
        public override string? ServerName => context.Connection.LocalIpAddress?.ToString();
        public override string? ServerPort => context.Connection.LocalIpAddress is null ? null : context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture);
        public override string Protocol => context.Request.Protocol;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "\"{Method} {Path} {Protocol}\" {Status}")]
        public static partial void Access(ILogger logger, string method, string path, string protocol, int status);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Client disconnected before the response to {Path} was sent.")]
        public static partial void Disconnected(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
        public static partial void SyncStreaming(ILogger logger, string warning);
    }
}
