using Handshake.Testing.Conformance.Stores;

namespace Handshake.Plugins.Resume.Tests;

/// <summary>
/// The in-memory token store against the store conformance kit. One process has one instance, so the
/// "second instance" is the same object: the cross-instance tests prove atomicity within it only.
/// </summary>
public sealed class InMemoryResumeTokenStoreConformanceTests : ResumeTokenStoreConformanceTests
{
    protected override Task<IResumeTokenStore> CreateStoreAsync() => Task.FromResult<IResumeTokenStore>(new InMemoryResumeTokenStore());

    protected override Task<IResumeTokenStore> CreateSecondInstanceAsync(IResumeTokenStore first) => Task.FromResult(first);
}
