using Nuages.Db.Query;

namespace Nuages.Db.Functions;

/// <summary>Lower case, as the engine folds it (SQLite's LOWER folds ASCII only, PostgreSQL's all of Unicode), as Django's <c>Lower</c>.</summary>
public sealed class Lower(object expression) : NamedFunction("LOWER", expression);

/// <summary>Upper case, as the engine folds it (SQLite: ASCII only), as Django's <c>Upper</c>.</summary>
public sealed class Upper(object expression) : NamedFunction("UPPER", expression);

/// <summary>The number of characters (Django's <c>Length</c>); NULL for NULL.</summary>
public sealed class Length(object expression) : NamedFunction("LENGTH", expression)
{
    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(long);
}

/// <summary>Spaces removed from both ends (Django's <c>Trim</c>).</summary>
public sealed class Trim(object expression) : NamedFunction("TRIM", expression);

/// <summary>Spaces removed from the start (Django's <c>LTrim</c>).</summary>
public sealed class LTrim(object expression) : NamedFunction("LTRIM", expression);

/// <summary>Spaces removed from the end (Django's <c>RTrim</c>).</summary>
public sealed class RTrim(object expression) : NamedFunction("RTRIM", expression);

/// <summary>Every <paramref name="text"/> replaced by <paramref name="replacement"/> (Django's <c>Replace</c>; give text constants as <c>new Value("…")</c>).</summary>
public sealed class Replace(object expression, object text, object? replacement = null) : NamedFunction("REPLACE", expression, text, replacement ?? new Value(""));

/// <summary>
/// The text of its arguments joined (Django's <c>Concat</c>): a NULL counts as empty text on both engines, as
/// Django's ConcatPair makes it (COALESCE and <c>||</c> on SQLite, CONCAT of texts on PostgreSQL).
/// </summary>
public sealed class Concat : Function
{
    /// <summary>At least two expressions: field names, or <c>new Value("…")</c> for text.</summary>
    public Concat(params object?[] expressions) : base(expressions)
    {
        if (expressions.Length < 2) throw new ArgumentException("Concat must take at least two expressions");
    }

    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) => backend.Vendor == "sqlite"
        ? "(" + string.Join(" || ", arguments.Select(a => $"COALESCE({a}, '')")) + ")"
        : "CONCAT(" + string.Join(", ", arguments.Select(a => $"({a})::text")) + ")";

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(string);
}

/// <summary>The text from a position (1 is the first character), to the end or for a length (Django's <c>Substr</c>).</summary>
public sealed class Substr : Function
{
    private readonly bool _length;

    /// <summary>From <paramref name="position"/> to the end, or <paramref name="length"/> characters.</summary>
    public Substr(object expression, object position, object? length = null) : base(length is null ? [expression, position] : [expression, position, length])
    {
        if (position is int p && p <= 0) throw new ArgumentException("'pos' must be greater than 0");
        _length = length is not null;
    }

    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        $"{(backend.Vendor == "sqlite" ? "SUBSTR" : "SUBSTRING")}({string.Join(", ", arguments)})";

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(string);
}

/// <summary>The first <paramref name="length"/> characters (Django's <c>Left</c>).</summary>
public sealed class Left(object expression, object length) : Function(expression, length)
{
    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        backend.Vendor == "sqlite" ? $"SUBSTR({arguments[0]}, 1, {arguments[1]})" : $"LEFT({arguments[0]}, {arguments[1]})";

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(string);
}

/// <summary>The last <paramref name="length"/> characters (Django's <c>Right</c>).</summary>
public sealed class Right(object expression, object length) : Function(expression, length)
{
    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        backend.Vendor == "sqlite" ? $"SUBSTR({arguments[0]}, -({arguments[1]}))" : $"RIGHT({arguments[0]}, {arguments[1]})";

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(string);
}

/// <summary>Filled on the left with <paramref name="fillText"/> (a space by default) to <paramref name="length"/>, or cut to it (Django's <c>LPad</c>).</summary>
public sealed class LPad(object expression, object length, object? fillText = null) : NamedFunction("LPAD", expression, length, fillText ?? new Value(" "))
{
    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(string);
}

/// <summary>Filled on the right to <paramref name="length"/>, or cut to it (Django's <c>RPad</c>).</summary>
public sealed class RPad(object expression, object length, object? fillText = null) : NamedFunction("RPAD", expression, length, fillText ?? new Value(" "))
{
    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(string);
}

/// <summary>Where <paramref name="substring"/> starts in <paramref name="text"/>, from 1; 0 when it is not there (Django's <c>StrIndex</c>).</summary>
public sealed class StrIndex(object text, object substring) : Function(text, substring)
{
    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        $"{(backend.Vendor == "sqlite" ? "INSTR" : "STRPOS")}({arguments[0]}, {arguments[1]})";

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => typeof(long);
}
