namespace Handshake.Protocols.PostgreSql;

/// <summary>How one server-side session ended.</summary>
public sealed class PostgreSqlAcceptorResult
{
    internal PostgreSqlAcceptorResult(string? userName, string? database, bool isEncrypted, AuthResult? authentication, AuthErrorCode failureReason, string? failureDetail, bool cancelRequest)
    {
        UserName = userName;
        Database = database;
        IsEncrypted = isEncrypted;
        Authentication = authentication;
        FailureReason = failureReason;
        FailureDetail = failureDetail;
        IsCancelRequest = cancelRequest;
    }

    /// <summary>Gets the user named in the StartupMessage, if one arrived.</summary>
    public string? UserName { get; }

    /// <summary>Gets the database named in the StartupMessage (the user name when absent).</summary>
    public string? Database { get; }

    /// <summary>Gets a value indicating whether the session ran over TLS.</summary>
    public bool IsEncrypted { get; }

    /// <summary>Gets the authentication result, or null when the client was not authenticated.</summary>
    public AuthResult? Authentication { get; }

    /// <summary>Gets, after a failure, the real reason (for the server's logs; the client was told only that authentication failed).</summary>
    public AuthErrorCode FailureReason { get; }

    /// <summary>Gets, after a failure, a log-safe detail.</summary>
    public string? FailureDetail { get; }

    /// <summary>Gets a value indicating whether the connection carried a CancelRequest (closed without a reply).</summary>
    public bool IsCancelRequest { get; }
}
