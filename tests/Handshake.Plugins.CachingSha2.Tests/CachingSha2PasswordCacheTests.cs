namespace Handshake.Plugins.CachingSha2.Tests;

public sealed class CachingSha2PasswordCacheTests
{
    [Fact]
    public void Set_BeyondCapacity_EvictsLeastRecentlyUsed()
    {
        var cache = new CachingSha2PasswordCache(2);
        var buffer = new byte[32];
        cache.Set("a", "sa", Filled(1));
        cache.Set("b", "sb", Filled(2));
        Assert.True(cache.TryGet("a", "sa", buffer)); // a is now the most recent
        cache.Set("c", "sc", Filled(3));
        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet("b", "sb", buffer));
        Assert.True(cache.TryGet("a", "sa", buffer));
        Assert.Equal(Filled(1), buffer);
        Assert.True(cache.TryGet("c", "sc", buffer));
    }

    [Fact]
    public void TryGet_StoredCredentialChanged_Misses()
    {
        var cache = new CachingSha2PasswordCache(4);
        cache.Set("alice", "$SHA2$old", Filled(1));
        Assert.False(cache.TryGet("alice", "$SHA2$new", new byte[32]));
    }

    [Fact]
    public void Remove_CachedUser_Forgets()
    {
        var cache = new CachingSha2PasswordCache(4);
        cache.Set("alice", "s", Filled(1));
        Assert.True(cache.Remove("alice"));
        Assert.False(cache.TryGet("alice", "s", new byte[32]));
        Assert.False(cache.Remove("alice"));
    }

    [Fact]
    public void Clear_Populated_Empties()
    {
        var cache = new CachingSha2PasswordCache(4);
        cache.Set("alice", "s", Filled(1));
        cache.Set("bob", "s", Filled(2));
        cache.Clear();
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Constructor_ZeroCapacity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CachingSha2PasswordCache(0));
    }

    [Fact]
    public async Task Set_ConcurrentWriters_StaysBounded()
    {
        var cache = new CachingSha2PasswordCache(16);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                cache.Set($"u{t}-{i}", "s", Filled((byte)i));
                _ = cache.TryGet($"u{t}-{i / 2}", "s", new byte[32]);
            }
        })));
        Assert.Equal(16, cache.Count);
    }

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, 32).ToArray();
}
