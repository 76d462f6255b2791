namespace Handshake;

/// <summary>
/// What a client plugin sends of its factor's secret, declared by the plugin
/// (<see cref="IAuthPlugin.SecretUse"/>, or the delegate registration's argument). The engine's
/// cleartext gate acts on the declaration, before the plugin runs, so the rule holds for every
/// plugin, not only for those that remember to ask <see cref="AuthExchangeContext.EnsureCleartextAllowed"/>.
/// </summary>
public enum AuthSecretUse
{
    /// <summary>
    /// Not declared. The engine hands such a plugin its factor's secret only where the secret could
    /// be sent in the clear (<see cref="TransportSecurity.IsSafeForCleartext"/>, or the application's
    /// opt-in); elsewhere the secret is withheld and <see cref="AuthExchangeContext.RequireSecret"/>
    /// throws <see cref="AuthErrorCode.PolicyViolation"/>. A plugin that never reads the secret (a key
    /// from a vault, a token of its own) runs anywhere.
    /// </summary>
    Unspecified = 0,

    /// <summary>
    /// Only values computed from the secret leave: a hash, an HMAC proof, a signature, or the secret
    /// under encryption to a key the plugin checks. The secret itself never does, except on a path
    /// the plugin guards with <see cref="AuthExchangeContext.EnsureCleartextAllowed"/> first (as
    /// caching_sha2_password's full authentication does). The engine hands the secret out on any transport.
    /// </summary>
    Derived = 1,

    /// <summary>
    /// The secret, or a bearer value as good as one (a one-time code, a resume token), travels as it
    /// is. The engine runs the cleartext gate before the plugin starts and refuses to start it
    /// (<see cref="AuthErrorCode.PolicyViolation"/>) unless the transport is TLS with a verified
    /// certificate, a trusted local socket, or the application set
    /// <c>HandshakeOptions.AllowCleartextWithoutVerifiedTls</c>.
    /// </summary>
    Cleartext = 2,
}
