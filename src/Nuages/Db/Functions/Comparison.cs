using Nuages.Db.Query;

namespace Nuages.Db.Functions;

/// <summary>
/// The value as another type (Django's <c>Cast(expression, output_field)</c>): <c>new Cast("pages", typeof(string))</c>,
/// in the column type that type has on the engine (<c>varchar(n)</c> with <paramref name="maxLength"/>).
/// </summary>
public sealed class Cast(object expression, Type outputType, int? maxLength = null, int? maxDigits = null, int? decimalPlaces = null) : Function(expression)
{
    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved)
    {
        var type = (Nullable.GetUnderlyingType(outputType) ?? outputType) == typeof(string) && maxLength is null ? "text"
            : backend.ColumnType(outputType, maxLength, false, maxDigits, decimalPlaces);
        return $"CAST({arguments[0]} AS {type})";
    }

    private protected override Type? Output(IReadOnlyList<QueryExpression> arguments) => Nullable.GetUnderlyingType(outputType) ?? outputType;
}

/// <summary>
/// The greatest of its arguments (Django's <c>Greatest</c>): PostgreSQL leaves NULLs out, SQLite answers NULL when
/// any is NULL — the engines differ, and Django documents it.
/// </summary>
public sealed class Greatest : Function
{
    /// <summary>At least two expressions.</summary>
    public Greatest(params object?[] expressions) : base(expressions)
    {
        if (expressions.Length < 2) throw new ArgumentException("Greatest must take at least two expressions");
    }

    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        $"{(backend.Vendor == "sqlite" ? "MAX" : "GREATEST")}({string.Join(", ", arguments)})";
}

/// <summary>The least of its arguments (Django's <c>Least</c>); NULLs as for <see cref="Greatest"/>.</summary>
public sealed class Least : Function
{
    /// <summary>At least two expressions.</summary>
    public Least(params object?[] expressions) : base(expressions)
    {
        if (expressions.Length < 2) throw new ArgumentException("Least must take at least two expressions");
    }

    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        $"{(backend.Vendor == "sqlite" ? "MIN" : "LEAST")}({string.Join(", ", arguments)})";
}

/// <summary>NULL when the two are equal, else the first (Django's <c>NullIf</c>).</summary>
public sealed class NullIf(object expression1, object expression2) : NamedFunction("NULLIF", expression1, expression2);
