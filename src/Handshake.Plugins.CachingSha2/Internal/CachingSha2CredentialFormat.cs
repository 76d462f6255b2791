namespace Handshake.Plugins.CachingSha2.Internal;

/// <summary>The stored form the caching_sha2_password verifier reads (<see cref="CachingSha2Credential"/>), for the catalogue.</summary>
internal sealed class CachingSha2CredentialFormat(string verifierName) : IStoredCredentialFormat
{
    public string VerifierName => verifierName;

    public string Description => "a caching_sha2_password stored credential (MySQL's $A$<iterations>$<salt><hash> authentication_string)";

    public bool CanDeriveFromPassword => true;

    public bool IsValid(string stored) => CachingSha2Credential.TryParse(stored, out _);

    public StoredCredential FromPassword(string password, int? workFactor = null) =>
        CachingSha2Credential.FromPassword(password, iterations: workFactor ?? CachingSha2Credential.DefaultIterations).ToStoredCredential();
}
