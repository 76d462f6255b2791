using Handshake.Mfa;

namespace Handshake.Testing.Conformance.Stores;

/// <summary>
/// The promises of <see cref="ITotpStateStore"/> every implementation must keep: a step is accepted
/// once (RFC 6238 §5.2), consecutive failures lock the factor out (RFC 4226 §7.3), and both hold under
/// concurrency across two instances over the same backing state.
/// </summary>
public abstract class TotpStateStoreConformanceTests
{
    private static readonly DateTimeOffset Now = StoreConformance.Now;

    /// <summary>Creates an instance (every call of one test class may share backing state: the tests use unique keys).</summary>
    /// <returns>The store.</returns>
    protected abstract Task<ITotpStateStore> CreateStoreAsync();

    /// <summary>
    /// Opens a second instance over the same backing state as <paramref name="first"/>, as a second
    /// server of a fleet would (a new data source to the same database). A store that only ever has one
    /// instance per process returns <paramref name="first"/>; the cross-instance tests then prove its
    /// atomicity within the one instance, which is all it promises.
    /// </summary>
    /// <param name="first">The first instance.</param>
    /// <returns>The second instance.</returns>
    protected abstract Task<ITotpStateStore> CreateSecondInstanceAsync(ITotpStateStore first);

    /// <summary>Conformance rule: <c>TryAcceptStepAsync</c>, newer steps: accepted older or same replayed.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TryAcceptStepAsync_NewerSteps_AcceptedOlderOrSameReplayed()
    {
        var store = await CreateStoreAsync();
        var key = StoreConformance.Unique("totp");
        Assert.Equal(TotpStepResult.Accepted, await store.TryAcceptStepAsync(key, 100, Now, default));
        Assert.Equal(TotpStepResult.Replayed, await store.TryAcceptStepAsync(key, 100, Now, default));
        Assert.Equal(TotpStepResult.Replayed, await store.TryAcceptStepAsync(key, 99, Now, default));
        Assert.Equal(TotpStepResult.Accepted, await store.TryAcceptStepAsync(key, 101, Now, default));
    }

    /// <summary>Conformance rule: <c>TryAcceptStepAsync</c>, different keys: independent.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TryAcceptStepAsync_DifferentKeys_Independent()
    {
        var store = await CreateStoreAsync();
        var a = StoreConformance.Unique("totp");
        var b = StoreConformance.Unique("totp");
        Assert.Equal(TotpStepResult.Accepted, await store.TryAcceptStepAsync(a, 100, Now, default));
        Assert.Equal(TotpStepResult.Accepted, await store.TryAcceptStepAsync(b, 100, Now, default));
    }

    /// <summary>Conformance rule: <c>IsLockedOutAsync</c>, unknown key: false.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task IsLockedOutAsync_UnknownKey_False()
    {
        var store = await CreateStoreAsync();
        Assert.False(await store.IsLockedOutAsync(StoreConformance.Unique("totp"), Now, default));
    }

    /// <summary>Conformance rule: <c>RecordFailureAsync</c>, reaching max: locks until duration ends.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RecordFailureAsync_ReachingMax_LocksUntilDurationEnds()
    {
        var store = await CreateStoreAsync();
        var key = StoreConformance.Unique("totp");
        var lockout = TimeSpan.FromMinutes(5);
        Assert.False(await store.RecordFailureAsync(key, Now, 3, lockout, default));
        Assert.False(await store.RecordFailureAsync(key, Now, 3, lockout, default));
        Assert.True(await store.RecordFailureAsync(key, Now, 3, lockout, default));
        Assert.True(await store.IsLockedOutAsync(key, Now.AddMinutes(4), default));
        Assert.Equal(TotpStepResult.LockedOut, await store.TryAcceptStepAsync(key, 100, Now.AddMinutes(4), default));
        Assert.False(await store.IsLockedOutAsync(key, Now.AddMinutes(5), default));
        Assert.Equal(TotpStepResult.Accepted, await store.TryAcceptStepAsync(key, 100, Now.AddMinutes(5), default));
    }

    /// <summary>Conformance rule: <c>RecordFailureAsync</c>, during lockout: neither counts nor extends.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RecordFailureAsync_DuringLockout_NeitherCountsNorExtends()
    {
        var store = await CreateStoreAsync();
        var key = StoreConformance.Unique("totp");
        var lockout = TimeSpan.FromMinutes(5);
        Assert.True(await store.RecordFailureAsync(key, Now, 1, lockout, default));
        Assert.True(await store.RecordFailureAsync(key, Now.AddMinutes(4), 1, lockout, default));
        Assert.False(await store.IsLockedOutAsync(key, Now.AddMinutes(5), default));

        // The failure during the lockout did not count: one more failure is needed (max 2 now) before the next lockout.
        Assert.False(await store.RecordFailureAsync(key, Now.AddMinutes(5), 2, lockout, default));
    }

    /// <summary>Conformance rule: <c>TryAcceptStepAsync</c>, accepted: resets failure count.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TryAcceptStepAsync_Accepted_ResetsFailureCount()
    {
        var store = await CreateStoreAsync();
        var key = StoreConformance.Unique("totp");
        var lockout = TimeSpan.FromMinutes(5);
        Assert.False(await store.RecordFailureAsync(key, Now, 2, lockout, default));
        Assert.Equal(TotpStepResult.Accepted, await store.TryAcceptStepAsync(key, 100, Now, default));
        Assert.False(await store.RecordFailureAsync(key, Now, 2, lockout, default));
        Assert.True(await store.RecordFailureAsync(key, Now, 2, lockout, default));
    }

    /// <summary>Conformance rule: <c>TryAcceptStepAsync</c>, concurrent same step over two instances: exactly one accepted.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TryAcceptStepAsync_ConcurrentSameStepOverTwoInstances_ExactlyOneAccepted()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var key = StoreConformance.Unique("totp");
        var results = await StoreConformance.RunSplitAsync(first, second, async (s, _) => await s.TryAcceptStepAsync(key, 57_000_000, Now, default));
        Assert.Equal(1, results.Count(r => r == TotpStepResult.Accepted));
        Assert.Equal(StoreConformance.ConcurrentOperations - 1, results.Count(r => r == TotpStepResult.Replayed));
    }

    /// <summary>Conformance rule: <c>TryAcceptStepAsync</c>, accepted on one instance: replayed on the other.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TryAcceptStepAsync_AcceptedOnOneInstance_ReplayedOnTheOther()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var key = StoreConformance.Unique("totp");
        Assert.Equal(TotpStepResult.Accepted, await first.TryAcceptStepAsync(key, 10, Now, default));
        Assert.Equal(TotpStepResult.Replayed, await second.TryAcceptStepAsync(key, 10, Now, default));
    }

    /// <summary>Conformance rule: <c>RecordFailureAsync</c>, concurrent over two instances: counts every failure once.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RecordFailureAsync_ConcurrentOverTwoInstances_CountsEveryFailureOnce()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var key = StoreConformance.Unique("totp");
        const int max = 10;
        var results = await StoreConformance.RunSplitAsync(first, second, async (s, _) => await s.RecordFailureAsync(key, Now, max, TimeSpan.FromMinutes(5), default));

        // Failures 1..max-1 report "not locked"; the max-th starts the lockout; every later one meets it.
        Assert.Equal(max - 1, results.Count(locked => !locked));
        Assert.True(await first.IsLockedOutAsync(key, Now, default));
        Assert.True(await second.IsLockedOutAsync(key, Now, default));
    }

    /// <summary>Conformance rule: <c>RecordFailureAsync</c>, failures split over instances: add up.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RecordFailureAsync_FailuresSplitOverInstances_AddUp()
    {
        var first = await CreateStoreAsync();
        var second = await CreateSecondInstanceAsync(first);
        var key = StoreConformance.Unique("totp");
        var lockout = TimeSpan.FromMinutes(5);
        Assert.False(await first.RecordFailureAsync(key, Now, 3, lockout, default));
        Assert.False(await second.RecordFailureAsync(key, Now, 3, lockout, default));
        Assert.True(await first.RecordFailureAsync(key, Now, 3, lockout, default));
        Assert.True(await second.IsLockedOutAsync(key, Now, default));
        Assert.Equal(TotpStepResult.LockedOut, await second.TryAcceptStepAsync(key, 1, Now, default));
    }
}
