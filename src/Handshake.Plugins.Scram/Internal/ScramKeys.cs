using System.Security.Cryptography;
using System.Text;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>The key schedule of RFC 5802 §3 from a SaltedPassword.</summary>
internal static class ScramKeys
{
    private static readonly byte[] ClientKeyLabel = Encoding.ASCII.GetBytes("Client Key");
    private static readonly byte[] ServerKeyLabel = Encoding.ASCII.GetBytes("Server Key");

    /// <summary>ClientKey = HMAC(SaltedPassword, "Client Key"); ServerKey = HMAC(SaltedPassword, "Server Key").</summary>
    public static void FromSaltedPassword(ScramHash hash, ReadOnlySpan<byte> saltedPassword, Span<byte> clientKey, Span<byte> serverKey)
    {
        hash.Hmac(saltedPassword, ClientKeyLabel, clientKey);
        hash.Hmac(saltedPassword, ServerKeyLabel, serverKey);
    }

    /// <summary>Derives ClientKey and ServerKey from the prepared password, wiping the SaltedPassword.</summary>
    public static void Derive(ScramHash hash, IScramKeyDeriver deriver, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations, Span<byte> clientKey, Span<byte> serverKey)
    {
        Span<byte> salted = stackalloc byte[hash.Length];
        try
        {
            deriver.DeriveSaltedPassword(hash, preparedPassword, salt, iterations, salted);
            FromSaltedPassword(hash, salted, clientKey, serverKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
        }
    }
}
