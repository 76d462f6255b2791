using System.Security.Cryptography;
using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// The hash function a SCRAM mechanism is built on (RFC 5802 §2.2: H, HMAC, Hi). One template runs
/// every SCRAM-SHA-* mechanism; only this parameter changes.
/// </summary>
internal sealed class ScramHash
{
    private readonly int _strength;

    private ScramHash(string mechanismName, HashAlgorithmName algorithm, int length, int strength)
    {
        MechanismName = mechanismName;
        Algorithm = algorithm;
        Length = length;
        _strength = strength;
    }

    /// <summary>Gets SCRAM-SHA-1 (RFC 5802).</summary>
    public static ScramHash Sha1 { get; } = new(ScramPluginNames.ScramSha1, HashAlgorithmName.SHA1, SHA1.HashSizeInBytes, strength: 0);

    /// <summary>Gets SCRAM-SHA-256 (RFC 7677).</summary>
    public static ScramHash Sha256 { get; } = new(ScramPluginNames.ScramSha256, HashAlgorithmName.SHA256, SHA256.HashSizeInBytes, strength: 1);

    /// <summary>Gets SCRAM-SHA-512 (draft-melnikov-scram-sha-512).</summary>
    public static ScramHash Sha512 { get; } = new(ScramPluginNames.ScramSha512, HashAlgorithmName.SHA512, SHA512.HashSizeInBytes, strength: 2);

    /// <summary>Gets every family, weakest hash first.</summary>
    public static IReadOnlyList<ScramHash> All { get; } = [Sha1, Sha256, Sha512];

    /// <summary>Gets the family a mechanism or stored-credential prefix names (with or without -PLUS), or null.</summary>
    /// <param name="name">A mechanism name such as "SCRAM-SHA-512-PLUS".</param>
    /// <returns>The family, or null.</returns>
    public static ScramHash? ForName(string? name)
    {
        foreach (var hash in All)
        {
            if (string.Equals(name, hash.MechanismName, StringComparison.Ordinal) || string.Equals(name, hash.PlusMechanismName, StringComparison.Ordinal))
            {
                return hash;
            }
        }

        return null;
    }

    /// <summary>
    /// Moves a configured offer rank so that of several registered families a server offers, the
    /// strongest hash wins: SHA-1 at half (chosen only when nothing stronger is offered), SHA-512 one above SHA-256.
    /// </summary>
    /// <param name="rank">The configured rank; not eligible (negative) stays as it is.</param>
    /// <returns>The rank for this family.</returns>
    public int AdjustOfferRank(int rank) => rank <= 0 ? rank : _strength switch
    {
        0 => Math.Max(1, rank / 2),
        1 => rank,
        _ => rank + 1,
    };

    /// <summary>Gets the stored-credential prefix, PostgreSQL's form generalised to the family (<c>SCRAM-SHA-256$</c>).</summary>
    public string StoredPrefix => MechanismName + "$";

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
