using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace Handshake.Stores.PostgreSql.Internal;

/// <summary>Where every store command is made.</summary>
internal static class Sql
{
    /// <summary>Creates a command. Its text is built only from constants and the validated schema name; every value is a parameter.</summary>
    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Command text is constants plus the schema identifier checked by PostgreSqlStoreContext.ValidSchema; values are always parameters.")]
    public static NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction? transaction = null) => new(sql, connection, transaction);
}
