using Handshake.Testing.Conformance.Stores;

namespace Handshake.Mfa.Tests;

/// <summary>
/// The in-memory TOTP store against the store conformance kit. It serves one process, where one
/// singleton is the only instance, so its "second instance" is the same object: the cross-instance
/// tests then prove 100 concurrent calls on it are atomic. They prove nothing across processes; that
/// takes a shared store (Handshake.Stores.PostgreSql).
/// </summary>
public sealed class InMemoryTotpStateStoreConformanceTests : TotpStateStoreConformanceTests
{
    protected override Task<ITotpStateStore> CreateStoreAsync() => Task.FromResult<ITotpStateStore>(new InMemoryTotpStateStore());

    protected override Task<ITotpStateStore> CreateSecondInstanceAsync(ITotpStateStore first) => Task.FromResult(first);
}
