using System.Text;
using System.Text.RegularExpressions;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Urls;

/// <summary>
/// One compiled route: a plain string comparison when the route has no parameters, else a regular
/// expression anchored where matching resumes. Knows the names, converters and reverse template of
/// its parameters.
/// </summary>
internal sealed partial class RouteMatcher
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly PathConverter?[] _converters;
    private readonly int[] _groupNumbers;

    private RouteMatcher(string route, string? literal, Regex? regex, string[] names, PathConverter?[] converters, int[] groupNumbers, List<ReversePart>? reverse)
    {
        Route = route;
        _literal = literal;
        _regex = regex;
        Names = names;
        _converters = converters;
        _groupNumbers = groupNumbers;
        ReverseParts = reverse;
    }

    /// <summary>The route as written.</summary>
    public string Route { get; }

    /// <summary>Named parameters in order; empty names stand for positional groups.</summary>
    public string[] Names { get; }

    /// <summary>The type each parameter's value has once converted.</summary>
    public Type ValueType(int index) => _converters[index]?.ValueType ?? typeof(string);

    /// <summary>How to rebuild this part of a URL, or null when the regex is too complex to reverse.</summary>
    public List<ReversePart>? ReverseParts { get; }

    [GeneratedRegex(@"<(?:(?<converter>[^>:]+):)?(?<parameter>[^>]+)>")]
    private static partial Regex ParameterComponent();

    public static RouteMatcher ForPath(string route, bool endpoint)
    {
        var names = new List<string>();
        var converters = new List<PathConverter?>();
        var reverse = new List<ReversePart>();
        var regex = new StringBuilder(@"\G");
        var rest = route;
        while (ParameterComponent().Match(rest) is { Success: true } m)
        {
            if (m.Value.Any(char.IsWhiteSpace))
                throw new ImproperlyConfigured($"URL route '{route}' cannot contain whitespace in angle brackets <…>.");
            var literal = rest[..m.Index];
            regex.Append(Regex.Escape(literal));
            if (literal.Length > 0) reverse.Add(ReversePart.Text(literal));
            rest = rest[(m.Index + m.Length)..];
            var parameter = m.Groups["parameter"].Value;
            if (!IsIdentifier(parameter))
                throw new ImproperlyConfigured($"URL route '{route}' uses parameter name '{parameter}' which isn't a valid identifier.");
            var converterName = m.Groups["converter"].Success ? m.Groups["converter"].Value : "str";
            var converter = Converters.Get(converterName) ?? throw new ImproperlyConfigured(
                $"URL route '{route}' uses invalid converter '{converterName}'. Known converters: {string.Join(", ", Converters.Names)}.");
            if (names.Contains(parameter))
                throw new ImproperlyConfigured($"URL route '{route}' uses parameter name '{parameter}' more than once.");
            names.Add(parameter);
            converters.Add(converter);
            reverse.Add(ReversePart.Parameter(parameter, names.Count - 1, converter.Regex, converter));
            regex.Append("(?<").Append(parameter).Append('>').Append(converter.Regex).Append(')');
        }
        if (rest.Contains('<') || rest.Contains('>'))
            throw new ImproperlyConfigured($"URL route '{route}' has an unmatched '<' or '>'.");
        regex.Append(Regex.Escape(rest));
        if (rest.Length > 0) reverse.Add(ReversePart.Text(rest));
        if (names.Count == 0) return new RouteMatcher(route, route, null, [], [], [], reverse);
        if (endpoint) regex.Append(@"\z");
        var compiled = new Regex(regex.ToString(), RegexOptions.Compiled | RegexOptions.CultureInvariant);
        return new RouteMatcher(route, null, compiled, [.. names], [.. converters], [.. names.Select(compiled.GroupNumberFromName)], reverse);
    }

    public static RouteMatcher ForRegex(string pattern)
    {
        var translated = pattern.Replace("(?P<", "(?<").Replace(@"\Z", @"\z");
        translated = PythonBackReference().Replace(translated, @"\k<$1>");
        if (translated.StartsWith('^')) translated = translated[1..];
        Regex regex;
        try
        {
            regex = new Regex(@"\G(?:" + translated + ")", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ImproperlyConfigured($"Your URL pattern '{pattern}' is not a valid regular expression: {e.Message}");
        }
        var named = regex.GetGroupNames().Where(n => !int.TryParse(n, out _)).ToArray();
        // Django passes unnamed groups positionally, and only when there are no named ones.
        var numbers = named.Length > 0
            ? named.Select(regex.GroupNumberFromName).ToArray()
            : regex.GetGroupNumbers().Where(n => n > 0).ToArray();
        var names = named.Length > 0 ? named : new string[numbers.Length].Select(_ => "").ToArray();
        return new RouteMatcher(pattern, null, regex, names, new PathConverter?[names.Length], numbers, RegexReverse.Parse(pattern, names));
    }

    [GeneratedRegex(@"\(\?P=(\w+)\)")]
    private static partial Regex PythonBackReference();

    /// <summary>
    /// Matches at <paramref name="start"/>; an endpoint must consume the rest of the path (its regex
    /// says so). Converted values are appended to <paramref name="values"/>; a converter that rejects
    /// its segment makes the route not match.
    /// </summary>
    public bool TryMatch(string path, int start, bool endpoint, ref List<object?>? values, out int end)
    {
        if (_literal is not null)
        {
            end = start + _literal.Length;
            if (endpoint) return path.Length - start == _literal.Length && string.CompareOrdinal(path, start, _literal, 0, _literal.Length) == 0;
            return path.Length - start >= _literal.Length && string.CompareOrdinal(path, start, _literal, 0, _literal.Length) == 0;
        }
        var match = _regex!.Match(path, start);
        end = match.Index + match.Length;
        if (!match.Success) return false;
        if (_groupNumbers.Length == 0) return true;
        values ??= new List<object?>(_groupNumbers.Length);
        var mark = values.Count;
        for (var i = 0; i < _groupNumbers.Length; i++)
        {
            var group = match.Groups[_groupNumbers[i]];
            if (_converters[i] is { } converter)
            {
                try
                {
                    values.Add(converter.ToValueUntyped(group.Value));
                }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                {
                    values.RemoveRange(mark, values.Count - mark);
                    return false;
                }
            }
            else values.Add(group.Success ? group.Value : null);
        }
        return true;
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');
}

/// <summary>A piece of a URL to rebuild: literal text, or a parameter with the pattern its text must match.</summary>
internal sealed record ReversePart(string? Literal, string? Name, int Index, string? ValueRegex, PathConverter? Converter)
{
    public static ReversePart Text(string literal) => new(literal, null, -1, null, null);

    public static ReversePart Parameter(string name, int index, string regex, PathConverter? converter) => new(null, name, index, regex, converter);

    private System.Text.RegularExpressions.Regex? _valuePattern;

    /// <summary>Whether a value's text matches the parameter's pattern whole (compiled on first use, then kept).</summary>
    public bool Accepts(string text) => (_valuePattern ??= new System.Text.RegularExpressions.Regex(
        "^(?:" + ValueRegex!.Replace("(?P<", "(?<", StringComparison.Ordinal) + ")$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)).IsMatch(text);
}
