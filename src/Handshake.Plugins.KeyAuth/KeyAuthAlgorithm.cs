namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// The signature algorithms key auth speaks. The numeric value is the algorithm id byte on the
/// wire (see <see cref="KeyAuthPlugin"/>); values are never renumbered.
/// </summary>
public enum KeyAuthAlgorithm
{
    /// <summary>No algorithm; never valid on the wire.</summary>
    None = 0,

    /// <summary>ECDSA over NIST P-256 with SHA-256; signature is IEEE P1363 <c>r || s</c>, 64 bytes.</summary>
    EcdsaP256Sha256 = 1,

    /// <summary>ECDSA over NIST P-384 with SHA-384; signature is IEEE P1363 <c>r || s</c>, 96 bytes.</summary>
    EcdsaP384Sha384 = 2,

    /// <summary>RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 8017 §8.1); signature is the modulus length.</summary>
    RsaPssSha256 = 3,
}
