namespace Handshake.Testing.Conformance;

/// <summary>A verifier's credential source with one user and one stored credential (null: an unknown user).</summary>
/// <param name="userName">The user.</param>
/// <param name="stored">The stored credential, or null.</param>
public sealed class FixedCredentialSource(string userName, StoredCredential? stored) : IVerifierCredentialSource
{
    /// <inheritdoc />
    public string? UserName => userName;

    /// <inheritdoc />
    public ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken) =>
        ValueTask.FromResult(stored);
}
