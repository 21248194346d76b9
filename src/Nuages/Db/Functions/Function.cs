using Nuages.Db.Query;

namespace Nuages.Db.Functions;

/// <summary>
/// A database function (Django's <c>Func</c>, django/db/models/functions/): its arguments are expressions — a string
/// is a field name, as in Django, a text constant is <c>new Value("…")</c>, other constants are wrapped for you —
/// resolved against the query, and its SQL may differ by engine, as Django's <c>as_sqlite</c>/<c>as_postgresql</c>.
/// Use functions in <c>Annotate</c>, <c>Alias</c> (then <c>Filter</c> on the name), <c>OrderBy</c>, <c>Values</c> and <c>Update</c>.
/// </summary>
public abstract class Function : QueryExpression
{
    private readonly QueryExpression[] _arguments;

    /// <summary>The arguments, in order.</summary>
    private protected Function(params object?[] arguments) => _arguments = [.. arguments.Select(Argument)];

    internal override QueryExpression Resolve(SqlQuery query) => new Resolved(this, [.. _arguments.Select(a => a.Resolve(query))]);

    internal override string Compile(SqlContext context) => throw new InvalidOperationException($"{GetType().Name} was not resolved against a query.");

    internal override bool ContainsAggregate => _arguments.Any(a => a.ContainsAggregate);

    /// <summary>The SQL on <paramref name="backend"/>'s engine over the compiled arguments.</summary>
    private protected abstract string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved);

    /// <summary>The type its values are read as: by default its first argument's (Django's output_field resolution).</summary>
    private protected virtual Type? Output(IReadOnlyList<QueryExpression> arguments) => arguments.Select(a => a.OutputType).FirstOrDefault(t => t is not null);

    private protected static bool IsFloat(Type? type) => type == typeof(double) || type == typeof(float);

    private protected static bool IsInteger(Type? type) => type == typeof(int) || type == typeof(long) || type == typeof(short);

    /// <summary>Django's NumericOutputFieldMixin: a decimal stays decimal, integers become a float.</summary>
    private protected static Type? Numeric(IReadOnlyList<QueryExpression> arguments)
    {
        var types = arguments.Select(a => a.OutputType).ToList();
        if (types.Contains(typeof(decimal))) return typeof(decimal);
        if (types.Any(IsInteger)) return typeof(double);
        return types.FirstOrDefault(t => t is not null);
    }

    private sealed class Resolved(Function function, QueryExpression[] arguments) : QueryExpression
    {
        internal override QueryExpression Resolve(SqlQuery query) => this;

        internal override string Compile(SqlContext context) =>
            function.Sql(context.Backend, [.. arguments.Select(a => a.Compile(context))], arguments);

        internal override bool ContainsAggregate => arguments.Any(a => a.ContainsAggregate);

        internal override Type? OutputType => function.Output(arguments);
    }
}

/// <summary>A function called by one name on every engine, with its arguments in order.</summary>
public abstract class NamedFunction : Function
{
    private readonly string _name;

    private protected NamedFunction(string name, params object?[] arguments) : base(arguments) => _name = name;

    private protected override string Sql(Backends.Backend backend, IReadOnlyList<string> arguments, IReadOnlyList<QueryExpression> resolved) =>
        $"{_name}({string.Join(", ", arguments)})";
}
