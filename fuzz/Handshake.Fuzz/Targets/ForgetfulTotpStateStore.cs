using Handshake.Mfa;

namespace Handshake.Fuzz.Targets;

/// <summary>A TOTP state store that remembers nothing: the fuzzer replays one recorded code many times and tests parsing, not the replay rule.</summary>
internal sealed class ForgetfulTotpStateStore : ITotpStateStore
{
    public ValueTask<bool> IsLockedOutAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public ValueTask<TotpStepResult> TryAcceptStepAsync(string key, long timeStep, DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(TotpStepResult.Accepted);

    public ValueTask<bool> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, TimeSpan lockoutDuration, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}
