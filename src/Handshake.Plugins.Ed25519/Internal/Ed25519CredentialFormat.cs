namespace Handshake.Plugins.Ed25519.Internal;

/// <summary>The stored form the client_ed25519 verifier reads (<see cref="Ed25519Credential"/>), for the catalogue.</summary>
internal sealed class Ed25519CredentialFormat(string verifierName) : IStoredCredentialFormat
{
    public string VerifierName => verifierName;

    public string Description => "a client_ed25519 stored credential (MariaDB's base64 public key, 43 characters)";

    public bool CanDeriveFromPassword => true;

    public bool IsValid(string stored) => Ed25519Credential.TryParse(stored, out _);

    public StoredCredential FromPassword(string password, int? workFactor = null) => Ed25519Credential.FromPassword(password).ToStoredCredential();
}
