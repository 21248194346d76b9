using System.Runtime.CompilerServices;

namespace Nuages.Http;

/// <summary>
/// A response whose body is produced part by part. Given an <see cref="IAsyncEnumerable{T}"/> it is
/// asynchronous (<see cref="IsAsync"/>, as django/core/handlers/asgi.py does) and the async gateway sends and flushes each part
/// as it comes; a plain <see cref="IEnumerable{T}"/> is consumed on a sync worker first. Parts are
/// strings (encoded in the response's charset) or bytes.
/// </summary>
public class StreamingHttpResponse : HttpResponse
{
    private readonly IEnumerable<object>? _sync;
    private readonly IAsyncEnumerable<object>? _async;
    private bool _consumed;

    /// <summary>Streams the strings of a sync sequence.</summary>
    public StreamingHttpResponse(IEnumerable<string> content, string? contentType = null, int status = 200)
        : this(contentType, status) => _sync = content;

    /// <summary>Streams the byte arrays of a sync sequence.</summary>
    public StreamingHttpResponse(IEnumerable<byte[]> content, string? contentType = null, int status = 200)
        : this(contentType, status) => _sync = content;

    /// <summary>Streams the strings of an async sequence as they are produced.</summary>
    public StreamingHttpResponse(IAsyncEnumerable<string> content, string? contentType = null, int status = 200)
        : this(contentType, status) => _async = content;

    /// <summary>Streams the byte arrays of an async sequence as they are produced.</summary>
    public StreamingHttpResponse(IAsyncEnumerable<byte[]> content, string? contentType = null, int status = 200)
        : this(contentType, status) => _async = content;

    /// <summary>For subclasses that produce their parts themselves (<see cref="FileResponse"/>).</summary>
    protected StreamingHttpResponse(string? contentType, int status) : base(contentType, status, null, null) { }

    /// <inheritdoc />
    public override bool Streaming => true;

    /// <summary>Whether the content is an async sequence.</summary>
    public virtual bool IsAsync => _async is not null;

    /// <summary>A streaming response has no buffered content; read it through a client or the gateway.</summary>
    public override byte[] Content
    {
        get => throw new InvalidOperationException($"This {GetType().Name} instance has no `Content`; its body is streamed.");
        set => throw new InvalidOperationException($"This {GetType().Name} instance has no `Content`; its body is streamed.");
    }

    /// <summary>Set by middleware that rewrites the body as it streams (GZip).</summary>
    internal Func<IEnumerable<byte[]>, IEnumerable<byte[]>>? SyncTransform { get; set; }

    internal Func<IAsyncEnumerable<byte[]>, IAsyncEnumerable<byte[]>>? AsyncTransform { get; set; }

    /// <summary>The parts of a sync response, as bytes, transformed. A streaming body can be consumed once.</summary>
    internal IEnumerable<byte[]> EnumerateParts() => SyncTransform is { } transform ? transform(RawParts()) : RawParts();

    /// <summary>The parts as bytes, asynchronously, transformed; a sync body is read inline (callers move it off the pool first).</summary>
    internal IAsyncEnumerable<byte[]> EnumeratePartsAsync(CancellationToken cancellationToken) => IsAsync
        ? AsyncTransform is { } transform ? transform(RawPartsAsync(cancellationToken)) : RawPartsAsync(cancellationToken)
        : Enumerate(EnumerateParts());

    private static async IAsyncEnumerable<byte[]> Enumerate(IEnumerable<byte[]> parts)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var part in parts) yield return part;
    }

    /// <summary>The parts of a sync response, as bytes.</summary>
    internal virtual IEnumerable<byte[]> RawParts()
    {
        MarkConsumed();
        if (_sync is null) throw new InvalidOperationException("This response streams an async sequence; enumerate it asynchronously.");
        foreach (var part in _sync) yield return ToBytes(part);
    }

    /// <summary>The parts as bytes, asynchronously; a sync sequence is read inline (callers move it off the pool first).</summary>
    internal virtual async IAsyncEnumerable<byte[]> RawPartsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_async is null) throw new InvalidOperationException("This response streams a sync sequence; enumerate it synchronously.");
        MarkConsumed();
        await foreach (var part in _async.WithCancellation(cancellationToken).ConfigureAwait(false)) yield return ToBytes(part);
    }

    private void MarkConsumed()
    {
        if (_consumed) throw new InvalidOperationException("A streaming response's content can only be iterated once.");
        _consumed = true;
    }

    private byte[] ToBytes(object part) => part switch
    {
        byte[] bytes => bytes,
        string text => Encode(text),
        _ => Encode(part.ToString() ?? ""),
    };
}
