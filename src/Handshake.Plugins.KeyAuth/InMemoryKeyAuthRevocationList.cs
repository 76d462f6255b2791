using System.Collections.Concurrent;

namespace Handshake.Plugins.KeyAuth;

/// <summary>The default revocation list: a thread-safe set of fingerprints held in memory.</summary>
public sealed class InMemoryKeyAuthRevocationList : IKeyAuthRevocationList
{
    private readonly ConcurrentDictionary<KeyAuthFingerprint, byte> _revoked = new();

    /// <summary>Gets the number of revoked keys.</summary>
    public int Count => _revoked.Count;

    /// <summary>Revokes a key.</summary>
    /// <param name="fingerprint">The key's fingerprint.</param>
    /// <returns>This list.</returns>
    public InMemoryKeyAuthRevocationList Revoke(KeyAuthFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        _revoked[fingerprint] = 0;
        return this;
    }

    /// <summary>Lifts a revocation.</summary>
    /// <param name="fingerprint">The key's fingerprint.</param>
    /// <returns>Whether the key was revoked.</returns>
    public bool Reinstate(KeyAuthFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return _revoked.TryRemove(fingerprint, out _);
    }

    /// <inheritdoc />
    public ValueTask<bool> IsRevokedAsync(KeyAuthFingerprint fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return ValueTask.FromResult(_revoked.ContainsKey(fingerprint));
    }
}
