using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Handshake.Cli.Serve.Sql;

/// <summary>
/// Answers the handful of set-up queries real drivers and consoles send right after login, so serve is a
/// login test server every mainstream driver can finish connecting to: SELECT of literals, version(),
/// database() and @@system variables (MySQL), current_setting() (PostgreSQL), with
/// optional aliases, FROM DUAL and LIMIT; SET ...; SHOW name (PostgreSQL) and SHOW VARIABLES [LIKE]
/// (MySQL); transaction and session-reset statements. Anything else is an error that says what serve
/// answers. No table exists and no statement changes anything: SET is acknowledged, not applied.
/// </summary>
internal sealed partial class SetupQueryResponder
{
    /// <summary>The name <c>SHOW</c> answers with the session's resume token (<c>serve --resume</c>).</summary>
    public const string ResumeTokenSetting = "handshake.resume_token";

    /// <summary>The most statements one query string may hold; more is an error, never unbounded work.</summary>
    public const int MaxStatements = 64;

    private const string NotSupportedState = "0A000";
    private const ushort MySqlNotSupported = 1235;

    private readonly SqlDialect _dialect;
    private readonly string? _database;
    private readonly Dictionary<string, string> _settings;
    private readonly string? _resumeToken;

    /// <summary>Creates a responder for one session.</summary>
    /// <param name="dialect">The dialect.</param>
    /// <param name="serverVersion">What version() and @@version say.</param>
    /// <param name="database">The database the client named at login, if any.</param>
    /// <param name="resumeToken">The resume token issued to this session (base64), what <c>SHOW handshake.resume_token</c> answers; null when none was.</param>
    public SetupQueryResponder(SqlDialect dialect, string serverVersion, string? database, string? resumeToken = null)
    {
        _resumeToken = resumeToken;
        ArgumentNullException.ThrowIfNull(serverVersion);
        _dialect = dialect;
        _database = database;
        ServerVersion = serverVersion;
        _settings = dialect == SqlDialect.MySql ? MySqlVariables(serverVersion) : PostgreSqlSettings(serverVersion);
    }

    /// <summary>Gets the server version reported by version().</summary>
    public string ServerVersion { get; }

    /// <summary>Splits a query string into statements on semicolons outside quotes and comments.</summary>
    public static IReadOnlyList<string> Split(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statements = new List<string>();
        var start = 0;
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (c is '\'' or '"' or '`')
            {
                i = SkipQuoted(query, i);
                continue;
            }

            if (c == '-' && i + 1 < query.Length && query[i + 1] == '-')
            {
                var end = query.IndexOf('\n', i);
                i = end < 0 ? query.Length : end + 1;
                continue;
            }

            if (c == '/' && i + 1 < query.Length && query[i + 1] == '*')
            {
                var end = query.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? query.Length : end + 2;
                continue;
            }

            if (c == ';')
            {
                statements.Add(query[start..i]);
                start = i + 1;
            }

            i++;
        }

        if (start < query.Length)
        {
            statements.Add(query[start..]);
        }

        var nonEmpty = statements.Where(s => StripComments(s).Trim().Length > 0).ToList();
        return nonEmpty;
    }

    /// <summary>Answers one statement (no semicolon inside).</summary>
    public SqlAnswer Answer(string statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var sql = StripComments(statement).Trim().TrimEnd(';').Trim();
        if (sql.Length == 0)
        {
            return new SqlAnswer.Empty();
        }

        var keyword = FirstWord(sql);
        return keyword switch
        {
            "SELECT" => Select(sql[6..].Trim(), sql),
            "SET" => new SqlAnswer.Command("SET"),
            "SHOW" => Show(sql[4..].Trim()),
            "USE" when _dialect == SqlDialect.MySql => new SqlAnswer.Command("USE"),
            "BEGIN" or "COMMIT" or "ROLLBACK" or "END" or "ABORT" => new SqlAnswer.Command(keyword is "END" ? "COMMIT" : keyword is "ABORT" ? "ROLLBACK" : keyword),
            "START" when Words(sql).ElementAtOrDefault(1) == "TRANSACTION" => new SqlAnswer.Command("START TRANSACTION"),

            // What poolers and drivers send to reset a session (PgBouncer's server_reset_query, Npgsql's reset).
            "DISCARD" or "RESET" or "DEALLOCATE" or "UNLISTEN" or "CLOSE" when _dialect == SqlDialect.PostgreSql => new SqlAnswer.Command(ResetTag(sql)),
            _ => Unsupported(sql),
        };
    }

    private SqlAnswer Select(string rest, string whole)
    {
        var limit = -1L;
        var limitMatch = TrailingLimit().Match(rest);
        if (limitMatch.Success)
        {
            limit = long.Parse(limitMatch.Groups[1].Value, CultureInfo.InvariantCulture);
            rest = rest[..limitMatch.Index].Trim();
        }

        var from = FromDual().Match(rest);
        if (from.Success)
        {
            rest = rest[..from.Index].Trim();
        }

        var items = SplitItems(rest);
        if (items is null || items.Count == 0 || items.Count > 256)
        {
            return Unsupported(whole);
        }

        var columns = new List<SqlColumn>(items.Count);
        var row = new List<string?>(items.Count);
        foreach (var item in items)
        {
            var (expression, alias) = SplitAlias(item);
            var value = Evaluate(expression);
            switch (value)
            {
                case null:
                    return Unsupported(whole);
                case SqlAnswer.Failure failure:
                    return failure;
                case Value v:
                    columns.Add(new SqlColumn(alias ?? ColumnName(expression, v), v.Type));
                    row.Add(v.Text);
                    break;
            }
        }

        return new SqlAnswer.Rows(columns, limit == 0 ? [] : [row]);
    }

    /// <summary>A value, a failure (unknown variable), or null (not an expression serve evaluates).</summary>
    private object? Evaluate(string expression)
    {
        var e = expression.Trim();
        if (IntegerLiteral().IsMatch(e))
        {
            return long.TryParse(e, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? new Value(SqlType.Integer, n.ToString(CultureInfo.InvariantCulture), Literal: true) : null;
        }

        if (e.Length >= 2 && (e[0] == '\'' || (e[0] == '"' && _dialect == SqlDialect.MySql)) && SkipQuoted(e, 0) == e.Length)
        {
            var quote = e[0];
            return new Value(SqlType.Text, e[1..^1].Replace(new string(quote, 2), quote.ToString(), StringComparison.Ordinal), Literal: true);
        }

        if (e.Equals("NULL", StringComparison.OrdinalIgnoreCase))
        {
            return new Value(SqlType.Text, null, Literal: true);
        }

        if (_dialect == SqlDialect.MySql && e.StartsWith("@@", StringComparison.Ordinal))
        {
            var name = SystemVariableName(e[2..]);
            return _settings.TryGetValue(name, out var value)
                ? new Value(IsInteger(value) ? SqlType.Integer : SqlType.Text, value, Literal: false)
                : new SqlAnswer.Failure("HY000", 1193, $"Unknown system variable '{Printable(name)}'");
        }

        var function = FunctionCall().Match(e);
        var name2 = function.Success ? function.Groups[1].Value.ToUpperInvariant() : e.ToUpperInvariant();
        var argument = function.Success ? function.Groups[2].Value.Trim() : null;
        if (argument is { Length: > 0 } && name2 != "CURRENT_SETTING")
        {
            return null;
        }

        return name2 switch
        {
            "VERSION" when function.Success => new Value(SqlType.Text, _dialect == SqlDialect.MySql ? ServerVersion : $"PostgreSQL {ServerVersion}, handshake serve (a login test server)", Literal: false),
            "DATABASE" or "SCHEMA" when function.Success && _dialect == SqlDialect.MySql => new Value(SqlType.Text, _database, Literal: false),
            "CURRENT_SCHEMA" when _dialect == SqlDialect.PostgreSql => new Value(SqlType.Text, "public", Literal: false),
            "CONNECTION_ID" when function.Success && _dialect == SqlDialect.MySql => new Value(SqlType.Integer, "1", Literal: false),
            "PG_BACKEND_PID" when function.Success && _dialect == SqlDialect.PostgreSql => new Value(SqlType.Integer, "1", Literal: false),
            "CURRENT_SETTING" when function.Success && _dialect == SqlDialect.PostgreSql && argument is { Length: >= 2 } quoted && quoted[0] == '\'' && quoted[^1] == '\'' =>
                _settings.TryGetValue(quoted[1..^1], out var setting)
                    ? new Value(SqlType.Text, setting, Literal: false)
                    : new SqlAnswer.Failure("42704", 0, $"unrecognized configuration parameter \"{Printable(quoted[1..^1])}\""),
            _ => null,
        };
    }

    private string ColumnName(string expression, Value value)
    {
        if (_dialect == SqlDialect.MySql)
        {
            // MySQL names an unaliased column by the expression as written.
            return expression.Trim();
        }

        // PostgreSQL names a function's column after the function and anything else "?column?".
        var function = FunctionCall().Match(expression.Trim());
        return value.Literal ? "?column?" : Fold(function.Success ? function.Groups[1].Value : expression.Trim());
    }

    private SqlAnswer Show(string rest)
    {
        var words = Words(rest);
        if (_dialect == SqlDialect.PostgreSql)
        {
            var name = rest.Trim().Trim('"');
            if (name.Equals("ALL", StringComparison.OrdinalIgnoreCase))
            {
                return new SqlAnswer.Rows(
                    [new SqlColumn("name", SqlType.Text), new SqlColumn("setting", SqlType.Text), new SqlColumn("description", SqlType.Text)],
                    [.. _settings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (IReadOnlyList<string?>)[p.Key, p.Value, string.Empty])]);
            }

            if (name.Equals(ResumeTokenSetting, StringComparison.OrdinalIgnoreCase))
            {
                // Not a setting (SHOW ALL and current_setting() never show it): the session's own token, asked for by name.
                return _resumeToken is { } token
                    ? new SqlAnswer.Rows([new SqlColumn("resume_token", SqlType.Text)], [[token]])
                    : new SqlAnswer.Failure("55000", 0, "no resume token for this session: serve --resume issues one after a full login over TLS (a resumed login received its rotated token in the SASL final message)");
            }

            return _settings.TryGetValue(name, out var value)
                ? new SqlAnswer.Rows([new SqlColumn(Fold(name), SqlType.Text)], [[value]])
                : new SqlAnswer.Failure("42704", 0, $"unrecognized configuration parameter \"{Printable(name)}\"");
        }

        var index = words.Count > 0 && words[0] is "SESSION" or "GLOBAL" or "LOCAL" ? 1 : 0;
        if (words.ElementAtOrDefault(index) == "VARIABLES")
        {
            var like = ShowLike().Match(rest);
            if (!like.Success && words.Count > index + 1)
            {
                return Unsupported("SHOW " + rest);
            }

            var pattern = like.Success ? LikeToRegex(like.Groups[1].Value) : null;
            return new SqlAnswer.Rows(
                [new SqlColumn("Variable_name", SqlType.Text), new SqlColumn("Value", SqlType.Text)],
                [.. _settings.Where(p => pattern is null || pattern.IsMatch(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (IReadOnlyList<string?>)[p.Key, p.Value])]);
        }

        if (words.ElementAtOrDefault(0) is "WARNINGS" or "ERRORS")
        {
            return new SqlAnswer.Rows([new SqlColumn("Level", SqlType.Text), new SqlColumn("Code", SqlType.Integer), new SqlColumn("Message", SqlType.Text)], []);
        }

        return Unsupported("SHOW " + rest);
    }

    private SqlAnswer.Failure Unsupported(string sql) =>
        new SqlAnswer.Failure(_dialect == SqlDialect.MySql ? "42000" : NotSupportedState, MySqlNotSupported, $"handshake serve is a login test server and runs no SQL: it answers SELECT of literals, version(), {(_dialect == SqlDialect.MySql ? "database() and @@variables; SET; SHOW VARIABLES" : "current_setting(); SET; SHOW")}; not '{Printable(sql)}'");

    /// <summary>PostgreSQL folds an unquoted identifier to lower case (section 4.1.1); the result is shown as a column name, never compared.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA1308:Normalize strings to uppercase", Justification = "PostgreSQL's identifier folding is to lower case.")]
    private static string Fold(string identifier) => identifier.ToLowerInvariant();

    private static string ResetTag(string sql)
    {
        var words = Words(sql);
        return words.Count > 1 && words[0] is "DISCARD" or "DEALLOCATE" ? $"{words[0]} {words[1]}" : words[0];
    }

    private static string SystemVariableName(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var scope = dot > 0 ? name[..dot].ToUpperInvariant() : null;
        return (scope is "SESSION" or "GLOBAL" or "LOCAL" ? name[(dot + 1)..] : name).Trim('`');
    }

    private static (string Expression, string? Alias) SplitAlias(string item)
    {
        var match = Alias().Match(item);
        if (match.Success)
        {
            var alias = match.Groups[1].Value;
            return (item[..match.Index], alias.Length >= 2 && alias[0] is '"' or '`' or '\'' ? alias[1..^1] : alias);
        }

        return (item, null);
    }

    /// <summary>Splits a select list on commas outside quotes and parentheses; null when unbalanced.</summary>
    private static List<string>? SplitItems(string list)
    {
        var items = new List<string>();
        var depth = 0;
        var start = 0;
        var i = 0;
        while (i < list.Length)
        {
            var c = list[i];
            if (c is '\'' or '"' or '`')
            {
                i = SkipQuoted(list, i);
                continue;
            }

            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth < 0)
            {
                return null;
            }
            else if (c == ',' && depth == 0)
            {
                items.Add(list[start..i].Trim());
                start = i + 1;
            }

            i++;
        }

        items.Add(list[start..].Trim());
        return depth == 0 && items.All(s => s.Length > 0) ? items : null;
    }

    private static int SkipQuoted(string text, int start)
    {
        var quote = text[start];
        var i = start + 1;
        while (i < text.Length)
        {
            if (text[i] == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return text.Length;
    }

    private static string StripComments(string sql)
    {
        var builder = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            if (sql[i] is '\'' or '"' or '`')
            {
                var end = SkipQuoted(sql, i);
                builder.Append(sql, i, end - i);
                i = end;
            }
            else if (sql[i] == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
                builder.Append(' ');
            }
            else if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
                builder.Append(' ');
            }
            else
            {
                builder.Append(sql[i]);
                i++;
            }
        }

        return builder.ToString();
    }

    private static string FirstWord(string sql) => Words(sql).FirstOrDefault() ?? string.Empty;

    private static List<string> Words(string sql) =>
        [.. sql.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToUpperInvariant())];

    private static bool IsInteger(string value) => IntegerLiteral().IsMatch(value);

    private static Regex LikeToRegex(string pattern)
    {
        var builder = new StringBuilder("^");
        foreach (var c in pattern.Replace("''", "'", StringComparison.Ordinal))
        {
            builder.Append(c switch
            {
                '%' => ".*",
                '_' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(builder.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static string Printable(string text)
    {
        var shown = new string([.. text.Take(60).Select(c => char.IsControl(c) ? ' ' : c)]);
        return text.Length > 60 ? shown + "…" : shown;
    }

    /// <summary>MySQL system variables drivers read at connect (MariaDB Connector/J, MySQL Connector/J, the mysql console), keyed by name, any case.</summary>
    private static Dictionary<string, string> MySqlVariables(string version) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto_increment_increment"] = "1",
        ["autocommit"] = "1",
        ["character_set_client"] = "utf8mb4",
        ["character_set_connection"] = "utf8mb4",
        ["character_set_results"] = "utf8mb4",
        ["character_set_server"] = "utf8mb4",
        ["collation_connection"] = "utf8mb4_general_ci",
        ["collation_server"] = "utf8mb4_general_ci",
        ["init_connect"] = string.Empty,
        ["interactive_timeout"] = "28800",
        ["license"] = "MIT",
        ["lower_case_table_names"] = "0",
        ["max_allowed_packet"] = "16777216",
        ["net_buffer_length"] = "16384",
        ["net_write_timeout"] = "60",
        ["performance_schema"] = "0",
        ["query_cache_size"] = "0",
        ["query_cache_type"] = "OFF",
        ["sql_mode"] = "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION",
        ["system_time_zone"] = "UTC",
        ["time_zone"] = "SYSTEM",
        ["transaction_isolation"] = "REPEATABLE-READ",
        ["tx_isolation"] = "REPEATABLE-READ",
        ["tx_read_only"] = "0",
        ["transaction_read_only"] = "0",
        ["version"] = version,
        ["version_comment"] = "handshake serve (a login test server)",
        ["wait_timeout"] = "28800",
    };

    /// <summary>The run-time parameters SHOW and current_setting() report, keyed by PostgreSQL's names, any case.</summary>
    private static Dictionary<string, string> PostgreSqlSettings(string version) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["application_name"] = string.Empty,
        ["client_encoding"] = "UTF8",
        ["datestyle"] = "ISO, MDY",
        ["default_transaction_isolation"] = "read committed",
        ["integer_datetimes"] = "on",
        ["intervalstyle"] = "postgres",
        ["is_superuser"] = "off",
        ["max_identifier_length"] = "63",
        ["search_path"] = "\"$user\", public",
        ["server_encoding"] = "UTF8",
        ["server_version"] = version,
        ["server_version_num"] = VersionNumber(version),
        ["standard_conforming_strings"] = "on",
        ["timezone"] = "UTC",
        ["transaction isolation level"] = "read committed",
        ["transaction_isolation"] = "read committed",
        ["transaction_read_only"] = "off",
    };

    /// <summary>"15.0 (Handshake)" -> "150000", as server_version_num reads.</summary>
    private static string VersionNumber(string version)
    {
        var match = LeadingVersion().Match(version);
        if (!match.Success)
        {
            return "150000";
        }

        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var minor = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        return (major * 10000 + minor).ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^[+-]?\d{1,18}$")]
    private static partial Regex IntegerLiteral();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)$", RegexOptions.Singleline)]
    private static partial Regex FunctionCall();

    [GeneratedRegex(@"\s+(?:AS\s+)?(""[^""]*""|`[^`]*`|'[^']*'|[A-Za-z_][A-Za-z0-9_]*)$", RegexOptions.IgnoreCase)]
    private static partial Regex Alias();

    [GeneratedRegex(@"\s+LIMIT\s+(\d{1,9})$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingLimit();

    [GeneratedRegex(@"\s+FROM\s+DUAL$", RegexOptions.IgnoreCase)]
    private static partial Regex FromDual();

    [GeneratedRegex(@"\bLIKE\s+'((?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ShowLike();

    [GeneratedRegex(@"^(\d+)(?:\.(\d+))?")]
    private static partial Regex LeadingVersion();

    private sealed record Value(SqlType Type, string? Text, bool Literal);
}
