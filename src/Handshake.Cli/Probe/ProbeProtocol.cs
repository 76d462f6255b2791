namespace Handshake.Cli.Probe;

/// <summary>The wire protocol a probe URL names.</summary>
internal enum ProbeProtocol
{
    /// <summary>PostgreSQL's startup phase (<c>postgres://</c>, <c>postgresql://</c>).</summary>
    PostgreSql,

    /// <summary>MySQL's connection phase (<c>mysql://</c>, <c>mariadb://</c>).</summary>
    MySql,
}
