using Handshake.Plugins.Resume;

namespace Handshake.Testing.Conformance.Stores;

/// <summary>
/// The promises of <see cref="IResumeTokenStore"/>: one atomic redeem-and-rotate per token, reuse
/// detection with a grace interval, family and per-user revocation, across two instances over the
/// same backing state.
/// </summary>
public abstract class ResumeTokenStoreConformanceTests
{
    private static readonly DateTimeOffset Now = StoreConformance.Now;
    private static readonly TimeSpan Inactivity = TimeSpan.FromHours(1);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>Creates an instance (the tests use unique users, families and hashes, so instances may share backing state).</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IResumeTokenStore> CreateStoreAsync();

    /// <summary>Opens a second instance over the same backing state (see <see cref="TotpStateStoreConformanceTests"/> for a one-instance store).</summary>
    /// <param name="first">The first instance.</param>
    /// <returns>The second instance.</returns>
    protected abstract Task<IResumeTokenStore> CreateSecondInstanceAsync(IResumeTokenStore first);

    /// <summary>Conformance rule: <c>RedeemAsync</c>, fresh token: accepted and successor rotates.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RedeemAsync_FreshToken_AcceptedAndSuccessorRotates()
    {
        var store = await CreateStoreAsync();
        var (user, hash, record) = await IssueAsync(store);
        var successor = StoreConformance.Unique("hash");
        var first = await store.RedeemAsync(Request(hash, user, successor, Now.AddMinutes(1)), default);
        Assert.Equal(ResumeRedeemOutcome.Accepted, first.Outcome);
        AssertSameRecord(record, first.Record!);

        var second = await store.RedeemAsync(Request(successor, user, StoreConformance.Unique("hash"), Now.AddMinutes(2)), default);
        Assert.Equal(ResumeRedeemOutcome.Accepted, second.Outcome);
        Assert.Equal(2, second.Record!.Generation);
        Assert.Equal(record.FamilyId, second.Record.FamilyId);
        Assert.Equal(Now.AddMinutes(1), second.Record.IssuedAt);
        Assert.Equal(record.Factors, second.Record.Factors);
        Assert.Equal(record.AssuranceLevel, second.Record.AssuranceLevel);
        Assert.Equal(record.ExpiresAt, second.Record.ExpiresAt);
        Assert.Equal(record.FamilyCreatedAt, second.Record.FamilyCreatedAt);
    }

    /// <summary>Conformance rule: <c>RedeemAsync</c>, unknown hash or other user: unknown.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RedeemAsync_UnknownHashOrOtherUser_Unknown()
    {
        var store = await CreateStoreAsync();
        var (_, hash, _) = await IssueAsync(store);
        Assert.Equal(ResumeRedeemOutcome.Unknown, (await store.RedeemAsync(Request(StoreConformance.Unique("hash"), "nobody", StoreConformance.Unique("hash"), Now), default)).Outcome);
        var other = await store.RedeemAsync(Request(hash, StoreConformance.Unique("mallory"), StoreConformance.Unique("hash"), Now), default);
        Assert.Equal(ResumeRedeemOutcome.Unknown, other.Outcome);
        Assert.Null(other.Record);
    }

    /// <summary>Conformance rule: <c>RedeemAsync</c>, reuse within grace: refused family kept.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RedeemAsync_ReuseWithinGrace_RefusedFamilyKept()
    {
        var store = await CreateStoreAsync();
        var (user, hash, _) = await IssueAsync(store);
        var successor = StoreConformance.Unique("hash");
        Assert.Equal(ResumeRedeemOutcome.Accepted, (await store.RedeemAsync(Request(hash, user, successor, Now), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.ReusedWithinGrace, (await store.RedeemAsync(Request(hash, user, StoreConformance.Unique("hash"), Now.AddSeconds(5)), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.Accepted, (await store.RedeemAsync(Request(successor, user, StoreConformance.Unique("hash"), Now.AddSeconds(6)), default)).Outcome);
    }

    /// <summary>Conformance rule: <c>RedeemAsync</c>, reuse after grace: revokes family.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RedeemAsync_ReuseAfterGrace_RevokesFamily()
    {
        var store = await CreateStoreAsync();
        var (user, hash, _) = await IssueAsync(store);
        var successor = StoreConformance.Unique("hash");
        Assert.Equal(ResumeRedeemOutcome.Accepted, (await store.RedeemAsync(Request(hash, user, successor, Now), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.ReusedFamilyRevoked, (await store.RedeemAsync(Request(hash, user, StoreConformance.Unique("hash"), Now.AddSeconds(30)), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await store.RedeemAsync(Request(successor, user, StoreConformance.Unique("hash"), Now.AddSeconds(31)), default)).Outcome);
    }

    /// <summary>Conformance rule: <c>RedeemAsync</c>, after absolute lifetime: expired.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RedeemAsync_AfterAbsoluteLifetime_Expired()
    {
        var store = await CreateStoreAsync();
        var (user, hash, record) = await IssueAsync(store, lifetime: TimeSpan.FromMinutes(30));
        Assert.Equal(ResumeRedeemOutcome.Expired, (await store.RedeemAsync(Request(hash, user, StoreConformance.Unique("hash"), record.ExpiresAt), default)).Outcome);
    }

    /// <summary>Conformance rule: <c>RedeemAsync</c>, after inactivity timeout: inactive.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RedeemAsync_AfterInactivityTimeout_Inactive()
    {
        var store = await CreateStoreAsync();
        var (user, hash, _) = await IssueAsync(store);
        Assert.Equal(ResumeRedeemOutcome.Inactive, (await store.RedeemAsync(Request(hash, user, StoreConformance.Unique("hash"), Now + Inactivity), default)).Outcome);
    }

    /// <summary>Conformance rule: <c>RevokeFamilyAsync</c>, once: true then false and token revoked.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RevokeFamilyAsync_Once_TrueThenFalseAndTokenRevoked()
    {
        var store = await CreateStoreAsync();
        var (user, hash, record) = await IssueAsync(store);
        Assert.True(await store.RevokeFamilyAsync(record.FamilyId, default));
        Assert.False(await store.RevokeFamilyAsync(record.FamilyId, default));
        Assert.False(await store.RevokeFamilyAsync(StoreConformance.Unique("family"), default));
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await store.RedeemAsync(Request(hash, user, StoreConformance.Unique("hash"), Now), default)).Outcome);
    }

    /// <summary>Conformance rule: <c>RevokeUserAsync</c>: revokes every family of that user only.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RevokeUserAsync_RevokesEveryFamilyOfThatUserOnly()
    {
        var store = await CreateStoreAsync();
        var user = StoreConformance.Unique("alice");
        var (_, hash1, _) = await IssueAsync(store, user);
        var (_, hash2, _) = await IssueAsync(store, user);
        var (bob, bobHash, _) = await IssueAsync(store);
        Assert.Equal(2, await store.RevokeUserAsync(user, default));
        Assert.Equal(0, await store.RevokeUserAsync(user, default));
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await store.RedeemAsync(Request(hash1, user, StoreConformance.Unique("hash"), Now), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await store.RedeemAsync(Request(hash2, user, StoreConformance.Unique("hash"), Now), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.Accepted, (await store.RedeemAsync(Request(bobHash, bob, StoreConformance.Unique("hash"), Now), default)).Outcome);
    }

    /// <summary>Conformance rule: <c>AddAsync</c>, existing hash or family: throws.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AddAsync_ExistingHashOrFamily_Throws()
    {
        var store = await CreateStoreAsync();
        var (user, hash, record) = await IssueAsync(store);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.AddAsync(hash, record with { FamilyId = StoreConformance.Unique("family") }, default));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.AddAsync(StoreConformance.Unique("hash"), record, default));
        _ = user;
    }

    /// <summary>Conformance rule: <c>RedeemAsync</c>, concurrent over two instances: exactly one accepted.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RedeemAsync_ConcurrentOverTwoInstances_ExactlyOneAccepted()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var (user, hash, _) = await IssueAsync(first);
        var results = await StoreConformance.RunSplitAsync(first, second, async (s, _) => (await s.RedeemAsync(Request(hash, user, StoreConformance.Unique("hash"), Now), default)).Outcome);
        Assert.Equal(1, results.Count(r => r == ResumeRedeemOutcome.Accepted));
        Assert.Equal(StoreConformance.ConcurrentOperations - 1, results.Count(r => r == ResumeRedeemOutcome.ReusedWithinGrace));
    }

    /// <summary>Conformance rule: <c>RedeemAsync</c>, redeemed on one replayed on other after grace: revokes family for both.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RedeemAsync_RedeemedOnOneReplayedOnOtherAfterGrace_RevokesFamilyForBoth()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var (user, hash, _) = await IssueAsync(first);
        var successor = StoreConformance.Unique("hash");
        Assert.Equal(ResumeRedeemOutcome.Accepted, (await first.RedeemAsync(Request(hash, user, successor, Now), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.ReusedFamilyRevoked, (await second.RedeemAsync(Request(hash, user, StoreConformance.Unique("hash"), Now.AddMinutes(1)), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await first.RedeemAsync(Request(successor, user, StoreConformance.Unique("hash"), Now.AddMinutes(1)), default)).Outcome);
    }

    /// <summary>Conformance rule: <c>RevokeUserAsync</c>, on one instance: refuses the others tokens.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RevokeUserAsync_OnOneInstance_RefusesTheOthersTokens()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var user = StoreConformance.Unique("alice");
        var (_, hashA, _) = await IssueAsync(first, user);
        var (_, hashB, _) = await IssueAsync(second, user);
        Assert.Equal(2, await first.RevokeUserAsync(user, default));
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await second.RedeemAsync(Request(hashA, user, StoreConformance.Unique("hash"), Now), default)).Outcome);
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await second.RedeemAsync(Request(hashB, user, StoreConformance.Unique("hash"), Now), default)).Outcome);
    }

    /// <summary>Conformance rule: <c>RevokeFamilyAsync</c>, concurrent over two instances: exactly one true.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RevokeFamilyAsync_ConcurrentOverTwoInstances_ExactlyOneTrue()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var (_, _, record) = await IssueAsync(first);
        var results = await StoreConformance.RunSplitAsync(first, second, async (s, _) => await s.RevokeFamilyAsync(record.FamilyId, default));
        Assert.Equal(1, results.Count(r => r));
    }

    /// <summary>Issues a fresh family's first token.</summary>
    /// <param name="store">Where.</param>
    /// <param name="user">The user, or null for a unique one.</param>
    /// <param name="lifetime">The family's lifetime (24 h when null).</param>
    /// <returns>The user, the token hash and the record stored.</returns>
    protected static async Task<(string User, string Hash, ResumeTokenRecord Record)> IssueAsync(IResumeTokenStore store, string? user = null, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        user ??= StoreConformance.Unique("user");
        var hash = StoreConformance.Unique("hash");
        var record = new ResumeTokenRecord(user, StoreConformance.Unique("family"), ["SCRAM-SHA-256", "totp"], 2, Now, Now, Now + (lifetime ?? TimeSpan.FromHours(24)), 1);
        await store.AddAsync(hash, record, default);
        return (user, hash, record);
    }

    private static void AssertSameRecord(ResumeTokenRecord expected, ResumeTokenRecord actual)
    {
        Assert.Equal(expected.UserName, actual.UserName);
        Assert.Equal(expected.FamilyId, actual.FamilyId);
        Assert.Equal(expected.Factors, actual.Factors);
        Assert.Equal(expected.AssuranceLevel, actual.AssuranceLevel);
        Assert.Equal(expected.FamilyCreatedAt, actual.FamilyCreatedAt);
        Assert.Equal(expected.IssuedAt, actual.IssuedAt);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal(expected.Generation, actual.Generation);
    }

    private static ResumeRedeemRequest Request(string hash, string user, string successor, DateTimeOffset now) => new(hash, user, successor, now, Inactivity, Grace);
}
