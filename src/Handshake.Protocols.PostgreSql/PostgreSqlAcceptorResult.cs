namespace Handshake.Protocols.PostgreSql;

/// <summary>How one server-side session ended.</summary>
public sealed class PostgreSqlAcceptorResult
{
    internal PostgreSqlAcceptorResult(string? userName, string? database, TransportSecurity transport, AuthResult? authentication, AuthErrorCode failureReason, string? failureDetail, bool cancelRequest)
    {
        UserName = userName;
        Database = database;
        Transport = transport;
        Authentication = authentication;
        FailureReason = failureReason;
        FailureDetail = failureDetail;
        IsCancelRequest = cancelRequest;
    }

    /// <summary>Gets the user named in the StartupMessage, if one arrived.</summary>
    public string? UserName { get; }

    /// <summary>Gets the database named in the StartupMessage (the user name when absent).</summary>
    public string? Database { get; }

    /// <summary>Gets what the transport guaranteed (the server's own certificate once TLS ran).</summary>
    public TransportSecurity Transport { get; }

    /// <summary>Gets a value indicating whether the session ran over TLS.</summary>
    public bool IsEncrypted => Transport.IsEncrypted;

    /// <summary>Gets the authentication result, or null when the client was not authenticated.</summary>
    public AuthResult? Authentication { get; }

    /// <summary>Gets the mechanism the first factor ran on the wire (e.g. SCRAM-SHA-256-PLUS), or null when the client was not authenticated.</summary>
    public string? Mechanism => Authentication is { Factors: [var first, ..] } ? first.Mechanism : null;

    /// <summary>Gets every factor that passed, in order (empty when the client was not authenticated).</summary>
    public IReadOnlyList<AuthFactorOutcome> Factors => Authentication?.Factors ?? [];

    /// <summary>Gets, after a failure, the real reason (for the server's logs; the client was told only that authentication failed).</summary>
    public AuthErrorCode FailureReason { get; }

    /// <summary>Gets, after a failure, a log-safe detail.</summary>
    public string? FailureDetail { get; }

    /// <summary>Gets a value indicating whether the connection carried a CancelRequest (closed without a reply).</summary>
    public bool IsCancelRequest { get; }
}
