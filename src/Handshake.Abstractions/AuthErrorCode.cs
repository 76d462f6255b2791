namespace Handshake;

/// <summary>
/// Stable, machine-readable reasons an authentication exchange failed. Values are part of the
/// public contract: they are never renumbered, so they can be logged, stored and switched on.
/// </summary>
public enum AuthErrorCode
{
    /// <summary>No specific reason was given.</summary>
    Unspecified = 0,

    /// <summary>The server named a plugin or mechanism that is not registered.</summary>
    UnknownPlugin = 1,

    /// <summary>The server offered mechanisms and none of them is registered, allowed and usable.</summary>
    NoMutualMechanism = 2,

    /// <summary>A factor needs a secret (or other credential) that the client was not given.</summary>
    MissingCredential = 3,

    /// <summary>The server declared success without the proof of its identity the mechanism requires.</summary>
    ServerSignatureMissing = 4,

    /// <summary>The server's proof of identity did not verify.</summary>
    ServerSignatureMismatch = 5,

    /// <summary>A nonce did not extend or match the one sent earlier.</summary>
    NonceMismatch = 6,

    /// <summary>A key-derivation iteration count was outside the configured bounds.</summary>
    IterationsOutOfRange = 7,

    /// <summary>The server asked for more factors than allowed (never more than three).</summary>
    FactorLimitExceeded = 8,

    /// <summary>The exchange needed more rounds (or plugin switches) than allowed.</summary>
    RoundLimitExceeded = 9,

    /// <summary>A round or the whole handshake took longer than its configured limit.</summary>
    Timeout = 10,

    /// <summary>The server refused the authentication and said so.</summary>
    ServerRejected = 11,

    /// <summary>The peer sent something the protocol or mechanism does not allow.</summary>
    ProtocolViolation = 12,

    /// <summary>A configured security policy refused the step (allow/deny list, cleartext without verified TLS, ...).</summary>
    PolicyViolation = 13,

    /// <summary>A plugin or verifier failed with an unexpected error.</summary>
    PluginFailure = 14,

    /// <summary>Channel binding was required, unavailable, or did not match.</summary>
    ChannelBindingFailure = 15,

    /// <summary>The client's proof for a factor was wrong (server role).</summary>
    InvalidCredential = 16,

    /// <summary>A stored credential or key could not be parsed.</summary>
    InvalidStoredCredential = 17,

    /// <summary>A one-time value (code, challenge, token) was presented a second time.</summary>
    ReplayDetected = 18,

    /// <summary>Too many consecutive failures: the account or factor is locked for a while.</summary>
    LockedOut = 19,

    /// <summary>A key or secret could not be fetched from its source.</summary>
    KeyUnavailable = 20,

    /// <summary>The connection underneath failed or closed during the handshake.</summary>
    TransportFailure = 21,

    /// <summary>
    /// A pass-through key (<see cref="PassThroughCredential"/>) does not fit the server: its verifier has
    /// another salt or iteration count than the one the key was recovered from, or the key is for another mechanism.
    /// </summary>
    PassThroughMismatch = 22,
}
