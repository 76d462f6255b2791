namespace Handshake;

/// <summary>
/// Checks a plaintext password against a stored credential of one family, for server mechanisms that
/// receive the password itself (SASL PLAIN, RFC 4616). The package that owns a credential format
/// registers its checker, so a plaintext mechanism never parses another plugin's format.
/// </summary>
public interface IStoredPasswordChecker
{
    /// <summary>Gets the verifier name the credentials this checker reads are stored under (e.g. "SCRAM-SHA-256").</summary>
    string CredentialFamily { get; }

    /// <summary>
    /// Checks a password in constant time with respect to the stored secret. With a null credential (an
    /// unknown user) it does the same work against a fake credential and returns false, so timing does
    /// not tell an unknown user from a wrong password.
    /// </summary>
    /// <param name="credential">The stored credential, or null for an unknown user.</param>
    /// <param name="utf8Password">The password's UTF-8 bytes, as the client sent them.</param>
    /// <returns>Whether the password matches.</returns>
    /// <exception cref="HandshakeException"><see cref="AuthErrorCode.InvalidStoredCredential"/> when the stored text is malformed.</exception>
    bool Verify(StoredCredential? credential, ReadOnlySpan<byte> utf8Password);
}
