namespace Handshake;

/// <summary>
/// Where a server finds the secrets every instance of a fleet must share (the unknown-user key, an
/// RSA private key, a token hash key), by name: a key vault, a mounted secret, an environment
/// variable. Register one in DI; a secret set directly in an option or a file wins over it.
/// </summary>
/// <remarks>Called once per secret when a verifier is created (at start-up), never per login.</remarks>
public interface IServerSecretProvider
{
    /// <summary>Gets a secret.</summary>
    /// <param name="name">The secret's name (for example <see cref="ServerSecrets.UnknownUserKeyName"/>).</param>
    /// <returns>The secret's bytes (a PEM's ASCII for a key pair), or null when this provider does not have it.</returns>
    byte[]? GetSecret(string name);
}
