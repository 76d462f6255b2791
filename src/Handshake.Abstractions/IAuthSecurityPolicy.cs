namespace Handshake;

/// <summary>
/// The single gate every plugin asks before it sends a secret in a form an eavesdropper could use
/// (a cleartext password, a password under RSA without a verified key). The engine supplies it.
/// </summary>
public interface IAuthSecurityPolicy
{
    /// <summary>Throws <see cref="HandshakeException"/> with <see cref="AuthErrorCode.PolicyViolation"/> unless cleartext is allowed.</summary>
    /// <param name="context">The exchange that wants to send the secret.</param>
    /// <param name="what">What would be sent, for the message (e.g. "the password in cleartext").</param>
    void EnsureCleartextAllowed(AuthExchangeContext context, string what);
}
