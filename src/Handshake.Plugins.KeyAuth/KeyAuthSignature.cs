namespace Handshake.Plugins.KeyAuth;

/// <summary>What a remote signer returns: the signature and which key and algorithm made it.</summary>
/// <remarks>Creates the result.</remarks>
/// <param name="keyFingerprint">The fingerprint of the public key whose private half signed.</param>
/// <param name="algorithm">The algorithm used.</param>
/// <param name="signature">The signature (IEEE P1363 <c>r || s</c> for ECDSA; the PSS block for RSA).</param>
public sealed class KeyAuthSignature(KeyAuthFingerprint keyFingerprint, KeyAuthAlgorithm algorithm, ReadOnlyMemory<byte> signature)
{
    /// <summary>Gets the fingerprint of the signing key.</summary>
    public KeyAuthFingerprint KeyFingerprint { get; } = keyFingerprint ?? throw new ArgumentNullException(nameof(keyFingerprint));

    /// <summary>Gets the algorithm.</summary>
    public KeyAuthAlgorithm Algorithm { get; } = algorithm;

    /// <summary>Gets the signature bytes.</summary>
    public ReadOnlyMemory<byte> Signature { get; } = signature;

    /// <summary>Describes the result without its bytes.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"KeyAuthSignature({Algorithm}, {KeyFingerprint}, {Signature.Length} bytes)";
}
