using Handshake.Testing.Conformance.Stores;

namespace Handshake.Plugins.CachingSha2.Tests;

/// <summary>
/// The in-memory fast-auth cache against the store conformance kit. One process has one instance, so
/// the "second instance" is the same object: the cross-instance tests prove atomicity within it only.
/// </summary>
public sealed class InMemoryCachingSha2PasswordCacheConformanceTests : CachingSha2PasswordCacheConformanceTests
{
    protected override Task<ICachingSha2PasswordCache> CreateCacheAsync() => Task.FromResult<ICachingSha2PasswordCache>(new CachingSha2PasswordCache(1000));

    protected override Task<ICachingSha2PasswordCache> CreateSecondInstanceAsync(ICachingSha2PasswordCache first) => Task.FromResult(first);
}
