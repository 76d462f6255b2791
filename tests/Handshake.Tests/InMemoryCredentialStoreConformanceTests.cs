using Handshake.Testing.Conformance.Stores;

namespace Handshake.Tests;

/// <summary>
/// The in-memory credential store against the store conformance kit. One process has one instance, so
/// the "second instance" is the same object: the cross-instance tests prove atomicity within it only.
/// </summary>
public sealed class InMemoryCredentialStoreConformanceTests : CredentialStoreConformanceTests<InMemoryCredentialStore>
{
    protected override Task<InMemoryCredentialStore> CreateStoreAsync() => Task.FromResult(new InMemoryCredentialStore());

    protected override Task<InMemoryCredentialStore> CreateSecondInstanceAsync(InMemoryCredentialStore first) => Task.FromResult(first);

    protected override Task AddOrReplaceUserAsync(InMemoryCredentialStore store, UserAuthPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(store);
        _ = store.AddUser(policy);
        return Task.CompletedTask;
    }

    protected override Task<bool> RemoveUserAsync(InMemoryCredentialStore store, string userName) => Task.FromResult(store?.RemoveUser(userName) ?? throw new ArgumentNullException(nameof(store)));
}
