namespace Handshake;

/// <summary>
/// How one server-side session of a protocol adapter ended, in the part every adapter shares: who logged in
/// and how, or why not, and over what. Protocol adapters derive from it and add what their protocol carries
/// (database, capabilities, cancel requests), so a server's logging and metrics read the same properties
/// whatever the protocol.
/// </summary>
public abstract class AdapterAcceptorResult
{
    /// <summary>Initializes the shared part of an acceptor result.</summary>
    /// <param name="transport">What the transport guaranteed when the session ended.</param>
    /// <param name="authentication">The acceptor's result, or null when the client was not authenticated.</param>
    /// <param name="userName">The user the client named (in its protocol's start message or its mechanism), if it named one.</param>
    /// <param name="failureReason">After a failure, the real reason.</param>
    /// <param name="failureDetail">After a failure, a log-safe detail.</param>
    protected AdapterAcceptorResult(TransportSecurity transport, AuthResult? authentication, string? userName, AuthErrorCode failureReason, string? failureDetail)
    {
        ArgumentNullException.ThrowIfNull(transport);
        Transport = transport;
        Authentication = authentication;
        UserName = userName ?? authentication?.UserName;
        FailureReason = failureReason;
        FailureDetail = failureDetail;
    }

    /// <summary>Gets a value indicating whether the client was authenticated.</summary>
    public bool Succeeded => Authentication is not null;

    /// <summary>Gets the acceptor's result, or null when the client was not authenticated.</summary>
    public AuthResult? Authentication { get; }

    /// <summary>Gets the user the client named, authenticated or not (null when it named none).</summary>
    public string? UserName { get; }

    /// <summary>Gets the mechanism the first factor ran on the wire (e.g. SCRAM-SHA-256-PLUS), or null when the client was not authenticated.</summary>
    public string? Mechanism => Authentication is { Factors: [var first, ..] } ? first.Mechanism : null;

    /// <summary>Gets every factor that passed, in order (empty when the client was not authenticated).</summary>
    public IReadOnlyList<AuthFactorOutcome> Factors => Authentication?.Factors ?? [];

    /// <summary>Gets what the transport guaranteed (the server's own certificate once TLS ran).</summary>
    public TransportSecurity Transport { get; }

    /// <summary>Gets a value indicating whether the session ran over TLS.</summary>
    public bool IsEncrypted => Transport.IsEncrypted;

    /// <summary>Gets, after a failure, the real reason (for the server's logs; the client was told only that authentication failed).</summary>
    public AuthErrorCode FailureReason { get; }

    /// <summary>Gets, after a failure, a log-safe detail (null when there is none).</summary>
    public string? FailureDetail { get; }
}
