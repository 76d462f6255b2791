using Microsoft.Extensions.DependencyInjection;
using static Handshake.Mfa.Tests.TestSupport;

namespace Handshake.Mfa.Tests;

public sealed class TotpRegistrationTests
{
    /// <summary>A store standing in for a shared one (a fleet's database): records what the verifier asked.</summary>
    private sealed class RecordingStateStore : ITotpStateStore
    {
        public List<string> Calls { get; } = [];

        public ValueTask<bool> IsLockedOutAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Calls.Add($"locked? {key}");
            return ValueTask.FromResult(false);
        }

        public ValueTask<TotpStepResult> TryAcceptStepAsync(string key, long timeStep, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Calls.Add($"accept {key}");
            return ValueTask.FromResult(TotpStepResult.Replayed);
        }

        public ValueTask<bool> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, TimeSpan lockoutDuration, CancellationToken cancellationToken)
        {
            Calls.Add($"failure {key} max={maxFailures}");
            return ValueTask.FromResult(false);
        }
    }

    [Fact]
    public async Task AddTotpVerifier_StateStoreRegisteredByUser_IsUsedInsteadOfInMemory()
    {
        var store = new RecordingStateStore();
        var services = new ServiceCollection();
        services.AddSingleton<ITotpStateStore>(store);
        services.AddHandshake().AddTotpVerifier(o => o.MaxConsecutiveFailures = 7);
        await using var sp = services.BuildServiceProvider();
        var verifier = sp.GetServices<IAuthVerifier>().OfType<TotpVerifier>().Single();
        var time = NewClock();

        var right = await PresentAsync(verifier, VerifierContext(time), CodeAt(time, 0));
        var wrong = await PresentAsync(verifier, VerifierContext(time), "000000"u8.ToArray());

        Assert.Equal(AuthErrorCode.ReplayDetected, right.Reason);
        Assert.Equal(AuthErrorCode.InvalidCredential, wrong.Reason);
        Assert.Equal(["locked? totp/alice", "accept totp/alice", "locked? totp/alice", "failure totp/alice max=7"], store.Calls);
    }

    [Fact]
    public async Task AddTotpVerifier_Default_InMemoryStoreIsOneSingleton()
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddTotpVerifier().AddTotpVerifier();
        await using var sp = services.BuildServiceProvider();

        Assert.IsType<InMemoryTotpStateStore>(sp.GetRequiredService<ITotpStateStore>());
        Assert.Same(sp.GetRequiredService<ITotpStateStore>(), sp.GetRequiredService<ITotpStateStore>());
        Assert.Single(sp.GetServices<IAuthVerifier>().OfType<TotpVerifier>());
    }

    [Theory]
    [InlineData("AllowedSkewSteps")]
    [InlineData("MaxConsecutiveFailures")]
    [InlineData("LockoutDuration")]
    [InlineData("DefaultParameters")]
    public async Task AddTotpVerifier_InvalidOption_FailsAtStartUpNamingIt(string option)
    {
        var services = new ServiceCollection();
        services.AddHandshake().AddTotpVerifier(o =>
        {
            switch (option)
            {
                case "AllowedSkewSteps": o.AllowedSkewSteps = 11; break;
                case "MaxConsecutiveFailures": o.MaxConsecutiveFailures = 0; break;
                case "LockoutDuration": o.LockoutDuration = TimeSpan.Zero; break;
                default: o.DefaultParameters = new TotpParameters { PeriodSeconds = 0 }; break;
            }
        });
        await using var sp = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ValidateAtStartAsync(sp));

        Assert.Contains($"TotpVerifierOptions.{option}", ex.Message, StringComparison.Ordinal);
    }
}
