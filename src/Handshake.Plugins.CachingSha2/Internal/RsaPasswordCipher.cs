using System.Security.Cryptography;

namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>
/// caching_sha2_password's RSA step (MySQL sql/auth/sha2_password.cc): the client XORs
/// (password + NUL) with the scramble, repeated, and encrypts it with RSA-OAEP (SHA-1, as MySQL's
/// RSA_PKCS1_OAEP_PADDING); the XOR ties the ciphertext to this handshake's scramble.
/// </summary>
internal static class RsaPasswordCipher
{
    /// <summary>The smallest RSA key accepted (MySQL's default key is 2048 bits).</summary>
    public const int MinKeySizeBits = 2048;

    /// <summary>The largest PEM accepted from a server, so a peer cannot make the client parse megabytes.</summary>
    public const int MaxPemLength = 16 * 1024;

    // OAEP with SHA-1 needs 2 * 20 + 2 bytes of padding.
    private const int OaepSha1Overhead = 42;

    public static bool FitsKey(RSA rsa, int plaintextLength) => plaintextLength <= (rsa.KeySize / 8) - OaepSha1Overhead;

    public static byte[] Encrypt(RSA rsa, ReadOnlySpan<byte> password, ReadOnlySpan<byte> scramble)
    {
        var plain = GC.AllocateArray<byte>(password.Length + 1, pinned: true);
        try
        {
            password.CopyTo(plain);
            Xor(plain, scramble);
            return rsa.Encrypt(plain, RSAEncryptionPadding.OaepSHA1);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>XORs <paramref name="data"/> in place with the scramble repeated.</summary>
    public static void Xor(Span<byte> data, ReadOnlySpan<byte> scramble)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] ^= scramble[i % scramble.Length];
        }
    }

    /// <summary>Imports a PEM public (or private) key; null when it is not an RSA key.</summary>
    public static RSA? TryImport(ReadOnlySpan<char> pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }
}
