namespace Handshake.Protocols.Sasl;

/// <summary>How one server-side IMAP or SMTP session ended.</summary>
public sealed class SaslAcceptorResult
{
    internal SaslAcceptorResult(TransportSecurity transport, AuthResult? authentication, AuthErrorCode failureReason, string? failureDetail, int authenticationAttempts)
    {
        Transport = transport;
        Authentication = authentication;
        FailureReason = failureReason;
        FailureDetail = failureDetail;
        AuthenticationAttempts = authenticationAttempts;
    }

    /// <summary>Gets what the transport guaranteed when the session ended (the server's own certificate once TLS ran).</summary>
    public TransportSecurity Transport { get; }

    /// <summary>Gets a value indicating whether the session ended over TLS.</summary>
    public bool IsEncrypted => Transport.IsEncrypted;

    /// <summary>Gets the authentication result, or null when the client was not authenticated.</summary>
    public AuthResult? Authentication { get; }

    /// <summary>Gets the user the chosen mechanism named, or null when the client was not authenticated.</summary>
    public string? UserName => Authentication?.UserName;

    /// <summary>Gets the mechanism the first factor ran on the wire (e.g. SCRAM-SHA-256-PLUS), or null when the client was not authenticated.</summary>
    public string? Mechanism => Authentication is { Factors: [var first, ..] } ? first.Mechanism : null;

    /// <summary>Gets every factor that passed, in order (empty when the client was not authenticated).</summary>
    public IReadOnlyList<AuthFactorOutcome> Factors => Authentication?.Factors ?? [];

    /// <summary>Gets, when the client was not authenticated, the last reason (for the server's logs; the client was told only that it failed). <see cref="AuthErrorCode.Unspecified"/> when it never tried.</summary>
    public AuthErrorCode FailureReason { get; }

    /// <summary>Gets, after a failure, a log-safe detail.</summary>
    public string? FailureDetail { get; }

    /// <summary>Gets how many authentication exchanges the client started.</summary>
    public int AuthenticationAttempts { get; }
}
