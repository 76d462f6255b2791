namespace Handshake.Plugins.NativePassword.Tests;

/// <summary>A credential source with one user and one stored credential (null: an unknown user).</summary>
internal sealed class FixedCredentialSource(string userName, StoredCredential? stored) : IVerifierCredentialSource
{
    public string? UserName => userName;

    public ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken) =>
        ValueTask.FromResult(stored);
}
