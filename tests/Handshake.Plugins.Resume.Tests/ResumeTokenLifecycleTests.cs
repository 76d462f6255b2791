using System.Security.Cryptography;
using static Handshake.Plugins.Resume.Tests.TestSupport;

namespace Handshake.Plugins.Resume.Tests;

/// <summary>Issue, rotate, reuse, grace, revoke, expiry and inactivity, through the issuer and the verifier.</summary>
public sealed class ResumeTokenLifecycleTests
{
    private readonly InMemoryResumeTokenStore _store = new();
    private readonly CountingRandomSource _random = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = NewClock();

    private Task<(VerifierStep Step, ResumedSession Session)> PresentAsync(ResumeToken token, ResumeServerOptions? options = null, string user = "alice") =>
        TestSupport.PresentAsync(_store, token, _time, _random, options, user);

    private ValueTask<ResumeToken> IssueAsync(ResumeServerOptions? options = null, string user = "alice") =>
        Issuer(_store, _time, _random, options).IssueAsync(FullLogin(user));

    [Fact]
    public async Task IssueAsync_FullLogin_StoresOnlyTheSha256OfTheToken()
    {
        var store = new RecordingStore();
        var token = await Issuer(store, _time, _random).IssueAsync(FullLogin());

        var (hash, record) = Assert.Single(store.Added);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(token.Value.Span)), hash);
        Assert.DoesNotContain(Convert.ToHexStringLower(token.Value.Span), hash, StringComparison.Ordinal);
        Assert.Equal(("alice", 2, 1), (record.UserName, record.AssuranceLevel, record.Generation));
        Assert.Equal(["SCRAM-SHA-256", "totp"], record.Factors);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(24), record.ExpiresAt);
        Assert.Equal(record.FamilyId, token.FamilyId);
    }

    [Fact]
    public async Task IssueAsync_WithHashKey_StoresHmacUnderTheKey()
    {
        var key = new byte[32];
        key[0] = 7;
        var store = new RecordingStore();
        var token = await Issuer(store, _time, _random, ServerOptions(o => o.HashKey = key)).IssueAsync(FullLogin());

        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, token.Value.Span)), Assert.Single(store.Added).Hash);
    }

    [Fact]
    public async Task IssueAsync_TokenBytes_ComeFromTheRandomSourceAndAre256Bits()
    {
        var first = await IssueAsync();
        var second = await IssueAsync();

        Assert.Equal(ResumeToken.Length, first.Value.Length);
        Assert.Equal(32, ResumeToken.Length);
        Assert.False(first.ValueEquals(second));
        Assert.NotEqual(first.FamilyId, second.FamilyId);
    }

    [Fact]
    public async Task IssueAsync_ResultOfAResumedLogin_Throws()
    {
        var resumed = new AuthResult("alice", [new AuthFactorOutcome(1, "resume", ["resume"], 1)], 1, TimeSpan.Zero);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Issuer(_store, _time, _random).IssueAsync(resumed).AsTask());
    }

    [Fact]
    public async Task Present_ValidToken_AcceptsOnceRotatesAndReportsOriginalLevel()
    {
        var token = await IssueAsync();

        var (step, session) = await PresentAsync(token);

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
        Assert.Equal(ResumeToken.Length, step.Data.Length);
        Assert.True(session.Resumed);
        Assert.Equal(2, session.AssuranceLevel);
        Assert.Equal(["SCRAM-SHA-256", "totp"], session.Record!.Factors);
        using var next = new ResumeToken(step.Data.Span);
        Assert.False(next.ValueEquals(token));

        var (nextStep, nextSession) = await PresentAsync(next);
        Assert.Equal(VerifierStepKind.Accept, nextStep.Kind);
        Assert.Equal(token.FamilyId, nextSession.Record!.FamilyId);
        Assert.Equal(2, nextSession.Record.Generation);
        Assert.Equal(2, nextSession.AssuranceLevel);
    }

    [Fact]
    public async Task Present_TokenReusedWithinGrace_IsDeclinedAndTheFamilySurvives()
    {
        var token = await IssueAsync();
        var (first, _) = await PresentAsync(token);
        _time.Advance(TimeSpan.FromSeconds(5));

        var (second, session) = await PresentAsync(token);

        Assert.Equal(VerifierStepKind.Decline, second.Kind);
        Assert.Equal(AuthErrorCode.ReplayDetected, second.Reason);
        Assert.Equal(ResumeRedeemOutcome.ReusedWithinGrace, session.Outcome);
        Assert.False(session.Resumed);
        Assert.Null(session.Record);
        using var next = new ResumeToken(first.Data.Span);
        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(next)).Step.Kind);
    }

    [Fact]
    public async Task Present_TokenReusedAfterGrace_IsDeclinedAndTheWholeFamilyRevoked()
    {
        var token = await IssueAsync();
        var (first, _) = await PresentAsync(token);
        _time.Advance(TimeSpan.FromSeconds(10));

        var (second, session) = await PresentAsync(token);

        Assert.Equal(VerifierStepKind.Decline, second.Kind);
        Assert.Equal(ResumeRedeemOutcome.ReusedFamilyRevoked, session.Outcome);
        using var next = new ResumeToken(first.Data.Span);
        var (afterRevoke, revokedSession) = await PresentAsync(next);
        Assert.Equal(VerifierStepKind.Decline, afterRevoke.Kind);
        Assert.Equal(ResumeRedeemOutcome.Revoked, revokedSession.Outcome);
    }

    [Fact]
    public async Task Present_ZeroGrace_AnyReuseRevokesTheFamily()
    {
        var options = ServerOptions(o => o.ReuseGrace = TimeSpan.Zero);
        var token = await IssueAsync(options);
        var (first, _) = await PresentAsync(token, options);

        var (_, session) = await PresentAsync(token, options);

        Assert.Equal(ResumeRedeemOutcome.ReusedFamilyRevoked, session.Outcome);
        using var next = new ResumeToken(first.Data.Span);
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await PresentAsync(next, options)).Session.Outcome);
    }

    [Fact]
    public async Task Present_AfterAbsoluteLifetime_IsExpiredEvenWhenRotatedInTime()
    {
        var options = ServerOptions(o =>
        {
            o.AbsoluteLifetime = TimeSpan.FromHours(2);
            o.InactivityTimeout = TimeSpan.FromHours(1);
        });
        var token = await IssueAsync(options);
        _time.Advance(TimeSpan.FromMinutes(59));
        var (rotated, _) = await PresentAsync(token, options);
        using var next = new ResumeToken(rotated.Data.Span);
        _time.Advance(TimeSpan.FromMinutes(59));
        var (rotatedAgain, _) = await PresentAsync(next, options);
        using var third = new ResumeToken(rotatedAgain.Data.Span);
        _time.Advance(TimeSpan.FromMinutes(2));

        var (step, session) = await PresentAsync(third, options);

        Assert.Equal(VerifierStepKind.Decline, step.Kind);
        Assert.Equal(ResumeRedeemOutcome.Expired, session.Outcome);
    }

    [Fact]
    public async Task Present_JustBeforeInactivityTimeout_IsAccepted()
    {
        var token = await IssueAsync();
        _time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));

        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(token)).Step.Kind);
    }

    [Fact]
    public async Task Present_AfterInactivityTimeout_IsDeclinedAsInactive()
    {
        var token = await IssueAsync();
        _time.Advance(TimeSpan.FromHours(1));

        var (step, session) = await PresentAsync(token);

        Assert.Equal(VerifierStepKind.Decline, step.Kind);
        Assert.Equal(ResumeRedeemOutcome.Inactive, session.Outcome);
    }

    [Fact]
    public async Task RevokeUserAsync_SignOutEverywhere_RevokesEveryFamilyOfThatUserOnly()
    {
        var phone = await IssueAsync();
        var laptop = await IssueAsync();
        var bob = await IssueAsync(user: "bob");

        var revoked = await _store.RevokeUserAsync("alice", CancellationToken.None);

        Assert.Equal(2, revoked);
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await PresentAsync(phone)).Session.Outcome);
        Assert.Equal(ResumeRedeemOutcome.Revoked, (await PresentAsync(laptop)).Session.Outcome);
        Assert.Equal(ResumeRedeemOutcome.Accepted, (await PresentAsync(bob, user: "bob")).Session.Outcome);
    }

    [Fact]
    public async Task RevokeFamilyAsync_OneSession_RevokesOnlyThatFamily()
    {
        var phone = await IssueAsync();
        var laptop = await IssueAsync();

        Assert.True(await _store.RevokeFamilyAsync(phone.FamilyId!, CancellationToken.None));
        Assert.False(await _store.RevokeFamilyAsync(phone.FamilyId!, CancellationToken.None));

        Assert.Equal(ResumeRedeemOutcome.Revoked, (await PresentAsync(phone)).Session.Outcome);
        Assert.Equal(ResumeRedeemOutcome.Accepted, (await PresentAsync(laptop)).Session.Outcome);
    }

    [Fact]
    public async Task Present_TokenOfAnotherUser_IsUnknownAndNotConsumed()
    {
        var token = await IssueAsync();

        var (step, session) = await PresentAsync(token, user: "mallory");

        Assert.Equal(VerifierStepKind.Decline, step.Kind);
        Assert.Equal(ResumeRedeemOutcome.Unknown, session.Outcome);
        Assert.Equal(ResumeRedeemOutcome.Accepted, (await PresentAsync(token)).Session.Outcome);
    }

    [Fact]
    public async Task Present_NeverIssuedToken_IsUnknown()
    {
        using var forged = new ResumeToken(new byte[ResumeToken.Length]);

        var (step, session) = await PresentAsync(forged);

        Assert.Equal(VerifierStepKind.Decline, step.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
        Assert.Equal(ResumeRedeemOutcome.Unknown, session.Outcome);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(4096)]
    public async Task Process_WrongLength_IsAProtocolViolation(int length)
    {
        var verifier = new ResumeVerifier(Microsoft.Extensions.Options.Options.Create(new ResumeServerOptions()), _store);
        using var exchange = verifier.Start(new VerifierContext("resume", "resume", 1, Tls, new FakeCredentialSource("alice")) { Time = _time, Random = _random });

        var step = await exchange.ProcessAsync(new byte[length], CancellationToken.None);

        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, step.Reason);
    }

    [Fact]
    public async Task Process_SecondMessage_IsAProtocolViolation()
    {
        var token = await IssueAsync();
        var verifier = new ResumeVerifier(Microsoft.Extensions.Options.Options.Create(new ResumeServerOptions()), _store);
        using var exchange = verifier.Start(new VerifierContext("resume", "resume", 1, Tls, new FakeCredentialSource("alice")) { Time = _time, Random = _random });
        await exchange.ProcessAsync(token.Value, CancellationToken.None);

        var step = await exchange.ProcessAsync(token.Value, CancellationToken.None);

        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.ProtocolViolation, step.Reason);
    }

    [Fact]
    public async Task Store_ManyExpiredFamilies_ArePruned()
    {
        var options = ServerOptions(o =>
        {
            o.AbsoluteLifetime = TimeSpan.FromMinutes(1);
            o.InactivityTimeout = TimeSpan.FromMinutes(1);
        });
        for (var i = 0; i < 300; i++)
        {
            await IssueAsync(options);
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 300; i++)
        {
            await IssueAsync(options);
        }

        Assert.True(_store.Count <= 300, $"{_store.Count} token hashes held");
    }

    /// <summary>Parallel presentations of one token: exactly one is accepted; the rest follow the grace rule.</summary>
    [Theory]
    [InlineData(0, ResumeRedeemOutcome.ReusedFamilyRevoked)]
    [InlineData(10, ResumeRedeemOutcome.ReusedWithinGrace)]
    public async Task Present_OneTokenHundredTimesInParallel_AcceptsExactlyOnce(int graceSeconds, ResumeRedeemOutcome refusal)
    {
        var options = ServerOptions(o => o.ReuseGrace = TimeSpan.FromSeconds(graceSeconds));
        var token = await IssueAsync(options);
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await PresentAsync(token, options);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var accepted = Assert.Single(results, r => r.Step.Kind == VerifierStepKind.Accept);
        Assert.All(results.Where(r => r.Step.Kind != VerifierStepKind.Accept), r => Assert.Equal(VerifierStepKind.Decline, r.Step.Kind));
        if (graceSeconds == 0)
        {
            // The first reuse revokes the family; any later one finds it revoked.
            Assert.Contains(results, r => r.Session.Outcome == refusal);
            Assert.All(results.Where(r => r.Step.Kind != VerifierStepKind.Accept), r => Assert.Contains(r.Session.Outcome, new ResumeRedeemOutcome?[] { ResumeRedeemOutcome.ReusedFamilyRevoked, ResumeRedeemOutcome.Revoked }));
        }
        else
        {
            Assert.All(results.Where(r => r.Step.Kind != VerifierStepKind.Accept), r => Assert.Equal(refusal, r.Session.Outcome));
        }

        using var next = new ResumeToken(accepted.Step.Data.Span);
        var expected = graceSeconds == 0 ? ResumeRedeemOutcome.Revoked : ResumeRedeemOutcome.Accepted;
        Assert.Equal(expected, (await PresentAsync(next, options)).Session.Outcome);
    }

    private sealed class RecordingStore : IResumeTokenStore
    {
        public List<(string Hash, ResumeTokenRecord Record)> Added { get; } = [];

        public ValueTask AddAsync(string tokenHash, ResumeTokenRecord record, CancellationToken cancellationToken)
        {
            Added.Add((tokenHash, record));
            return ValueTask.CompletedTask;
        }

        public ValueTask<ResumeRedeemResult> RedeemAsync(ResumeRedeemRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<bool> RevokeFamilyAsync(string familyId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<int> RevokeUserAsync(string userName, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
