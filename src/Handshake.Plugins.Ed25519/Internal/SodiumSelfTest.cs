using System.Security.Cryptography;

namespace Handshake.Plugins.Ed25519.Internal;

/// <summary>
/// The known-answer test a libsodium must pass before this package uses it: the public key for the
/// password "secret" must be the one MariaDB's documentation prints for <c>PASSWORD('secret')</c>
/// under ed25519, and a signature must verify and stop verifying when one bit changes.
/// </summary>
internal static class SodiumSelfTest
{
    // MariaDB's PASSWORD() documentation: IDENTIFIED VIA ed25519 USING PASSWORD('secret').
    private const string SecretPublicKey = "ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY=";

    public static bool Passes(Sodium sodium)
    {
        Span<byte> expanded = stackalloc byte[MariaDbEd25519.ExpandedKeyLength];
        Span<byte> publicKey = stackalloc byte[Sodium.PointLength];
        Span<byte> message = stackalloc byte[MariaDbEd25519.MessageLength];
        Span<byte> signature = stackalloc byte[MariaDbEd25519.SignatureLength];
        try
        {
            MariaDbEd25519.ExpandPassword("secret"u8, expanded);
            MariaDbEd25519.DerivePublicKey(sodium, expanded, publicKey);
            if (!publicKey.SequenceEqual(Convert.FromBase64String(SecretPublicKey)))
            {
                return false;
            }

            for (var i = 0; i < message.Length; i++)
            {
                message[i] = (byte)i;
            }

            MariaDbEd25519.Sign(sodium, expanded, message, signature);
            if (!sodium.Verify(signature, message, publicKey))
            {
                return false;
            }

            signature[40] ^= 1;
            return !sodium.Verify(signature, message, publicKey);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expanded);
        }
    }
}
