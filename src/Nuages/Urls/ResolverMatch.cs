using Nuages.Views;

namespace Nuages.Urls;

/// <summary>The result of URL resolution, Django's <c>ResolverMatch</c>: the view, its arguments and the pattern's names.</summary>
public sealed class ResolverMatch
{
    private readonly UrlResolver.Endpoint _endpoint;
    private readonly object?[] _values;
    private IReadOnlyDictionary<string, object?>? _kwargs;

    internal ResolverMatch(UrlResolver.Endpoint endpoint, object?[] values)
    {
        _endpoint = endpoint;
        _values = values;
    }

    internal BoundView View => _endpoint.View;

    internal object?[] Values => _values;

    /// <summary>The view delegate as routed, decorators included.</summary>
    public Delegate Func => _endpoint.View.Descriptor.Original;

    /// <summary>The named values the route captured, converted.</summary>
    public IReadOnlyDictionary<string, object?> Kwargs => _kwargs ??= BuildKwargs();

    /// <summary>The positional values a regex route with unnamed groups captured.</summary>
    public IReadOnlyList<object?> Args => _endpoint.Positional ? _values : [];

    /// <summary>The pattern's name, if any.</summary>
    public string? UrlName => _endpoint.Name;

    /// <summary>The instance namespaces, outermost first.</summary>
    public IReadOnlyList<string> Namespaces => _endpoint.Namespaces;

    /// <summary>The application namespaces, outermost first.</summary>
    public IReadOnlyList<string> AppNames => _endpoint.AppNames;

    /// <summary>The namespaces joined with <c>:</c>.</summary>
    public string Namespace => string.Join(':', _endpoint.Namespaces);

    /// <summary>The name to reverse this match by: <c>ns:name</c>, or the view's name when the pattern has none.</summary>
    public string ViewName => _endpoint.QualifiedName ?? _endpoint.View.Descriptor.Name;

    /// <summary>The full route that matched, prefixes included (<c>api/authors/&lt;int:id&gt;/</c>).</summary>
    public string Route => _endpoint.FullRoute;

    private Dictionary<string, object?> BuildKwargs()
    {
        var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (_endpoint.Positional) return kwargs;
        for (var i = 0; i < _endpoint.CaptureNames.Length; i++) kwargs[_endpoint.CaptureNames[i]] = _values[i];
        return kwargs;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"ResolverMatch(func={_endpoint.View.Descriptor.Name}, args=[{string.Join(", ", Args)}], kwargs={{{string.Join(", ", Kwargs.Select(k => $"'{k.Key}': {k.Value}"))}}}, url_name={UrlName}, app_names=[{string.Join(", ", AppNames)}], namespaces=[{string.Join(", ", Namespaces)}], route='{Route}')";
}
