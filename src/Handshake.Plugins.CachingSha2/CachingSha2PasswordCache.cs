using System.Security.Cryptography;
using System.Text;
using Handshake.Internal.Cryptography;

namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// The server's fast-auth cache: per user, <c>SHA256(SHA256(password))</c>, filled after a
/// successful full authentication (MySQL keeps the same in memory). Thread-safe, bounded, least
/// recently used entries evicted first; one instance per container (a singleton service).
/// </summary>
/// <remarks>
/// An entry is password-equivalent for the fast path, so it lives only in memory, is zeroed when
/// it leaves, and is tied to the stored credential it was derived under: when the user's stored
/// credential changes (a new password), the old entry no longer matches and full authentication
/// runs again, as MySQL flushes its cache on <c>ALTER USER</c>.
/// </remarks>
public sealed class CachingSha2PasswordCache : ICachingSha2PasswordCache
{
    private const int DigestLength = 32;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private long _lookups;

    /// <summary>Creates a cache.</summary>
    /// <param name="capacity">The most users it holds (at least 1).</param>
    public CachingSha2PasswordCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Gets the most users the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of users cached.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets how many fast-path lookups ran (what the timing-parity test counts).</summary>
    internal long Lookups => Interlocked.Read(ref _lookups);

    /// <summary>Forgets a user (call it when the user's password changes or the account is dropped).</summary>
    /// <param name="userName">The user.</param>
    /// <returns>Whether the user was cached.</returns>
    public bool Remove(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        lock (_gate)
        {
            if (!_entries.Remove(userName, out var node))
            {
                return false;
            }

            _recency.Remove(node);
            node.Value.Wipe();
            return true;
        }
    }

    /// <summary>Forgets every user (MySQL's <c>FLUSH PRIVILEGES</c>).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var entry in _recency)
            {
                entry.Wipe();
            }

            _entries.Clear();
            _recency.Clear();
        }
    }

    /// <summary>Copies the user's cached <c>SHA256(SHA256(pw))</c> into <paramref name="destination"/> when one exists for this stored credential.</summary>
    internal bool TryGet(string userName, string storedValue, Span<byte> destination)
    {
        _ = Interlocked.Increment(ref _lookups);
        Span<byte> fingerprint = stackalloc byte[DigestLength];
        Fingerprint(storedValue, fingerprint);
        lock (_gate)
        {
            if (!_entries.TryGetValue(userName, out var node) || !CryptographicOperations.FixedTimeEquals(node.Value.Fingerprint, fingerprint))
            {
                return false;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            node.Value.DoubleHash.CopyTo(destination);
            return true;
        }
    }

    /// <summary>Records the user's <c>SHA256(SHA256(pw))</c> after a successful full authentication.</summary>
    internal void Set(string userName, string storedValue, ReadOnlySpan<byte> doubleHash)
    {
        var entry = new Entry(userName, new byte[DigestLength], GC.AllocateArray<byte>(DigestLength, pinned: true));
        Fingerprint(storedValue, entry.Fingerprint);
        doubleHash.CopyTo(entry.DoubleHash);
        lock (_gate)
        {
            if (_entries.Remove(userName, out var old))
            {
                _recency.Remove(old);
                old.Value.Wipe();
            }

            while (_entries.Count >= Capacity && _recency.Last is { } last)
            {
                _recency.RemoveLast();
                _ = _entries.Remove(last.Value.UserName);
                last.Value.Wipe();
            }

            _entries[userName] = _recency.AddFirst(entry);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryGetAsync(string userName, string storedValue, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(storedValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, DigestLength, nameof(destination));
        return ValueTask.FromResult(TryGet(userName, storedValue, destination.Span));
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string userName, string storedValue, ReadOnlyMemory<byte> doubleHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(storedValue);
        if (doubleHash.Length != DigestLength)
        {
            throw new ArgumentException($"The digest must be {DigestLength} bytes.", nameof(doubleHash));
        }

        Set(userName, storedValue, doubleHash.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult(Remove(userName));

    /// <inheritdoc />
    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        Clear();
        return ValueTask.CompletedTask;
    }

    private static void Fingerprint(string storedValue, Span<byte> destination) =>
        Digest.Sha256.Hash(Encoding.UTF8.GetBytes(storedValue), destination);

    private sealed record Entry(string UserName, byte[] Fingerprint, byte[] DoubleHash)
    {
        public void Wipe() => CryptographicOperations.ZeroMemory(DoubleHash);
    }
}
