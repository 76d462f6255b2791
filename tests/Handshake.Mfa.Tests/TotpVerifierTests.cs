using System.Text;
using Microsoft.Extensions.DependencyInjection;
using static Handshake.Mfa.Tests.TestSupport;

namespace Handshake.Mfa.Tests;

public sealed class TotpVerifierTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ProcessAsync_CodeWithinDefaultSkew_Accepted(int stepOffset)
    {
        var time = NewClock();

        var step = await PresentAsync(Verifier(), VerifierContext(time), CodeAt(time, stepOffset));

        Assert.Equal(VerifierStepKind.Accept, step.Kind);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    public async Task ProcessAsync_CodeTwoStepsAway_RejectedAsInvalidCredential(int stepOffset)
    {
        var time = NewClock();

        var step = await PresentAsync(Verifier(), VerifierContext(time), CodeAt(time, stepOffset));

        Assert.Equal(VerifierStepKind.Reject, step.Kind);
        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(-2, true)]
    [InlineData(3, false)]
    public async Task ProcessAsync_WiderConfiguredSkew_AcceptsUpToIt(int stepOffset, bool accepted)
    {
        var time = NewClock();

        var step = await PresentAsync(Verifier(configure: o => o.AllowedSkewSteps = 2), VerifierContext(time), CodeAt(time, stepOffset));

        Assert.Equal(accepted ? VerifierStepKind.Accept : VerifierStepKind.Reject, step.Kind);
    }

    [Fact]
    public async Task ProcessAsync_ZeroSkew_RefusesNeighbourSteps()
    {
        var time = NewClock();
        var verifier = Verifier(configure: o => o.AllowedSkewSteps = 0);

        Assert.Equal(VerifierStepKind.Reject, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 1))).Kind);
        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Kind);
    }

    [Fact]
    public async Task ProcessAsync_SameCodeTwice_SecondRefusedAsReplay()
    {
        var time = NewClock();
        var verifier = Verifier();
        var code = CodeAt(time, 0);

        var first = await PresentAsync(verifier, VerifierContext(time), code);
        var second = await PresentAsync(verifier, VerifierContext(time), code);

        Assert.Equal(VerifierStepKind.Accept, first.Kind);
        Assert.Equal(VerifierStepKind.Reject, second.Kind);
        Assert.Equal(AuthErrorCode.ReplayDetected, second.Reason);
    }

    [Fact]
    public async Task ProcessAsync_OlderStepInsideWindowAfterNewerAccepted_RefusedAsReplay()
    {
        var time = NewClock();
        var verifier = Verifier();
        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Kind);

        var older = await PresentAsync(verifier, VerifierContext(time), CodeAt(time, -1));

        Assert.Equal(AuthErrorCode.ReplayDetected, older.Reason);
    }

    [Fact]
    public async Task ProcessAsync_NextStepAfterAccepted_Accepted()
    {
        var time = NewClock();
        var verifier = Verifier();
        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Kind);
        time.Advance(TimeSpan.FromSeconds(30));

        var next = await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0));

        Assert.Equal(VerifierStepKind.Accept, next.Kind);
    }

    [Fact]
    public async Task ProcessAsync_ReplayForOneUser_DoesNotAffectAnother()
    {
        var time = NewClock();
        var verifier = Verifier();
        var code = CodeAt(time, 0);
        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time, "alice"), code)).Kind);

        var bob = await PresentAsync(verifier, VerifierContext(time, "bob"), code);

        Assert.Equal(VerifierStepKind.Accept, bob.Kind);
    }

    [Fact]
    public async Task ProcessAsync_MaxConsecutiveFailures_LocksOutEvenTheRightCode()
    {
        var time = NewClock();
        var verifier = Verifier(configure: o => o.MaxConsecutiveFailures = 3);
        var wrong = "000000"u8.ToArray();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AuthErrorCode.InvalidCredential, (await PresentAsync(verifier, VerifierContext(time), wrong)).Reason);
        }

        var right = await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0));

        Assert.Equal(VerifierStepKind.Reject, right.Kind);
        Assert.Equal(AuthErrorCode.LockedOut, right.Reason);
    }

    [Fact]
    public async Task ProcessAsync_FailuresBelowLimit_DoNotLock()
    {
        var time = NewClock();
        var verifier = Verifier(configure: o => o.MaxConsecutiveFailures = 3);
        var wrong = "000000"u8.ToArray();
        for (var i = 0; i < 2; i++)
        {
            _ = await PresentAsync(verifier, VerifierContext(time), wrong);
        }

        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Kind);
    }

    [Fact]
    public async Task ProcessAsync_SuccessResetsConsecutiveFailures()
    {
        var time = NewClock();
        var verifier = Verifier(configure: o => o.MaxConsecutiveFailures = 3);
        var wrong = "000000"u8.ToArray();
        _ = await PresentAsync(verifier, VerifierContext(time), wrong);
        _ = await PresentAsync(verifier, VerifierContext(time), wrong);
        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Kind);
        _ = await PresentAsync(verifier, VerifierContext(time), wrong);
        _ = await PresentAsync(verifier, VerifierContext(time), wrong);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Kind);
    }

    [Fact]
    public async Task ProcessAsync_LockoutExpired_RightCodeAcceptedAgain()
    {
        var time = NewClock();
        var verifier = Verifier(configure: o =>
        {
            o.MaxConsecutiveFailures = 2;
            o.LockoutDuration = TimeSpan.FromMinutes(10);
        });
        var wrong = "000000"u8.ToArray();
        _ = await PresentAsync(verifier, VerifierContext(time), wrong);
        _ = await PresentAsync(verifier, VerifierContext(time), wrong);

        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(AuthErrorCode.LockedOut, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Reason);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Kind);
    }

    [Fact]
    public async Task ProcessAsync_AttemptsDuringLockout_DoNotExtendIt()
    {
        var time = NewClock();
        var verifier = Verifier(configure: o =>
        {
            o.MaxConsecutiveFailures = 1;
            o.LockoutDuration = TimeSpan.FromMinutes(1);
        });
        var wrong = "000000"u8.ToArray();
        _ = await PresentAsync(verifier, VerifierContext(time), wrong);
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(AuthErrorCode.LockedOut, (await PresentAsync(verifier, VerifierContext(time), wrong)).Reason);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(VerifierStepKind.Accept, (await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0))).Kind);
    }

    [Fact]
    public async Task ProcessAsync_UnknownUser_RejectedLikeAWrongCode()
    {
        var time = NewClock();
        var random = new FixedRandomSource(0x42);
        var context = new VerifierContext("totp", "totp", 1, Tls, new FakeCredentialSource("mallory", null)) { Time = time, Random = random };

        var unknown = await PresentAsync(Verifier(), context, CodeAt(time, 0));
        var wrong = await PresentAsync(Verifier(), VerifierContext(time), "000000"u8.ToArray());

        Assert.Equal(VerifierStepKind.Reject, unknown.Kind);
        Assert.Equal(wrong.Reason, unknown.Reason);
        Assert.Equal(wrong.Detail, unknown.Detail);
        Assert.True(random.Calls > 0, "the fake exchange runs against a throwaway key");
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("")]
    [InlineData("abcdef")]
    public async Task ProcessAsync_MalformedCode_RejectedAsInvalidCredential(string code)
    {
        var time = NewClock();

        var step = await PresentAsync(Verifier(), VerifierContext(time), Encoding.UTF8.GetBytes(code));

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Fact]
    public async Task ProcessAsync_HugeClientMessage_RejectedWithoutThrowing()
    {
        var time = NewClock();

        var step = await PresentAsync(Verifier(), VerifierContext(time), new byte[1 << 20]);

        Assert.Equal(AuthErrorCode.InvalidCredential, step.Reason);
    }

    [Theory]
    [InlineData("not base32!")]
    [InlineData("otpauth://totp/x?digits=6")]
    [InlineData("otpauth://totp/x?secret=GEZDGNBV&digits=9")]
    [InlineData("otpauth://totp/x?secret=GEZDGNBV&algorithm=MD5")]
    [InlineData("otpauth://totp/x?secret=GEZDGNBV&period=0")]
    public async Task ProcessAsync_BadStoredCredential_RejectedAsInvalidStoredCredential(string stored)
    {
        var time = NewClock();

        var step = await PresentAsync(Verifier(), VerifierContext(time, stored: stored), CodeAt(time, 0));

        Assert.Equal(AuthErrorCode.InvalidStoredCredential, step.Reason);
        Assert.DoesNotContain("GEZDGNBV", step.Detail ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_StoredUriWithSha256EightDigits_UsesItsParameters()
    {
        var time = NewClock();
        var parameters = new TotpParameters { Algorithm = TotpAlgorithm.Sha256, Digits = 8, PeriodSeconds = 60 };
        var uri = TotpEnrollment.CreateUri("Example", "alice", SecretBytes, parameters);

        var right = await PresentAsync(Verifier(), VerifierContext(time, stored: uri), CodeAt(time, 0, parameters));
        var sixDigits = await PresentAsync(Verifier(), VerifierContext(time, stored: uri), CodeAt(time, 0));

        Assert.Equal(VerifierStepKind.Accept, right.Kind);
        Assert.Equal(VerifierStepKind.Reject, sixDigits.Kind);
    }

    [Fact]
    public async Task ProcessAsync_SecondMessageInFactor_Rejected()
    {
        var time = NewClock();
        using var exchange = Verifier().Start(VerifierContext(time));
        _ = await exchange.ProcessAsync(CodeAt(time, 0), CancellationToken.None);

        var again = await exchange.ProcessAsync(CodeAt(time, 0), CancellationToken.None);

        Assert.Equal(AuthErrorCode.ProtocolViolation, again.Reason);
    }

    [Fact]
    public async Task BeginAsync_KnownUser_PromptNamesDigitsAndUser()
    {
        var time = NewClock();
        using var exchange = Verifier().Start(VerifierContext(time));

        var prompt = await exchange.BeginAsync(CancellationToken.None);

        Assert.Equal("Enter the 6-digit code for alice", Encoding.UTF8.GetString(prompt.Span));
    }

    [Fact]
    public async Task BeginAsync_UserNotYetKnown_GenericPrompt()
    {
        var time = NewClock();
        using var exchange = Verifier().Start(VerifierContext(time, user: null));

        var prompt = await exchange.BeginAsync(CancellationToken.None);

        Assert.Equal("Enter the 6-digit authenticator code", Encoding.UTF8.GetString(prompt.Span));
    }

    [Fact]
    public async Task BeginAsync_PromptDisabled_SendsNothing()
    {
        using var exchange = Verifier(configure: o => o.SendPrompt = false).Start(VerifierContext(NewClock()));

        Assert.True((await exchange.BeginAsync(CancellationToken.None)).IsEmpty);
    }

    [Fact]
    public async Task InMemoryTotpStateStore_FiftyConcurrentAcceptsOfOneStep_ExactlyOneWins()
    {
        var store = new InMemoryTotpStateStore();
        var now = DateTimeOffset.UnixEpoch;
        var tasks = Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await store.TryAcceptStepAsync("totp/alice", 7, now, CancellationToken.None))).ToArray();

        var results = await Task.WhenAll(tasks);

        Assert.Equal(1, results.Count(r => r == TotpStepResult.Accepted));
        Assert.Equal(49, results.Count(r => r == TotpStepResult.Replayed));
    }

    [Fact]
    public void Verifier_UsesServerStoredPassword_IsFalse()
    {
        IAuthVerifier verifier = Verifier();

        Assert.False(verifier.UsesServerStoredPassword);
        Assert.Equal("totp", verifier.Name);
    }

    [Fact]
    public async Task AddTotpVerifier_RegisteredName_IsUsed()
    {
        var services = new ServiceCollection();
        _ = services.AddHandshake().AddTotpVerifier("otp2", null);
        await using var sp = services.BuildServiceProvider();

        Assert.Equal("otp2", sp.GetRequiredService<IHandshakeCatalog>().Verifiers.Single().Name);
    }
}
