namespace Handshake.Benchmarks;

/// <summary>
/// A clock that never moves, so a long-lived negotiator driven for billions of rounds never hits
/// HandshakeOptions.HandshakeTimeout (the round benchmark measures the engine, not the deadline).
/// </summary>
internal sealed class FrozenTimeProvider : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override long GetTimestamp() => 0;
}
