using System.Security.Cryptography;

namespace Handshake.Plugins.Ed25519.Internal;

/// <summary>
/// MariaDB's ed25519 scheme, composed from libsodium's scalar and point primitives and the BCL's
/// SHA-512. It is RFC 8032 Ed25519 (section 5.1.6) with one change: the 64-byte expanded key is
/// SHA-512(password) instead of SHA-512(32-byte seed), so a password of any length is the key.
/// A signature made here is therefore a standard Ed25519 signature under A and verifies as one.
/// </summary>
internal static class MariaDbEd25519
{
    public const int ExpandedKeyLength = 64;
    public const int MessageLength = 32;
    public const int SignatureLength = 64;

    /// <summary>az = SHA-512(password): the expanded secret key.</summary>
    public static void ExpandPassword(ReadOnlySpan<byte> password, Span<byte> expandedKey) => _ = SHA512.HashData(password, expandedKey);

    /// <summary>A = a*B, with a the clamped first half of the expanded key (RFC 8032 section 5.1.5).</summary>
    public static void DerivePublicKey(Sodium sodium, ReadOnlySpan<byte> expandedKey, Span<byte> publicKey)
    {
        Span<byte> a = stackalloc byte[Sodium.ScalarLength];
        try
        {
            ClampedScalar(sodium, expandedKey, a);
            if (!sodium.ScalarMultBase(a, publicKey))
            {
                // A clamped scalar has bit 254 set, so it is never 0 mod L; this would be a broken library.
                throw new CryptographicException("libsodium returned the identity for a clamped scalar.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a);
        }
    }

    /// <summary>R || S over a 32-byte message (RFC 8032 section 5.1.6 with az = SHA-512(password)).</summary>
    public static void Sign(Sodium sodium, ReadOnlySpan<byte> expandedKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        if (expandedKey.Length != ExpandedKeyLength || message.Length != MessageLength || signature.Length < SignatureLength)
        {
            throw new InvalidOperationException("An ed25519 buffer has the wrong length.");
        }

        Span<byte> a = stackalloc byte[Sodium.ScalarLength];
        Span<byte> publicKey = stackalloc byte[Sodium.PointLength];
        Span<byte> nonceInput = stackalloc byte[(ExpandedKeyLength / 2) + MessageLength];
        Span<byte> challengeInput = stackalloc byte[Sodium.PointLength + Sodium.PointLength + MessageLength];
        Span<byte> wide = stackalloc byte[Sodium.WideScalarLength];
        Span<byte> r = stackalloc byte[Sodium.ScalarLength];
        Span<byte> k = stackalloc byte[Sodium.ScalarLength];
        Span<byte> ka = stackalloc byte[Sodium.ScalarLength];
        try
        {
            ClampedScalar(sodium, expandedKey, a);
            if (!sodium.ScalarMultBase(a, publicKey))
            {
                throw new CryptographicException("libsodium returned the identity for a clamped scalar.");
            }

            // r = SHA-512(prefix || M) mod L, prefix = az[32..64]; R = r*B.
            expandedKey[(ExpandedKeyLength / 2)..].CopyTo(nonceInput);
            message.CopyTo(nonceInput[(ExpandedKeyLength / 2)..]);
            _ = SHA512.HashData(nonceInput, wide);
            sodium.ScalarReduce(wide, r);
            var rPoint = signature[..Sodium.PointLength];
            if (!sodium.ScalarMultBase(r, rPoint))
            {
                // r = 0 mod L: probability about 2^-252; refusing is safer than sending R = identity.
                throw new CryptographicException("The ed25519 nonce reduced to zero.");
            }

            // k = SHA-512(R || A || M) mod L; S = (r + k*a) mod L.
            rPoint.CopyTo(challengeInput);
            publicKey.CopyTo(challengeInput[Sodium.PointLength..]);
            message.CopyTo(challengeInput[(2 * Sodium.PointLength)..]);
            _ = SHA512.HashData(challengeInput, wide);
            sodium.ScalarReduce(wide, k);
            sodium.ScalarMul(k, a, ka);
            sodium.ScalarAdd(ka, r, signature.Slice(Sodium.PointLength, Sodium.ScalarLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a);
            CryptographicOperations.ZeroMemory(nonceInput);
            CryptographicOperations.ZeroMemory(wide);
            CryptographicOperations.ZeroMemory(r);
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(ka);
        }
    }

    /// <summary>a = clamp(az[0..32]) reduced mod L (the same point a*B; libsodium's scalar functions want a reduced scalar).</summary>
    private static void ClampedScalar(Sodium sodium, ReadOnlySpan<byte> expandedKey, Span<byte> a)
    {
        if (expandedKey.Length != ExpandedKeyLength)
        {
            throw new InvalidOperationException("The ed25519 expanded key must be 64 bytes.");
        }

        Span<byte> wide = stackalloc byte[Sodium.WideScalarLength];
        try
        {
            wide.Clear();
            expandedKey[..Sodium.ScalarLength].CopyTo(wide);

            // RFC 8032 section 5.1.5 step 2: clear the low three bits and the top bit, set bit 254.
            wide[0] &= 248;
            wide[31] &= 127;
            wide[31] |= 64;
            sodium.ScalarReduce(wide, a);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
        }
    }
}
