namespace Handshake.Protocols.Sasl;

/// <summary>How one server-side IMAP or SMTP session ended.</summary>
public sealed class SaslAcceptorResult
{
    internal SaslAcceptorResult(bool isEncrypted, AuthResult? authentication, AuthErrorCode failureReason, string? failureDetail, int authenticationAttempts)
    {
        IsEncrypted = isEncrypted;
        Authentication = authentication;
        FailureReason = failureReason;
        FailureDetail = failureDetail;
        AuthenticationAttempts = authenticationAttempts;
    }

    /// <summary>Gets a value indicating whether the session ended over TLS.</summary>
    public bool IsEncrypted { get; }

    /// <summary>Gets the authentication result, or null when the client was not authenticated.</summary>
    public AuthResult? Authentication { get; }

    /// <summary>Gets, when the client was not authenticated, the last reason (for the server's logs; the client was told only that it failed). <see cref="AuthErrorCode.Unspecified"/> when it never tried.</summary>
    public AuthErrorCode FailureReason { get; }

    /// <summary>Gets, after a failure, a log-safe detail.</summary>
    public string? FailureDetail { get; }

    /// <summary>Gets how many authentication exchanges the client started.</summary>
    public int AuthenticationAttempts { get; }
}
