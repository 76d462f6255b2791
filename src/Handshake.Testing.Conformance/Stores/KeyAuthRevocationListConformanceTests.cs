using System.Security.Cryptography;
using Handshake.Plugins.KeyAuth;

namespace Handshake.Testing.Conformance.Stores;

/// <summary>
/// The promises of a key revocation list: a revoked key is refused, a reinstated one is not, and a
/// revocation made through one instance is seen by the other at once.
/// </summary>
/// <typeparam name="TList">The list type (revoking is not part of <see cref="IKeyAuthRevocationList"/>).</typeparam>
public abstract class KeyAuthRevocationListConformanceTests<TList>
    where TList : IKeyAuthRevocationList
{
    /// <summary>Creates an instance (the tests use fresh random fingerprints, so instances may share backing state).</summary>
    /// <returns>The list.</returns>
    protected abstract Task<TList> CreateListAsync();

    /// <summary>Opens a second instance over the same backing state.</summary>
    /// <param name="first">The first instance.</param>
    /// <returns>The second instance.</returns>
    protected abstract Task<TList> CreateSecondInstanceAsync(TList first);

    /// <summary>Revokes a key.</summary>
    /// <param name="list">The list.</param>
    /// <param name="fingerprint">The key.</param>
    /// <returns>A task.</returns>
    protected abstract Task RevokeAsync(TList list, KeyAuthFingerprint fingerprint);

    /// <summary>Lifts a revocation.</summary>
    /// <param name="list">The list.</param>
    /// <param name="fingerprint">The key.</param>
    /// <returns>Whether the key was revoked.</returns>
    protected abstract Task<bool> ReinstateAsync(TList list, KeyAuthFingerprint fingerprint);

    /// <summary>Conformance rule: <c>IsRevokedAsync</c>, never revoked: false.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task IsRevokedAsync_NeverRevoked_False()
    {
        var list = await CreateListAsync();
        Assert.False(await list.IsRevokedAsync(NewFingerprint(), default));
    }

    /// <summary>Conformance rule: <c>IsRevokedAsync</c>, revoked then reinstated: true then false.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task IsRevokedAsync_RevokedThenReinstated_TrueThenFalse()
    {
        var list = await CreateListAsync();
        var key = NewFingerprint();
        await RevokeAsync(list, key);
        await RevokeAsync(list, key);
        Assert.True(await list.IsRevokedAsync(key, default));
        Assert.False(await list.IsRevokedAsync(NewFingerprint(), default));
        Assert.True(await ReinstateAsync(list, key));
        Assert.False(await ReinstateAsync(list, key));
        Assert.False(await list.IsRevokedAsync(key, default));
    }

    /// <summary>Conformance rule: <c>IsRevokedAsync</c>, revoked on one instance: revoked on the other.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task IsRevokedAsync_RevokedOnOneInstance_RevokedOnTheOther()
    {
        var first = await CreateListAsync();
        var second = await CreateSecondInstanceAsync(first);
        var key = NewFingerprint();
        await RevokeAsync(first, key);
        Assert.True(await second.IsRevokedAsync(key, default));
        Assert.True(await ReinstateAsync(second, key));
        Assert.False(await first.IsRevokedAsync(key, default));
    }

    /// <summary>Conformance rule: <c>RevokeAsync</c>, concurrent over two instances: every key revoked on both.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RevokeAsync_ConcurrentOverTwoInstances_EveryKeyRevokedOnBoth()
    {
        var first = await CreateListAsync();
        var second = await CreateSecondInstanceAsync(first);
        var keys = Enumerable.Range(0, StoreConformance.ConcurrentOperations).Select(_ => NewFingerprint()).ToArray();
        _ = await StoreConformance.RunSplitAsync(first, second, async (l, i) =>
        {
            await RevokeAsync(l, keys[i]);
            return true;
        });
        foreach (var key in keys)
        {
            Assert.True(await first.IsRevokedAsync(key, default));
            Assert.True(await second.IsRevokedAsync(key, default));
        }
    }

    /// <summary>Conformance rule: <c>ReinstateAsync</c>, concurrent same key over two instances: exactly one true.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReinstateAsync_ConcurrentSameKeyOverTwoInstances_ExactlyOneTrue()
    {
        var first = await CreateListAsync();
        var second = await CreateSecondInstanceAsync(first);
        var key = NewFingerprint();
        await RevokeAsync(first, key);
        var results = await StoreConformance.RunSplitAsync(first, second, async (l, _) => await ReinstateAsync(l, key));
        Assert.Equal(1, results.Count(r => r));
    }

    /// <summary>A fingerprint of no real key.</summary>
    /// <returns>The fingerprint.</returns>
    protected static KeyAuthFingerprint NewFingerprint() => KeyAuthFingerprint.FromHash(RandomNumberGenerator.GetBytes(KeyAuthFingerprint.Length));
}
