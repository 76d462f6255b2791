namespace Handshake;

/// <summary>
/// The acceptor's per-handshake view that a verifier exchange reads the user and stored credential
/// through. The user may become known only after the exchange began (MySQL sends the scramble
/// before the client names the user), so both are read when needed, not at start.
/// </summary>
public interface IVerifierCredentialSource
{
    /// <summary>Gets the user name, once the client has sent it.</summary>
    string? UserName { get; }

    /// <summary>
    /// Names the user from the mechanism's own first message (SCRAM's <c>n=</c>, PLAIN's authcid), for
    /// protocols that offer mechanisms before anyone is named (IMAP, SMTP). The acceptor then looks up the
    /// user's policy; an unknown user still gets a credential of null, so the exchange fails as a wrong
    /// password does. When the user is already known, the name must equal it.
    /// </summary>
    /// <param name="userName">The user, decoded by the mechanism's rules.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>A task that completes when the user's policy is known.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.ProtocolViolation"/> when the name is empty, too long, or differs from a user already named.</exception>
    ValueTask IdentifyUserAsync(string userName, CancellationToken cancellationToken) =>
        string.Equals(userName, UserName, StringComparison.Ordinal)
            ? ValueTask.CompletedTask
            : throw new HandshakeException(AuthErrorCode.ProtocolViolation, "The user named inside the mechanism differs from the user authenticating.");

    /// <summary>
    /// Gets what the transport guarantees now, when the acceptor learns it after the exchange began (MySQL
    /// greets with the scramble before the client says whether it upgrades to TLS); null: the value the
    /// context was created with stands. <see cref="VerifierContext.Transport"/> reads it on every access.
    /// </summary>
    TransportSecurity? Transport => null;

    /// <summary>Finds the stored credential for a verifier and factor of the current user.</summary>
    /// <param name="verifierName">The verifier.</param>
    /// <param name="factorIndex">The factor.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credential, or null for an unknown user (or one without that factor).</returns>
    ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken);
}
