using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Nuages.Conf;
using Nuages.Http;
using HttpRequest = Nuages.Http.HttpRequest;
using HttpResponse = Nuages.Http.HttpResponse;

namespace Nuages.Gateways;

/// <summary>What both gateways do alike with Kestrel: build the request over its data, write the response head.</summary>
internal static class KestrelExchange
{
    public static HttpRequest BuildRequest(Settings settings, HttpContext context, byte[] body)
    {
        var kestrel = context.Request;
        // Kestrel itself answers 400 to a request target with raw non-ASCII bytes (where Django answers 400 for a target it cannot decode), so the query is ASCII here.
        var query = kestrel.QueryString.HasValue ? kestrel.QueryString.Value!.Substring(1) : "";
        var pathBase = kestrel.PathBase.HasValue ? kestrel.PathBase.Value! : "";
        var path = pathBase + (kestrel.Path.HasValue ? kestrel.Path.Value : "/");
        var scriptName = !string.IsNullOrEmpty(settings.ForceScriptName) ? settings.ForceScriptName : pathBase;
        return new HttpRequest(settings, UpperMethod(kestrel.Method), path, scriptName, query, kestrel.Headers, body, kestrel.Scheme,
            new KestrelRequestSource(context), context.RequestAborted);
    }

    /// <summary>As django/core/handlers/asgi.py does: methods are upper-cased; Kestrel's interned names for the standard ones already are.</summary>
    private static string UpperMethod(string method)
    {
        foreach (var c in method)
            if (char.IsAsciiLetterLower(c)) return method.ToUpperInvariant();
        return method;
    }

    public static bool IsMultipart(string? contentType) =>
        contentType is not null && contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Status, reason, headers and one Set-Cookie per cookie; returns whether the status forbids a body.</summary>
    public static bool WriteHead(HttpContext context, HttpResponse response)
    {
        var kestrel = context.Response;
        kestrel.StatusCode = response.StatusCode;
        if (response.HasCustomReasonPhrase)
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = response.ReasonPhrase;
        var headers = kestrel.Headers;
        foreach (var (name, value) in response.Headers) headers[name] = value;
        if (response.HasCookies)
        {
            foreach (var cookie in response.Cookies.Values) headers.Append("Set-Cookie", cookie.ToString());
        }
        return response.StatusCode is < 200 or 204 or 304;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is a client that went away (reset, closed, cut as too slow), logged as the
    /// event it is: nothing more is sent, request_finished has fired (as django/core/handlers/asgi.py), and one Debug
    /// line says so — never an exception for Kestrel to log as the application's error. The gateways catch with it
    /// around their whole request, in the same method (a wrapper method would cost every request an async layer).
    /// </summary>
    public static bool ClientGone(HttpContext context, Exception exception, ILogger requestLogger)
    {
        if (!RequestBodyReader.IsClientGone(exception, context.RequestAborted)) return false;
        GatewayLog.Disconnected(requestLogger, context.Request.Path.Value ?? "/");
        return true;
    }

    /// <summary>Answers a request whose framing was refused with an empty body, and closes the connection after it.</summary>
    public static async Task RefuseAsync(HttpContext context, int status)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        context.Response.Headers.Connection = "close";
        context.Response.ContentLength = 0;
        await context.Response.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Whether the request's host is one the site serves (Django's <c>get_host</c> check, for what runs before Nuages).</summary>
    public static bool HostAllowed(Settings settings, HttpContext context)
    {
        var host = settings.UseXForwardedHost && context.Request.Headers["X-Forwarded-Host"] is { Count: > 0 } forwarded ? forwarded.ToString() : context.Request.Headers.Host.ToString();
        return HttpRequest.IsAllowedHost(settings, host);
    }

    /// <summary>Whether a request can be a WebSocket handshake: an HTTP/1.1 request asking to upgrade, or an HTTP/2 extended CONNECT.</summary>
    public static bool MayBeWebSocket(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };

    /// <summary>The Kestrel exchange a request built by <see cref="BuildRequest"/> came from.</summary>
    public static HttpContext ContextOf(HttpRequest request) => ((KestrelRequestSource)request.Source).Context;

    /// <summary>Connection facts read from Kestrel only when asked.</summary>
    private sealed class KestrelRequestSource(HttpContext context) : RequestSource
    {
        public HttpContext Context => context;
        public override string? RemoteAddress => context.Connection.RemoteIpAddress?.ToString();
        public override string? RemotePort => context.Connection.RemoteIpAddress is null ? null : context.Connection.RemotePort.ToString(CultureInfo.InvariantCulture);
        public override string? ServerName => context.Connection.LocalIpAddress?.ToString();
        public override string? ServerPort => context.Connection.LocalIpAddress is null ? null : context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture);
        public override string Protocol => context.Request.Protocol;
    }

}
