namespace Handshake.Cli.Serve.Sql;

/// <summary>The SQL dialect a query is answered in (column naming, variables, error codes).</summary>
internal enum SqlDialect
{
    /// <summary>PostgreSQL: ?column? for unnamed expressions, SHOW name, SQLSTATE errors.</summary>
    PostgreSql,

    /// <summary>MySQL/MariaDB: the expression text as column name, @@variables, SHOW VARIABLES.</summary>
    MySql,
}

/// <summary>How a result column's values are typed on the wire.</summary>
internal enum SqlType
{
    /// <summary>A 64-bit integer (PostgreSQL int4 when it fits, else int8; MySQL LONGLONG).</summary>
    Integer,

    /// <summary>Text (PostgreSQL text; MySQL VAR_STRING, utf8mb4).</summary>
    Text,
}

/// <summary>One result column.</summary>
internal sealed record SqlColumn(string Name, SqlType Type);

/// <summary>What serve answers to one statement: rows, a completed command, an error, or nothing (an empty query).</summary>
internal abstract record SqlAnswer
{
    /// <summary>A result set of text values (null for SQL NULL).</summary>
    internal sealed record Rows(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<IReadOnlyList<string?>> Values) : SqlAnswer;

    /// <summary>A statement without rows; <paramref name="Tag"/> is PostgreSQL's CommandComplete tag.</summary>
    internal sealed record Command(string Tag) : SqlAnswer;

    /// <summary>An error: PostgreSQL SQLSTATE, MySQL error number and SQLSTATE, a message a person can act on.</summary>
    internal sealed record Failure(string SqlState, ushort MySqlCode, string Message) : SqlAnswer;

    /// <summary>An empty query (only whitespace, comments or semicolons).</summary>
    internal sealed record Empty : SqlAnswer;
}
