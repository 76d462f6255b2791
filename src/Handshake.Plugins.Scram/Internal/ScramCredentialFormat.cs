namespace Handshake.Plugins.Scram.Internal;

/// <summary>The stored form a SCRAM family's verifier reads (<see cref="ScramCredential"/>), for the catalogue.</summary>
internal sealed class ScramCredentialFormat(ScramHash hash) : IStoredCredentialFormat
{
    public string VerifierName => hash.MechanismName;

    public string Description => $"a {hash.MechanismName} stored credential ({hash.StoredPrefix}<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>)";

    public bool CanDeriveFromPassword => true;

    public bool IsValid(string stored) => ScramCredential.TryParse(stored, out var credential) && credential.Hash == hash;

    public StoredCredential FromPassword(string password, int? workFactor = null) =>
        ScramCredential.Create(password, SystemRandomSource.Instance, workFactor ?? ScramOptions.DefaultMinIterations, hash.MechanismName).ToStoredCredential();
}
