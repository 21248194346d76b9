using System.Collections;
using System.Text.Json;
using Nuages.Http;

namespace Nuages.Templates;

/// <summary>
/// The variables a template renders with (Django's <c>Context</c>): a stack of dictionaries, the innermost first.
/// Tags push a layer for what they set (<c>with</c>, <c>for</c>) and pop it after. With a request it is Django's
/// <c>RequestContext</c>: the context processors' variables are the bottom layer.
/// </summary>
public sealed class Context
{
    private readonly List<Dictionary<string, object?>> _layers = new(4);
    private Stack<Dictionary<string, object?>>? _spare; // layers popped, cleared, ready again (made at the first pop)

    /// <summary>An empty context; autoescaping on.</summary>
    public Context() => _layers.Add(new Dictionary<string, object?>(StringComparer.Ordinal));

    /// <summary>A context with <paramref name="values"/> (a dictionary, or an object whose properties are the names).</summary>
    public Context(object? values, bool autoescape = true) : this()
    {
        Autoescape = autoescape;
        Update(values);
    }

    /// <summary>Whether variables are escaped (Django's <c>autoescape</c>); the <c>autoescape</c> tag changes it within its block.</summary>
    public bool Autoescape { get; set; } = true;

    /// <summary>The request, for a <c>RequestContext</c>.</summary>
    public HttpRequest? Request { get; internal set; }

    /// <summary>Per-render state of tags (Django's <c>render_context</c>): cycles, <c>ifchanged</c>, block overrides.</summary>
    internal RenderState Render
    {
        get => _render ??= new();
        set => _render = value;
    }

    private RenderState? _render; // made for the first tag that keeps state

    /// <summary>The template being rendered.</summary>
    public Template? Template { get; internal set; }

    /// <summary>Whether this render may await (<c>RenderAsync</c>): awaitables and async sequences are awaited.</summary>
    public bool IsAsync { get; internal set; }

    /// <summary>Cancels an async render.</summary>
    public CancellationToken CancellationToken { get; internal set; }

    /// <summary>The variable named <paramref name="name"/>, innermost layer first.</summary>
    public bool TryGetValue(string name, out object? value)
    {
        for (var i = _layers.Count - 1; i >= 0; i--)
            if (_layers[i].TryGetValue(name, out value)) return true;
        value = null;
        return false;
    }

    /// <summary>The variable, or null.</summary>
    public object? this[string name]
    {
        get => TryGetValue(name, out var value) ? value : null;
        set => _layers[^1][name] = value;
    }

    /// <summary>Whether any layer has the name.</summary>
    public bool Contains(string name) => TryGetValue(name, out _);

    /// <summary>Sets a variable in the innermost layer that has it, else in the innermost layer (Django's <c>set_upward</c>).</summary>
    public void SetUpward(string name, object? value)
    {
        for (var i = _layers.Count - 1; i >= 0; i--)
        {
            if (_layers[i].ContainsKey(name))
            {
                _layers[i][name] = value;
                return;
            }
        }
        _layers[^1][name] = value;
    }

    /// <summary>Sets a variable in the outermost layer (Django's <c>set_upward</c>... the bottom one: <c>context.dicts[0]</c>).</summary>
    internal void SetBottom(string name, object? value) => _layers[0][name] = value;

    /// <summary>Adds a layer, to be taken off by disposing the result.</summary>
    public PushScope Push()
    {
        _layers.Add(_spare is { Count: > 0 } ? _spare.Pop() : new Dictionary<string, object?>(StringComparer.Ordinal));
        return new PushScope(this);
    }

    /// <summary>Adds a layer with <paramref name="values"/>.</summary>
    public PushScope Push(object? values)
    {
        var scope = Push();
        Update(values);
        return scope;
    }

    /// <summary>Takes off the innermost layer.</summary>
    public void Pop()
    {
        if (_layers.Count == 1) throw new InvalidOperationException("pop() has been called more times than push()");
        var layer = _layers[^1];
        _layers.RemoveAt(_layers.Count - 1);
        layer.Clear();
        (_spare ??= new()).Push(layer);
    }

    /// <summary>Sets variables from a dictionary or an object's properties in the innermost layer.</summary>
    public void Update(object? values)
    {
        if (values is null) return;
        var layer = _layers[^1];
        switch (values)
        {
            case Context other:
                foreach (var l in other._layers) foreach (var (k, v) in l) layer[k] = v;
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (k, v) in pairs) layer[k] = v;
                break;
            case IDictionary dictionary:
                foreach (DictionaryEntry e in dictionary) layer[e.Key.ToString()!] = e.Value;
                break;
            default:
                foreach (var (name, snake, read) in Readers.GetOrAdd(values.GetType(), static type => [.. type.GetProperties()
                    .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true })
                    .Select(p => (p.Name, JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) is var s && s != p.Name ? s : null, Compile(p)))]))
                {
                    var value = read(values);
                    layer[name] = value;
                    if (snake is not null) layer.TryAdd(snake, value);
                }
                break;
        }
    }

    // the properties of a context object's type, read by compiled delegates: no reflection per render
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Name, string? Snake, Func<object, object?> Read)[]> Readers = new();

    private static Func<object, object?> Compile(System.Reflection.PropertyInfo property)
    {
        var target = System.Linq.Expressions.Expression.Parameter(typeof(object), "target");
        var read = System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(target, property.DeclaringType!), property);
        return System.Linq.Expressions.Expression.Lambda<Func<object, object?>>(System.Linq.Expressions.Expression.Convert(read, typeof(object)), target).Compile();
    }

    /// <summary>A copy for an isolated render (<c>include … only</c>): same settings, empty variables.</summary>
    internal Context NewIsolated(object? values)
    {
        var context = new Context { Autoescape = Autoescape, Request = Request, Render = Render, Template = Template, IsAsync = IsAsync, CancellationToken = CancellationToken };
        context.Update(values);
        return context;
    }

    /// <summary>Every variable, innermost wins, as a flat dictionary.</summary>
    public Dictionary<string, object?> Flatten()
    {
        var flat = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var layer in _layers) foreach (var (k, v) in layer) flat[k] = v;
        return flat;
    }

    internal int Depth => _layers.Count;

    /// <summary>Takes off what a <see cref="Push()"/> added.</summary>
    public readonly struct PushScope(Context context) : IDisposable
    {
        /// <summary>Pops the layer.</summary>
        public void Dispose() => context.Pop();
    }
}

/// <summary>State the tags keep while one template renders (Django's <c>RenderContext</c>), by node.</summary>
internal sealed class RenderState
{
    private readonly List<Dictionary<object, object?>> _layers = [new()];

    public BlockContext? Blocks { get; set; }

    public bool TryGetValue(object key, out object? value) => _layers[^1].TryGetValue(key, out value);

    public object? this[object key]
    {
        get => _layers[^1].TryGetValue(key, out var value) ? value : null;
        set => _layers[^1][key] = value;
    }

    private readonly Stack<Dictionary<object, object?>> _spare = new();

    /// <summary>A template included renders with state of its own (its cycles, its blocks), until the scope is disposed.</summary>
    public StateScope PushState()
    {
        var blocks = Blocks;
        _layers.Add(_spare.Count > 0 ? _spare.Pop() : []);
        Blocks = null;
        return new StateScope(this, blocks);
    }

    /// <summary>Gives the state back.</summary>
    public readonly struct StateScope(RenderState state, BlockContext? blocks) : IDisposable
    {
        /// <summary>Restores the state outside.</summary>
        public void Dispose()
        {
            var layer = state._layers[^1];
            state._layers.RemoveAt(state._layers.Count - 1);
            layer.Clear();
            state._spare.Push(layer);
            state.Blocks = blocks;
        }
    }
}
