namespace Handshake.Plugins.NativePassword.Internal;

/// <summary>The stored form the mysql_native_password verifier reads (<see cref="NativePasswordCredential"/>), for the catalogue.</summary>
internal sealed class NativePasswordCredentialFormat(string verifierName) : IStoredCredentialFormat
{
    public string VerifierName => verifierName;

    public string Description => "a mysql_native_password stored credential (*HEX of SHA1(SHA1(password)), 41 characters, as MySQL's authentication_string)";

    public bool CanDeriveFromPassword => true;

    public bool IsValid(string stored) => NativePasswordCredential.TryParse(stored, out _);

    public StoredCredential FromPassword(string password, int? workFactor = null) => NativePasswordCredential.FromPassword(password).ToStoredCredential();
}
