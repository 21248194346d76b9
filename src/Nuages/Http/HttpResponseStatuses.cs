namespace Nuages.Http;

/// <summary>304 Not Modified: no body and no Content-Type.</summary>
public sealed class HttpResponseNotModified : HttpResponse
{
    /// <summary>A 304 response.</summary>
    public HttpResponseNotModified() : base("", null, 304)
    {
        Headers.Remove("Content-Type");
    }

    /// <inheritdoc />
    public override byte[] Content
    {
        get => [];
        set
        {
            if (value.Length > 0) throw new InvalidOperationException("You cannot set content to a 304 (Not Modified) response");
        }
    }
}

/// <summary>400 Bad Request.</summary>
public sealed class HttpResponseBadRequest(string content = "", string? contentType = null) : HttpResponse(content, contentType, 400);

/// <summary>403 Forbidden.</summary>
public sealed class HttpResponseForbidden(string content = "", string? contentType = null) : HttpResponse(content, contentType, 403);

/// <summary>404 Not Found.</summary>
public sealed class HttpResponseNotFound(string content = "", string? contentType = null) : HttpResponse(content, contentType, 404);

/// <summary>405 Method Not Allowed, with the Allow header listing the permitted methods.</summary>
public sealed class HttpResponseNotAllowed : HttpResponse
{
    /// <summary>A 405 naming the methods that are allowed.</summary>
    public HttpResponseNotAllowed(IEnumerable<string> permittedMethods, string content = "") : base(content, null, 405)
    {
        Headers["Allow"] = string.Join(", ", permittedMethods);
    }
}

/// <summary>410 Gone.</summary>
public sealed class HttpResponseGone(string content = "", string? contentType = null) : HttpResponse(content, contentType, 410);

/// <summary>500 Internal Server Error.</summary>
public sealed class HttpResponseServerError(string content = "", string? contentType = null) : HttpResponse(content, contentType, 500);
