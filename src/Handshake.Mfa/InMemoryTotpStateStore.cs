using System.Collections.Concurrent;

namespace Handshake.Mfa;

/// <summary>The default <see cref="ITotpStateStore"/>: thread-safe, in one process's memory (register it as a singleton).</summary>
public sealed class InMemoryTotpStateStore : ITotpStateStore
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<bool> IsLockedOutAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_entries.TryGetValue(key, out var entry))
        {
            return ValueTask.FromResult(false);
        }

        lock (entry.Gate)
        {
            return ValueTask.FromResult(entry.IsLocked(now));
        }
    }

    /// <inheritdoc />
    public ValueTask<TotpStepResult> TryAcceptStepAsync(string key, long timeStep, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var entry = _entries.GetOrAdd(key, static _ => new Entry());

        // Check and record under one lock: of any number of concurrent callers with the same step, exactly one wins.
        lock (entry.Gate)
        {
            if (entry.IsLocked(now))
            {
                return ValueTask.FromResult(TotpStepResult.LockedOut);
            }

            if (entry.LastAcceptedStep is { } last && timeStep <= last)
            {
                return ValueTask.FromResult(TotpStepResult.Replayed);
            }

            entry.LastAcceptedStep = timeStep;
            entry.Failures = 0;
            return ValueTask.FromResult(TotpStepResult.Accepted);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, TimeSpan lockoutDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFailures, 1);
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        lock (entry.Gate)
        {
            if (entry.IsLocked(now))
            {
                // Attempts during a lockout neither count nor extend it.
                return ValueTask.FromResult(true);
            }

            if (++entry.Failures >= maxFailures)
            {
                entry.Failures = 0;
                entry.LockedUntil = now + lockoutDuration;
                return ValueTask.FromResult(true);
            }

            return ValueTask.FromResult(false);
        }
    }

    private sealed class Entry
    {
        public Lock Gate { get; } = new();

        public long? LastAcceptedStep { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }

        public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && now < until;
    }
}
