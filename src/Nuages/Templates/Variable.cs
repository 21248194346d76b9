using System.Globalization;
using System.Numerics;

namespace Nuages.Templates;

/// <summary>
/// A variable of a template (Django's <c>Variable</c>): a literal — a number, or a quoted string, which is safe — or
/// a name with dotted lookups, <c>post.author.name</c>, resolved against a context.
/// </summary>
public sealed class Variable
{
    /// <summary>What a lookup that found nothing resolves to inside the engine (Django raises <c>VariableDoesNotExist</c>).</summary>
    internal static readonly object Invalid = new();

    private readonly Lookup[]? _lookups;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="TemplateSyntaxError"/> as Django does for names it refuses.</summary>
    public Variable(string text)
    {
        Text = text;
        if (TryNumber(text, out var number))
        {
            Literal = number;
            IsLiteral = true;
            return;
        }
        var name = text;
        if (name.StartsWith("_(", StringComparison.Ordinal) && name.EndsWith(')')) name = name[2..^1];
        if (TryUnescapeStringLiteral(name, out var literal))
        {
            Literal = new SafeString(literal);
            IsLiteral = true;
            return;
        }
        if (name.Contains("._", StringComparison.Ordinal) || name.StartsWith('_'))
            throw new TemplateSyntaxError($"Variables and attributes may not begin with underscores: '{name}'");
        foreach (var c in "+-")
            if (name.Contains(c, StringComparison.Ordinal)) throw new TemplateSyntaxError($"Invalid character ('{c}') in variable name: '{name}'");
        _lookups = [.. name.Split('.').Select(bit => new Lookup(bit))];
    }

    /// <summary>The text as written.</summary>
    public string Text { get; }

    /// <summary>Whether the variable is a literal.</summary>
    public bool IsLiteral { get; }

    /// <summary>The literal's value (a number, or a <see cref="SafeString"/>).</summary>
    public object? Literal { get; }

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Resolves the variable (sync); throws <see cref="VariableDoesNotExist"/> when a lookup fails, as Django does.</summary>
    public object? Resolve(Context context)
    {
        var task = ResolveAsync(context);
        var value = task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();
        return value == Invalid ? throw new VariableDoesNotExist($"Failed lookup for key [{Text}]") : value;
    }

    /// <summary>Resolves the variable: the value, or <see cref="Invalid"/> when a lookup found nothing.</summary>
    internal ValueTask<object?> ResolveAsync(Context context)
    {
        if (_lookups is null) return new(Literal);
        object? current;
        if (!context.TryGetValue(_lookups[0].Name, out current))
        {
            switch (_lookups[0].Name)
            {
                case "True": current = true; break;
                case "False": current = false; break;
                case "None": current = null; break;
                default: return new(Invalid);
            }
        }
        for (var i = 0; ; i++)
        {
            var last = i + 1 >= _lookups.Length;
            if (Accessors.NeedsWork(current, context, last))
                return Continue(context, current, i);
            if (last) return new(current);
            if (current is null) return new(Invalid);
            current = _lookups[i + 1].Get(current, context);
            if (current == Invalid) return new(Invalid);
            if (current == Accessors.AltersData) return new(context.Template?.Engine.StringIfInvalid ?? "");
        }
    }

    /// <summary>The slow path: a value to await, call or unwrap, then the remaining lookups.</summary>
    private async ValueTask<object?> Continue(Context context, object? current, int i)
    {
        for (; ; i++)
        {
            var last = i + 1 >= _lookups!.Length;
            current = await Accessors.SettleAsync(current, context, last).ConfigureAwait(false);
            if (last) return current;
            if (current is null) return Invalid;
            current = _lookups[i + 1].Get(current, context);
            if (current == Invalid) return Invalid;
            if (current == Accessors.AltersData) return context.Template?.Engine.StringIfInvalid ?? "";
        }
    }

    /// <summary>Python's number parsing of a variable: a float when it holds '.' or 'e' (not ending in '.'), else an int.</summary>
    private static bool TryNumber(string text, out object? number)
    {
        number = null;
        if (text.Length == 0) return false;
        if (text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.OrdinalIgnoreCase))
        {
            if (text[^1] == '.' || !IsPythonFloat(text)) return false;
            number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return true;
        }
        var digits = text.AsSpan();
        if (digits[0] is '+' or '-') digits = digits[1..];
        if (digits.Length == 0) return false;
        foreach (var c in digits) if (c is < '0' or > '9') return false;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) number = whole is >= int.MinValue and <= int.MaxValue ? (int)whole : whole;
        else number = BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return true;
    }

    private static bool IsPythonFloat(string text)
    {
        var s = text.AsSpan();
        if (s[0] is '+' or '-') s = s[1..];
        int i = 0, mantissa = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; mantissa++; }
        if (i < s.Length && s[i] == '.') { i++; while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; mantissa++; } }
        if (mantissa == 0) return false;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            var exp = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; exp++; }
            if (exp == 0) return false;
        }
        return i == s.Length;
    }

    /// <summary>django/utils/text.py's <c>unescape_string_literal</c>.</summary>
    internal static bool TryUnescapeStringLiteral(string text, out string value)
    {
        value = "";
        if (text.Length < 2 || text[0] is not ('"' or '\'') || text[^1] != text[0]) return false;
        var quote = text[0];
        value = text[1..^1].Replace("\\" + quote, quote.ToString(), StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        return true;
    }

    /// <summary>One dotted part, with the accessor last used for the type it met (a one-entry cache).</summary>
    private sealed class Lookup(string name)
    {
        private Accessor? _last;

        public string Name { get; } = name;

        public object? Get(object target, Context context)
        {
            var accessor = _last;
            var type = target.GetType();
            if (accessor is null || accessor.Type != type || accessor.Async != context.IsAsync)
                _last = accessor = Accessors.For(type, Name, context.IsAsync);
            return accessor.Get(target, Name, context);
        }
    }
}
