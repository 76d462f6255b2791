using Handshake.Testing.Conformance.Stores;

namespace Handshake.Plugins.KeyAuth.Tests;

/// <summary>
/// The in-memory revocation list against the store conformance kit. One process has one instance, so
/// the "second instance" is the same object: the cross-instance tests prove atomicity within it only.
/// </summary>
public sealed class InMemoryKeyAuthRevocationListConformanceTests : KeyAuthRevocationListConformanceTests<InMemoryKeyAuthRevocationList>
{
    protected override Task<InMemoryKeyAuthRevocationList> CreateListAsync() => Task.FromResult(new InMemoryKeyAuthRevocationList());

    protected override Task<InMemoryKeyAuthRevocationList> CreateSecondInstanceAsync(InMemoryKeyAuthRevocationList first) => Task.FromResult(first);

    protected override Task RevokeAsync(InMemoryKeyAuthRevocationList list, KeyAuthFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(list);
        _ = list.Revoke(fingerprint);
        return Task.CompletedTask;
    }

    protected override Task<bool> ReinstateAsync(InMemoryKeyAuthRevocationList list, KeyAuthFingerprint fingerprint) => Task.FromResult(list?.Reinstate(fingerprint) ?? throw new ArgumentNullException(nameof(list)));
}
