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

    /// <summary>Finds the stored credential for a verifier and factor of the current user.</summary>
    /// <param name="verifierName">The verifier.</param>
    /// <param name="factorIndex">The factor.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The credential, or null for an unknown user (or one without that factor).</returns>
    ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken);
}
