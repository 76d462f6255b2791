namespace Handshake.Plugins.KeyAuth;

/// <summary>
/// Keys the server refuses even when a user's stored credential lists them (a lost laptop, a
/// leaked key). Consulted on every verification; register your own implementation to read a
/// shared list.
/// </summary>
public interface IKeyAuthRevocationList
{
    /// <summary>Tells whether a key is revoked.</summary>
    /// <param name="fingerprint">The key's fingerprint.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>True when the key must be refused.</returns>
    ValueTask<bool> IsRevokedAsync(KeyAuthFingerprint fingerprint, CancellationToken cancellationToken);
}
