using Handshake.Internal;

namespace Handshake;

/// <summary>
/// Bounds how many deliberately slow key derivations (PBKDF2 for SCRAM's SaltedPassword, a verifier
/// created from a password) run at once in the process, and queues the rest. Each costs about a
/// millisecond of CPU at 4096 iterations: a connection storm that runs them all at once occupies every
/// thread-pool thread, and the rest of the application stops (dotnet/runtime#112898). The engine
/// registers one bounded to the processor count (<c>KeyDerivationOptions</c>) and hands it to plugins
/// and verifiers through <see cref="AuthExchangeContext.KeyDerivation"/> and <see cref="VerifierContext.KeyDerivation"/>.
/// </summary>
public interface IKeyDerivationLimiter
{
    /// <summary>Gets a limiter that never queues: every derivation runs at once (the default where no engine supplies one).</summary>
    static IKeyDerivationLimiter Unbounded { get; } = new UnboundedKeyDerivationLimiter();

    /// <summary>
    /// Waits for a slot in first-come order, and returns the lease that frees it when disposed. Run the
    /// derivation, and nothing that waits, while holding the lease. A derivation that is cancelled
    /// while queued (the handshake's deadline passed, the caller gave up) never runs.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait; the handshake's deadline is part of it.</param>
    /// <returns>The lease; dispose it when the derivation is done.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before a slot was free.</exception>
    ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken);
}
