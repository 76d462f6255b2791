using System.Security.Cryptography;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>Which <see cref="KeyAuthAlgorithm"/> a BCL key speaks, and signing/verifying with it.</summary>
internal static class KeyTypes
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    public static KeyAuthAlgorithm CurveOf(ECCurve curve)
    {
        var oid = curve.Oid?.Value;
        var name = curve.Oid?.FriendlyName;
        if (oid == P256Oid || name is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1")
        {
            return KeyAuthAlgorithm.EcdsaP256Sha256;
        }

        if (oid == P384Oid || name is "nistP384" or "ECDSA_P384" or "secp384r1")
        {
            return KeyAuthAlgorithm.EcdsaP384Sha384;
        }

        return KeyAuthAlgorithm.None;
    }

    /// <summary>The algorithm a key signs with, or <see cref="KeyAuthAlgorithm.None"/> for an unsupported key (another curve, RSA below the minimum size).</summary>
    public static KeyAuthAlgorithm AlgorithmOf(AsymmetricAlgorithm key, int minimumRsaBits) => key switch
    {
        ECDsa ec => CurveOf(ec.ExportParameters(includePrivateParameters: false).Curve),
        RSA rsa when rsa.KeySize >= minimumRsaBits && rsa.KeySize <= SshKeyBlob.MaxRsaBits => KeyAuthAlgorithm.RsaPssSha256,
        _ => KeyAuthAlgorithm.None,
    };

    public static byte[] Sign(AsymmetricAlgorithm key, KeyAuthAlgorithm algorithm, byte[] data) => algorithm switch
    {
        KeyAuthAlgorithm.EcdsaP256Sha256 => ((ECDsa)key).SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        KeyAuthAlgorithm.EcdsaP384Sha384 => ((ECDsa)key).SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        KeyAuthAlgorithm.RsaPssSha256 => ((RSA)key).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Verifies; a signature of the wrong length for the key simply does not verify.</summary>
    public static bool Verify(AsymmetricAlgorithm key, KeyAuthAlgorithm algorithm, byte[] data, ReadOnlySpan<byte> signature)
    {
        switch (algorithm)
        {
            case KeyAuthAlgorithm.EcdsaP256Sha256 when key is ECDsa ec && signature.Length == 64:
                return ec.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            case KeyAuthAlgorithm.EcdsaP384Sha384 when key is ECDsa ec && signature.Length == 96:
                return ec.VerifyData(data, signature, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            case KeyAuthAlgorithm.RsaPssSha256 when key is RSA rsa && signature.Length == (rsa.KeySize + 7) / 8:
                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
            default:
                return false;
        }
    }
}
