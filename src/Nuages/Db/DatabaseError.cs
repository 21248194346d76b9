using System.Data.Common;

namespace Nuages.Db;

/// <summary>
/// A database failed a statement (Django's <c>DatabaseError</c>): the driver's exception, wrapped with the alias and the
/// SQL that failed, in one hierarchy for both engines. Values are parameters, so the SQL shows none of them.
/// </summary>
public class DatabaseError : Exception
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public DatabaseError(string message, string alias, string? sql, Exception? inner) : base(message, inner)
    {
        Alias = alias;
        Sql = sql;
    }

    /// <summary>The database alias the statement ran on.</summary>
    public string Alias { get; }

    /// <summary>The statement that failed; null when connecting failed.</summary>
    public string? Sql { get; }

    /// <summary>The driver's exception as the Django class that matches its error code.</summary>
    internal static DatabaseError From(DbException e, string alias, string sql)
    {
        var message = $"{e.Message} (database '{alias}'; SQL: {sql})";
        return Backends.DriverErrors.Classify(e) switch
        {
            DatabaseErrorKind.Integrity => new IntegrityError(message, alias, sql, e),
            DatabaseErrorKind.Data => new DataError(message, alias, sql, e),
            DatabaseErrorKind.Programming => new ProgrammingError(message, alias, sql, e),
            DatabaseErrorKind.Internal => new InternalError(message, alias, sql, e),
            DatabaseErrorKind.NotSupported => new NotSupportedError(message, alias, sql, e),
            _ => new OperationalError(message, alias, sql, e),
        };
    }

    /// <summary>Connecting failed: says which alias and which server, which is what has to be fixed.</summary>
    internal static OperationalError Connect(Exception e, string alias, string target) =>
        new($"Cannot connect to the database '{alias}' ({target}): {e.Message}", alias, null, e);
}

/// <summary>A constraint refused the change: unique, not null, foreign key, check.</summary>
public class IntegrityError(string message, string alias, string? sql, Exception? inner) : DatabaseError(message, alias, sql, inner);

/// <summary>The database is unreachable, locked, out of resources, or the table is missing.</summary>
public sealed class OperationalError(string message, string alias, string? sql, Exception? inner) : DatabaseError(message, alias, sql, inner);

/// <summary>A value does not fit its column: too long, out of range, malformed.</summary>
public sealed class DataError(string message, string alias, string? sql, Exception? inner) : DatabaseError(message, alias, sql, inner);

/// <summary>The SQL is wrong for this database: a missing column, a syntax error, a wrong number of parameters.</summary>
public class ProgrammingError(string message, string alias, string? sql, Exception? inner) : DatabaseError(message, alias, sql, inner);

/// <summary>PEP 249's InternalError: the database's own state went wrong (a transaction state, a cursor, an internal error).</summary>
public sealed class InternalError(string message, string alias, string? sql, Exception? inner) : DatabaseError(message, alias, sql, inner);

/// <summary>PEP 249's NotSupportedError: the database does not support the operation (SQLSTATE class 0A).</summary>
public sealed class NotSupportedError(string message, string alias, string? sql, Exception? inner) : DatabaseError(message, alias, sql, inner);

/// <summary>Which of Django's database errors a driver error is.</summary>
internal enum DatabaseErrorKind
{
    Operational,
    Integrity,
    Data,
    Programming,
    NotSupported,
    Internal,
}
