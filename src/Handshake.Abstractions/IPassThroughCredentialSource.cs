namespace Handshake;

/// <summary>
/// Implemented by a verifier exchange that can recover a <see cref="PassThroughCredential"/> from a
/// verified login (when its options asked for it). The acceptor takes the credential when the factor
/// is accepted and puts it in <see cref="AuthResult.PassThroughCredential"/>; an exchange disposes one
/// that was never taken.
/// </summary>
public interface IPassThroughCredentialSource
{
    /// <summary>Hands over the credential recovered by the last accepted message, once; the caller then owns (and disposes) it.</summary>
    /// <returns>The credential, or null when none was recovered (recovery off, or the login did not verify).</returns>
    PassThroughCredential? TakePassThroughCredential();
}
