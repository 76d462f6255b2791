using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Handshake.Stores.PostgreSql.Tests;

/// <summary>The fast-path digests are sealed in the database: unreadable there, and useless to a server without the fleet's key.</summary>
public sealed class PostgreSqlCachingSha2PasswordCacheTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task SetAsync_Digest_NeverStoredInTheClear()
    {
        using var cache = Create(PostgreSqlCachingSha2PasswordCacheConformanceTests.FleetKey);
        var user = $"alice-{Guid.NewGuid():N}";
        var digest = RandomNumberGenerator.GetBytes(32);
        await cache.SetAsync(user, "$SHA2$s", digest, default);
        await using var command = db.First.CreateCommand($"SELECT sealed FROM \"{db.Schema}\".caching_sha2_cache WHERE user_name = @u;");
        _ = command.Parameters.AddWithValue("u", user);
        var stored = (byte[])(await command.ExecuteScalarAsync())!;
        Assert.Equal(-1, stored.AsSpan().IndexOf(digest.AsSpan(0, 8)));
    }

    [Fact]
    public async Task TryGetAsync_OtherFleetKey_Miss()
    {
        using var writer = Create(PostgreSqlCachingSha2PasswordCacheConformanceTests.FleetKey);
        using var other = Create(RandomNumberGenerator.GetBytes(32));
        var user = $"alice-{Guid.NewGuid():N}";
        await writer.SetAsync(user, "$SHA2$s", RandomNumberGenerator.GetBytes(32), default);
        Assert.False(await other.TryGetAsync(user, "$SHA2$s", new byte[32], default));
        Assert.True(await writer.TryGetAsync(user, "$SHA2$s", new byte[32], default));
    }

    [Fact]
    public void Constructor_NoUnknownUserKey_FailsSayingWhatToSet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PostgreSqlCachingSha2PasswordCache(db.First, Options.Create(db.Options), Options.Create(new ServerSecretOptions())));
        Assert.Contains(ServerSecrets.UnknownUserKeyName, error.Message, StringComparison.Ordinal);
    }

    private PostgreSqlCachingSha2PasswordCache Create(byte[] key) =>
        new(db.First, Options.Create(db.Options), Options.Create(new ServerSecretOptions { UnknownUserKey = key }));
}
