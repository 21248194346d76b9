using Nuages.Db.Query;

namespace Nuages.Db.Functions;

/// <summary>The absolute value (Django's <c>Abs</c>), of the argument's type.</summary>
public sealed class Abs(object expression) : NamedFunction("ABS", expression);

/// <summary>The least integer not below the value (Django's <c>Ceil</c>), of the argument's type.</summary>
public sealed class Ceil(object expression) : NamedFunction("CEILING", expression);

/// <summary>The greatest integer not above the value (Django's <c>Floor</c>), of the argument's type.</summary>
public sealed class Floor(object expression) : NamedFunction("FLOOR", expression);

/// <summary>The square root (Django's <c>Sqrt</c>): a float for integers.</summary>
public sealed class Sqrt(object expression) : NamedFunction("SQRT", expression)
{
    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => Numeric(arguments);
}

/// <summary><paramref name="expression"/> to the power <paramref name="exponent"/> (Django's <c>Power</c>): a float for integers.</summary>
public sealed class Power(object expression, object exponent) : NamedFunction("POWER", expression, exponent)
{
    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => Numeric(arguments);
}

/// <summary>
/// The remainder of <paramref name="dividend"/> by <paramref name="divisor"/>, with the dividend's sign (Django's
/// <c>Mod</c>): a float for integers; PostgreSQL computes floats as numeric, as Django's FixDecimalInputMixin casts them.
/// </summary>
public sealed class Mod(object dividend, object divisor) : Function(dividend, divisor)
{
    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        $"MOD({string.Join(", ", arguments.Select((a, i) => backend.Vendor == "postgresql" && IsFloat(resolved[i].OutputType) ? $"CAST({a} AS numeric)" : a))})";

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => Numeric(arguments);
}

/// <summary>
/// Rounded to a number of digits after the point, half away from zero (Django's <c>Round</c>), of the
/// argument's type; PostgreSQL rounds floats as numeric, as Django casts them.
/// </summary>
public sealed class Round : Function
{
    /// <summary>To the nearest integer, or to <paramref name="precision"/> places (negative precision is refused on SQLite, as Django refuses it).</summary>
    public Round(object expression, int precision = 0) : base(expression, precision) => Precision = precision;

    private int Precision { get; }

    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved)
    {
        if (backend.Vendor == "sqlite" && Precision < 0) throw new ArgumentException("SQLite does not support negative precision.");
        var value = backend.Vendor == "postgresql" && IsFloat(resolved[0].OutputType) ? $"CAST({arguments[0]} AS numeric)" : arguments[0];
        return $"ROUND({value}, {arguments[1]})";
    }
}
