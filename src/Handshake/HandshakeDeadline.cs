using System.Globalization;

namespace Handshake;

/// <summary>
/// The limit on a protocol adapter's whole authentication phase (TLS included), started when the phase
/// starts. The adapter hands it to the engine's <c>RunAsync</c>, which keeps it while a plugin or a
/// verifier awaits and, when it passes, records and reports <see cref="AuthErrorCode.Timeout"/> (metric
/// <c>error.type</c>, log, trace, the typed error) instead of a cancellation; the adapter's own waits take
/// what is left of it through <see cref="Within"/>. The caller's cancellation token stays separate, so a
/// caller who cancels still gets <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class HandshakeDeadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly TimeProvider _time;
    private readonly long _start;

    /// <summary>Starts the deadline now.</summary>
    /// <param name="limit">How long the whole phase may take (positive, or <see cref="Timeout.InfiniteTimeSpan"/>).</param>
    /// <param name="time">The clock (the adapter options' <c>TimeProvider</c>).</param>
    /// <param name="option">The option that sets it, for the message ("PostgreSqlClientOptions.Timeout").</param>
    public HandshakeDeadline(TimeSpan limit, TimeProvider time, string option)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(option);
        if (limit <= TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "A deadline must be positive.");
        }

        Limit = limit;
        Option = option;
        _time = time;
        _start = time.GetTimestamp();
        _timer = new CancellationTokenSource(limit, time);
    }

    /// <summary>Gets the limit.</summary>
    public TimeSpan Limit { get; }

    /// <summary>Gets the option that sets it.</summary>
    public string Option { get; }

    /// <summary>Gets a token cancelled when the deadline passes.</summary>
    public CancellationToken Token => _timer.Token;

    /// <summary>Gets a value indicating whether the deadline has passed.</summary>
    public bool HasExpired => _timer.IsCancellationRequested;

    /// <summary>Gets what is left of the limit (never negative; <see cref="Timeout.InfiniteTimeSpan"/> for an infinite one).</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (Limit == Timeout.InfiniteTimeSpan)
            {
                return Timeout.InfiniteTimeSpan;
            }

            var left = Limit - _time.GetElapsedTime(_start);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Gets the shorter of <paramref name="limit"/> and <see cref="Remaining"/>: one wait's own limit within the whole phase's.</summary>
    /// <param name="limit">The wait's own limit.</param>
    /// <returns>The limit to apply.</returns>
    public TimeSpan Within(TimeSpan limit)
    {
        var remaining = Remaining;
        return remaining == Timeout.InfiniteTimeSpan || (limit != Timeout.InfiniteTimeSpan && limit < remaining) ? limit : remaining;
    }

    /// <summary>Creates the typed error for this deadline having passed.</summary>
    /// <param name="phase">What did not complete ("The PostgreSQL startup phase").</param>
    /// <param name="innerException">The cancellation it ended, if any.</param>
    /// <returns>An exception with <see cref="AuthErrorCode.Timeout"/> naming <see cref="Option"/>.</returns>
    public HandshakeException CreateTimeout(string phase, Exception? innerException = null) =>
        new(AuthErrorCode.Timeout, Describe(phase), innerException: innerException);

    /// <summary>A log-safe sentence saying the deadline passed.</summary>
    /// <param name="phase">What did not complete.</param>
    /// <returns>The sentence.</returns>
    public string Describe(string phase) =>
        string.Create(CultureInfo.InvariantCulture, $"{phase} did not complete within {Limit.TotalSeconds:0.###} s ({Option}).");

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
