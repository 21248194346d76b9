using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Nuages.Db.Backends;

/// <summary>Which of Django's database errors a driver's error is, from SQLite's result codes and PostgreSQL's SQLSTATE classes.</summary>
internal static class DriverErrors
{
    public static DatabaseErrorKind Classify(DbException e) => e switch
    {
        SqliteException s => (s.SqliteErrorCode & 0xFF) switch
        {
            19 => DatabaseErrorKind.Integrity, // SQLITE_CONSTRAINT
            18 or 20 => DatabaseErrorKind.Data, // SQLITE_TOOBIG, SQLITE_MISMATCH
            25 or 21 => DatabaseErrorKind.Programming, // SQLITE_RANGE, SQLITE_MISUSE
            _ => DatabaseErrorKind.Operational, // sqlite3 itself calls "no such table" and locks operational
        },
        // psycopg's mapping of SQLSTATE classes to PEP 249's errors (psycopg2 exception_from_sqlstate), which Django re-raises
        PostgresException p => p.SqlState[..2] switch
        {
            "0A" => DatabaseErrorKind.NotSupported,
            "20" or "21" => DatabaseErrorKind.Programming, // case not found, cardinality violation
            "22" => DatabaseErrorKind.Data,
            "23" => DatabaseErrorKind.Integrity,
            "24" or "25" or "2B" or "2D" or "2F" or "38" or "39" or "3B" => DatabaseErrorKind.Internal,
            "3D" or "3F" or "42" or "44" => DatabaseErrorKind.Programming,
            "XX" or "F0" or "P0" => DatabaseErrorKind.Internal,
            _ => DatabaseErrorKind.Operational,
        },
        _ => DatabaseErrorKind.Operational, // the connection broke or could not be made
    };
}
