using Handshake.Cli.Serve.Sql;

namespace Handshake.Cli.Tests;

public sealed class SetupQueryResponderTests
{
    private static readonly SetupQueryResponder MySql = new(SqlDialect.MySql, "8.0.36-Handshake", "shop");
    private static readonly SetupQueryResponder Postgres = new(SqlDialect.PostgreSql, "15.0 (Handshake)", database: null);

    [Fact]
    public void Answer_ShowResumeTokenAfterIssue_TheSessionsTokenOnlyByName()
    {
        var responder = new SetupQueryResponder(SqlDialect.PostgreSql, "15.0 (Handshake)", database: null, resumeToken: "dG9rZW4=");

        var rows = Assert.IsType<SqlAnswer.Rows>(responder.Answer("SHOW handshake.resume_token"));
        Assert.Equal("dG9rZW4=", Assert.Single(Assert.Single(rows.Values)));
        var all = Assert.IsType<SqlAnswer.Rows>(responder.Answer("SHOW ALL"));
        Assert.DoesNotContain(all.Values, row => row.Contains("dG9rZW4="));
        Assert.IsType<SqlAnswer.Failure>(responder.Answer("SELECT current_setting('handshake.resume_token')"));
    }

    [Fact]
    public void Answer_ShowResumeTokenNoneIssued_ErrorSayingWhen()
    {
        var failure = Assert.IsType<SqlAnswer.Failure>(Postgres.Answer("SHOW handshake.resume_token"));

        Assert.Equal("55000", failure.SqlState);
        Assert.Contains("after a full login over TLS", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_MySqlConsoleVersionComment_OneRowNamedByTheExpression()
    {
        var rows = Assert.IsType<SqlAnswer.Rows>(MySql.Answer("select @@version_comment limit 1"));

        Assert.Equal("@@version_comment", Assert.Single(rows.Columns).Name);
        Assert.Equal("handshake serve (a login test server)", Assert.Single(Assert.Single(rows.Values)));
    }

    [Fact]
    public void Answer_MySqlConnectorJStyleMultiColumnWithComment_TypesAndAliases()
    {
        var rows = Assert.IsType<SqlAnswer.Rows>(MySql.Answer("/* mysql-connector-j-8.3.0 */SELECT @@session.auto_increment_increment AS auto_increment_increment, @@character_set_client AS character_set_client, @@max_allowed_packet, @@GLOBAL.time_zone"));

        Assert.Equal(["auto_increment_increment", "character_set_client", "@@max_allowed_packet", "@@GLOBAL.time_zone"], rows.Columns.Select(c => c.Name));
        Assert.Equal([SqlType.Integer, SqlType.Text, SqlType.Integer, SqlType.Text], rows.Columns.Select(c => c.Type));
        Assert.Equal(["1", "utf8mb4", "16777216", "SYSTEM"], Assert.Single(rows.Values));
    }

    [Fact]
    public void Answer_MySqlUnknownVariable_Error1193()
    {
        var failure = Assert.IsType<SqlAnswer.Failure>(MySql.Answer("SELECT @@no_such_thing"));

        Assert.Equal(1193, failure.MySqlCode);
        Assert.Contains("NO_SUCH_THING", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("SET NAMES utf8mb4")]
    [InlineData("SET autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES')")]
    [InlineData("set session transaction isolation level read committed")]
    [InlineData("USE shop")]
    [InlineData("COMMIT")]
    public void Answer_MySqlSetAndSession_AcknowledgedWithoutRows(string sql) =>
        Assert.IsType<SqlAnswer.Command>(MySql.Answer(sql));

    [Fact]
    public void Answer_MySqlShowVariablesLike_FiltersByPattern()
    {
        var rows = Assert.IsType<SqlAnswer.Rows>(MySql.Answer("SHOW VARIABLES LIKE 'character_set_c%'"));

        Assert.Equal(["Variable_name", "Value"], rows.Columns.Select(c => c.Name));
        Assert.Equal(["character_set_client", "character_set_connection"], rows.Values.Select(r => r[0]));
    }

    [Fact]
    public void Answer_MySqlVersionAndDatabase_FromTheSession()
    {
        var rows = Assert.IsType<SqlAnswer.Rows>(MySql.Answer("SELECT version(), database(), 1 AS one FROM DUAL"));

        Assert.Equal(["version()", "database()", "one"], rows.Columns.Select(c => c.Name));
        Assert.Equal(["8.0.36-Handshake", "shop", "1"], Assert.Single(rows.Values));
    }

    [Fact]
    public void Answer_PostgresSelectOneAndVersion_NamedAsPostgresNamesThem()
    {
        var one = Assert.IsType<SqlAnswer.Rows>(Postgres.Answer("SELECT 1"));
        var version = Assert.IsType<SqlAnswer.Rows>(Postgres.Answer("select version();"));

        Assert.Equal(new SqlColumn("?column?", SqlType.Integer), Assert.Single(one.Columns));
        Assert.Equal("1", Assert.Single(Assert.Single(one.Values)));
        Assert.Equal("version", Assert.Single(version.Columns).Name);
        Assert.StartsWith("PostgreSQL 15.0 (Handshake)", Assert.Single(Assert.Single(version.Values)), StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_PostgresShow_KnownParameterOrError42704()
    {
        var rows = Assert.IsType<SqlAnswer.Rows>(Postgres.Answer("SHOW server_version"));
        var isolation = Assert.IsType<SqlAnswer.Rows>(Postgres.Answer("SHOW TRANSACTION ISOLATION LEVEL"));
        var unknown = Assert.IsType<SqlAnswer.Failure>(Postgres.Answer("SHOW no_such_parameter"));

        Assert.Equal("server_version", Assert.Single(rows.Columns).Name);
        Assert.Equal("15.0 (Handshake)", Assert.Single(Assert.Single(rows.Values)));
        Assert.Equal("read committed", Assert.Single(Assert.Single(isolation.Values)));
        Assert.Equal("42704", unknown.SqlState);
    }

    [Theory]
    [InlineData("SET extra_float_digits = 3", "SET")]
    [InlineData("BEGIN", "BEGIN")]
    [InlineData("DISCARD ALL", "DISCARD ALL")]
    public void Answer_PostgresSessionStatements_CommandTags(string sql, string tag) =>
        Assert.Equal(tag, Assert.IsType<SqlAnswer.Command>(Postgres.Answer(sql)).Tag);

    [Theory]
    [InlineData("SELECT * FROM users")]
    [InlineData("INSERT INTO t VALUES (1)")]
    [InlineData("SELECT now()")]
    public void Answer_RealQuery_NotSupportedSayingWhatServeAnswers(string sql)
    {
        var postgres = Assert.IsType<SqlAnswer.Failure>(Postgres.Answer(sql));
        var mysql = Assert.IsType<SqlAnswer.Failure>(MySql.Answer(sql));

        Assert.Equal("0A000", postgres.SqlState);
        Assert.Equal(1235, mysql.MySqlCode);
        Assert.Contains("login test server", postgres.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_SemicolonsInQuotesAndComments_AreNotSeparators()
    {
        var statements = SetupQueryResponder.Split("SELECT 'a;b'; /* ; */ SET x = 1;; -- ;\n");

        Assert.Equal(2, statements.Count);
        Assert.Equal("SELECT 'a;b'", statements[0]);
        Assert.IsType<SqlAnswer.Command>(Postgres.Answer(statements[1]));
    }

    [Fact]
    public void Answer_LimitZero_NoRows() =>
        Assert.Empty(Assert.IsType<SqlAnswer.Rows>(MySql.Answer("SELECT 1 LIMIT 0")).Values);
}
