using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Handshake.Plugins.Resume;

/// <summary>The default <see cref="IResumeTokenCache"/>: process memory, thread-safe, lost on restart.</summary>
public sealed class InMemoryResumeTokenCache : IResumeTokenCache
{
    private readonly ConcurrentDictionary<(string Server, string User), byte[]> _tokens = new();

    /// <inheritdoc />
    public ResumeToken? Find(string serverIdentity, string userName)
    {
        ArgumentNullException.ThrowIfNull(serverIdentity);
        ArgumentNullException.ThrowIfNull(userName);
        return _tokens.TryGetValue((serverIdentity, userName), out var value) ? new ResumeToken(value) : null;
    }

    /// <inheritdoc />
    public void Store(string serverIdentity, string userName, ResumeToken token)
    {
        ArgumentNullException.ThrowIfNull(serverIdentity);
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(token);
        var copy = token.Value.ToArray();
        byte[]? replaced = null;
        _tokens.AddOrUpdate((serverIdentity, userName), copy, (_, old) =>
        {
            replaced = old;
            return copy;
        });
        if (replaced is not null && !ReferenceEquals(replaced, copy))
        {
            CryptographicOperations.ZeroMemory(replaced);
        }
    }

    /// <inheritdoc />
    public bool Remove(string serverIdentity, string userName, ResumeToken? expected = null)
    {
        ArgumentNullException.ThrowIfNull(serverIdentity);
        ArgumentNullException.ThrowIfNull(userName);
        var key = (serverIdentity, userName);
        if (!_tokens.TryGetValue(key, out var value)
            || (expected is not null && !CryptographicOperations.FixedTimeEquals(value, expected.Value.Span))
            || !_tokens.TryRemove(new KeyValuePair<(string, string), byte[]>(key, value)))
        {
            return false;
        }

        CryptographicOperations.ZeroMemory(value);
        return true;
    }
}
