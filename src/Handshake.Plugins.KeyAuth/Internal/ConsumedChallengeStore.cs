using System.Collections.Concurrent;

namespace Handshake.Plugins.KeyAuth.Internal;

/// <summary>
/// Remembers consumed challenges until they expire, so a challenge is used once even if the random
/// source repeats or a response is replayed. Bounded: when full of unexpired entries it refuses
/// (fail closed) instead of forgetting.
/// </summary>
internal sealed class ConsumedChallengeStore(int capacity)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _consumed = new(StringComparer.Ordinal);
    private int _count;

    public enum Outcome
    {
        Consumed,
        Reused,
        Full,
    }

    public int Count => Volatile.Read(ref _count);

    public Outcome TryConsume(ReadOnlySpan<byte> challenge, DateTimeOffset expires, DateTimeOffset now)
    {
        if (Volatile.Read(ref _count) >= capacity)
        {
            Prune(now);
            if (Volatile.Read(ref _count) >= capacity)
            {
                return Outcome.Full;
            }
        }

        if (!_consumed.TryAdd(Convert.ToBase64String(challenge), expires))
        {
            return Outcome.Reused;
        }

        Interlocked.Increment(ref _count);
        return Outcome.Consumed;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var entry in _consumed)
        {
            if (entry.Value <= now && _consumed.TryRemove(entry.Key, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
