namespace Nuages.Http;

/// <summary>
/// A response whose content is produced after the view returns (Django's <c>SimpleTemplateResponse</c>):
/// middleware <c>ProcessTemplateResponse</c> hooks see it first, then the handler renders it (as django/core/handlers/base.py).
/// Override <see cref="Render"/>, or <see cref="RenderAsync"/> for rendering that awaits.
/// </summary>
public abstract class RenderableResponse : HttpResponse
{
    /// <summary>A response to render, with the given content type and status.</summary>
    protected RenderableResponse(string? contentType = null, int status = 200) : base(contentType, status, null, null)
    {
    }

    /// <summary>Whether the content has been produced.</summary>
    public bool IsRendered { get; private set; }

    /// <summary>Produces the content (sync form).</summary>
    protected virtual string RenderContent() => throw new InvalidOperationException($"{GetType().Name} must override RenderContent or RenderContentAsync.");

    /// <summary>Produces the content (async form).</summary>
    protected virtual ValueTask<string> RenderContentAsync() => new(RenderContent());

    /// <summary>
    /// Whether <see cref="RenderContentAsync"/> is the form to call: the type overrides it, and no more derived type
    /// overrides <see cref="RenderContent"/> alone (a subclass of <c>TemplateResponse</c> changing its sync form).
    /// </summary>
    internal bool RendersAsync => AsyncForms.GetOrAdd(GetType(), static type =>
        DeclaringType(type, nameof(RenderContentAsync)) is var asyncForm && asyncForm != typeof(RenderableResponse)
        && asyncForm.IsAssignableTo(DeclaringType(type, nameof(RenderContent))));

    // whether each response type renders with its async form, found once per type
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, bool> AsyncForms = new();

    /// <summary>The type whose override of the protected method <paramref name="method"/> <paramref name="type"/> has.</summary>
    private protected static Type DeclaringType(Type type, string method) =>
        type.GetMethod(method, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.DeclaringType!;

    /// <summary>The content's bytes: <see cref="RenderContent"/>'s text, encoded.</summary>
    private protected virtual byte[] RenderBytes() => Encode(RenderContent());

    /// <summary>The content's bytes: <see cref="RenderContentAsync"/>'s text, encoded.</summary>
    private protected virtual async ValueTask<byte[]> RenderBytesAsync() => Encode(await RenderContentAsync().ConfigureAwait(false));

    private List<Func<HttpResponse, bool, ValueTask<HttpResponse?>>>? _postRender;

    /// <summary>
    /// Runs <paramref name="callback"/> once the content is rendered — at once when it already is (Django's
    /// <c>add_post_render_callback</c>); it is called with <c>async: true</c> when the rendering was <see cref="RenderAsync"/>,
    /// and must then complete synchronously when called with <c>async: false</c>. A response it returns replaces the
    /// rendered one (what <see cref="Render"/> returns and the handler sends), as in Django; null keeps it. Called at
    /// once on a rendered response, what it returns is not used, as in Django.
    /// </summary>
    public void AddPostRenderCallback(Func<HttpResponse, bool, ValueTask<HttpResponse?>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (IsRendered) Async.SyncMode.Result(callback(this, false), "A post-render callback");
        else (_postRender ??= []).Add(callback);
    }

    /// <summary>Renders now (once); returns the response to send: this one, or what a post-render callback put in its place.</summary>
    public HttpResponse Render()
    {
        if (IsRendered) return this;
        Content = RenderBytes();
        IsRendered = true;
        HttpResponse response = this;
        if (_postRender is { } callbacks)
            foreach (var callback in callbacks) response = Async.SyncMode.Result(callback(response, false), "A post-render callback") ?? response;
        return response;
    }

    /// <summary>Renders now (once), awaiting the async form; returns the response to send, as <see cref="Render"/>.</summary>
    public async ValueTask<HttpResponse> RenderAsync()
    {
        if (IsRendered) return this;
        Content = await RenderBytesAsync().ConfigureAwait(false);
        IsRendered = true;
        HttpResponse response = this;
        if (_postRender is { } callbacks)
            foreach (var callback in callbacks) response = await callback(response, true).ConfigureAwait(false) ?? response;
        return response;
    }

    /// <summary>The content; reading it before rendering is an error, as in Django.</summary>
    public override byte[] Content
    {
        get => IsRendered ? base.Content : throw new InvalidOperationException("The response content must be rendered before it can be accessed.");
        set => base.Content = value;
    }
}
