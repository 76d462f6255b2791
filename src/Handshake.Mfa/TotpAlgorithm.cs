namespace Handshake.Mfa;

/// <summary>The HMAC a TOTP code is computed with (RFC 6238 §1.2: HMAC-SHA-1, HMAC-SHA-256, HMAC-SHA-512).</summary>
public enum TotpAlgorithm
{
    /// <summary>HMAC-SHA-1, what RFC 4226 defines and most authenticator apps use.</summary>
    Sha1 = 0,

    /// <summary>HMAC-SHA-256.</summary>
    Sha256 = 1,

    /// <summary>HMAC-SHA-512.</summary>
    Sha512 = 2,
}
