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
        PostgresException p => p.SqlState[..2] switch
        {
            "23" => DatabaseErrorKind.Integrity,
            "22" => DatabaseErrorKind.Data,
            "42" => DatabaseErrorKind.Programming,
            "0A" => DatabaseErrorKind.NotSupported,
            _ => DatabaseErrorKind.Operational,
        },
        _ => DatabaseErrorKind.Operational, // the connection broke or could not be made
    };
}
