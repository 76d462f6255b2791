using System.Security.Cryptography;
using Handshake.Plugins.CachingSha2;

namespace Handshake.Testing.Conformance.Stores;

/// <summary>
/// The promises of <see cref="ICachingSha2PasswordCache"/>: a hit only for the stored credential the
/// digest was recorded under, forgetting on request, and one consistent entry per user when two
/// instances record at once.
/// </summary>
public abstract class CachingSha2PasswordCacheConformanceTests
{
    /// <summary>Creates an instance (the tests use unique users, so instances may share backing state).</summary>
    /// <returns>The cache.</returns>
    protected abstract Task<ICachingSha2PasswordCache> CreateCacheAsync();

    /// <summary>Opens a second instance over the same backing state.</summary>
    /// <param name="first">The first instance.</param>
    /// <returns>The second instance.</returns>
    protected abstract Task<ICachingSha2PasswordCache> CreateSecondInstanceAsync(ICachingSha2PasswordCache first);

    /// <summary>Gets a value indicating whether <see cref="ICachingSha2PasswordCache.ClearAsync"/> may be called (it forgets every user of the backing store, so a store shared by parallel test classes opts out).</summary>
    protected virtual bool CanClear => true;

    /// <summary>Conformance rule: <c>TryGetAsync</c>, after set: returns the digest.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TryGetAsync_AfterSet_ReturnsTheDigest()
    {
        var cache = await CreateCacheAsync();
        var user = StoreConformance.Unique("alice");
        var digest = RandomNumberGenerator.GetBytes(32);
        await cache.SetAsync(user, "$SHA2$stored-1", digest, default);
        var read = new byte[32];
        Assert.True(await cache.TryGetAsync(user, "$SHA2$stored-1", read, default));
        Assert.Equal(digest, read);
    }

    /// <summary>Conformance rule: <c>TryGetAsync</c>, unknown user or other stored credential: miss.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TryGetAsync_UnknownUserOrOtherStoredCredential_Miss()
    {
        var cache = await CreateCacheAsync();
        var user = StoreConformance.Unique("alice");
        await cache.SetAsync(user, "$SHA2$stored-1", RandomNumberGenerator.GetBytes(32), default);
        var read = new byte[32];
        Assert.False(await cache.TryGetAsync(StoreConformance.Unique("ghost"), "$SHA2$stored-1", read, default));
        Assert.False(await cache.TryGetAsync(user, "$SHA2$stored-2", read, default));
        Assert.False(await cache.TryGetAsync(user, string.Empty, read, default));
        Assert.Equal(new byte[32], read);
    }

    /// <summary>Conformance rule: <c>SetAsync</c>, twice: last wins.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task SetAsync_Twice_LastWins()
    {
        var cache = await CreateCacheAsync();
        var user = StoreConformance.Unique("alice");
        var second = RandomNumberGenerator.GetBytes(32);
        await cache.SetAsync(user, "$SHA2$stored-1", RandomNumberGenerator.GetBytes(32), default);
        await cache.SetAsync(user, "$SHA2$stored-2", second, default);
        var read = new byte[32];
        Assert.False(await cache.TryGetAsync(user, "$SHA2$stored-1", read, default));
        Assert.True(await cache.TryGetAsync(user, "$SHA2$stored-2", read, default));
        Assert.Equal(second, read);
    }

    /// <summary>Conformance rule: <c>RemoveAsync</c>, cached user: true then miss.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RemoveAsync_CachedUser_TrueThenMiss()
    {
        var cache = await CreateCacheAsync();
        var user = StoreConformance.Unique("alice");
        await cache.SetAsync(user, "$SHA2$s", RandomNumberGenerator.GetBytes(32), default);
        Assert.True(await cache.RemoveAsync(user, default));
        Assert.False(await cache.RemoveAsync(user, default));
        Assert.False(await cache.TryGetAsync(user, "$SHA2$s", new byte[32], default));
    }

    /// <summary>Conformance rule: <c>ClearAsync</c>: forgets every user.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ClearAsync_ForgetsEveryUser()
    {
        if (!CanClear)
        {
            return;
        }

        var cache = await CreateCacheAsync();
        var user = StoreConformance.Unique("alice");
        await cache.SetAsync(user, "$SHA2$s", RandomNumberGenerator.GetBytes(32), default);
        await cache.ClearAsync(default);
        Assert.False(await cache.TryGetAsync(user, "$SHA2$s", new byte[32], default));
    }

    /// <summary>Conformance rule: <c>SetAsync</c>, concurrent over two instances: one whole entry seen by both.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task SetAsync_ConcurrentOverTwoInstances_OneWholeEntrySeenByBoth()
    {
        var first = await CreateCacheAsync();
        var second = await CreateSecondInstanceAsync(first);
        var user = StoreConformance.Unique("alice");
        var digests = Enumerable.Range(0, StoreConformance.ConcurrentOperations).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        _ = await StoreConformance.RunSplitAsync(first, second, async (c, i) =>
        {
            await c.SetAsync(user, $"$SHA2$stored-{i}", digests[i], default);
            return true;
        });

        // Exactly one (stored value, digest) pair survives, whole: its digest under its own stored value, on both instances.
        var hits = new List<int>();
        for (var i = 0; i < digests.Length; i++)
        {
            var read = new byte[32];
            if (await first.TryGetAsync(user, $"$SHA2$stored-{i}", read, default))
            {
                Assert.Equal(digests[i], read);
                hits.Add(i);
            }
        }

        var winner = Assert.Single(hits);
        var fromSecond = new byte[32];
        Assert.True(await second.TryGetAsync(user, $"$SHA2$stored-{winner}", fromSecond, default));
        Assert.Equal(digests[winner], fromSecond);
    }

    /// <summary>Conformance rule: <c>RemoveAsync</c>, on one instance: miss on the other.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RemoveAsync_OnOneInstance_MissOnTheOther()
    {
        var first = await CreateCacheAsync();
        var second = await CreateSecondInstanceAsync(first);
        var user = StoreConformance.Unique("alice");
        await first.SetAsync(user, "$SHA2$s", RandomNumberGenerator.GetBytes(32), default);
        Assert.True(await second.TryGetAsync(user, "$SHA2$s", new byte[32], default));
        Assert.True(await second.RemoveAsync(user, default));
        Assert.False(await first.TryGetAsync(user, "$SHA2$s", new byte[32], default));
    }
}
