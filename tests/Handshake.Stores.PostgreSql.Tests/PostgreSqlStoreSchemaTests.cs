using Handshake.Mfa;
using Microsoft.Extensions.Options;

namespace Handshake.Stores.PostgreSql.Tests;

/// <summary>The schema is created only by an explicit, idempotent migration; a store used before it fails with a message that says what to run.</summary>
public sealed class PostgreSqlStoreSchemaTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task TryAcceptStepAsync_SchemaNeverInitialised_FailsSayingHowToInit()
    {
        var schema = $"hs_missing_{Guid.NewGuid():N}"[..30];
        var store = new PostgreSqlTotpStateStore(db.First, Options.Create(new PostgreSqlStoreOptions { Schema = schema }));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.TryAcceptStepAsync("k", 1, DateTimeOffset.UtcNow, default));
        Assert.Contains("handshake store init", error.Message, StringComparison.Ordinal);
        Assert.Contains("version 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await PostgreSqlStoreSchema.GetVersionAsync(db.First, schema));

        // Nothing was created by the failed use.
        await using var check = db.First.CreateCommand($"SELECT count(*) FROM pg_namespace WHERE nspname = '{schema}';");
        Assert.Equal(0L, await check.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MigrateAsync_SecondRun_AppliesNothing()
    {
        Assert.Empty(await PostgreSqlStoreSchema.MigrateAsync(db.First, db.Schema));
        Assert.Equal(PostgreSqlStoreSchema.LatestVersion, await PostgreSqlStoreSchema.GetVersionAsync(db.Second, db.Schema));
    }

    [Fact]
    public async Task MigrateAsync_TwoServersAtOnce_EachMigrationAppliedOnce()
    {
        var schema = $"hs_race_{Guid.NewGuid():N}"[..30];
        try
        {
            // The schema itself exists first (two concurrent CREATE SCHEMA IF NOT EXISTS can race in PostgreSQL's catalog).
            _ = await PostgreSqlStoreSchema.MigrateAsync(db.First, schema);
            await using (var drop = db.First.CreateCommand($"DROP TABLE \"{schema}\".users, \"{schema}\".totp_state, \"{schema}\".resume_tokens, \"{schema}\".resume_families, \"{schema}\".key_revocations, \"{schema}\".caching_sha2_cache; DELETE FROM \"{schema}\".schema_version;"))
            {
                _ = await drop.ExecuteNonQueryAsync();
            }

            var runs = await Task.WhenAll(
                Task.Run(() => PostgreSqlStoreSchema.MigrateAsync(db.First, schema)),
                Task.Run(() => PostgreSqlStoreSchema.MigrateAsync(db.Second, schema)));
            Assert.Equal(PostgreSqlStoreSchema.LatestVersion, runs.Sum(r => r.Count));
            await using var count = db.First.CreateCommand($"SELECT count(*) FROM \"{schema}\".schema_version;");
            Assert.Equal((long)PostgreSqlStoreSchema.LatestVersion, await count.ExecuteScalarAsync());
        }
        finally
        {
            await using var cleanup = db.First.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;");
            _ = await cleanup.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public void Constructor_SchemaNotAPlainIdentifier_Throws() =>
        Assert.Throws<ArgumentException>(() => new PostgreSqlTotpStateStore(db.First, Options.Create(new PostgreSqlStoreOptions { Schema = "x\"; DROP TABLE y; --" })));

    [Fact]
    public async Task CleanupExpiredAsync_ExpiredRows_DeletedInBatchesLiveRowsKept()
    {
        var options = Options.Create(db.Options);
        var now = DateTimeOffset.UtcNow;
        var tokens = new PostgreSqlResumeTokenStore(db.First, options);
        var expiredFamilies = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var family = $"expired-{Guid.NewGuid():N}";
            expiredFamilies.Add(family);
            await tokens.AddAsync($"h-{Guid.NewGuid():N}", new Plugins.Resume.ResumeTokenRecord("u", family, ["SCRAM-SHA-256"], 1, now.AddDays(-2), now.AddDays(-2), now.AddDays(-1), 1), default);
        }

        var liveFamily = $"live-{Guid.NewGuid():N}";
        await tokens.AddAsync($"h-{Guid.NewGuid():N}", new Plugins.Resume.ResumeTokenRecord("u", liveFamily, ["SCRAM-SHA-256"], 1, now, now, now.AddDays(1), 1), default);
        var totp = new PostgreSqlTotpStateStore(db.First, options);
        var staleKey = $"totp/{Guid.NewGuid():N}";
        var freshKey = $"totp/{Guid.NewGuid():N}";
        Assert.Equal(TotpStepResult.Accepted, await totp.TryAcceptStepAsync(staleKey, 1, now.AddDays(-3), default));
        Assert.Equal(TotpStepResult.Accepted, await totp.TryAcceptStepAsync(freshKey, 1, now, default));

        var job = new PostgreSqlStoreMaintenance(db.First, Options.Create(new PostgreSqlStoreOptions { Schema = db.Schema, CleanupBatchSize = 2 }));
        var (deleted, limited) = await job.CleanupExpiredAsync(now);
        Assert.False(limited);
        Assert.True(deleted >= 6, $"deleted {deleted}");
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM \"{db.Schema}\".resume_families WHERE family_id = ANY(@ids);", expiredFamilies.ToArray()));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM \"{db.Schema}\".resume_tokens WHERE family_id = ANY(@ids);", expiredFamilies.ToArray()));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM \"{db.Schema}\".resume_families WHERE family_id = ANY(@ids);", [liveFamily]));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM \"{db.Schema}\".totp_state WHERE state_key = ANY(@ids);", [staleKey]));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM \"{db.Schema}\".totp_state WHERE state_key = ANY(@ids);", [freshKey]));

        // The replay protection of the fresh key survived the cleanup.
        Assert.Equal(TotpStepResult.Replayed, await totp.TryAcceptStepAsync(freshKey, 1, now, default));
    }

    [Fact]
    public async Task CleanupExpiredAsync_TimeLimitSpent_StopsAndSaysSo()
    {
        var job = new PostgreSqlStoreMaintenance(db.First, Options.Create(new PostgreSqlStoreOptions { Schema = db.Schema, CleanupTimeLimit = TimeSpan.FromTicks(1) }));
        var (_, limited) = await job.CleanupExpiredAsync(DateTimeOffset.UtcNow);
        Assert.True(limited);
    }

    private async Task<long> ScalarAsync(string sql, string[] ids)
    {
        await using var command = db.First.CreateCommand(sql);
        _ = command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
