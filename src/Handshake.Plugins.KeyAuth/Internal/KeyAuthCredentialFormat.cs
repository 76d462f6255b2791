namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>The stored form a key auth verifier reads (public keys, one per line), for the catalogue.</summary>
internal sealed class KeyAuthCredentialFormat(string verifierName) : IStoredCredentialFormat
{
    public string VerifierName => verifierName;

    public string Description => "a public key (a PEM '-----BEGIN PUBLIC KEY-----' block or an OpenSSH authorized_keys line; ECDSA P-256/P-384 or RSA)";

    public string? ValueName => "publicKey";

    public bool IsValid(string stored)
    {
        try
        {
            return StoredKeyParser.Parse(stored, new KeyAuthVerifierOptions().MinimumRsaKeySize).Count > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
