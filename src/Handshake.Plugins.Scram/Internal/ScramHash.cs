using System.Security.Cryptography;
using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// The hash function a SCRAM mechanism is built on (RFC 5802 §2.2: H, HMAC, Hi). One template runs
/// every SCRAM-SHA-* mechanism; only this parameter changes.
/// </summary>
internal sealed class ScramHash
{
    private ScramHash(string mechanismName, HashAlgorithmName algorithm, int length)
    {
        MechanismName = mechanismName;
        Algorithm = algorithm;
        Length = length;
    }

    /// <summary>Gets SCRAM-SHA-1 (RFC 5802).</summary>
    public static ScramHash Sha1 { get; } = new("SCRAM-SHA-1", HashAlgorithmName.SHA1, SHA1.HashSizeInBytes);

    /// <summary>Gets SCRAM-SHA-256 (RFC 7677).</summary>
    public static ScramHash Sha256 { get; } = new("SCRAM-SHA-256", HashAlgorithmName.SHA256, SHA256.HashSizeInBytes);

    /// <summary>Gets SCRAM-SHA-512 (draft-melnikov-scram-sha-512).</summary>
    public static ScramHash Sha512 { get; } = new("SCRAM-SHA-512", HashAlgorithmName.SHA512, SHA512.HashSizeInBytes);

    /// <summary>Gets the mechanism name without the -PLUS suffix.</summary>
    public string MechanismName { get; }

    /// <summary>Gets the channel-binding mechanism name (RFC 5802 §4).</summary>
    public string PlusMechanismName => MechanismName + "-PLUS";

    /// <summary>Gets the hash algorithm.</summary>
    public HashAlgorithmName Algorithm { get; }

    /// <summary>Gets the output length in bytes.</summary>
    public int Length { get; }

    /// <summary>Gets the block-level digest this process selected (libcrypto or the BCL).</summary>
    public Digest Digest => Digest.For(Algorithm);

    /// <summary>H(data).</summary>
    public void Hash(ReadOnlySpan<byte> data, Span<byte> destination) => Digest.Hash(data, destination);

    /// <summary>HMAC(key, data).</summary>
    public void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) => Digest.Hmac(key, data, destination);

    /// <summary>Hi(password, salt, i) of RFC 5802 §2.2, which is PBKDF2 with HMAC as the PRF.</summary>
    public void Pbkdf2(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination) =>
        Digest.Pbkdf2(password, salt, iterations, destination);
}
