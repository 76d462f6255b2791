using System.Globalization;
using System.Security.Cryptography;

namespace Handshake.Plugins.Scram.Internal;

/// <summary>
/// A bounded, least-recently-used cache of derived SCRAM keys shared by every connection of a
/// container (a DI singleton), so a reconnect does no PBKDF2. It holds ClientKey and ServerKey only,
/// never the password or SaltedPassword, and is keyed by an HMAC of the password under a random key
/// that lives only in this process, with the salt, iteration count and hash (as MongoDB's drivers key theirs).
/// </summary>
internal sealed class ScramKeyCache : IDisposable
{
    private readonly byte[] _processKey = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _lock = new();
    private long _hits;
    private long _misses;

    public ScramKeyCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>Copies cached keys into the destinations when present.</summary>
    public bool TryGet(ScramHash hash, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations, Span<byte> clientKey, Span<byte> serverKey)
    {
        var key = MakeKey(hash, preparedPassword, salt, iterations);
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                node.Value.ClientKey.CopyTo(clientKey);
                node.Value.ServerKey.CopyTo(serverKey);
                _ = Interlocked.Increment(ref _hits);
                return true;
            }
        }

        _ = Interlocked.Increment(ref _misses);
        return false;
    }

    /// <summary>Stores copies of derived keys, evicting (and wiping) the least recently used entry when full.</summary>
    public void Add(ScramHash hash, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations, ReadOnlySpan<byte> clientKey, ReadOnlySpan<byte> serverKey)
    {
        var key = MakeKey(hash, preparedPassword, salt, iterations);
        var entry = new Entry(key, GC.AllocateArray<byte>(clientKey.Length, pinned: true), GC.AllocateArray<byte>(serverKey.Length, pinned: true));
        clientKey.CopyTo(entry.ClientKey);
        serverKey.CopyTo(entry.ServerKey);
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
                _ = _map.Remove(key);
                existing.Value.Wipe();
            }

            _map[key] = _order.AddFirst(entry);
            while (_map.Count > Capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _ = _map.Remove(last.Value.Key);
                last.Value.Wipe();
            }
        }
    }

    /// <summary>Wipes every entry.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _order)
            {
                entry.Wipe();
            }

            _order.Clear();
            _map.Clear();
            CryptographicOperations.ZeroMemory(_processKey);
        }
    }

    private string MakeKey(ScramHash hash, ReadOnlySpan<byte> preparedPassword, ReadOnlySpan<byte> salt, int iterations)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        _ = HMACSHA256.HashData(_processKey, preparedPassword, mac);
        var key = string.Create(
            CultureInfo.InvariantCulture,
            $"{hash.MechanismName}|{iterations}|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(mac)}");
        CryptographicOperations.ZeroMemory(mac);
        return key;
    }

    private sealed record Entry(string Key, byte[] ClientKey, byte[] ServerKey)
    {
        public void Wipe()
        {
            CryptographicOperations.ZeroMemory(ClientKey);
            CryptographicOperations.ZeroMemory(ServerKey);
        }
    }
}
