namespace Handshake.Mfa;

/// <summary>
/// Where a TOTP verifier keeps per-user state: the last accepted time step (replay protection,
/// RFC 6238 §5.2: a code is accepted once) and consecutive failures with the lockout they cause
/// (RFC 4226 §7.3 throttling). Every method must be atomic for its key, so that a fleet of
/// servers sharing one store (a database row, a Redis script) accepts a code exactly once.
/// The default, <see cref="InMemoryTotpStateStore"/>, serves one process.
/// </summary>
public interface ITotpStateStore
{
    /// <summary>Tells whether the key is locked out at <paramref name="now"/>.</summary>
    /// <param name="key">Identifies one user's TOTP factor (the verifier prefixes the user name with its own name).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>Whether a lockout is in force.</returns>
    ValueTask<bool> IsLockedOutAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically records a correctly-coded step: refused while locked out, refused when the step is
    /// not newer than the last accepted one, otherwise recorded (and the failure count reset).
    /// </summary>
    /// <param name="key">Identifies one user's TOTP factor.</param>
    /// <param name="timeStep">The time step the code matched.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The decision.</returns>
    ValueTask<TotpStepResult> TryAcceptStepAsync(string key, long timeStep, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Atomically counts a failed attempt; the one that reaches <paramref name="maxFailures"/> starts a lockout of <paramref name="lockoutDuration"/>.</summary>
    /// <param name="key">Identifies one user's TOTP factor.</param>
    /// <param name="now">The current time.</param>
    /// <param name="maxFailures">Consecutive failures that cause a lockout.</param>
    /// <param name="lockoutDuration">How long a lockout lasts.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether the key is now locked out.</returns>
    ValueTask<bool> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, TimeSpan lockoutDuration, CancellationToken cancellationToken);
}
