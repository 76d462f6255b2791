namespace Handshake.Audit;

/// <summary>The wire protocol a scenario speaks.</summary>
public enum AuditProtocol
{
    /// <summary>PostgreSQL's startup phase (protocol 3.0): SSLRequest, AuthenticationSASL/Continue/Final/Ok, ErrorResponse.</summary>
    PostgreSql = 0,

    /// <summary>MySQL's connection phase: handshake v10, SSL request, AuthSwitchRequest, AuthMoreData, AuthNextFactor, OK/ERR.</summary>
    MySql = 1,
}
