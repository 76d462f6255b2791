namespace Handshake.Protocols.Sasl;

/// <summary>How one server-side IMAP or SMTP session ended: the shared acceptor result plus how many exchanges the client started (the user is the one its mechanism named once authenticated).</summary>
public sealed class SaslAcceptorResult : AdapterAcceptorResult
{
    internal SaslAcceptorResult(TransportSecurity transport, AuthResult? authentication, AuthErrorCode failureReason, string? failureDetail, int authenticationAttempts)
        : base(transport, authentication, userName: null, failureReason, failureDetail)
    {
        AuthenticationAttempts = authenticationAttempts;
    }

    /// <summary>Gets how many authentication exchanges the client started.</summary>
    public int AuthenticationAttempts { get; }
}
