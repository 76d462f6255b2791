namespace Handshake.Benchmarks;

/// <summary>A verifier's credential source for one known user (what the acceptor's store lookup returns).</summary>
internal sealed class FixedCredentialSource(string userName, StoredCredential credential) : IVerifierCredentialSource
{
    public string? UserName { get; } = userName;

    public ValueTask<StoredCredential?> FindCredentialAsync(string verifierName, int factorIndex, CancellationToken cancellationToken) => ValueTask.FromResult<StoredCredential?>(credential);
}
